"""A replayed history (replay.py) as a readable timeline, for people rather than programs."""

from typing import Any

_MARK = {True: "proven", False: "NOT PROVEN"}


def render(history: dict[str, Any]) -> str:
    return "\n".join([*_heading(history), "", *_events(history), "", *_state(history)]) + "\n"


def _heading(history: dict[str, Any]) -> list[str]:
    c = history["checkpoint"]
    lines = [f"Case {history['case_id']}"]
    lines.append(
        f"as of checkpoint #{c['id']} (tree size {c['tree_size']}, issued {c['issued_at']})"
    )
    if history.get("as_of"):
        lines.append(f"events up to {history['as_of']}")
    events = history["events"]
    unproven = [str(e["leaf_index"]) for e in events if not e["proven"]]
    if unproven:
        lines.append(f"{len(events)} events; NOT PROVEN against the checkpoint: leaf "
                     + ", ".join(unproven))  # fmt: skip
    else:
        lines.append(f"{len(events)} events, each proven against the checkpoint")
    return lines


def _events(history: dict[str, Any]) -> list[str]:
    lines = []
    for e in history["events"]:
        actor = f"{e['actor']['id']} ({e['actor']['role']})"
        folded = "" if e["folded"] else "  [no fold: listed only]"
        lines.append(f"{e['occurred_at']:<28} {e['type']:<36} {actor:<32}"
                     f" leaf {e['leaf_index']} {_MARK[e['proven']]}{folded}")  # fmt: skip
        if e["data"]:
            lines.append(" " * 29 + _inline(e["data"]))
    return lines


def _state(history: dict[str, Any]) -> list[str]:
    lines = ["State rebuilt from these events:"]
    lines += _block(history["state"], "  ")
    if history["unknown_types"]:
        listed = ", ".join(f"{t} x{n}" for t, n in sorted(history["unknown_types"].items()))
        lines.append(f"Listed but not folded (no fold for the type yet): {listed}")
    for error in history.get("fold_errors", []):
        lines.append(f"Fold failed for {error['type']} {error['event_id']}: {error['error']}")
    return lines


def _block(value: dict[str, Any], indent: str) -> list[str]:
    lines = []
    for key, item in value.items():
        if isinstance(item, dict) and item and all(isinstance(v, dict) for v in item.values()):
            lines.append(f"{indent}{key}:")
            lines += [f"{indent}  {k}: {_inline(v)}" for k, v in item.items()]
        elif isinstance(item, list) and item:
            lines.append(f"{indent}{key}:")
            lines += [f"{indent}  - {_inline(v) if isinstance(v, dict) else v}" for v in item]
        else:
            lines.append(
                f"{indent}{key}: {_inline(item) if isinstance(item, dict) else _plain(item)}"
            )
    return lines


def _inline(data: dict[str, Any]) -> str:
    return ", ".join(f"{k}={_plain(v)}" for k, v in data.items())


def _plain(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    return str(value)
