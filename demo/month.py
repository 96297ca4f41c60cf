"""One site's month, as its staff and clients live it, at speed: enquiries and referrals
dated over the past month, assessments, the waiting list, allocations, courses planned from
next week, the contract and confidentiality agreement signed, the first pre-session forms
answered through the clients' links (one raising a risk flag the duty clinician
acknowledges), a planned break, a cancellation rebooked, and a client who declines the
course; then the two courses the site brought from before it went live (history.py): one
completed with feedback, one ended early after two did-not-attends.

Every request goes through the gateway with a demo user's token. Staff roles: the intake
worker, the therapist (the site's one demo therapist), the supervisor (the duty clinician),
the site manager (the back-dated courses), the admin (templates), the auditor. Ids of this
run are random, so runs can follow each other.
"""

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

from demo.forms import answered, risk_acknowledged
from demo.gateway import Gateway, Progress, Refused
from demo.history import (
    CARRIED_OVER,
    carried_over,
    completed,
    consented,
    feedback_and_discharge,
    stopped_coming,
)
from demo.planning import Diary, cancellation, course_planned, planned_break
from demo.sitetime import site_today

NAMES = ("Ada Example", "Ben Sample", "Cara Test", "Dev Placeholder", "Eve Specimen",
         "Finn Mock", "Gus Dummy", "Hana Pattern")  # fmt: skip
ALLOCATED, UNSUITABLE, UNASSESSED = 4, 5, 7  # clients 0-3 start a course
STEPS = len(NAMES) + 7 + 1 + ALLOCATED * 4 + 1 + 1 + 1 + 1 + 1 + 2 * 2 + 3


@dataclass
class Month:
    gateway: Gateway
    today: date = field(default_factory=site_today)
    run: str = field(default_factory=lambda: uuid4().hex[:6])
    cases: list[str] = field(default_factory=list)
    courses: dict[str, dict[str, Any]] = field(default_factory=dict)
    did: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)  # cases of courses from before go-live

    def __post_init__(self) -> None:
        self.diary = Diary(self)

    def day(self, n: int) -> str:
        """Day n of the month (day 0 is 30 days ago)."""
        return (self.today - timedelta(days=30 - n)).isoformat()

    async def drive(self) -> None:
        # The auditor keeps the ledger's latest checkpoint before the month: afterwards the
        # ledger must prove it grew from it, not rewritten (none yet on a fresh machine).
        kept = await self.gateway.call("auditor", "GET", "/audit/checkpoints/latest", ok=(200, 404))
        self.kept = kept if isinstance(kept, dict) and kept.get("tree_size") else None
        site = self.gateway.site  # registered once per machine: 409 when it is already there
        named = {"site_id": site, "name": site.capitalize()}
        await self.gateway.call("admin", "POST", "/scheduling/sites", named, ok=(201, 409))
        self.progress = Progress(STEPS)
        for i, name in enumerate(NAMES):
            await self.step(f"referral of client {i + 1}", self.referred(i, name))
        for i in range(UNASSESSED):
            await self.step(f"assessment of client {i + 1}", self.assessed(i))
        await self.step("the waiting list", self.waiting_list())
        await self.start_courses()
        await self.step("risk flag acknowledged", risk_acknowledged(self, self.cases[1]))
        await self.step("a planned break", planned_break(self, self.cases[2]))
        await self.step("a cancellation rebooked", cancellation(self, self.cases[0]))
        await self.step("a client declines the course", self.ends_early(self.cases[3]))
        await self.carried_over()

    async def carried_over(self) -> None:
        for i in range(len(CARRIED_OVER)):
            await self.step(f"course from before go-live {i + 1}", carried_over(self, i))
        for case_id in self.history:
            await self.step("its consents, signed on paper", consented(self, case_id))
        done, early = self.history
        await self.step("16 sessions held, course completed", completed(self, done))
        await self.step("feedback and discharge (46)", feedback_and_discharge(self, done))
        await self.step("two did-not-attends, ended early", stopped_coming(self, early))

    async def start_courses(self) -> None:
        for i in range(ALLOCATED):
            await self.step(f"allocation of client {i + 1}", self.allocated(self.cases[i]))
        for i in range(ALLOCATED):
            await self.step(f"course of client {i + 1}", course_planned(self, self.cases[i], i))
        await self.step("consent templates", self.templates())
        for i in range(ALLOCATED):
            await self.step(f"consents of client {i + 1}", self.consented(self.cases[i]))
        for i in range(ALLOCATED):
            await self.step(f"form before session 1, client {i + 1}",
                            answered(self, self.cases[i], risky=i in (1, 2)))  # fmt: skip

    async def step(self, label: str, work: Any) -> None:
        await work
        self.progress.tick(label)

    async def referred(self, i: int, name: str) -> None:
        g, site = self.gateway, self.gateway.site
        client = {"name": name, "phone": f"07700 900{100 + i}"}
        if i < 6:  # an enquiry first (a phone call), then the referral
            enquiry = {"site_id": site, "received_on": self.day(3 * i), "contact": client}
            found = await g.call("intake_worker", "POST", "/intake/enquiries", enquiry)
            referral = {"referral_source": "self", "referral_date": self.day(3 * i + 1)}
            path = f"/intake/enquiries/{found['enquiry_id']}/referral"
            case = await g.call("intake_worker", "POST", path, referral)
        else:
            direct = {"referral_source": "gp", "referral_date": self.day(3 * i),
                      "site_id": site, "client": client}  # fmt: skip
            case = await g.call("intake_worker", "POST", "/intake/referrals", direct)
        self.cases.append(str(case["case_id"]))
        self.did.append(f"referral {i + 1} ({'enquiry' if i < 6 else 'GP'})")

    async def assessed(self, i: int) -> None:
        path, on = f"/intake/cases/{self.cases[i]}", self.day(3 * i + 5)
        booking = {
            "scheduled_for": f"{on}T{9 + i:02d}:00:00+00:00",
            "assessor_id": f"assessor-{self.run}",
        }
        await self.gateway.call("intake_worker", "POST", f"{path}/assessment", booking)
        suitable = i != UNSUITABLE
        outcome = {
            "suitable": suitable,
            "assessed_on": on,
            "reason": "Suitable for DIT." if suitable else "Needs a specialist service.",
        }
        if not suitable:
            outcome["ending_code"] = "13"  # referred to another service
        await self.gateway.call("intake_worker", "POST", f"{path}/assessment/outcome", outcome)
        self.did.append(f"assessment {i + 1}: " + ("suitable, on the waiting list" if suitable
                        else "referred to another service (ending code 13)"))  # fmt: skip

    async def waiting_list(self) -> None:
        site = self.gateway.site
        now = await self.gateway.call(
            "intake_worker", "GET", f"/intake/sites/{site}/waiting-standards"
        )
        self.did.append(f"waiting list: {now['waiting']} waiting at {site},"
                        f" {now['within_6_weeks']} of them within 6 weeks"
                        f" and {now['within_18_weeks']} within 18")  # fmt: skip

    async def allocated(self, case_id: str) -> None:
        body = {"therapist_id": self.gateway.users["therapist"], "allocated_on": self.day(29)}
        await self.gateway.call(
            "intake_worker", "POST", f"/intake/cases/{case_id}/allocation", body
        )
        self.did.append(f"allocated to {body['therapist_id']} from the waiting list")

    async def templates(self) -> None:
        self.templates_ = {}
        for kind in ("therapy_contract", "confidentiality_agreement"):
            text = {
                "title": kind.replace("_", " ").capitalize(),
                "text": f"The {kind} of the site.",
            }
            made = await self.gateway.call(
                "admin", "POST", f"/intake/templates/{kind}/versions", text
            )
            self.templates_[kind] = made["version"]

    async def consented(self, case_id: str) -> None:
        signed = datetime.now(UTC).isoformat()
        for kind, version in self.templates_.items():
            consent = {
                "document": kind,
                "template_version": version,
                "method": "electronic",
                "witnessed_by": self.gateway.users["therapist"],
                "signed_at": signed,
            }
            await self.gateway.call(
                "intake_worker", "POST", f"/intake/cases/{case_id}/consents", consent
            )

    async def ends_early(self, case_id: str) -> None:
        ending = {"ending_code": "14", "discharged_on": site_today().isoformat()}
        await self.gateway.call("therapist", "POST", f"/intake/cases/{case_id}/discharge", ending)
        self.did.append("one client declined treatment before it began (ending code 14)")


def live(course: dict[str, Any], number: int) -> dict[str, Any]:
    return next(s for s in course["sessions"]
                if s["session_number"] == number and s["status"] in ("booked", "held"))  # fmt: skip


# How long the demo waits for a service to act on another's event (Kafka between them); the
# fault test, which stops Kafka for half a minute mid-run, waits longer.
PATIENCE = 60.0


async def until(probe: Any, what: str, seconds: float = 0, every: float = 0.25) -> Any:
    seconds = max(seconds, PATIENCE)
    for _ in range(int(seconds / every)):
        if found := await probe():
            return found
        await asyncio.sleep(every)
    raise Refused(f"{what}: not within {seconds:.0f}s")
