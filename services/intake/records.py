"""Commands on a case's therapy record (consents, the IPAF, the goodbye letter) and on the
versioned consent templates it refers to. Get, mutate, save."""

from datetime import date, datetime
from uuid import UUID, uuid4

from services.intake.commands import Commands
from services.intake.consent import SignedConsent
from services.intake.domain import Case
from services.intake.errors import UnknownTemplateVersion
from services.intake.templates import DocumentTemplate, TemplateVersion, template_id
from shared.envelope import Meta
from shared.eventstore import AggregateNotFound


class TherapyRecordCommands(Commands):
    async def record_consent(
        self,
        case_id: UUID,
        *,
        document: str,
        template_version: int,
        signed_by: str,
        signatory_name: str | None,
        witnessed_by: str,
        method: str,
        signed_at: datetime,
        meta: Meta,
    ) -> tuple[Case, UUID]:
        case = await self._get(Case, case_id)
        template = await self.template_version(document, template_version)
        signed = SignedConsent(
            document=document,
            template_version=template.version,
            template_sha256=template.text_sha256,
            signed_by=signed_by,
            signatory_name=signatory_name,
            witnessed_by=witnessed_by,
            method=method,
            signed_at=signed_at,
        )
        consent_id = uuid4()
        m = self._meta(meta, case.id, case.site_id)
        case.record_consent(consent_id=consent_id, signed=signed, meta=m)
        await self._save(case)
        return case, consent_id

    async def withdraw_consent(
        self, case_id: UUID, consent_id: UUID, *, withdrawn_on: date, reason: str, meta: Meta
    ) -> tuple[Case, list[str]]:
        case = await self._get(Case, case_id)
        stops = case.withdraw_consent(
            consent_id=consent_id,
            withdrawn_on=withdrawn_on,
            reason=reason,
            reason_digest=self.digests.of(case.id, reason),
            meta=self._meta(meta, case.id, case.site_id),
        )
        await self._save(case)
        return case, stops

    async def record_ipaf(
        self, case_id: UUID, *, parts: dict[str, str], agreed_on: date, meta: Meta
    ) -> tuple[Case, int]:
        case = await self._get(Case, case_id)
        m = self._meta(meta, case.id, case.site_id)
        revision = case.record_ipaf(parts=parts, agreed_on=agreed_on, meta=m)
        await self._save(case)
        return case, revision

    async def write_goodbye_letter(
        self, case_id: UUID, *, text: str, letter_date: date, meta: Meta
    ) -> tuple[Case, int]:
        case = await self._get(Case, case_id)
        m = self._meta(meta, case.id, case.site_id)
        revision = case.write_goodbye_letter(text=text, letter_date=letter_date, meta=m)
        await self._save(case)
        return case, revision

    async def publish_template(
        self, kind: str, *, title: str, text: str, meta: Meta
    ) -> TemplateVersion:
        m = self._meta(meta, None, None)
        try:
            template = await self._get(DocumentTemplate, template_id(kind))
        except AggregateNotFound:
            template = DocumentTemplate.create(kind, meta=m)
        version = template.publish(title=title, text=text, meta=m)
        await self._save(template)
        return version

    async def template_version(self, kind: str, version: int) -> TemplateVersion:
        try:
            template = await self._get(DocumentTemplate, template_id(kind))
        except AggregateNotFound:
            raise UnknownTemplateVersion("template_version", f"no {kind} is published") from None
        return template.published_version(version)
