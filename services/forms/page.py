"""The client's form page: small, plain HTML that works without JavaScript, mobile first,
accessible (fieldsets with legends, labelled radio buttons, errors named next to the
question). No client name or other personal detail is shown. Pure."""

from html import escape

from services.forms import catalogue
from services.forms.catalogue import Item, Questionnaire

STYLE = """body{font:18px/1.5 system-ui,sans-serif;margin:0 auto;max-width:40rem;padding:1rem;
color:#111}fieldset{border:1px solid #888;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}
legend{font-weight:600}label{display:block;padding:.4rem 0}input[type=radio]{transform:
scale(1.4);margin-right:.7rem}textarea{width:100%;font:inherit}button{font:inherit;
padding:.8rem 1.6rem;background:#1f5fa8;color:#fff;border:0;border-radius:6px}
.error{color:#a00;font-weight:600}.help{background:#eef4fb;padding:.8rem;border-radius:6px}"""
HELP = (
    "If you feel you might act on thoughts of harming yourself, or you are not safe now, "
    "call 999 or go to A&amp;E. You can call Samaritans any time on 116 123."
)

BEFORE_SESSION = ("Before your session", "Please answer each question. It takes about five "
                  "minutes. Your answers go to your therapist.")  # fmt: skip
FEEDBACK = ("Your feedback", "Thank you for coming to therapy with us. Please tell us how it "
            "was. Your answers are counted together with everyone else's to improve the "
            "service.")  # fmt: skip


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def form_page(
    token: str, form_id: str, refs: list[str], given: dict[str, str], error: tuple[str, str] | None
) -> str:
    """`given`: the answers sent before (kept when the page comes back with an error);
    `error`: (field name, message) of the item to fix."""
    title, intro = FEEDBACK if any(r.startswith("peq|") for r in refs) else BEFORE_SESSION
    parts = [f"<h1>{title}</h1><p>{intro}</p>"]
    if error:
        parts.append(f'<p class="error" role="alert">Please check: {escape(error[1])}</p>')
    parts.append(f'<form method="post" action="/f/{escape(token)}">')
    parts.append(f'<input type="hidden" name="form_id" value="{escape(form_id)}">')
    for ref in refs:
        key, version = ref.split("|")
        q = catalogue.get(key, int(version))
        if q is not None:
            parts.append(_questionnaire(q, given, error))
    parts.append(f'<p class="help">{HELP}</p><button type="submit">Send my answers</button>')
    parts.append("</form>")
    return _page(title, "".join(parts))


def _questionnaire(q: Questionnaire, given: dict[str, str], error: tuple[str, str] | None) -> str:
    head = f"<h2>{escape(q.title)}</h2><p>{escape(q.instructions)}</p>"
    version = f'<input type="hidden" name="v.{q.key}" value="{q.version}">'
    return head + version + "".join(_item(q, i, given, error) for i in q.items)


def _item(q: Questionnaire, item: Item, given: dict[str, str], error) -> str:  # type: ignore[no-untyped-def]
    name = f"{q.key}.{item.link_id}"
    flagged = error is not None and error[0].endswith(f".answers.{item.link_id}")
    note = f'<p class="error">{escape(error[1])}</p>' if flagged else ""
    optional = "" if item.required else " (optional)"
    legend = f"<legend>{escape(item.text)}{optional}</legend>{note}"
    if item.is_text:
        value = escape(given.get(name, ""))
        field = (f'<textarea name="{name}" rows="4" maxlength="{item.max_length}" '
                 f'aria-label="{escape(item.text)}">{value}</textarea>')  # fmt: skip
        return f"<fieldset>{legend}{field}</fieldset>"
    options = "".join(
        f'<label><input type="radio" name="{name}" value="{escape(o.code)}"'
        f"{' checked' if given.get(name) == o.code else ''}"
        f"{' required' if item.required else ''}>{escape(o.display)}</label>"
        for o in item.options
    )
    return f"<fieldset>{legend}{options}</fieldset>"


def thank_you_page() -> str:
    body = ("<h1>Thank you</h1><p>Your answers have been sent to your therapist. "
            f"You can close this page now.</p><p class=\"help\">{HELP}</p>")  # fmt: skip
    return _page("Thank you", body)


def refused_page(message: str) -> str:
    body = f'<h1>This link cannot be used</h1><p>{escape(message)}</p><p class="help">{HELP}</p>'
    return _page("This link cannot be used", body)
