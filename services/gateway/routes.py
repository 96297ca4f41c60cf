"""Every route of the gateway: the service it goes to, the action of the policy table it
needs, and the kind of object its scope is found from. A gateway path is the service's name
then the service's own path: /intake/cases/{case_id} is intake's /cases/{case_id}.

The kind "case" takes the case from {case_id} in the path, or from the form or risk flag the
path names; "site" from {site_id} in the path or "site_id" in the body; "enquiry" the
enquiry's site; "therapist" {therapist_id} or {staff_id}; "global" has no scope; "public"
needs no token (the client's form link, which authenticates by its one-time token)."""

from dataclasses import dataclass

from services.gateway.policy import ACTIONS, READS, Kind


@dataclass(frozen=True)
class Route:
    method: str
    service: str
    path: str  # the service's path
    action: str
    kind: Kind

    @property
    def gateway_path(self) -> str:
        return f"/{self.service}{self.path}"

    @property
    def shows_a_case(self) -> bool:
        """A read that shows case data (a digest proved against a text is one too): recorded
        as an access event."""
        return self.kind == "case" and self.action in READS


def _routes(service: str, spec: str) -> list[Route]:
    rows = (line.split() for line in spec.strip().splitlines())
    return [Route(method, service, path, action, kind) for method, path, action, kind in rows]  # type: ignore[arg-type]


ROUTES: list[Route] = [
    *_routes(
        "intake",
        """
POST /enquiries                                         enquiry.write   site
GET  /enquiries/{enquiry_id}                            enquiry.read    enquiry
GET  /sites/{site_id}/enquiries                         enquiry.read    site
POST /enquiries/{enquiry_id}/referral                   enquiry.write   enquiry
POST /enquiries/{enquiry_id}/closure                    enquiry.write   enquiry
POST /enquiries/{enquiry_id}/data-requests              enquiry.write   enquiry
POST /referrals                                         referral.write  site
POST /cases/{case_id}/assessment                        case.intake     case
POST /cases/{case_id}/assessment/outcome                case.intake     case
POST /cases/{case_id}/pause                             case.intake     case
POST /cases/{case_id}/resume                            case.intake     case
POST /cases/{case_id}/allocation                        case.intake     case
POST /cases/{case_id}/reallocation                      case.intake     case
POST /cases/{case_id}/consents                          case.intake     case
POST /cases/{case_id}/consents/{consent_id}/withdrawal  case.intake     case
POST /cases/{case_id}/data-requests                     case.intake     case
POST /cases/{case_id}/client-details/corrections        case.intake     case
POST /cases/{case_id}/data-requests/{request_id}/decision data_request.decide case
POST /cases/{case_id}/data-requests/{request_id}/export   data_request.decide case
GET  /cases/{case_id}/data-requests/{request_id}        case.read       case
POST /cases/{case_id}/first-treatment                   case.clinical   case
POST /cases/{case_id}/ipaf                              case.clinical   case
POST /cases/{case_id}/goodbye-letter                    case.clinical   case
POST /cases/{case_id}/discharge                         case.clinical   case
GET  /cases                                             gateway.lookup  global
GET  /cases/{case_id}                                   case.read       case
GET  /cases/{case_id}/timeline                          case.read       case
POST /cases/{case_id}/digest-proofs                     case.read       case
GET  /sites/{site_id}/waiting-list                      waiting_list.read site
GET  /sites/{site_id}/waiting-standards                 waiting_list.read site
GET  /sites/{site_id}/search                            case.read       site
GET  /therapists/{therapist_id}/caseload                caseload.read   therapist
POST /templates/{kind}/versions                         template.manage global
GET  /templates/{kind}                                  template.read   global
""",
    ),
    *_routes(
        "scheduling",
        """
GET  /cases/{case_id}/course                                        course.read  case
POST /cases/{case_id}/course/plan                                   course.write case
POST /cases/{case_id}/course/replan                                 course.write case
POST /cases/{case_id}/course/breaks                                 course.write case
POST /cases/{case_id}/course/sessions/{session_id}/attendance       course.write case
POST /cases/{case_id}/course/sessions/{session_id}/cancellation     course.write case
POST /cases/{case_id}/course/sessions/{session_id}/rebooking        course.write case
POST /cases/{case_id}/course/decision                               course.decide case
POST /cases/{case_id}/course/backdated-plan                         course.backdate case
POST /sites                                                         site.manage  global
GET  /sites/{site_id}                                               site.read    site
POST /sites/{site_id}/rooms                                         site.manage  site
POST /sites/{site_id}/closures                                      site.manage  site
GET  /sites/{site_id}/day                                           site.read    site
GET  /sites/{site_id}/rooms/{room_id}/day                           site.read    site
GET  /therapists/{therapist_id}/week                                diary.read   therapist
GET  /therapists/{therapist_id}/calendar.ics                        diary.read   therapist
""",
    ),
    *_routes(
        "forms",
        """
GET  /forms/{form_id}                           forms.read         case
GET  /forms/{form_id}/link                      forms.read         case
POST /forms/{form_id}/link                      forms.write        case
POST /forms/{form_id}/responses                 forms.write        case
GET  /forms/{form_id}/fhir                      forms.read         case
GET  /cases/{case_id}/forms                     forms.read         case
GET  /forms                                     gateway.lookup     global
GET  /questionnaires                            questionnaire.read global
GET  /questionnaires/{key}/{version}            questionnaire.read global
GET  /sites/{site_id}/risk-flags                risk.read          site
GET  /cases/{case_id}/risk-flags                risk.read          case
GET  /risk-flags/{flag_id}                      risk.read          case
POST /risk-flags/{flag_id}/acknowledgement      risk.acknowledge   case
PUT  /sites/{site_id}/duty-clinician            duty.assign        site
GET  /sites/{site_id}/duty-clinician            risk.read          site
GET  /duty-clinicians/{staff_id}/escalations    escalations.read   therapist
POST /cases/{case_id}/risk-assessments          risk.assess        case
GET  /cases/{case_id}/risk-assessments          risk.read          case
GET  /cases/{case_id}/outcomes                  forms.read         case
GET  /cases/{case_id}/outcomes/chart.svg        forms.read         case
GET  /sites/{site_id}/outcomes                  reports.read       site
GET  /sites/{site_id}/feedback                  reports.read       site
GET  /f/{token}                                 -                  public
POST /f/{token}                                 -                  public
POST /f/{token}/response                        -                  public
""",
    ),
    *_routes(
        "audit",
        """
GET  /ledger/entries                    ledger.read  global
GET  /ledger/entries/{event_id}         ledger.read  global
POST /checkpoints                       ledger.write global
GET  /checkpoints                       ledger.read  global
GET  /checkpoint                        ledger.read  global
GET  /checkpoints/latest                ledger.read  global
GET  /checkpoints/public-key            ledger.read  global
GET  /checkpoints/{checkpoint_id}       ledger.read  global
GET  /proofs/inclusion                  ledger.read  global
GET  /proofs/consistency                ledger.read  global
GET  /proofs/consistency/sizes          ledger.read  global
GET  /cases/{case_id}/history           ledger.read  case
GET  /cases/{case_id}/bundle            ledger.read  case
GET  /ledger/bundle                     ledger.read  global
GET  /ledger/bundle/entries             ledger.read  global
GET  /reconciliation                    ledger.read  global
POST /reconciliation                    ledger.write global
""",
    ),
]


def check(routes: list[Route]) -> None:
    """Every route's action is in the policy table: a route cannot be left out of it."""
    for route in routes:
        if route.kind != "public" and route.action not in ACTIONS:
            where = f"{route.method} {route.gateway_path}"
            raise ValueError(f"{where}: {route.action!r} is not an action of the policy table")
