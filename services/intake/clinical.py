"""The clinical documents of a case: the agreed interpersonal affective focus (IPAF), every
revision kept with who and when, and the goodbye letter of the ending phase. Pure domain; a
base class of Case (domain.py). The texts stay in the events (encrypted at rest); the
contracts carry only their SHA-256 digests.
"""

from datetime import date
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate, event

from services.intake import errors
from services.intake.codes import IPAF_PARTS, digest_of_parts, sha256_hex
from services.intake.stages import ACTIVE, not_before, require


class ClinicalRecord(Aggregate):
    if TYPE_CHECKING:  # attributes that Case sets
        status: str

        @property
        def state(self) -> str: ...  # a property of Case

        first_treatment_on: date | None
        allocations: list[dict[str, Any]]
        ipaf: list[dict[str, Any]]
        letters: list[dict[str, Any]]

    def record_ipaf(self, *, parts: dict[str, str], agreed_on: date, meta: dict) -> int:
        """Agree (or revise) the IPAF's four parts; returns the revision number."""
        require(self.status, self.state, "record the IPAF", (ACTIVE,))
        not_before("agreed_on", agreed_on, self.allocations[0]["on"], "ipaf_after_allocation",
                   "the allocation")  # fmt: skip
        if set(parts) != set(IPAF_PARTS):
            raise errors.InvalidInput("parts", f"needs exactly {', '.join(IPAF_PARTS)}")
        revision = len(self.ipaf) + 1
        self._ipaf_recorded(
            revision=revision,
            **parts,
            agreed_on=agreed_on,
            ipaf_sha256=digest_of_parts(parts),
            meta=meta,
        )
        return revision

    @event("IpafRecorded")
    def _ipaf_recorded(
        self,
        revision: int,
        self_representation: str,
        other_representation: str,
        affect: str,
        defensive_function: str,
        agreed_on: date,
        ipaf_sha256: str,
        meta: dict,
    ) -> None:
        texts = (self_representation, other_representation, affect, defensive_function)
        self.ipaf.append(
            {
                "revision": revision,
                "parts": dict(zip(IPAF_PARTS, texts, strict=True)),
                "agreed_on": agreed_on,
                "recorded_by": meta["actor"]["id"],
                "ipaf_sha256": ipaf_sha256,
            }
        )

    def write_goodbye_letter(self, *, text: str, letter_date: date, meta: dict) -> int:
        """Write (or rewrite) the goodbye letter; returns its revision number."""
        action = "write the goodbye letter"
        require(self.status, self.state, action, (ACTIVE,))
        if self.first_treatment_on is None:
            raise errors.TreatmentNotStarted(action, self.state, why="no treatment session yet")
        not_before("letter_date", letter_date, self.first_treatment_on,
                   "letter_after_first_treatment", "the first treatment session")  # fmt: skip
        revision = len(self.letters) + 1
        self._goodbye_letter_written(
            revision=revision,
            text=text,
            letter_sha256=sha256_hex(text),
            letter_date=letter_date,
            meta=meta,
        )
        return revision

    @event("GoodbyeLetterWritten")
    def _goodbye_letter_written(
        self, revision: int, text: str, letter_sha256: str, letter_date: date, meta: dict
    ) -> None:
        self.letters.append(
            {
                "revision": revision,
                "text": text,
                "letter_date": letter_date,
                "letter_sha256": letter_sha256,
                "written_by": meta["actor"]["id"],
            }
        )
