"""The readable side of a subject access export: one plain HTML page (no script, every value
escaped) with the person's details, the episode of care, the consents and every recorded
event with what it holds."""

import html
import json
from typing import Any

STYLE = (
    "body{font-family:sans-serif;max-width:60em;margin:auto}td,th{vertical-align:top;"
    "text-align:left;padding:.2em .6em;border-bottom:1px solid #ccc}pre{white-space:pre-wrap}"
)


def render(export: dict[str, Any]) -> str:
    resources = [e["resource"] for e in export["fhir"].get("entry", [])]
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Your record ({_e(export['case_id'])})</title><style>{STYLE}</style></head>",
        "<body><h1>Your record held by the intake service</h1>",
        f"<p>Produced on {_e(export['produced_on'])} for request {_e(export['request_id'])}.",
        f" SHA-256 of the machine-readable copy: <code>{_e(export['export_sha256'])}</code></p>",
    ]
    for resource in resources:
        parts.append(f"<h2>{_e(resource['resourceType'])}</h2>{_table(resource)}")
    parts.append("<h2>Everything recorded, in order</h2><table>")
    parts.append("<tr><th>When</th><th>What</th><th>By</th><th>Details</th></tr>")
    for event in export["events"]:
        parts.append(
            f"<tr><td>{_e(event['recorded_at'])}</td><td>{_e(event['type'])}</td>"
            f"<td>{_e(event['recorded_by'])}</td><td>{_table(event['data'])}</td></tr>"
        )
    parts.append("</table></body></html>")
    return "\n".join(parts)


def _table(values: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><th>{_e(k)}</th><td>{_value(v)}</td></tr>"
        for k, v in values.items()
        if k != "resourceType"
    )
    return f"<table>{rows}</table>"


def _value(value: Any) -> str:
    if isinstance(value, dict | list):
        return f"<pre>{_e(json.dumps(value, indent=1, ensure_ascii=False))}</pre>"
    return _e(value)


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))
