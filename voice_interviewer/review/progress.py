"""Progress across saved sessions: trends per stage and per question, and what improved in words (pure).

saved_sessions() reads the sessions dir; everything else takes session dicts and returns plain data, which
cli/ prints as a table and charts.render_progress_html draws. A metric "improved" when its latest value
is better than its first by more than a noticeable step (STEPS); pace and length are judged by their distance
from the target (the 120-160 wpm band; half to all of the question's time budget), so slowing down from 190 wpm
counts as better and slowing from 140 to 100 does not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from voice_interviewer.content.personas import DIMENSIONS
from voice_interviewer.feedback.dimensions import NOT_ASSESSED, RATING_VALUE
from voice_interviewer.review.charts import PACE_BAND_WPM, line_chart_svg
from voice_interviewer.review.debrief_html import debrief_of
from voice_interviewer.review.report import completeness, scored
from voice_interviewer.review.jinja import Markup, render
from voice_interviewer.wording import clock

__all__ = ["METRICS", "STEPS", "saved_sessions", "answer_metrics", "build_progress", "compare_feedback",
           "render_progress_html"]

# metric -> (label, unit, higher is better (None: closer to a target is better))
METRICS: dict[str, tuple[str, str, bool | None]] = {
    "score": ("score", "/100", True),
    "wpm": ("pace", "wpm", None),
    "fillers_per_min": ("fillers a minute", "/min", False),
    "structure": ("structure complete", "%", True),
    "duration_s": ("answer length", "s", None),
}
STEPS = {"score": 5, "wpm": 5, "fillers_per_min": 1.0, "structure": 10, "duration_s": 10}


@dataclass(frozen=True)
class Session:
    id: str
    started: str
    document: dict


def saved_sessions(home: Path) -> tuple[list[Session], list[str]]:
    """Every readable session under home, oldest first, and one line per folder that could not be read."""
    from voice_interviewer.errors import SessionError
    from voice_interviewer.session.store import load_session

    found, skipped = [], []
    if not home.is_dir():
        return found, skipped
    for path in sorted(home.glob("*/session.json")):
        try:
            document = load_session(path.parent)
        except SessionError as exc:
            skipped.append(str(exc))
            continue
        found.append(Session(path.parent.name, str(document.get("started") or path.parent.name), document))
    found.sort(key=lambda s: (s.started, s.id))
    return found, skipped


def answer_metrics(answer: dict) -> dict:
    share = completeness(answer)
    return {"score": answer["score"], "wpm": round(answer["pace"]["wpm"], 1),
            "fillers_per_min": round(answer["fillers"]["per_minute"], 2),
            "structure": None if share is None else round(share * 100),
            "duration_s": round(answer["timing"]["duration_s"], 1),
            "budget_s": answer["timing"].get("budget_s")}


def _distance(metric: str, value: float, budget_s: float | None) -> float:
    """How far a pace or a length is from its target (0 inside it); a length with no budget is never off."""
    if metric == "wpm":
        low, high = PACE_BAND_WPM
        return max(low - value, value - high, 0.0)
    if budget_s:
        return max(budget_s * 0.5 - value, value - budget_s, 0.0)
    return 0.0


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _verdict(metric: str, first: float, last: float) -> str:
    """first/last are the values, or for pace and length their distances from the target."""
    better = METRICS[metric][2]
    delta = (last - first) if better else (first - last)  # closer to the target (smaller distance) is better
    if abs(delta) < STEPS[metric]:
        return "steady"
    return "improved" if delta > 0 else "worse"


def _trend(name: str, scope: str, points: list[tuple[str, dict]]) -> dict:
    """points: (session id, metrics averaged for this stage/question in that session), oldest first."""
    series = {m: [p[m] for _, p in points] for m in METRICS}
    verdicts = []
    for metric, values in series.items():
        judged = [p.get(f"{metric}_gap", p[metric]) for _, p in points]
        known = [(v, j) for v, j in zip(values, judged) if v is not None]
        if len(known) < 2:
            continue
        verdicts.append({"scope": scope, "name": name, "metric": metric, "first": known[0][0],
                         "last": known[-1][0], "verdict": _verdict(metric, known[0][1], known[-1][1])})
    return {"sessions": [sid for sid, _ in points], "series": series, "verdicts": verdicts}


def _averaged(answers: list[dict]) -> dict:
    rows = [answer_metrics(a) for a in answers]
    averaged = {m: _mean([r[m] for r in rows if r[m] is not None]) for m in METRICS}
    # pace and length are judged by their distance from the target, answer by answer (budgets differ)
    averaged["wpm_gap"] = _mean([_distance("wpm", r["wpm"], None) for r in rows])
    averaged["duration_s_gap"] = _mean([_distance("duration_s", r["duration_s"], r["budget_s"]) for r in rows])
    return averaged


def build_progress(sessions: list[Session], stage: str | None = None) -> dict:
    """Trends per stage and per question across sessions (oldest first), with verdicts and sentences."""
    by_stage: dict[str, list[tuple[str, dict]]] = {}
    by_question: dict[str, list[tuple[str, dict]]] = {}
    texts, stages_of = {}, {}
    used = []
    for session in sessions:
        answers = [a for a in scored(session.document["answers"]) if stage is None or a.get("stage") == stage]
        if not answers:
            continue
        used.append({"id": session.id, "started": session.started, "stage": session.document.get("stage"),
                     "answers": len(answers),
                     "score": _mean([a["score"] for a in answers])})
        for st in dict.fromkeys(a.get("stage", "") for a in answers):
            by_stage.setdefault(st, []).append((session.id, _averaged([a for a in answers if a.get("stage") == st])))
        for qid in dict.fromkeys(a["question_id"] for a in answers if a.get("question_id")):
            mine = [a for a in answers if a.get("question_id") == qid]
            by_question.setdefault(qid, []).append((session.id, _averaged(mine)))
            texts[qid], stages_of[qid] = mine[0]["question_text"], mine[0].get("stage", "")
    stages = {st: _trend(st, "stage", pts) for st, pts in by_stage.items()}
    questions = {q: {**_trend(q, "question", pts), "text": texts[q], "stage": stages_of[q]}
                 for q, pts in by_question.items()}
    doc = {"schema": 1, "stage": stage, "sessions": used, "stages": stages, "questions": questions,
           "dimensions": dimension_trends(sessions, [u["id"] for u in used], stage)}
    doc["summary"] = summarise(doc)
    return doc


def dimension_trends(sessions: list[Session], ids: list[str], stage: str | None = None) -> dict:
    """Each dimension's rating per session (the loop's, or the stage's with `stage`), first → latest verdicts.

    `series` holds the ratings by name ("not-assessed" where the session did not rate it), `values` the same on
    0 (strong-no-hire) to 3 (strong-hire) with None where not assessed. A change of one step or more counts.
    """
    by_id = {s.id: s for s in sessions}
    series: dict[str, list[str]] = {d: [] for d in DIMENSIONS}
    for sid in ids:
        debrief = debrief_of(by_id[sid].document)
        ratings = debrief["stages"].get(stage, {}) if stage else debrief["loop"]
        for dim in DIMENSIONS:
            series[dim].append(ratings.get(dim, NOT_ASSESSED))
    values = {d: [RATING_VALUE.get(r) for r in rs] for d, rs in series.items()}
    verdicts = []
    for dim, vs in values.items():
        known = [(v, r) for v, r in zip(vs, series[dim]) if v is not None]
        if len(known) < 2:
            continue
        delta = known[-1][0] - known[0][0]
        verdict = "steady" if delta == 0 else "improved" if delta > 0 else "worse"
        verdicts.append({"scope": "dimension", "name": dim, "metric": "rating", "first": known[0][1],
                         "last": known[-1][1], "verdict": verdict})
    return {"sessions": list(ids), "series": series, "values": values, "verdicts": verdicts}


def format_metric(metric: str, value: float, *, units: bool = True) -> str:
    """A metric as people read it: 85%, 3.2/min, 1:35, 142 wpm (without units in table cells under a header)."""
    if metric == "structure":
        return f"{value:.0f}%"
    if metric == "fillers_per_min":
        return f"{value:.1f}/min" if units else f"{value:.1f}"
    if metric == "duration_s":
        return clock(value)
    if metric == "wpm" and units:
        return f"{value:.0f} wpm"
    return f"{value:.0f}"


def summarise(doc: dict) -> dict:
    """Sentences: what improved, what got worse, what stayed where it was (per stage, then per question)."""
    if len(doc["sessions"]) < 2:
        return {"improved": [], "worse": [], "steady": [],
                "note": f"{len(doc['sessions'])} session(s) so far: practise again to see a trend."}
    out: dict[str, list[str]] = {"improved": [], "worse": [], "steady": []}
    trends = list(doc["stages"].values()) + list(doc["questions"].values())
    for trend in trends:
        for v in trend["verdicts"]:
            where = f"{v['scope']} {v['name']}"
            label = METRICS[v["metric"]][0]
            out[v["verdict"]].append(f"{label} ({where}): {format_metric(v['metric'], v['first'])} → "
                                     f"{format_metric(v['metric'], v['last'])}")
    for v in doc.get("dimensions", {}).get("verdicts", []):
        first, last = v["first"].replace("-", " "), v["last"].replace("-", " ")
        out[v["verdict"]].append(f"{v['name']} rating: {first} → {last}")
    counts = {k: len(v) for k, v in out.items()}
    note = (f"Across {len(doc['sessions'])} sessions: {counts['improved']} trend(s) improved, "
            f"{counts['worse']} got worse, {counts['steady']} held steady.")
    return {**out, "note": note}


def compare_feedback(before: dict, after: dict) -> list[dict]:
    """Stored feedback against a fresh run: one row per measure, with the change (after minus before)."""
    rows = []
    pairs = [("score", before.get("score"), after.get("score")),
             ("pace (wpm)", before["pace"]["wpm"], after["pace"]["wpm"]),
             ("fillers", before["fillers"]["total"], after["fillers"]["total"]),
             ("fillers a minute", before["fillers"]["per_minute"], after["fillers"]["per_minute"]),
             ("long pauses", before["pauses"]["count"], after["pauses"]["count"]),
             ("length (s)", before["timing"]["duration_s"], after["timing"]["duration_s"])]
    b_share, a_share = completeness(before), completeness(after)
    if b_share is not None or a_share is not None:
        pairs.append(("structure complete (%)", None if b_share is None else round(b_share * 100),
                      None if a_share is None else round(a_share * 100)))
    pairs.append(("key points covered", len(before["key_points"]["covered"]), len(after["key_points"]["covered"])))
    for name, old, new in pairs:
        change = None if old is None or new is None else round(new - old, 2)
        rows.append({"measure": name, "stored": old, "now": new, "change": change})
    b_kinds = {f["kind"] for f in before.get("findings", [])}
    a_kinds = {f["kind"] for f in after.get("findings", [])}
    rows.append({"measure": "findings", "stored": len(b_kinds), "now": len(a_kinds),
                 "change": len(a_kinds) - len(b_kinds), "new": sorted(a_kinds - b_kinds),
                 "gone": sorted(b_kinds - a_kinds)})
    return rows


_ARROWS = {"improved": ("▲", "up"), "worse": ("▼", "down"), "steady": ("■", "flat")}


def _verdict_rows(doc: dict) -> list[dict]:
    """Rows: the stage(s) and questions; columns: the measures; a cell: first → latest, coloured by its verdict."""
    rows = []
    for scope, trends in (("stage", doc["stages"]), ("question", doc["questions"])):
        for name, trend in trends.items():
            verdicts = {v["metric"]: v for v in trend["verdicts"]}
            cells = []
            for metric in METRICS:
                v = verdicts.get(metric)
                if v is None:
                    known = [x for x in trend["series"][metric] if x is not None]
                    cells.append({"verdict": None, "value": format_metric(metric, known[-1]) if known else "-"})
                    continue
                arrow, css = _ARROWS[v["verdict"]]
                cells.append({"verdict": v["verdict"], "css": css, "arrow": arrow,
                              "first": format_metric(metric, v["first"]), "last": format_metric(metric, v["last"])})
            rows.append({"scope": scope, "name": name, "cells": cells})
    return rows


def _dimensions_chart(doc: dict, labels: list[str]) -> Markup | None:
    """The five dimensions over sessions: 0 strong no hire, 1 no hire, 2 hire, 3 strong hire."""
    trends = doc.get("dimensions")
    if not trends or not any(v is not None for vs in trends["values"].values() for v in vs):
        return None
    series = [(dim, trends["values"][dim]) for dim in DIMENSIONS]
    return line_chart_svg("dimension ratings (0 strong no hire, 1 no hire, 2 hire, 3 strong hire)", labels, series,
                          y_max=3, width=640, height=240)


def render_progress_html(doc: dict) -> str:
    """A self-contained page: what changed at a glance, one chart per measure per stage, then per question."""
    labels = [s["started"][5:16].replace("T", " ") for s in doc["sessions"]]
    ids = [s["id"] for s in doc["sessions"]]

    def aligned(trend: dict, metric: str) -> list[float | None]:
        values = dict(zip(trend["sessions"], trend["series"][metric]))
        return [values.get(sid) for sid in ids]

    def charts(trends: dict) -> Markup:
        out = []
        for metric, (label, unit, _) in METRICS.items():
            series = [(name, aligned(t, metric)) for name, t in trends.items()]
            if not any(v is not None for _, vs in series for v in vs):
                continue
            out.append(line_chart_svg(f"{label} ({unit})", labels, series, unit=unit,
                                      band=PACE_BAND_WPM if metric == "wpm" else None,
                                      y_max=100 if metric in ("score", "structure") else None))
        return Markup("").join(out)

    questions = [{"id": qid, "text": q["text"], "stage": q["stage"], "sessions": len(q["sessions"]),
                  "charts": charts({qid: q})} for qid, q in doc["questions"].items()]
    return render("progress.html", note=doc["summary"]["note"], headers=[label for label, _, _ in METRICS.values()],
                  rows=_verdict_rows(doc), stage_charts=charts(doc["stages"]), questions=questions,
                  dimensions_chart=_dimensions_chart(doc, labels)) + "\n"


def progress_json(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False)
