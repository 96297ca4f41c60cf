"""Over HTTP: a client link works once, before expiry, for its own form only; bad answers
get a 4xx naming the item; nothing is stored for any of them."""

import httpx
import pytest

from tests.e2e.forms.steps import answers, booked_form, client_link
from tests.support.gateway_identity import as_staff


async def send(forms: httpx.AsyncClient, link: str, form_id: str, responses) -> httpx.Response:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=forms.base_url) as client:
        return await client.post(f"{link}/response",
                                 json={"form_id": form_id, "responses": responses})  # fmt: skip


async def version_of(forms: httpx.AsyncClient, form_id: str) -> int:
    return (await forms.get(f"/forms/{form_id}")).json()["version"]


async def test_a_link_works_once_and_the_second_use_stores_nothing(forms) -> None:
    _, form = await booked_form(forms)
    link = await client_link(forms, form["form_id"])
    assert (await send(forms, link, form["form_id"], answers())).status_code == 201
    version = await version_of(forms, form["form_id"])
    second = await send(forms, link, form["form_id"], answers(item9=3))
    assert second.status_code == 410 and "only once" in second.json()["detail"]
    assert await version_of(forms, form["form_id"]) == version
    async with httpx.AsyncClient(base_url=forms.base_url) as client:
        assert (await client.get(link)).status_code == 410


async def test_an_expired_link_is_refused(forms) -> None:
    _, form = await booked_form(forms, days=-2)  # the session was two days ago
    link = await client_link(forms, form["form_id"])
    refused = await send(forms, link, form["form_id"], answers())
    assert refused.status_code == 410 and "expired" in refused.json()["detail"]
    assert (await forms.get(f"/forms/{form['form_id']}")).json()["status"] == "issued"


async def test_a_link_cannot_answer_another_clients_form(forms) -> None:
    _, mine = await booked_form(forms)
    _, theirs = await booked_form(forms)
    link = await client_link(forms, mine["form_id"])
    refused = await send(forms, link, theirs["form_id"], answers())
    assert refused.status_code == 403
    assert (await forms.get(f"/forms/{theirs['form_id']}")).json()["status"] == "issued"
    assert (await forms.get(f"/forms/{mine['form_id']}")).json()["status"] == "issued"


def _missing(responses):  # type: ignore[no-untyped-def]
    del responses[0]["answers"]["phq9-4"]
    return responses


def _not_an_option(responses):  # type: ignore[no-untyped-def]
    responses[1]["answers"]["gad7-2"] = "9"
    return responses


def _unknown_item(responses):  # type: ignore[no-untyped-def]
    responses[2]["answers"]["risk-42"] = "yes"
    return responses


@pytest.mark.parametrize(
    ("responses", "field"),
    [
        (_missing(answers()), "body.responses.phq9.answers.phq9-4"),
        (_not_an_option(answers()), "body.responses.gad7.answers.gad7-2"),
        (_unknown_item(answers()), "body.responses.risk.answers.risk-42"),
        (answers(version=2), "body.responses.phq9.version"),  # not the version issued
    ],
)
async def test_bad_answers_get_a_422_naming_the_item_and_nothing_is_stored(
    forms,
    responses,
    field: str,
) -> None:
    _, form = await booked_form(forms)
    link = await client_link(forms, form["form_id"])
    refused = await send(forms, link, form["form_id"], responses)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["detail"]] == [field]
    assert await version_of(forms, form["form_id"]) == 1
    assert (await send(forms, link, form["form_id"], answers())).status_code == 201


async def test_a_1_mb_body_is_refused_before_anything_is_read(forms) -> None:
    _, form = await booked_form(forms)
    link = await client_link(forms, form["form_id"])
    huge = answers()
    huge[0]["answers"]["phq9-1"] = "x" * 1_000_000
    assert (await send(forms, link, form["form_id"], huge)).status_code == 413
    assert await version_of(forms, form["form_id"]) == 1


async def test_only_a_clinician_acknowledges_a_risk_flag(forms) -> None:
    course, form = await booked_form(forms)
    link = await client_link(forms, form["form_id"])
    await send(forms, link, form["form_id"], answers(item9=2))
    [flag] = (await forms.get(f"/sites/{course.site_id}/risk-flags")).json()
    refused = await forms.post(
        f"/risk-flags/{flag['flag_id']}/acknowledgement",
        json={"action": "contacted_client", "note": "n"},
        auth=as_staff("reception-e2e", "receptionist"),
    )
    assert refused.status_code == 403
    assert len((await forms.get(f"/sites/{course.site_id}/risk-flags")).json()) == 1
