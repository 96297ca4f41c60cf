"""The client page's plain HTML form post (no JavaScript): a missing answer comes back as
the page with a 422 naming the question, the other answers kept; then the thank-you page."""

import httpx

from tests.e2e.forms.steps import answers, booked_form, client_link


def fields(form_id: str) -> dict[str, str]:
    """The fields the page posts: versions as v.<key>, answers as <key>.<link id>."""
    out = {"form_id": form_id}
    for response in answers():
        out[f"v.{response['questionnaire']}"] = str(response["version"])
        for link_id, code in response["answers"].items():
            out[f"{response['questionnaire']}.{link_id}"] = code
    return out


async def test_a_missing_answer_returns_the_page_naming_the_question(forms) -> None:
    _, form = await booked_form(forms)
    link = await client_link(forms, form["form_id"])
    posted = fields(form["form_id"])
    del posted["gad7.gad7-3"]
    async with httpx.AsyncClient(base_url=forms.base_url) as client:
        page = await client.post(link, data=posted)
        assert page.status_code == 422
        assert "Please check: \u201cWorrying too much about different things\u201d" in page.text
        assert 'value="1" checked' in page.text  # what was answered is kept
        assert (await forms.get(f"/forms/{form['form_id']}")).json()["status"] == "issued"
        done = await client.post(link, data=fields(form["form_id"]))
    assert done.status_code == 200 and "Thank you" in done.text
    assert (await forms.get(f"/forms/{form['form_id']}")).json()["status"] == "completed"
