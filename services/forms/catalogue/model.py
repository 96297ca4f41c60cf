"""Questionnaires as data: items with link ids, text, answer options with scores, required
flags (the shape of a FHIR R4 Questionnaire; fhir.py writes that JSON). Pure.

A published version is frozen: a change is a new version, and every response names the
version it answered (tests pin the digest of each published version)."""

from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Option:
    code: str
    display: str
    score: int | None  # None: "not applicable", counts in no total


@dataclass(frozen=True)
class Item:
    link_id: str
    text: str
    options: tuple[Option, ...] = ()  # empty: a free-text item
    required: bool = True
    max_length: int = 2000

    @property
    def is_text(self) -> bool:
        return not self.options

    def option(self, code: str) -> Option | None:
        return self._options.get(code)

    @cached_property
    def _options(self) -> dict[str, Option]:  # every submission looks each answer up
        return {o.code: o for o in self.options}


@dataclass(frozen=True)
class Questionnaire:
    key: str  # phq9, gad7, risk, wsas, peq
    version: int
    title: str
    items: tuple[Item, ...]
    instructions: str = ""

    @property
    def ref(self) -> str:
        """`key|version`, as a FHIR canonical reference ends."""
        return f"{self.key}|{self.version}"

    def item(self, link_id: str) -> Item | None:
        return self._items.get(link_id)

    @cached_property
    def _items(self) -> dict[str, Item]:
        return {i.link_id: i for i in self.items}


def scale(*labels: str, start: int = 0) -> tuple[Option, ...]:
    """Options scored start, start+1, ... in the order given."""
    return tuple(Option(str(n), label, n) for n, label in enumerate(labels, start))


YES_NO = (Option("yes", "Yes", 1), Option("no", "No", 0))
