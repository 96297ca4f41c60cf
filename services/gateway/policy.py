"""The one policy table: which role may do which action, and on what scope. Every route of
the gateway names its action and the kind of object it acts on (routes.py); a route whose
action is not in the table cannot be built (the gateway refuses to start).

Scope rules: "any" (everything), "site" (objects of the caller's sites), "own" (cases
allocated to the caller; their own diary and caseload). A read of a case outside one's scope
is allowed as break-glass when a reason is given, and flagged (an access event)."""

from dataclasses import dataclass
from typing import Literal

Rule = Literal["any", "site", "own"]
Kind = Literal["case", "site", "therapist", "enquiry", "global", "public"]

READS = {
    "case.read": "a case's record and timeline",
    "enquiry.read": "an enquiry",
    "waiting_list.read": "a site's waiting list",
    "caseload.read": "a therapist's caseload",
    "template.read": "consent document templates",
    "course.read": "a case's course of sessions",
    "site.read": "a site, its rooms and its day",
    "diary.read": "a therapist's week and calendar",
    "forms.read": "a case's forms, scores and outcomes",
    "risk.read": "risk flags and risk assessments",
    "escalations.read": "the open escalations named to a duty clinician (their own)",
    "questionnaire.read": "the questionnaires",
    "reports.read": "a site's outcome and feedback reports",
    "ledger.read": "the audit ledger, proofs, replays and bundles",
    "access.read": "the break-glass reads of a site",
}
WRITES = {
    "enquiry.write": "record and close enquiries, refer them",
    "referral.write": "record a referral",
    "case.intake": "assessment, waiting list, allocation, consents, data requests",
    "case.clinical": "first treatment, IPAF, goodbye letter, discharge",
    "data_request.decide": "decide a data-subject request",
    "template.manage": "new versions of consent document templates",
    "course.write": "plan, replan, breaks, attendance, cancellations, rebooking",
    "course.decide": "decide on a course at risk",
    "course.backdate": "enter a course held before the site went live (its first date past)",
    "site.manage": "sites, rooms and closures",
    "forms.write": "issue form links, enter responses",
    "risk.acknowledge": "acknowledge a risk flag",
    "risk.assess": "record a risk assessment",
    "duty.assign": "name a site's duty clinician, to whom high risk escalates",
    "ledger.write": "sign a checkpoint now, run a reconciliation",
}
# The gateway's own reads of many cases at once, for its composed views (which decide each
# case's parts by this table and record each case shown): no role holds it.
INTERNAL = {"gateway.lookup": "the gateway's own reads of many cases at once (no staff role)"}
ACTIONS = {**READS, **WRITES, **INTERNAL}
_ANY_READ = {action: "any" for action in READS}
_CASE_READS = ("case.read", "course.read", "forms.read", "risk.read")
_DIRECTORY = {"template.read": "any", "questionnaire.read": "any", "diary.read": "any",
              "caseload.read": "any"}  # fmt: skip

# role -> action -> rule. What is not here is refused.
TABLE: dict[str, dict[str, Rule]] = {
    "intake_worker": {
        "enquiry.read": "site",
        "enquiry.write": "site",
        "referral.write": "site",
        "case.read": "site",
        "case.intake": "site",
        "waiting_list.read": "site",
        "site.read": "site",
        **_DIRECTORY,  # type: ignore[dict-item]
    },
    "therapist": {
        **{action: "own" for action in _CASE_READS},
        "case.clinical": "own",
        "course.write": "own",
        "forms.write": "own",
        "risk.acknowledge": "own",
        "risk.assess": "own",
        "escalations.read": "own",
        "diary.read": "own",
        "caseload.read": "own",
        "template.read": "any",
        "questionnaire.read": "any",
    },
    "supervisor": {
        **{action: "site" for action in _CASE_READS},
        "case.clinical": "site",
        "course.decide": "site",
        "risk.acknowledge": "site",
        "risk.assess": "site",
        "escalations.read": "own",
        "duty.assign": "site",
        "waiting_list.read": "site",
        "reports.read": "site",
        "site.read": "site",
        **_DIRECTORY,  # type: ignore[dict-item]
    },
    "site_manager": {
        **{action: "site" for action in _CASE_READS},
        "course.write": "site",
        "course.backdate": "site",
        "escalations.read": "own",
        "duty.assign": "site",
        "waiting_list.read": "site",
        "reports.read": "site",
        "site.read": "site",
        "access.read": "site",
        "data_request.decide": "site",
        **_DIRECTORY,  # type: ignore[dict-item]
    },
    "auditor": dict(_ANY_READ),  # type: ignore[arg-type]
    "admin": {
        "site.manage": "any",
        "site.read": "any",
        "template.manage": "any",
        "template.read": "any",
        "questionnaire.read": "any",
    },
}
ROLES = tuple(TABLE)


@dataclass(frozen=True)
class Scope:
    """What the route acts on, as the gateway found it: the case's site and allocated
    therapist, a site, or a therapist. None where the kind has no such part."""

    kind: Kind
    site_id: str | None = None
    therapist_id: str | None = None
    case_id: str | None = None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    role: str | None = None  # the role that allows it (the actor's role in events)
    break_glass: bool = False
    missing: str = ""  # why not: the permission the caller lacks


def decide(action: str, roles: tuple[str, ...], subject: str, sites: tuple[str, ...],
           scope: Scope, reason: str | None = None) -> Decision:  # fmt: skip
    if scope.kind == "public":
        return Decision(True, role="client")
    held = [(role, TABLE[role][action]) for role in roles if action in TABLE.get(role, {})]
    for role, rule in held:
        if _in_scope(rule, subject, sites, scope):
            return Decision(True, role=role)
    if held and reason and action in READS and scope.kind == "case":
        return Decision(True, role=held[0][0], break_glass=True)
    if not held:
        return Decision(False, missing=f"{action} ({ACTIONS[action]})")
    rules = ", ".join(f"{role}: {rule}" for role, rule in held)
    return Decision(False, missing=f"{action} on this {scope.kind} (your scope: {rules})")


def _in_scope(rule: Rule, subject: str, sites: tuple[str, ...], scope: Scope) -> bool:
    if rule == "any" or scope.kind == "global":
        return True
    if scope.kind == "therapist":  # no staff directory: a site role sees any therapist's
        return rule == "site" or scope.therapist_id == subject
    if rule == "own":
        return scope.kind == "case" and scope.therapist_id == subject
    return scope.site_id is not None and scope.site_id in sites
