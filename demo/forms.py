"""The pre-session form through the client's link (the therapist's app shows the link; the
client opens the page and sends the answers, with no staff token), and the duty clinician's
acknowledgement of the risk flag one client's answers raise."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from demo.month import Month


def answers(risky: bool) -> list[dict[str, Any]]:
    phq9 = {f"phq9-{n}": "2" for n in range(1, 9)} | {"phq9-9": "2" if risky else "0"}
    gad7 = {f"gad7-{n}": "2" for n in range(1, 8)}
    risk = {f"risk-{n}": "no" for n in range(2, 8)} | {"risk-1": "0", "risk-5": "yes"}
    return [{"questionnaire": "phq9", "version": 1, "answers": phq9},
            {"questionnaire": "gad7", "version": 1, "answers": gad7},
            {"questionnaire": "risk", "version": 1, "answers": risk}]  # fmt: skip


async def answered(month: "Month", case_id: str, risky: bool) -> None:
    from demo.month import live, until

    g, first = month.gateway, live(month.courses[case_id], 1)

    async def issued() -> Any:  # forms issues it on scheduling's booking event
        forms = await g.call("therapist", "GET", f"/forms/cases/{case_id}/forms")
        return next((f for f in forms if f["session_id"] == first["session_id"]), None)

    form = await until(issued, "the form before session 1")
    url = (await g.call("therapist", "GET", f"/forms/forms/{form['form_id']}/link"))["url"]
    token = url.rsplit("/f/", 1)[1]
    await g.call("client", "GET", f"/forms/f/{token}")  # the page, as the phone shows it
    body = {"form_id": form["form_id"], "responses": answers(risky)}
    await g.call("client", "POST", f"/forms/f/{token}/response", body)
    month.did.append("a form before session 1 answered through the client's link"
                     + (", raising a risk flag" if risky else ""))  # fmt: skip


async def risk_acknowledged(month: "Month", case_id: str) -> None:
    from demo.month import until

    g, site = month.gateway, month.gateway.site

    async def listed() -> Any:
        flags = await g.call("supervisor", "GET", f"/forms/sites/{site}/risk-flags")
        return [f for f in flags if f["case_id"] == case_id]

    [flag] = await until(listed, "the risk flag on the site's list")
    done = {"action": "contacted_client", "note": "Phoned the client; safety plan agreed."}
    await g.call("supervisor", "POST", f"/forms/risk-flags/{flag['flag_id']}/acknowledgement", done)
    month.did.append(f"risk flag ({', '.join(flag['codes'])}) acknowledged by the duty clinician "
                     f"{int(flag['age_seconds'])} s after the answers")  # fmt: skip
    month.did.append("another client's flag is still open on the site's list at the month's end")
