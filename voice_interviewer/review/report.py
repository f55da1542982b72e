"""Readable reports of a session: Markdown, and one self-contained HTML page with charts and the answers' audio.

Pure: session dict in, text out. The HTML needs no network: styles, script, charts (inline SVG,
voice_interviewer.review.charts) and audio (data: URIs made by report_media.embed_audio) are all inside the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from voice_interviewer.review.charts import (
    FILLER_COLOUR,
    PACE_BAND_WPM,
    PART_COLOURS,
    answer_timeline_svg,
    donut_svg,
    score_bars_svg,
    score_colour,
)
from voice_interviewer.review.debrief_html import (
    DEBRIEF_SCRIPT,
    DEBRIEF_STYLE,
    answer_dimensions_html,
    debrief_html,
    debrief_markdown,
)
from voice_interviewer.review.jinja import Markup, render
from voice_interviewer.wording import as_said, clock

__all__ = ["render_markdown", "render_html", "scored",
           "stage_summary", "completeness", "align_words", "UNSCORED_NOTE"]

UNSCORED_NOTE = "Interrupted before it could be scored; the recording is kept. `replay --rescore` scores it."


def scored(answers: list[dict]) -> list[dict]:
    """Answers that carry a score document (an interrupted answer may only have its audio)."""
    return [a for a in answers if "score" in a]


def _minutes(seconds: float | None) -> str:
    return "-" if seconds is None else clock(seconds)


def completeness(answer: dict) -> float | None:
    """Share of the expected STAR or framework parts the answer had (None when the question has no structure)."""
    parts = (answer.get("structure") or {}).get("parts") or {}
    if not parts:
        return None
    return sum(1 for p in parts.values() if p.get("present")) / len(parts)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def stage_summary(session: dict) -> list[dict]:
    """Per stage, in interview order: answers, mean score, pace, fillers a minute and structure completeness."""
    stages: dict[str, list[dict]] = {}
    for answer in scored(session["answers"]):
        stages.setdefault(answer.get("stage") or session.get("stage", ""), []).append(answer)
    names = {p["stage"]: p["name"] for p in session.get("personas", [])}
    rows = []
    for stage, answers in stages.items():
        structured = [c for c in (completeness(a) for a in answers) if c is not None]
        rows.append({
            "stage": stage, "persona": names.get(stage, answers[0].get("persona", "")), "answers": len(answers),
            "score": round(_mean([a["score"] for a in answers])),
            "wpm": round(_mean([a["pace"]["wpm"] for a in answers])),
            "fillers_per_min": round(_mean([a["fillers"]["per_minute"] for a in answers]), 1),
            "structure": None if not structured else round(_mean(structured), 2),
            "over_budget": sum(1 for a in answers if a["timing"].get("over_budget")),
        })
    return rows


def _summary_lines(answer: dict) -> list[str]:
    timing, pace, fillers = answer["timing"], answer["pace"], answer["fillers"]
    budget = f" of {_minutes(timing['budget_s'])}" if timing.get("budget_s") else ""
    lines = [
        f"Score {answer['score']}/100",
        f"Length {_minutes(timing['duration_s'])}{budget}{' (over budget)' if timing.get('over_budget') else ''}",
        f"Pace {pace['wpm']:.0f} words per minute ({pace['verdict']}, aim {pace['band'][0]}-{pace['band'][1]})",
        f"Fillers {fillers['total']} ({fillers['per_minute']:.1f} per minute)"
        + (": " + ", ".join(f"{as_said(k)} x{v}" for k, v in fillers["counts"].items()) if fillers["counts"] else ""),
        f"Long pauses {answer['pauses']['count']} (longest {answer['pauses']['longest_s']:.1f} s)",
    ]
    parts = answer["structure"].get("parts") or {}
    if parts:
        shown = ", ".join(f"{name} {p['seconds']:.0f} s" if p["present"] else f"{name} missing"
                          for name, p in parts.items())
        lines.append(f"Structure ({answer['structure']['kind']}): {shown}")
    if answer["key_points"]["covered"]:
        lines.append("Covered: " + "; ".join(answer["key_points"]["covered"]))
    if answer["key_points"]["missing"]:
        lines.append("Missed: " + "; ".join(answer["key_points"]["missing"]))
    return lines


def render_markdown(session: dict) -> str:
    answers = session["answers"]
    out = [f"# Interview {session.get('started', '')}", "",
           f"Stage: {session['stage']}. Interviewers: "
           + ", ".join(f"{p['name']} ({p['stage']})" for p in session.get("personas", [])) + ".", ""]
    if scored(answers):
        mean = sum(a["score"] for a in scored(answers)) / len(scored(answers))
        out += [f"{len(scored(answers))} scored answer(s), average score {mean:.0f}/100.", ""]
        out += debrief_markdown(session)
    for answer in answers:
        out += [f"## {answer['index']}. {answer['question_text']}", ""]
        if "score" not in answer:
            out += [f"*{UNSCORED_NOTE}*", ""]
            continue
        if answer.get("interrupted"):
            out += ["*This answer was interrupted; what was recorded is kept.*", ""]
        out += [f"- {line}" for line in _summary_lines(answer)] + [""]
        out += [f"> {answer['transcript'] or '(no speech)'}", ""]
        for follow in answer.get("follow_ups", []):
            out += [f"Follow-up: *{follow['text']}*", "", f"> {follow['transcript'] or '(no speech)'}", ""]
        for finding in answer.get("findings", []):
            out.append(f"- **{finding['severity']}** {finding['message']}")
        for deduction in answer.get("deductions", []):
            out.append(f"- -{deduction['points']}: {deduction['reason']}")
        for dim, found in (answer.get("dimensions") or {}).items():
            out.append(f"- {dim}: **{found['rating']}**")
        out += ["", f"Interviewer's feedback: {answer['spoken_feedback']}", ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------------- HTML
# The page is templates/report.html (autoescaped); these functions only gather what it shows.


def _tile(label: str, value: str, state: str, hint: str = "") -> dict:
    return {"label": label, "value": value, "state": state, "hint": hint}


def _fillers_state(per_minute: float) -> str:
    return "good" if per_minute <= 2 else "ok" if per_minute <= 5 else "bad"


def _fillers_hint(fillers: dict) -> str:
    counted = ", ".join(f"{as_said(k)} {v}" for k, v in fillers["counts"].items())
    return (f"{counted + '. ' if counted else ''}Counted from what the recogniser heard: an um or uh run into the "
            "next word, with no pause around it, is often missed, so read this as a floor")


def _structure_state(share: float | None) -> str:
    return "ok" if share is None else "good" if share >= 1 else "ok" if share >= 0.5 else "bad"


def _tiles(answer: dict) -> list[dict]:
    timing, pace, fillers = answer["timing"], answer["pace"], answer["fillers"]
    budget = timing.get("budget_s")
    length = _minutes(timing["duration_s"]) + (f" / {_minutes(budget)}" if budget else "")
    share = completeness(answer)
    parts = (answer.get("structure") or {}).get("parts") or {}
    low, high = pace.get("band", PACE_BAND_WPM)
    tiles = [
        _tile("Length", length, "bad" if timing.get("over_budget") else "good", "answer length of its budget"),
        _tile("Pace", f"{pace['wpm']:.0f} wpm", "good" if pace["verdict"] == "ok" else "ok",
              f"aim for {low}-{high} words a minute; yours was {pace['verdict']}"),
        _tile("Fillers", f"{fillers['total']} · {fillers['per_minute']:.1f}/min",
              _fillers_state(fillers["per_minute"]), _fillers_hint(fillers)),
        _tile("Long pauses", f"{answer['pauses']['count']}", "good" if answer["pauses"]["count"] <= 1 else "ok",
              f"gaps of {answer['pauses']['threshold_s']:g} s or more"),
    ]
    if share is not None:
        present = sum(1 for p in parts.values() if p.get("present"))
        kind = "STAR" if answer["structure"]["kind"] == "star" else "Framework"
        tiles.append(_tile(kind, f"{present}/{len(parts)} parts", _structure_state(share)))
    return tiles


def _part_at(parts: dict, start: float) -> str | None:
    """The part a word starting at `start` belongs to: the latest part that began by then and has not ended."""
    best, best_start = None, -1.0
    for name, part in parts.items():
        begin = part.get("start_s")
        if not part.get("present") or begin is None:
            continue
        if begin - 0.05 <= start < begin + part["seconds"] + 0.05 and begin > best_start:
            best, best_start = name, begin
    return best


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def align_words(tokens: list[str], words: list[dict]) -> list[tuple[str, list[dict]]] | None:
    """Pair each transcript token (with punctuation) with the analysed words it holds ("two-hour" -> two, hour).

    None when they do not line up letter for letter; the caller then shows the plain words.
    """
    groups: list[tuple[str, list[dict]]] = []
    i = 0
    for token in tokens:
        target = _letters(token)
        if not target:  # a lone dash or ellipsis: keep it with the word before
            if groups:
                groups[-1] = (f"{groups[-1][0]} {token}", groups[-1][1])
            continue
        start, got = i, ""
        while i < len(words) and len(got) < len(target):
            got += _letters(words[i]["text"])
            i += 1
        if got != target:
            return None
        groups.append((token, words[start:i]))
    return groups if i == len(words) else None


def _transcript_html(answer: dict) -> Markup:
    """Words with their times (click to play from there), fillers and words the recogniser doubted marked, long
    pauses shown, parts coloured.

    words[] carries times and filler flags but not the punctuation; the transcript's tokens carry the punctuation.
    They line up one to one except where Whisper split a word into pieces, and then the plain words are shown.
    Each part is one tinted run of text, opened by a coloured tag.
    """
    words = answer.get("words") or []
    if not words:
        return Markup("<em>(no speech)</em>")
    groups = align_words(answer.get("transcript", "").split(), words)
    if groups is not None:
        shown = [token for token, _ in groups]
        words = [{"start": g[0]["start"], "end": g[-1]["end"], "filler": any(w.get("filler") for w in g),
                  "unsure": any(w.get("unsure") for w in g)} for _, g in groups]
    else:
        shown = [w["text"] for w in words]
    parts = (answer.get("structure") or {}).get("parts") or {}
    threshold = (answer.get("pauses") or {}).get("threshold_s", 1.5)
    items: list[dict] = []
    run: list[dict] = []
    current, previous_end = None, None

    def close_run() -> None:
        if run:
            items.append({"tag": None, "tint": PART_COLOURS.get(current, "#888") if current else None,
                          "run": list(run)})
            run.clear()

    for token, word in zip(shown, words):
        part = _part_at(parts, word["start"]) or current
        if part != current:
            close_run()
            current = part
            items.append({"tag": part, "colour": PART_COLOURS.get(part, "#888")})
        if previous_end is not None and word["start"] - previous_end >= threshold:
            run.append({"pause": word["start"] - previous_end})
        previous_end = word["end"]
        kind = "w filler" if word.get("filler") else "w unsure" if word.get("unsure") else "w"
        run.append({"pause": None, "kind": kind, "start": word["start"], "end": word["end"], "text": token})
    close_run()
    return render("transcript.html", items=items)


def _player(name: str | None, audio: Mapping[str, str], prefix: str | None) -> dict:
    """The recording: inside the page, linked next to it, or a note that it is missing."""
    if not name:
        return {"kind": None}
    if name in audio:
        return {"kind": "embedded", "src": audio[name]}
    if prefix is not None and not audio:
        return {"kind": "linked", "src": prefix + name}
    return {"kind": "missing"}


def _answer(answer: dict, audio: Mapping[str, str], prefix: str | None) -> dict:
    shown = {"index": answer["index"], "stage": answer.get("stage", ""), "persona": answer.get("persona", ""),
             "question": answer["question_text"], "scored": "score" in answer,
             "player": _player(answer.get("answer_audio"), audio, prefix)}
    if "score" not in answer:
        return shown
    parts = (answer.get("structure") or {}).get("parts") or {}
    return shown | {
        "interrupted": answer.get("interrupted"), "donut": donut_svg(answer["score"]), "tiles": _tiles(answer),
        "timeline": answer_timeline_svg(answer), "transcript": _transcript_html(answer),
        "legend": [{"name": n, "colour": PART_COLOURS.get(n, "#888")} for n in parts],
        "follow_ups": [{"text": f["text"], "player": _player(f.get("answer_audio"), audio, prefix),
                        "transcript": f.get("transcript") or "(no speech)"} for f in answer.get("follow_ups", [])],
        "findings": [{"severity": f["severity"], "message": f["message"],
                      "at": clock(round(f["at_s"])) if f.get("at_s") is not None else None}
                     for f in answer.get("findings", [])],
        "deductions": ", ".join(f"-{d['points']} {d['reason']}" for d in answer.get("deductions", [])),
        "covered": answer["key_points"]["covered"], "missed": answer["key_points"]["missing"],
        "dimensions": Markup(answer_dimensions_html(answer)), "feedback": answer["spoken_feedback"]}


def _stages(session: dict) -> list[dict]:
    return [r | {"colour": score_colour(r["score"]),
                 "structure_shown": "-" if r["structure"] is None else f"{r['structure'] * 100:.0f}%"}
            for r in stage_summary(session)]


def render_html(session: dict, audio_prefix: str | None = "", *, audio: Mapping[str, str] | None = None) -> str:
    """The whole report as one HTML page. With `audio` (name -> data: URI from embed_audio) the recordings are
    inside the page; without it the players link to the WAVs at audio_prefix + name (the old behaviour)."""
    audio = audio or {}
    answers = scored(session["answers"])
    mean = round(sum(a["score"] for a in answers) / len(answers)) if answers else None
    bars = score_bars_svg([(f"{a['index']}. {a['question_text']}", a["score"]) for a in answers])
    return render(
        "report.html", started=str(session.get("started", ""))[:16].replace("T", " "), stage=session["stage"],
        who=", ".join(f"{p['name']} ({p['stage']})" for p in session.get("personas", [])),
        overall=donut_svg(mean, 110) if mean is not None else "", scored_count=len(answers), mean=mean,
        stages=_stages(session), bars=bars, debrief=Markup(debrief_html(session)),
        debrief_style=Markup(DEBRIEF_STYLE), debrief_script=Markup(DEBRIEF_SCRIPT), unscored_note=UNSCORED_NOTE, filler_colour=FILLER_COLOUR,
        answers=[_answer(a, audio, audio_prefix) for a in session["answers"]]) + "\n"
