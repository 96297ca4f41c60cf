"""The case's PHQ-9 and GAD-7 chart with the caseness lines, drawn here as plain SVG from
forms' outcomes (its series and caseness lines): the same picture as forms' matplotlib
chart.svg for a fraction of its CPU (that drawing was most of the case page's time)."""

from typing import Any

WIDTH, HEIGHT, LEFT, TOP, BOTTOM = 600, 260, 44, 16, 216
TOP_SCORE = 27  # PHQ-9's highest; GAD-7's is 21
COLOURS = {"phq9": "#1f5fa8", "gad7": "#b3541e"}
NAMES = {"phq9": "PHQ-9 (low mood)", "gad7": "GAD-7 (anxiety)"}


def y_of(score: float) -> float:
    return round(BOTTOM - (BOTTOM - TOP) * score / TOP_SCORE, 1)


def chart(outcomes: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the template draws: each questionnaire's points and caseness line, the axes."""
    series = (outcomes or {}).get("series") or []
    if not series:
        return None
    last = max([16, *(p["session_number"] or 0 for p in series)])
    step = (WIDTH - LEFT - 20) / max(1, last - 1)

    def x_of(number: int) -> float:
        return round(LEFT + step * (number - 1), 1)

    lines = []
    for key, colour in COLOURS.items():
        points = [(x_of(p["session_number"]), y_of(p[key]), p["session_number"], p[key])
                  for p in series if p[key] is not None and p["session_number"]]  # fmt: skip
        caseness = (outcomes or {}).get("caseness_lines", {}).get(key)
        lines.append({"name": NAMES[key], "colour": colour, "points": points,
                      "path": " ".join(f"{x},{y}" for x, y, _, _ in points),
                      "caseness": caseness, "caseness_y": y_of(caseness or 0)})  # fmt: skip
    ticks = [(x_of(n), n) for n in range(1, last + 1)]
    levels = [(y_of(s), s) for s in range(0, TOP_SCORE + 1, 5)]
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - 20, "top": TOP,
            "bottom": BOTTOM, "lines": lines, "ticks": ticks, "levels": levels}  # fmt: skip
