"""Short free text reaches Kafka as a keyed digest (HMAC-SHA-256 under intake's key, per
case): the same reason in two cases gives two digests, nobody without the key can find the
reason by trying likely ones, and intake can prove a reason against its digest."""

import hashlib
from dataclasses import replace
from datetime import date, timedelta
from uuid import uuid4

from eventsourcing.application import project_aggregate
from eventsourcing.persistence import Mapper, StoredEvent

from services.intake import SERVICE
from services.intake.application import ClientDetails
from services.intake.digests import KeyedDigests
from services.intake.domain import Case
from shared.envelope import Envelope, Meta
from shared.mapping import build_mapper
from tests.unit.intake.fakes import InMemoryIntake
from tests.unit.intake.journey import run_every_command

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


async def test_a_case_recorded_before_keyed_digests_reads_back_naming_its_bare_sha256():
    """Through the store's own mapper: the three events with a reason are stored as version
    2, and one stored as version 1 (a bare SHA-256) or unstamped in the new shape (the first
    keyed build) still rebuilds its case."""
    intake, mapper = InMemoryIntake(), build_mapper(None)
    case_id = await run_every_command(intake)
    stored = [mapper.to_stored_event(e) for e in intake.events[case_id]]
    changed = [s for s in stored if s.topic.rsplit(".", 1)[1] in KEYED]
    assert sorted(s.topic.rsplit(".", 1)[1] for s in changed) == sorted(KEYED)
    assert all(mapper.transcoder.decode(s.state)["class_version"] == 2 for s in changed)

    for old_shape in (as_version_1, unstamped):
        rows = [replace(s, state=old_shape(mapper, s)) if s in changed else s for s in stored]
        events = [mapper.to_domain_event(row) for row in rows]
        case, original = (project_aggregate(None, e) for e in (events, intake.events[case_id]))
        assert (case.version, case.status) == (original.version, original.status)
        for event in events:
            if type(event).__name__ in KEYED:
                assert event.reason_digest["alg"] == (
                    "sha256" if old_shape is as_version_1 else "hmac-sha256"
                )


KEYED = ("PauseStarted", "TherapistReallocated", "ConsentWithdrawn")


def as_version_1(mapper: Mapper, stored: StoredEvent) -> bytes:
    state = mapper.transcoder.decode(stored.state)
    del state["class_version"]
    state["reason_sha256"] = state.pop("reason_digest")["hex"]
    return mapper.transcoder.encode(state)


def unstamped(mapper: Mapper, stored: StoredEvent) -> bytes:
    state = mapper.transcoder.decode(stored.state)
    del state["class_version"]
    return mapper.transcoder.encode(state)
