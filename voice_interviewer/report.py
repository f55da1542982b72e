"""Readable reports of a session: Markdown and a simple self-contained HTML page (pure: session dict in, text out)."""

from __future__ import annotations

import html

__all__ = ["render_markdown", "render_html", "scored", "UNSCORED_NOTE"]

UNSCORED_NOTE = "Interrupted before it could be scored; the recording is kept. `replay --rescore` scores it."


def scored(answers: list[dict]) -> list[dict]:
    """Answers that carry a score document (an interrupted answer may only have its audio)."""
    return [a for a in answers if "score" in a]


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


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
        out += ["", f"Interviewer's feedback: {answer['spoken_feedback']}", ""]
    return "\n".join(out)


_STYLE = """body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1d2433}
h1{font-size:1.6rem}h2{font-size:1.15rem;margin-top:2.2rem;border-top:1px solid #dde;padding-top:1rem}
.score{font-size:1.4rem;font-weight:700}.bar{height:.6rem;background:#e6e9f0;border-radius:.3rem}
.bar>span{display:block;height:100%;border-radius:.3rem}.q{color:#445}.t{background:#f6f7fb;padding:.8rem;
border-radius:.4rem}.filler{background:#ffd9a8}.warn{color:#9a5b00}.high{color:#b00020}.info{color:#345}
.fb{border-left:4px solid #3a7;padding-left:.8rem}"""


def _transcript_html(answer: dict) -> str:
    """The transcript as said (with its punctuation), fillers highlighted.

    words[] carries the filler flags but not the punctuation; the transcript's tokens carry the punctuation. They
    line up one to one except where Whisper split a word into pieces, and then the plain words are shown.
    """
    words = answer.get("words") or []
    if not words:
        return "<em>(no speech)</em>"
    tokens = answer.get("transcript", "").split()
    shown = tokens if len(tokens) == len(words) else [w["text"] for w in words]
    return " ".join(f'<span class="filler">{html.escape(token)}</span>' if word.get("filler")
                    else html.escape(token) for token, word in zip(shown, words))


def render_html(session: dict, audio_prefix: str = "") -> str:
    parts = [f"<!doctype html><html lang=en><meta charset=utf-8><title>Interview {html.escape(session.get('started', ''))}"
             f"</title><style>{_STYLE}</style><h1>Interview, {html.escape(session['stage'])}</h1>"]
    for answer in session["answers"]:
        if "score" not in answer:
            parts.append(f"<h2>{answer['index']}. {html.escape(answer['question_text'])}</h2>"
                         f"<p><em>{html.escape(UNSCORED_NOTE)}</em></p>")
            continue
        colour = "#3a7" if answer["score"] >= 75 else "#d90" if answer["score"] >= 50 else "#c33"
        parts.append(f"<h2>{answer['index']}. {html.escape(answer['question_text'])}</h2>"
                     f"<div class=score>{answer['score']}/100</div><div class=bar><span style='width:{answer['score']}%;"
                     f"background:{colour}'></span></div>")
        if answer.get("answer_audio"):
            parts.append(f"<p><audio controls preload=none src='{html.escape(audio_prefix + answer['answer_audio'])}'>"
                         "</audio></p>")
        parts.append("<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in _summary_lines(answer)) + "</ul>")
        parts.append(f"<p class=t>{_transcript_html(answer)}</p>")
        parts.append("<ul>" + "".join(f"<li class={f['severity']}>{html.escape(f['message'])}</li>"
                                       for f in answer.get("findings", [])) + "</ul>")
        parts.append(f"<p class=fb>{html.escape(answer['spoken_feedback'])}</p>")
    return "".join(parts) + "</html>\n"
