"""The client's side: `/f/{token}` serves the form page and takes its answers (an HTML form
post that works without JavaScript); `/f/{token}/response` takes the same as JSON. No staff
login: the single-use, expiring token is the key, and it names no one."""

from urllib.parse import parse_qs
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.forms import catalogue
from services.forms.api.deps import Forms
from services.forms.api.schemas import LinkResponseIn
from services.forms.errors import InvalidInput, LinkRefused
from services.forms.page import form_page, refused_page, thank_you_page
from services.forms.validation import Answered
from shared.logging import current_correlation_id, new_correlation_id

router = APIRouter(tags=["client link"])
MAX_FIELDS = 100


def _correlation() -> str:
    return current_correlation_id() or new_correlation_id()


@router.get("/f/{token}", response_class=HTMLResponse)
async def open_form(token: str, forms: Forms) -> HTMLResponse:
    try:
        form = await forms.form_by_link(token)
    except LinkRefused as refused:
        return HTMLResponse(refused_page(str(refused)), refused.status)
    return HTMLResponse(form_page(token, str(form.id), form.questionnaires, {}, None))


@router.post("/f/{token}", response_class=HTMLResponse)
async def send_form(token: str, request: Request, forms: Forms) -> HTMLResponse:
    fields = {k: v[0] for k, v in parse_qs((await request.body()).decode(errors="replace"),
                                           max_num_fields=MAX_FIELDS).items()}  # fmt: skip
    try:
        form_id = UUID(fields.get("form_id", ""))
    except ValueError:
        return HTMLResponse(refused_page("This page is not a form of ours."), 400)
    try:
        form = await forms.form_by_link(token, form_id)
        await forms.submit_by_link(token, form_id, _answered(fields), _correlation())
    except LinkRefused as refused:
        return HTMLResponse(refused_page(str(refused)), refused.status)
    except InvalidInput as invalid:
        page = form_page(token, str(form_id), form.questionnaires, fields,
                         (invalid.field, _plain(invalid, form.questionnaires)))  # fmt: skip
        return HTMLResponse(page, 422)
    return HTMLResponse(thank_you_page())


@router.post("/f/{token}/response", status_code=201)
async def send_form_json(token: str, body: LinkResponseIn, forms: Forms) -> dict:
    form = await forms.submit_by_link(token, body.form_id, body.plain(), _correlation())
    return {"form_id": form.id, "status": form.status}


def _answered(fields: dict[str, str]) -> list[Answered]:
    """Fields `v.<key>` carry each questionnaire's version, `<key>.<link id>` its answers."""
    out = []
    for name, version in fields.items():
        if name.startswith("v.") and version.isdigit():
            key = name[2:]
            answers = {f.split(".", 1)[1]: v for f, v in fields.items()
                       if f.startswith(f"{key}.")}  # fmt: skip
            out.append(Answered(key, int(version), answers))
    return out


def _plain(error: InvalidInput, refs: list[str]) -> str:
    """The message for a client: which question, in words."""
    parts = error.field.split(".")  # responses.<key>.answers.<link id>
    for ref in refs:
        key, version = ref.split("|")
        q = catalogue.get(key, int(version))
        item = q.item(parts[-1]) if q and len(parts) == 4 and parts[1] == key else None
        if item is not None:
            return f"\u201c{item.text}\u201d: {error.message}"
    return error.message
