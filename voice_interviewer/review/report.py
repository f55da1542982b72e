"""Readable reports of a session: Markdown, and one self-contained HTML page with charts and the answers' audio.

Pure: session dict in, text out. The HTML needs no network: styles, script, charts (inline SVG,
voice_interviewer.review.charts) and audio (data: URIs made by report_media.embed_audio) are all inside the file.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from voice_interviewer.review.charts import (
    FILLER_COLOUR,
    PACE_BAND_WPM,
    PART_COLOURS,
    answer_timeline_svg,
    clock,
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

__all__ = ["render_markdown", "render_html", "scored",
           "stage_summary", "completeness", "align_words", "UNSCORED_NOTE"]

UNSCORED_NOTE = "Interrupted before it could be scored; the recording is kept. `replay --rescore` scores it."


def scored(answers: list[dict]) -> list[dict]:
    """Answers that carry a score document (an interrupted answer may only have its audio)."""
    return [a for a in answers if "score" in a]


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


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
        + (": " + ", ".join(f"{k} x{v}" for k, v in fillers["counts"].items()) if fillers["counts"] else ""),
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

_STYLE = """
:root{--ink:#1d2433;--muted:#5b6475;--line:#e3e6ee;--card:#fff;--bg:#f4f6fa}
*{box-sizing:border-box}body{font:15px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);
background:var(--bg);margin:0}main{max-width:62rem;margin:0 auto;padding:1.5rem 1rem 4rem}
header.top{display:flex;gap:1.2rem;align-items:center;margin-bottom:1rem}h1{font-size:1.6rem;margin:0}
.sub{color:var(--muted);margin:.2rem 0 0}h2{font-size:1.15rem;margin:0 0 .6rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.8rem;padding:1.1rem 1.3rem;margin:1rem 0;
box-shadow:0 1px 2px #0000000a}.stages{display:grid;grid-template-columns:repeat(auto-fill,minmax(10.5rem,1fr));gap:.8rem}
.stage{border:1px solid var(--line);border-radius:.6rem;padding:.7rem .8rem}.stage .name{font-weight:650}
.stage .who{color:var(--muted);font-size:.82rem}.big{font-size:1.9rem;font-weight:700;line-height:1.1}
.kv{display:flex;justify-content:space-between;font-size:.86rem;margin-top:.25rem}.kv b{font-weight:600}
.tiles{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center}.tile{border-radius:.55rem;padding:.45rem .7rem;
min-width:7.4rem;background:#f1f3f8;border-left:5px solid #aab}.tile .v{font-size:1.15rem;font-weight:650}
.tile .k{font-size:.76rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.good{border-left-color:#2e8b57}.ok{border-left-color:#d98c00}.bad{border-left-color:#c8383b}
.q{font-size:1.05rem;font-weight:600;margin:.2rem 0 .8rem}.who2{color:var(--muted);font-size:.85rem}
audio{width:100%;margin:.6rem 0 .2rem}svg.chart{width:100%;height:auto;display:block;margin:.4rem 0}
svg .lane,svg .tick{font-size:11px;fill:#5b6475}svg .part{font-size:11px;fill:#fff;font-weight:600}
svg .band{fill:#2e8b5722}svg .grid{stroke:#e8eaf0}svg .pace{fill:none;stroke:#2b5797;stroke-width:2.5;
stroke-linejoin:round}svg .pace-area{fill:#2b579714}svg .pause{fill:#8a90a022;stroke:#8a90a0;stroke-dasharray:3 3}
svg .pause-label{font-size:10px;fill:#5b6475}svg .lane-line{stroke:#d5d9e2}svg .filler-line{stroke:#e1575955}
svg .playhead{stroke:#1d2433;stroke-width:1.5;visibility:hidden}svg .label{font-size:12px;fill:#1d2433}
svg .value{font-size:12px;font-weight:700;fill:#1d2433}svg .track{fill:#eef0f5}svg .mark{stroke:#8a90a0;
stroke-dasharray:4 3}svg .ring{fill:none;stroke:#e6e9f0;stroke-width:10}svg .donut-value{font-size:26px;
font-weight:700;fill:#1d2433}svg .chart-title{font-size:13px;font-weight:650;fill:#1d2433}
svg .line{stroke-width:2.5}svg.donut{width:auto;margin:0;flex:none}
.legend{display:flex;flex-wrap:wrap;gap:.9rem;font-size:.8rem;color:var(--muted);margin:.1rem 0 .6rem}
.legend i{display:inline-block;width:.8rem;height:.8rem;border-radius:.2rem;margin-right:.3rem;vertical-align:-.1rem}
.tx{background:#fafbfd;border:1px solid var(--line);border-radius:.5rem;padding:.8rem 1rem;line-height:1.9}
.seg{border-radius:.3rem;padding:.1rem .15rem;-webkit-box-decoration-break:clone;box-decoration-break:clone}
.w{border-radius:.2rem;cursor:pointer}.w.now{outline:2px solid #1d2433}
.filler{background:#e1575933;color:#a3262a;font-weight:600;text-decoration:underline wavy #e15759}
.tag{display:inline-block;font-size:.7rem;font-weight:700;color:#fff;border-radius:.3rem;padding:0 .35rem;
margin:0 .25rem;text-transform:uppercase;letter-spacing:.04em;line-height:1.5}
.pausemark{display:inline-block;font-size:.72rem;color:#5b6475;border:1px dashed #8a90a0;border-radius:.3rem;
padding:0 .3rem;margin:0 .2rem;line-height:1.4}.cols{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
@media(max-width:46rem){.cols{grid-template-columns:1fr}}ul.find{padding-left:1.1rem;margin:.3rem 0}
ul.find li{margin:.2rem 0}.sev{font-size:.7rem;font-weight:700;text-transform:uppercase;border-radius:.3rem;
padding:0 .3rem;margin-right:.35rem;color:#fff}.sev.high{background:#c8383b}.sev.warn{background:#d98c00}
.sev.info{background:#6b7488}.fb{border-left:4px solid #2e8b57;background:#f3faf6;padding:.6rem .9rem;
border-radius:.3rem;margin-top:.8rem}.follow{margin-top:.6rem;color:var(--muted)}h3{font-size:.95rem;margin:.8rem 0 .2rem}
.note{color:#9a5b00;font-style:italic}.ded{color:var(--muted);font-size:.85rem}
"""

_SCRIPT = """
document.querySelectorAll('section.answer').forEach(function(sec){
  var audio=sec.querySelector('audio'); var words=[].slice.call(sec.querySelectorAll('.tx .w'));
  var svg=sec.querySelector('svg.timeline'); var head=svg&&svg.querySelector('.playhead');
  if(!audio){return;}
  audio.addEventListener('timeupdate',function(){
    var t=audio.currentTime;
    words.forEach(function(w){w.classList.toggle('now',t>=+w.dataset.s&&t<+w.dataset.e+0.08);});
    if(head){var x=+svg.dataset.left+t*svg.dataset.scale;head.setAttribute('x1',x);head.setAttribute('x2',x);
      head.style.visibility='visible';}
  });
  words.forEach(function(w){w.addEventListener('click',function(){audio.currentTime=+w.dataset.s;audio.play();});});
  if(svg){svg.addEventListener('click',function(ev){var box=svg.getBoundingClientRect();
    var x=(ev.clientX-box.left)*svg.viewBox.baseVal.width/box.width;
    audio.currentTime=Math.max(0,(x-svg.dataset.left)/svg.dataset.scale);audio.play();});}
});
document.documentElement.dataset.ready=document.querySelectorAll('svg.chart').length;
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _tile(label: str, value: str, state: str, hint: str = "") -> str:
    title = f' title="{_e(hint)}"' if hint else ""
    return f'<div class="tile {state}"{title}><div class="k">{_e(label)}</div><div class="v">{_e(value)}</div></div>'


def _fillers_state(per_minute: float) -> str:
    return "good" if per_minute <= 2 else "ok" if per_minute <= 5 else "bad"


def _structure_state(share: float | None) -> str:
    return "ok" if share is None else "good" if share >= 1 else "ok" if share >= 0.5 else "bad"


def _tiles(answer: dict) -> str:
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
        _tile("Fillers", f"{fillers['total']} · {fillers['per_minute']:.1f}/min", _fillers_state(fillers["per_minute"])),
        _tile("Long pauses", f"{answer['pauses']['count']}", "good" if answer["pauses"]["count"] <= 1 else "ok",
              f"gaps of {answer['pauses']['threshold_s']:g} s or more"),
    ]
    if share is not None:
        present = sum(1 for p in parts.values() if p.get("present"))
        kind = "STAR" if answer["structure"]["kind"] == "star" else "Framework"
        tiles.append(_tile(kind, f"{present}/{len(parts)} parts", _structure_state(share)))
    return "".join(tiles)


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


def _transcript_html(answer: dict) -> str:
    """Words with their times (click to play from there), fillers marked, long pauses shown, parts coloured.

    words[] carries times and filler flags but not the punctuation; the transcript's tokens carry the punctuation.
    They line up one to one except where Whisper split a word into pieces, and then the plain words are shown.
    Each part is one tinted run of text, opened by a coloured tag.
    """
    words = answer.get("words") or []
    if not words:
        return "<em>(no speech)</em>"
    groups = align_words(answer.get("transcript", "").split(), words)
    if groups is not None:
        shown = [token for token, _ in groups]
        words = [{"start": g[0]["start"], "end": g[-1]["end"], "filler": any(w.get("filler") for w in g)}
                 for _, g in groups]
    else:
        shown = [w["text"] for w in words]
    parts = (answer.get("structure") or {}).get("parts") or {}
    threshold = (answer.get("pauses") or {}).get("threshold_s", 1.5)
    out, run, current, previous_end = [], [], None, None

    def close_run() -> None:
        if run:
            tint = f' style="background:{PART_COLOURS.get(current, "#888")}1c"' if current else ""
            out.append(f'<span class="seg"{tint}>{" ".join(run)}</span>')
            run.clear()

    for token, word in zip(shown, words):
        part = _part_at(parts, word["start"]) or current
        if part != current:
            close_run()
            current = part
            out.append(f'<span class="tag" style="background:{PART_COLOURS.get(part, "#888")}">{_e(part)}</span>')
        if previous_end is not None and word["start"] - previous_end >= threshold:
            run.append(f'<span class="pausemark" title="silence">⏸ {word["start"] - previous_end:.1f} s</span>')
        previous_end = word["end"]
        kind = "w filler" if word.get("filler") else "w"
        run.append(f'<span class="{kind}" data-s="{word["start"]}" data-e="{word["end"]}">{_e(token)}</span>')
    close_run()
    return " ".join(out)


def _legend(answer: dict) -> str:
    parts = (answer.get("structure") or {}).get("parts") or {}
    items = [f'<span><i style="background:{PART_COLOURS.get(n, "#888")}"></i>{_e(n)}</span>' for n in parts]
    items += [f'<span><i style="background:{FILLER_COLOUR}"></i>filler</span>',
              '<span><i style="background:#2e8b5744"></i>target pace 120-160 wpm</span>',
              '<span><i style="background:#8a90a044;border:1px dashed #8a90a0"></i>long pause</span>']
    return f'<div class="legend">{"".join(items)}</div>'


def _findings_html(answer: dict) -> str:
    findings = answer.get("findings", [])
    fixes = "".join(f'<li><span class="sev {_e(f["severity"])}">{_e(f["severity"])}</span>{_e(f["message"])}'
                    + (f' <span class="ded">at {clock(f["at_s"])}</span>' if f.get("at_s") is not None else "")
                    + "</li>" for f in findings) or "<li>Nothing to fix.</li>"
    covered = "".join(f"<li>{_e(k)}</li>" for k in answer["key_points"]["covered"]) or "<li>None yet.</li>"
    missed = "".join(f"<li>{_e(k)}</li>" for k in answer["key_points"]["missing"])
    deductions = ", ".join(f"-{d['points']} {d['reason']}" for d in answer.get("deductions", []))
    left = f"<h3>What to work on</h3><ul class=find>{fixes}</ul>"
    if deductions:
        left += f'<p class="ded">Score deductions: {_e(deductions)}</p>'
    right = f"<h3>Key points covered</h3><ul class=find>{covered}</ul>"
    if missed:
        right += f"<h3>Key points missed</h3><ul class=find>{missed}</ul>"
    return f'<div class="cols"><div>{left}</div><div>{right}</div></div>'


def _audio_html(name: str | None, audio: Mapping[str, str], prefix: str) -> str:
    if not name:
        return ""
    if name in audio:
        return f'<audio controls preload="metadata" src="{audio[name]}"></audio>'
    if prefix is not None and not audio:
        return f'<audio controls preload="none" src="{_e(prefix + name)}"></audio>'
    return '<p class="note">The recording of this answer is missing from the session folder.</p>'


def _answer_html(answer: dict, audio: Mapping[str, str], prefix: str) -> str:
    head = (f'<section class="card answer" id="a{answer["index"]}"><div class="who2">Answer {answer["index"]} · '
            f'{_e(answer.get("stage", ""))} · {_e(answer.get("persona", ""))}</div>'
            f'<div class="q">{_e(answer["question_text"])}</div>')
    player = _audio_html(answer.get("answer_audio"), audio, prefix)
    if "score" not in answer:
        return head + player + f'<p class="note">{_e(UNSCORED_NOTE)}</p></section>'
    note = '<p class="note">This answer was interrupted; what was recorded is kept.</p>' \
        if answer.get("interrupted") else ""
    follow = ""
    for f in answer.get("follow_ups", []):
        follow += (f'<div class="follow"><b>Follow-up:</b> {_e(f["text"])}</div>'
                   + _audio_html(f.get("answer_audio"), audio, prefix)
                   + f'<div class="tx">{_e(f.get("transcript") or "(no speech)")}</div>')
    return (head + note + f'<div class="tiles">{donut_svg(answer["score"])}{_tiles(answer)}</div>' + player
            + answer_timeline_svg(answer) + _legend(answer)
            + f'<div class="tx">{_transcript_html(answer)}</div>' + follow + _findings_html(answer)
            + answer_dimensions_html(answer)
            + f'<div class="fb"><b>Interviewer:</b> {_e(answer["spoken_feedback"])}</div></section>')


def _summary_html(session: dict) -> str:
    rows = stage_summary(session)
    if not rows:
        return ""
    cards = []
    for r in rows:
        structure = "-" if r["structure"] is None else f"{r['structure'] * 100:.0f}%"
        cards.append(
            f'<div class="stage"><div class="name">{_e(r["stage"])}</div><div class="who">{_e(r["persona"])}, '
            f'{r["answers"]} answer(s)</div><div class="big" style="color:{score_colour(r["score"])}">'
            f'{r["score"]}</div><div class="kv"><span>pace</span><b>{r["wpm"]} wpm</b></div>'
            f'<div class="kv"><span>fillers</span><b>{r["fillers_per_min"]:.1f}/min</b></div>'
            f'<div class="kv"><span>structure</span><b>{structure}</b></div>'
            f'<div class="kv"><span>over budget</span><b>{r["over_budget"]}</b></div></div>')
    bars = score_bars_svg([(f"{a['index']}. {a['question_text']}", a["score"]) for a in scored(session["answers"])])
    return f'<section class="card"><h2>By stage</h2><div class="stages">{"".join(cards)}</div>{bars}</section>'


def render_html(session: dict, audio_prefix: str = "", *, audio: Mapping[str, str] | None = None) -> str:
    """The whole report as one HTML page. With `audio` (name -> data: URI from embed_audio) the recordings are
    inside the page; without it the players link to the WAVs at audio_prefix + name (the old behaviour)."""
    audio = audio or {}
    answers = scored(session["answers"])
    mean = round(sum(a["score"] for a in answers) / len(answers)) if answers else None
    who = ", ".join(f"{p['name']} ({p['stage']})" for p in session.get("personas", []))
    started = str(session.get("started", ""))[:16].replace("T", " ")
    overall = donut_svg(mean, 110) if mean is not None else ""
    head = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width,initial-scale=1"><title>Interview {_e(started)}</title>'
            f"<style>{_STYLE}{DEBRIEF_STYLE}</style></head><body><main><header class=\"top\">{overall}<div>"
            f"<h1>Mock interview: {_e(session['stage'])}</h1><p class=\"sub\">{_e(started)} UTC · {_e(who)}</p>"
            f'<p class="sub">{len(answers)} scored answer(s)'
            + (f", average score {mean}/100" if mean is not None else "")
            + ". Click any word, or the chart, to hear that moment.</p></div></header>")
    body = _summary_html(session) + debrief_html(session) + "".join(_answer_html(a, audio, audio_prefix) for a in session["answers"])
    return head + body + f"</main><script>{_SCRIPT}{DEBRIEF_SCRIPT}</script></body></html>\n"
