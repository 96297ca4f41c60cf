"""Staff find a client at their site by NHS number, name or date of birth through a blind
index (keyed digests, nothing in clear); open enquiries are listed; a second referral for an
NHS number with an open case is refused naming the case, unless it is a new episode."""

import asyncio
import os
import random
import uuid

import asyncpg

from tests.e2e.intake_people import days_ago


def nhs_number() -> str:
    while True:
        nine = "".join(random.choice("0123456789") for _ in range(9))
        check = (
            11 - sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True)) % 11
        ) % 11
        if check != 10 and len(set(nine + str(check))) > 1:
            return nine + str(check)


def new_site() -> str:
    return f"site-{uuid.uuid4().hex[:10]}"


async def refer(intake, site: str, client: dict, **extra) -> dict:
    body = {"referral_source": "gp", "referral_date": days_ago(3), "site_id": site}
    response = await intake.post("/referrals", json={**body, "client": client, **extra})
    assert response.status_code == 201, response.text
    return response.json()


async def found(intake, site: str, **criteria) -> list[str]:
    response = await intake.get(f"/sites/{site}/search", params=criteria)
    assert response.status_code == 200, response.text
    return [hit["id"] for hit in response.json()]


async def test_a_client_is_found_by_nhs_number_name_or_birth_date_at_their_site_only(intake):
    site, number = new_site(), nhs_number()
    client = {"name": "Zoë O'Brien-Smith", "nhs_number": number, "date_of_birth": "1980-02-29"}
    case_id = (await refer(intake, site, client))["case_id"]
    await refer(intake, site, {"name": "Zoe Smith", "nhs_number": nhs_number()})

    assert await found(intake, site, nhs_number=number) == [case_id]
    assert await found(intake, site, name="brien ZOE") == [case_id]  # any order, no accents
    assert await found(intake, site, date_of_birth="1980-02-29") == [case_id]
    assert await found(intake, site, name="zoe smith", nhs_number=number) == [case_id]
    assert await found(intake, new_site(), nhs_number=number) == []


async def test_the_index_holds_no_personal_detail_in_clear(intake):
    site, number = new_site(), nhs_number()
    case_id = (await refer(intake, site, {"name": "Wenonah Pryce", "nhs_number": number}))[
        "case_id"
    ]
    conn = await asyncpg.connect(os.environ["INTAKE_DATABASE_URL"])
    try:
        row = await conn.fetchrow(
            "SELECT * FROM intake_search_index WHERE aggregate_id = $1", uuid.UUID(case_id)
        )
    finally:
        await conn.close()
    text = repr(dict(row)).lower()
    assert number not in text and "wenonah" not in text and "pryce" not in text
    assert len(row["nhs_number"]) == 32 and len(row["name_tokens"]) == 2


async def test_open_enquiries_of_a_site_are_listed_until_closed(intake):
    site = new_site()
    body = {"site_id": site, "received_on": days_ago(2), "contact": {"name": "Ifor Bevan"}}
    response = await intake.post("/enquiries", json=body)
    assert response.status_code == 201, response.text
    enquiry_id = response.json()["enquiry_id"]
    listed = (await intake.get(f"/sites/{site}/enquiries")).json()
    assert [(e["id"], e["name"], e["status"]) for e in listed] == [
        (enquiry_id, "Ifor Bevan", "open")
    ]

    closure = {"closure": "no_contact", "closed_on": days_ago(0)}
    assert (await intake.post(f"/enquiries/{enquiry_id}/closure", json=closure)).status_code == 200
    assert (await intake.get(f"/sites/{site}/enquiries")).json() == []


async def test_a_second_referral_for_an_open_case_is_409_naming_it_unless_a_new_episode(intake):
    number = nhs_number()
    client = {"name": "Aled Rhys", "nhs_number": number}
    first = (await refer(intake, new_site(), client))["case_id"]

    body = {"referral_source": "self", "referral_date": days_ago(1), "site_id": new_site()}
    again = await intake.post("/referrals", json={**body, "client": client})
    assert again.status_code == 409, again.text
    assert first in again.json()["detail"] and "new_episode" in again.json()["detail"]

    second = await refer(intake, new_site(), client, new_episode=True)
    assert second["case_id"] != first


async def test_a_referral_after_the_case_was_discharged_is_not_a_duplicate(intake):
    client = {"name": "Cerys Lloyd", "nhs_number": nhs_number()}
    first = (await refer(intake, new_site(), client))["case_id"]
    discharge = {"ending_code": "50", "discharged_on": days_ago(0)}
    assert (await intake.post(f"/cases/{first}/discharge", json=discharge)).status_code == 200
    assert (await refer(intake, new_site(), client))["case_id"] != first


async def test_referrals_of_one_nhs_number_sent_at_once_open_one_case(intake):
    client = {"name": "Gwion Morgan", "nhs_number": nhs_number()}
    body = {"referral_source": "gp", "referral_date": days_ago(1), "client": client}
    answers = await asyncio.gather(
        *(intake.post("/referrals", json={**body, "site_id": new_site()}) for _ in range(5))
    )
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409, 409]


async def test_what_staff_searched_for_is_not_in_the_logs(intake, stack):
    site, number, name = new_site(), nhs_number(), f"Searchname{uuid.uuid4().hex[:8]}"
    assert await found(intake, site, nhs_number=number, name=name) == []
    await asyncio.sleep(0.5)  # the access line is written after the response
    log = stack.log("intake").read_text(errors="replace")
    assert f"/sites/{site}/search" in log
    assert number not in log and name.lower() not in log.lower()
