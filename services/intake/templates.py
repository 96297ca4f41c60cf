"""Versioned document templates for consent: the therapy contract, the confidentiality
agreement, the consent to audio recording. Pure domain.

One aggregate per kind of document, its id derived from the kind, so a consent can name
(kind, version) and the template is found without a lookup table. Every version keeps its
title, text and the text's SHA-256; versions are never changed, only added.
"""

from dataclasses import dataclass
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from services.intake import errors
from services.intake.codes import sha256_hex


@dataclass(frozen=True)
class TemplateVersion:
    kind: str
    version: int
    title: str
    text: str
    text_sha256: str


def template_id(kind: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"urn:rapport:intake:document-template:{kind}")


class DocumentTemplate(Aggregate):
    @event("TemplateCreated")
    def __init__(self, *, id: UUID, kind: str, meta: dict[str, Any]):
        self.kind = kind
        self.versions: list[TemplateVersion] = []

    @classmethod
    def create(cls, kind: str, meta: dict[str, Any]) -> "DocumentTemplate":
        return cls(id=template_id(kind), kind=kind, meta=meta)

    def publish(self, *, title: str, text: str, meta: dict) -> TemplateVersion:
        self._version_published(
            kind=self.kind,
            version=len(self.versions) + 1,
            title=title,
            text=text,
            text_sha256=sha256_hex(text),
            meta=meta,
        )
        return self.versions[-1]

    @event("TemplateVersionPublished")
    def _version_published(
        self, kind: str, version: int, title: str, text: str, text_sha256: str, meta: dict
    ) -> None:
        self.versions.append(TemplateVersion(kind, version, title, text, text_sha256))

    def published_version(self, number: int) -> TemplateVersion:
        if not 1 <= number <= len(self.versions):
            raise errors.UnknownTemplateVersion(
                "template_version", f"{self.kind} has versions 1 to {len(self.versions)}"
            )
        return self.versions[number - 1]
