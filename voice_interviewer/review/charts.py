"""Inline SVG charts for the HTML report and the progress page (pure: numbers in, SVG text out, no network).

Every chart is an <svg class="chart"> with a title for screen readers and <title> tooltips on its marks, sized by a
viewBox so it scales with the page. Colours are shared with the transcript so a part reads the same everywhere.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

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


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


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


def answer_timeline_svg(answer: dict, width: int = 760) -> str:
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

    out = [f'<svg class="chart timeline" viewBox="0 0 {width} {height}" role="img" '
           f'data-left="{left}" data-scale="{scale:.4f}" data-total="{total:.2f}" '
           f'aria-label="Pace, structure, fillers and pauses over the answer">',
           f'<text x="4" y="{(plot_top + plot_bottom) / 2 + 4}" class="lane">wpm</text>',
           f'<text x="4" y="{lane_y + 4}" class="lane">fillers</text>']
    structure = answer.get("structure") or {}
    if structure.get("parts"):
        out.append(f'<text x="4" y="{top + 13}" class="lane">parts</text>')
    for name, part in (structure.get("parts") or {}).items():
        if not part.get("present") or part.get("start_s") is None:
            continue
        x0, x1 = x(part["start_s"]), x(part["start_s"] + part["seconds"])
        colour = PART_COLOURS.get(name, "#888")
        out.append(f'<rect x="{x0}" y="{top}" width="{max(x1 - x0, 2):.1f}" height="20" rx="3" fill="{colour}">'
                   f'<title>{_e(name)}: {clock(round(part["start_s"]))}, {part["seconds"]:.0f} s</title></rect>')
        if x1 - x0 > 8 * len(name):
            out.append(f'<text x="{x0 + 5}" y="{top + 14}" class="part">{_e(name)}</text>')
    low, high = PACE_BAND_WPM
    out.append(f'<rect x="{left}" y="{y(high)}" width="{width - left - right}" height="{y(low) - y(high)}" '
               f'class="band"><title>target pace {low}-{high} words a minute</title></rect>')
    for v in range(0, y_max + 1, 50):
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v)}" y2="{y(v)}" class="grid"/>'
                   f'<text x="{left - 6}" y="{y(v) + 4}" class="tick" text-anchor="end">{v}</text>')
    for p in (answer.get("pauses") or {}).get("list", []):
        x0, x1 = x(p["start_s"]), x(p["start_s"] + p["seconds"])
        out.append(f'<rect x="{x0}" y="{plot_top}" width="{max(x1 - x0, 3):.1f}" height="{lane_y + 10 - plot_top}" '
                   f'class="pause"><title>pause of {p["seconds"]:.1f} s at {clock(round(p["start_s"]))}</title></rect>'
                   f'<text x="{(x0 + x1) / 2:.1f}" y="{plot_top + 10}" class="pause-label" text-anchor="middle">'
                   f'{p["seconds"]:.1f} s</text>')
    if series:
        points = " ".join(f"{x(t)},{y(v)}" for t, v in series)
        area = f"{x(series[0][0])},{plot_bottom} {points} {x(series[-1][0])},{plot_bottom}"
        out.append(f'<polygon points="{area}" class="pace-area"/><polyline points="{points}" class="pace"/>')
    out.append(f'<line x1="{left}" x2="{width - right}" y1="{lane_y}" y2="{lane_y}" class="lane-line"/>')
    hits = (answer.get("fillers") or {}).get("at", [])
    if not hits and words:
        out.append(f'<text x="{left + 6}" y="{lane_y - 4}" class="tick">no fillers</text>')
    for hit in hits:
        cx = x(hit["start_s"])
        out.append(f'<line x1="{cx}" x2="{cx}" y1="{plot_top}" y2="{lane_y}" class="filler-line"/>'
                   f'<circle cx="{cx}" cy="{lane_y}" r="5.5" fill="{FILLER_COLOUR}">'
                   f'<title>"{_e(hit["text"])}" at {clock(round(hit["start_s"]))}</title></circle>')
    for t in _axis_ticks(total):
        out.append(f'<text x="{x(t)}" y="{height - 6}" class="tick" text-anchor="middle">{clock(round(t))}</text>')
    out.append(f'<line class="playhead" x1="{left}" x2="{left}" y1="{top}" y2="{lane_y + 8}"/></svg>')
    return "".join(out)


def score_bars_svg(items: Sequence[tuple[str, int]], width: int = 760) -> str:
    """Horizontal bars, one per answer: the score out of 100, coloured by band, a dashed line at 75."""
    row, left, right = 30, 250, 50
    height = row * len(items) + 26
    span = width - left - right
    out = [f'<svg class="chart scores" viewBox="0 0 {width} {height}" role="img" aria-label="Score per answer">']
    for i, (label, score) in enumerate(items):
        y = 6 + i * row
        short = label if len(label) <= 34 else label[:32] + "…"
        out.append(f'<text x="{left - 8}" y="{y + 16}" class="label" text-anchor="end">{_e(short)}'
                   f'<title>{_e(label)}</title></text>'
                   f'<rect x="{left}" y="{y + 3}" width="{span}" height="18" rx="4" class="track"/>'
                   f'<rect x="{left}" y="{y + 3}" width="{span * score / 100:.1f}" height="18" rx="4" '
                   f'fill="{score_colour(score)}"/>'
                   f'<text x="{left + span * score / 100 + 6:.1f}" y="{y + 17}" class="value">{score}</text>')
    mark = left + span * 0.75
    out.append(f'<line x1="{mark}" x2="{mark}" y1="2" y2="{height - 20}" class="mark"/>'
               f'<text x="{mark}" y="{height - 6}" class="tick" text-anchor="middle">75 = strong</text></svg>')
    return "".join(out)


def donut_svg(score: int, size: int = 96) -> str:
    """The score as a ring filled to score percent, the number in the middle."""
    r, c = 40, size / 2
    length = 2 * math.pi * r
    return (f'<svg class="chart donut" viewBox="0 0 {size} {size}" width="{size}" height="{size}" role="img" '
            f'aria-label="score {score} of 100"><title>Score {score} of 100</title>'
            f'<circle cx="{c}" cy="{c}" r="{r}" class="ring"/>'
            f'<circle cx="{c}" cy="{c}" r="{r}" fill="none" stroke="{score_colour(score)}" stroke-width="10" '
            f'stroke-linecap="round" stroke-dasharray="{length * score / 100:.1f} {length:.1f}" '
            f'transform="rotate(-90 {c} {c})"/><text x="{c}" y="{c + 9}" text-anchor="middle" '
            f'class="donut-value">{score}</text></svg>')


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least value (axis tops at round numbers)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= value * 0.999)


def line_chart_svg(title: str, x_labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *,
                   unit: str = "", band: tuple[float, float] | None = None, y_max: float | None = None,
                   width: int = 380, height: int = 200) -> str:
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

    out = [f'<svg class="chart trend" viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}">',
           f'<text x="4" y="16" class="chart-title">{_e(title)}</text>']
    if band:
        out.append(f'<rect x="{left}" y="{y(band[1])}" width="{width - left - right}" '
                   f'height="{y(band[0]) - y(band[1])}" class="band"><title>target {band[0]:g}-{band[1]:g}'
                   f' {_e(unit)}</title></rect>')
    for k in range(5):
        v = top_value * k / 4
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v)}" y2="{y(v)}" class="grid"/>'
                   f'<text x="{left - 6}" y="{y(v) + 4}" class="tick" text-anchor="end">{v:g}</text>')
    for i, label in enumerate(x_labels):
        out.append(f'<text x="{x(i)}" y="{height - bottom + 16}" class="tick" text-anchor="middle">{_e(label)}</text>')
    for s, (name, vs) in enumerate(series):
        colour = SERIES_COLOURS[s % len(SERIES_COLOURS)]
        run: list[str] = []
        for i, v in enumerate(vs):
            if v is None:
                if len(run) > 1:
                    out.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" class="line"/>')
                run = []
                continue
            run.append(f"{x(i)},{y(v)}")
            out.append(f'<circle cx="{x(i)}" cy="{y(v)}" r="4.5" fill="{colour}"><title>{_e(name)}, '
                       f'{_e(x_labels[i])}: {v:g} {_e(unit)}</title></circle>')
        if len(run) > 1:
            out.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" class="line"/>')
        if legend_rows:
            lx, ly = left + (s % 2) * 160, height - bottom + 34 + (s // 2) * 16
            out.append(f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>'
                       f'<text x="{lx + 14}" y="{ly}" class="tick">{_e(name[:24])}</text>')
    out.append("</svg>")
    return "".join(out)
