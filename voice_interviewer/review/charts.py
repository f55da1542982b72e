"""Inline SVG charts for the HTML report and the progress page (pure: numbers in, SVG text out, no network).

Every chart is an <svg class="chart"> with a title for screen readers and <title> tooltips on its marks, sized by a
viewBox so it scales with the page. Colours are shared with the transcript so a part reads the same everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from voice_interviewer.review.jinja import Markup, render
from voice_interviewer.wording import clock

__all__ = ["PART_COLOURS", "FILLER_COLOUR", "score_colour", "pace_series", "answer_timeline_svg", "score_bars_svg",
           "line_chart_svg", "donut_svg"]

PART_COLOURS = {
    "situation": "#4e79a7", "task": "#b07aa1", "action": "#59a14f", "result": "#e8a317",
    "charter": "#4e79a7", "workstreams": "#76b7b2", "dependencies": "#b07aa1", "milestones": "#59a14f",
    "risks": "#e8a317", "cadence": "#9c755f",
}
FILLER_COLOUR = "#e15759"
SERIES_COLOURS = ("#2b5797", "#e8a317", "#59a14f", "#b07aa1", "#e15759", "#76b7b2", "#9c755f", "#555555")
PACE_BAND_WPM = (120, 160)
_PACE_WINDOW_S = 12.0
_PACE_STEP_S = 1.5


def score_colour(score: float) -> str:
    return "#2e8b57" if score >= 75 else "#d98c00" if score >= 50 else "#c8383b"


def pace_series(words: Sequence[dict], window_s: float = _PACE_WINDOW_S,
                step_s: float = _PACE_STEP_S) -> list[tuple[float, float]]:
    """(time, words per minute) from the first word to the last: non-filler words starting in a window around t.

    Near the ends the window is cut at the answer's edges (never shorter than half a window), so the silence
    before the first and after the last word does not drag the pace down.
    """
    said = [w["start"] for w in words if not w.get("filler")]
    if len(said) < 2:
        return []
    first, last = words[0]["start"], words[-1]["end"]
    half = min(window_s, max(last - first, 1.0)) / 2
    points, t = [], first
    while True:
        low, high = max(first, t - half), min(last, t + half)
        if high - low < half:
            low, high = (first, first + half) if t - first < last - t else (last - half, last)
        count = sum(1 for s in said if low <= s < high)
        points.append((round(t, 2), round(count * 60 / (high - low), 1)))
        if t >= last:
            break
        t = min(t + step_s, last)
    return points


def _axis_ticks(total_s: float) -> list[float]:
    step = next((s for s in (5, 10, 15, 30, 60, 120, 300, 600) if total_s / s <= 8),
                600 * math.ceil(total_s / 4800))  # past 80 minutes (a long recording scored whole): whole 10 minutes
    return [i * step for i in range(int(total_s // step) + 1)]


def answer_timeline_svg(answer: dict, width: int = 760) -> Markup:
    """One answer over time: structure parts on top, pace against the target band, fillers and long pauses below."""
    words = answer.get("words") or []
    total = max([w["end"] for w in words] + [1.0]) + 0.5
    left, right, top = 62, 14, 8
    plot_top, plot_bottom, lane_y = 38, 140, 160
    height = 196
    scale = (width - left - right) / total

    def x(t: float) -> float:
        return round(left + t * scale, 1)

    series = pace_series(words)
    peak = max([v for _, v in series] + [PACE_BAND_WPM[1] + 20])
    y_max = math.ceil(peak / 50) * 50

    def y(v: float) -> float:
        return round(plot_bottom - v / y_max * (plot_bottom - plot_top), 1)

    structure = answer.get("structure") or {}
    parts = []
    for name, part in (structure.get("parts") or {}).items():
        if not part.get("present") or part.get("start_s") is None:
            continue
        x0, x1 = x(part["start_s"]), x(part["start_s"] + part["seconds"])
        parts.append({"name": name, "x0": x0, "width": max(x1 - x0, 2), "colour": PART_COLOURS.get(name, "#888"),
                      "at": clock(round(part["start_s"])), "seconds": part["seconds"],
                      "labelled": x1 - x0 > 8 * len(name)})
    pauses = []
    for p in (answer.get("pauses") or {}).get("list", []):
        x0, x1 = x(p["start_s"]), x(p["start_s"] + p["seconds"])
        pauses.append({"x0": x0, "width": max(x1 - x0, 3), "mid": (x0 + x1) / 2, "seconds": p["seconds"],
                       "at": clock(round(p["start_s"]))})
    points = area = ""
    if series:
        points = " ".join(f"{x(t)},{y(v)}" for t, v in series)
        area = f"{x(series[0][0])},{plot_bottom} {points} {x(series[-1][0])},{plot_bottom}"
    hits = (answer.get("fillers") or {}).get("at", [])
    low, high = PACE_BAND_WPM
    return render(
        "timeline.svg", width=width, height=height, left=left, right=right, top=top, plot_top=plot_top,
        lane_y=lane_y, scale=scale, total=total, wpm_y=(plot_top + plot_bottom) / 2 + 4,
        has_parts=bool(structure.get("parts")), parts=parts, low=low, high=high, band_top=y(high),
        band_height=y(low) - y(high), plot_width=width - left - right,
        grid=[{"v": v, "y": y(v)} for v in range(0, y_max + 1, 50)], pauses=pauses, points=points, area=area,
        no_fillers=not hits and bool(words), filler_colour=FILLER_COLOUR,
        hits=[{"x": x(h["start_s"]), "text": h["text"], "at": clock(round(h["start_s"]))} for h in hits],
        ticks=[{"x": x(t), "label": clock(round(t))} for t in _axis_ticks(total)])


def score_bars_svg(items: Sequence[tuple[str, int]], width: int = 760) -> Markup:
    """Horizontal bars, one per answer: the score out of 100, coloured by band, a dashed line at 75."""
    row, left, right = 30, 250, 50
    height = row * len(items) + 26
    bars = [{"y": 6 + i * row, "label": label, "short": label if len(label) <= 34 else label[:32] + "…",
             "score": score, "colour": score_colour(score)} for i, (label, score) in enumerate(items)]
    return render("score_bars.svg", width=width, height=height, left=left, span=width - left - right, bars=bars,
                  mark=left + (width - left - right) * 0.75)


def donut_svg(score: int, size: int = 96) -> Markup:
    """The score as a ring filled to score percent, the number in the middle."""
    return render("donut.svg", size=size, score=score, r=40, c=size / 2, length=2 * math.pi * 40,
                  colour=score_colour(score))


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least value (axis tops at round numbers)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= value * 0.999)


def line_chart_svg(title: str, x_labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *,
                   unit: str = "", band: tuple[float, float] | None = None, y_max: float | None = None,
                   width: int = 380, height: int = 200) -> Markup:
    """Values per session (x) for one or more series, optionally with a target band; gaps where a value is None."""
    left, right, top = 40, 34, 30
    legend_rows = math.ceil(len(series) / 2) if len(series) > 1 else 0
    bottom = 28 + 16 * legend_rows
    height += 16 * max(legend_rows - 1, 0)
    values = [v for _, vs in series for v in vs if v is not None]
    top_value = y_max if y_max is not None else 4 * _nice_ceiling(max(values + [band[1] if band else 1.0]) * 1.1 / 4)
    n = max(len(x_labels), 1)
    step = (width - left - right) / max(n - 1, 1)

    def x(i: int) -> float:
        return round(left + (i * step if n > 1 else (width - left - right) / 2), 1)

    def y(v: float) -> float:
        return round(height - bottom - v / top_value * (height - top - bottom), 1)

    lines = []
    for s, (name, vs) in enumerate(series):
        marks: list[dict] = []
        run: list[str] = []
        for i, v in enumerate(vs):
            if v is None:
                if len(run) > 1:
                    marks.append({"line": " ".join(run)})
                run = []
                continue
            run.append(f"{x(i)},{y(v)}")
            marks.append({"line": None, "x": x(i), "y": y(v), "v": v, "label": x_labels[i]})
        if len(run) > 1:
            marks.append({"line": " ".join(run)})
        legend = {"x": left + (s % 2) * 160, "y": height - bottom + 34 + (s // 2) * 16} if legend_rows else None
        lines.append({"name": name, "colour": SERIES_COLOURS[s % len(SERIES_COLOURS)], "marks": marks,
                      "legend": legend})
    return render("line_chart.svg", title=title, width=width, height=height, left=left, right=right,
                  bottom=bottom, unit=unit,
                  band={"low": band[0], "high": band[1], "top": y(band[1]), "height": y(band[0]) - y(band[1])}
                  if band else None,
                  grid=[{"v": top_value * k / 4, "y": y(top_value * k / 4)} for k in range(5)],
                  x_ticks=[{"x": x(i), "label": label} for i, label in enumerate(x_labels)], series=lines)
