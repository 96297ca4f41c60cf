"""A subject access export (UK GDPR Art. 15): when an access request is granted, the
person's whole record as intake holds it, machine-readable (JSON: a FHIR R4 Bundle of the
Patient, the EpisodeOfCare and each Consent, validated by fhir.resources, and every stored
event of the case, its enquiry and its data requests, decrypted) and readable (HTML). Each
export is recorded on the request as an event with the export's SHA-256."""

import hashlib
import json
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from fastapi.encoders import jsonable_encoder
from fhir.resources.R4B.bundle import Bundle

from services.intake import clock, fhir
from services.intake.commands import Commands
from services.intake.data_requests import DataSubjectRequest
from services.intake.domain import Case
from services.intake.enquiry import Enquiry
from shared.envelope import Meta
from shared.eventstore import AggregateNotFound

HIDDEN = {"originator_id", "originator_version", "timestamp", "meta"}  # shown apart, or ours


class SubjectAccessCommands(Commands):
    async def export_subject_access(
        self, case_id: UUID, request_id: UUID, *, meta: Meta
    ) -> tuple[DataSubjectRequest, dict[str, Any]]:
        request = await self._get(DataSubjectRequest, request_id)
        if request.case_id != case_id:
            raise AggregateNotFound(request_id)
        aggregates, events = await self._everything_of(case_id, request_id)
        export = {
            "request_id": str(request_id),
            "case_id": str(case_id),
            "produced_on": clock.today().isoformat(),
            "fhir": _bundle(case_id, aggregates),
            "events": [_event(e) for e in events],
        }
        export = jsonable_encoder(export)
        digest = hashlib.sha256(canonical(export)).hexdigest()
        m = self._meta(meta, case_id, request.site_id)
        request.record_export(export_sha256=digest, exported_on=clock.today(), meta=m)
        await self._save(request)
        return request, export | {"export_sha256": digest}

    async def _everything_of(self, case_id: UUID, request_id: UUID) -> tuple[list, list]:
        """The case's aggregates (the case, its enquiry, its data requests) and all their
        events, oldest first."""
        ids = {case_id, request_id}
        if self.search is not None:
            ids |= set(await self.search.members_of(self.store.pool, case_id))
        aggregates, events = [], []
        for aggregate_id in ids:
            try:
                aggregates.append(await self._get(Aggregate, aggregate_id))
            except AggregateNotFound:
                continue
            events += await self._events_of(aggregate_id)
        return aggregates, sorted(events, key=lambda e: e.timestamp)


def canonical(export: dict[str, Any]) -> bytes:
    return json.dumps(export, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _bundle(case_id: UUID, aggregates: list[Any]) -> dict[str, Any]:
    case = next((a for a in aggregates if isinstance(a, Case)), None)
    enquiry = next((a for a in aggregates if isinstance(a, Enquiry)), None)
    details = {**(enquiry.contact if enquiry else {}), **(case.client if case else {})}
    resources = [fhir.patient(str(case_id), details)]
    if case is not None:
        resources.append(fhir.episode_of_care(case))
        resources += [fhir.consent(case, c) for c in case.consents.values()]
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": r} for r in resources]}  # fmt: skip
    return Bundle.model_validate(bundle).model_dump(mode="json", exclude_none=True)


def _event(event: Any) -> dict[str, Any]:
    data = {k: v for k, v in vars(event).items() if k not in HIDDEN}
    return {
        "type": type(event).__name__,
        "aggregate_id": event.originator_id,
        "version": event.originator_version,
        "recorded_at": event.timestamp,
        "recorded_by": event.meta["actor"]["id"] if hasattr(event, "meta") else None,
        "data": data,
    }
