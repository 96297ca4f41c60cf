"""The forms application: every command of the service, over the shared event store.

By responsibility: issuing forms and links (issuing.py), taking responses and raising flags
(responding.py), acknowledging flags and the therapist's risk assessment (risk.py). Every
command is get, mutate, save. Queries are in queries.py."""

from services.forms.commands import FORMS_NAMESPACE, form_id_for, link_digest, now_utc
from services.forms.issuing import IssuingCommands
from services.forms.responding import ResponseCommands
from services.forms.risk import RiskCommands

__all__ = ["FORMS_NAMESPACE", "FormsApplication", "form_id_for", "link_digest", "now_utc"]


class FormsApplication(IssuingCommands, ResponseCommands, RiskCommands):
    """Every command of the forms service."""
