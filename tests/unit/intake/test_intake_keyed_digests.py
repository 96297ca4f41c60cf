"""Short free text reaches Kafka as a keyed digest (HMAC-SHA-256 under intake's key, per
case): the same reason in two cases gives two digests, nobody without the key can find the
reason by trying likely ones, and intake can prove a reason against its digest."""

import hashlib
from datetime import date, timedelta
from uuid import uuid4

from services.intake import SERVICE
from services.intake.application import ClientDetails
from services.intake.digests import KeyedDigests
from services.intake.domain import Case
from shared.envelope import Envelope, Meta
from tests.unit.intake.fakes import InMemoryIntake

REASON = "moved house"
TODAY = date(2026, 3, 2)
META = Meta.model_validate(
    {"actor": {"id": "staff-1", "role": "intake_worker"}, "correlation_id": str(uuid4())}
)


async def paused_case(intake: InMemoryIntake) -> tuple[Case, dict]:
    case = await intake.receive_referral(
        referral_source="gp",
        referral_date=TODAY - timedelta(days=10),
        site_id="north",
        client=ClientDetails(name="Test Client"),
        meta=META,
    )
    case = await intake.pause_waiting(case.id, paused_from=TODAY, reason=REASON, meta=META)
    [envelope] = [
        Envelope.of(SERVICE, e).model_dump(mode="json")
        for e in intake.events[case.id]
        if type(e).__name__ == "PauseStarted"
    ]
    return case, envelope["data"]["reason_digest"]


async def test_the_same_reason_in_two_cases_gives_two_digests_neither_a_bare_sha256():
    intake = InMemoryIntake()
    (_, first), (_, second) = await paused_case(intake), await paused_case(intake)
    assert first["hex"] != second["hex"]
    assert hashlib.sha256(REASON.encode()).hexdigest() not in (first["hex"], second["hex"])
    assert first["alg"] == "hmac-sha256" and first["key_id"] == intake.digests.key_id


async def test_intake_proves_the_reason_against_its_digest_and_nothing_else():
    intake = InMemoryIntake()
    (case, digest), (other, _) = await paused_case(intake), await paused_case(intake)
    assert intake.digests.proves(case.id, REASON, digest)
    assert not intake.digests.proves(case.id, "moved home", digest)
    assert not intake.digests.proves(other.id, REASON, digest)  # a digest is its case's own


def test_another_key_neither_makes_nor_proves_the_digest():
    case_id, ours, theirs = uuid4(), KeyedDigests.from_base64(None), KeyedDigests(b"k" * 32)
    digest = ours.of(case_id, REASON)
    assert theirs.of(case_id, REASON)["hex"] != digest["hex"]
    assert ours.key_id != theirs.key_id and not theirs.proves(case_id, REASON, digest)


def test_an_event_recorded_with_a_bare_sha256_reads_back_naming_it_as_such():
    state = {"paused_from": TODAY, "reason": REASON, "reason_sha256": "ab" * 32}
    Case.PauseStarted.upcast_v1_v2(state)  # type: ignore[attr-defined]
    assert state["reason_digest"] == {"alg": "sha256", "key_id": None, "hex": "ab" * 32}
    assert "reason_sha256" not in state
