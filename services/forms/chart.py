"""The chart a clinician shows a client: PHQ-9 and GAD-7 by session with the caseness
lines, as SVG drawn by matplotlib (its non-interactive Agg/SVG backend). CPU work: callers
run it in a thread, off the event loop."""

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot's import
from matplotlib.figure import Figure

from services.forms.scoring import CASENESS

COLOURS = {"phq9": "#1f5fa8", "gad7": "#b3541e"}
NAMES = {"phq9": "PHQ-9 (low mood)", "gad7": "GAD-7 (anxiety)"}


def outcome_chart(series: list[dict[str, Any]]) -> str:
    figure = Figure(figsize=(7, 4))  # a Figure, not pyplot: no global state across threads
    axes = figure.subplots()
    for key in ("phq9", "gad7"):
        points = [(p["session_number"], p[key]) for p in series if p[key] is not None]
        if points:
            xs, ys = zip(*points, strict=True)
            axes.plot(xs, ys, marker="o", color=COLOURS[key], label=NAMES[key])
        axes.axhline(CASENESS[key], color=COLOURS[key], linestyle="--", linewidth=1,
                     label=f"{NAMES[key].split()[0]} caseness ({CASENESS[key]})")  # fmt: skip
    axes.set_xlabel("Session")
    axes.set_ylabel("Score (lower is better)")
    axes.set_ylim(0, 27)
    axes.set_title("How you have been, session by session")
    axes.legend(loc="upper right", fontsize="small")
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    return buffer.getvalue()
