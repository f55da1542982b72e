"""Printing saved documents on the terminal: feedback and its dimensions, the debrief, questions back, exercises,
replay's transcript, comparisons, progress and stories. The running interview's screen is screen.py."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from voice_interviewer.wording import clock

__all__ = ["follow_along", "print_comparison", "print_debrief", "print_dimensions", "print_exercise", "print_feedback",
           "print_progress", "print_questions_back", "print_stories", "transcript_text"]


_RATING_STYLE = {"strong-no-hire": "bold red", "no-hire": "red", "hire": "green", "strong-hire": "bold green",
                 "not-assessed": "dim"}


def _rating(rating: str) -> str:
    return f"[{_RATING_STYLE.get(rating, 'white')}]{rating.replace('-', ' ')}[/]"


def print_dimensions(out: Console, doc: dict, moved: dict | None = None) -> None:
    """The guide's dimensions this answer was rated on, the evidence that weighed most each way, and (in an
    interview) how the answer moved the stage's rating."""
    for dim, found in (doc.get("dimensions") or {}).items():
        change = ""
        if moved and dim in moved:
            before, after = moved[dim]
            change = f"  [dim]stage: {before.replace('-', ' ')} → {after.replace('-', ' ')}[/]"
        out.print(f"  {dim}: {_rating(found['rating'])}{change}")
        for positive, mark in ((True, "[green]+[/]"), (False, "[red]-[/]")):
            item = next((e for e in found.get("evidence", []) if e["for"] is positive), None)
            if item is not None:
                at = f" at {item['at_s']:.0f} s" if item.get("at_s") is not None else ""
                quote = f" \"{escape(item['quote'])}\"" if item.get("quote") else ""
                out.print(f"    {mark} {escape(item.get('signal', ''))}{quote}{at}")


def print_debrief(out: Console, debrief: dict, stage: str | None = None) -> None:
    """The stage's (or the loop's) ratings of the five dimensions, with the recommendation once the loop closes."""
    ratings = debrief["stages"].get(stage, {}) if stage else debrief["loop"]
    table = Table("dimension", "rating", "strongest for", "strongest against",
                  title=f"Debrief: {stage or 'the loop'}")
    scope = debrief["evidence"]["stages"].get(stage, {}) if stage else debrief["evidence"]["loop"]
    for dim, rating in ratings.items():
        ev = scope.get(dim, {})
        first = [(ev.get(k) or [{}])[0] for k in ("for", "against")]
        table.add_row(dim, _rating(rating), *(escape(e.get("signal", "")) + (f" (answer {e['answer']})" if e else "")
                                              for e in first))
    out.print(table)
    if not stage and debrief.get("recommendation"):
        out.print(f"  recommendation: {_rating(debrief['recommendation'])}; work on first: "
                  f"[bold]{debrief.get('work_on_first') or '-'}[/]")


def print_feedback(out: Console, doc: dict, moved: dict | None = None) -> None:
    timing, pace, fillers = doc["timing"], doc["pace"], doc["fillers"]
    out.print(f"[bold]Score {doc['score']}/100[/]  {timing['duration_s']:.0f} s"
              f"{' (over budget)' if timing.get('over_budget') else ''}, {pace['wpm']:.0f} wpm ({pace['verdict']}), "
              f"{fillers['total']} filler(s), {doc['pauses']['count']} long pause(s)")
    parts = doc["structure"].get("parts") or {}
    if parts:
        shown = "  ".join(f"{name} {'✓' if p['present'] else '✗'}" for name, p in parts.items())
        out.print(f"  {doc['structure']['kind']}: {shown}")
    if doc["key_points"]["missing"]:
        out.print(f"  missed: {'; '.join(doc['key_points']['missing'])}")
    for deduction in doc.get("deductions", []):
        out.print(f"  [dim]-{deduction['points']} {deduction['reason']}[/]")
    for finding in doc.get("findings") or []:
        if isinstance(finding, dict) and finding.get("kind") == "hard-to-hear":
            out.print(f"  [yellow]{escape(str(finding.get('message', '')))}[/]")
    print_dimensions(out, doc, moved)


def print_questions_back(out: Console, doc: dict) -> None:
    """The written feedback on the candidate's questions for one interviewer."""
    out.print(f"\n[bold]Your questions for the {doc['stage']} interviewer[/]: {doc['count']} asked "
              f"(goal {doc['goal'][0]}-{doc['goal'][1]}), {doc['specific']} specific, {doc['searchable']} searchable")
    for q in doc["questions"]:
        mark = "searchable" if q["searchable"] else "specific" if q["specific"] else "generic"
        out.print(f"  [{'red' if q['searchable'] else 'green' if q['specific'] else 'yellow'}]{mark:>10}[/]  {q['text']}")
    out.print(f"  [green]{doc['spoken_feedback']}[/]")


def print_exercise(out: Console, doc: dict) -> None:
    """The written feedback of a structuring exercise: coverage, order and time per framework part."""
    used, total = doc.get("clock_used_s", 0.0), doc.get("clock_total_s", 0.0)
    out.print(f"\n[bold]Structuring exercise[/]: {doc['title']}  ({len(doc['turns'])} turn(s), "
              f"{clock(used)} of {clock(total)} used, "
              f"ended by {doc['finished_by']})")
    for name, part in doc.get("parts", {}).items():
        if part["present"]:
            late = "  (out of order)" if name in doc["out_of_order"] else ""
            out.print(f"  [green]✓[/] {name:<13} from {part['start_s']:>6.1f} s  {part['seconds']:>6.1f} s "
                      f"({part['share']:.0%}){late}")
        else:
            out.print(f"  [red]✗[/] {name:<13} missing")
    for finding in doc.get("findings", []):
        out.print(f"  [dim]{finding['severity']}[/] {finding['message']}")
    out.print(f"  [green]{doc.get('spoken_feedback', '')}[/]")


def _word_text(token: str, filler: bool) -> Text:
    return Text(token, style="bold red underline" if filler else "white")


def transcript_text(record: dict) -> Text:
    """The stored transcript with punctuation, fillers in red."""
    from voice_interviewer.review.report import align_words

    words = record.get("words") or []
    groups = align_words(record.get("transcript", "").split(), words)
    if groups is None:
        groups = [(w["text"], [w]) for w in words]
    text = Text()
    for token, group in groups:
        text.append_text(_word_text(token, any(w.get("filler") for w in group)))
        text.append(" ")
    return text


def follow_along(out: Console, record: dict, elapsed, sleep) -> None:
    """Print each word of the answer when its time comes; elapsed() is seconds since the audio started."""
    from voice_interviewer.review.report import align_words

    words = record.get("words") or []
    groups = align_words(record.get("transcript", "").split(), words) or [(w["text"], [w]) for w in words]
    for token, group in groups:
        wait = group[0]["start"] - elapsed()
        if wait > 0:
            sleep(wait)
        out.print(_word_text(token, any(w.get("filler") for w in group)), end=" ")
    out.print()


def print_comparison(out: Console, rows: list[dict]) -> None:
    """Stored feedback against today's: one row per measure."""
    table = Table("measure", "stored", "now", "change", title="Rescored with today's transcription and feedback")
    for row in rows:
        change = row["change"]
        shown = "" if change is None else f"{change:+g}"
        table.add_row(row["measure"], "-" if row["stored"] is None else f"{row['stored']:g}",
                      "-" if row["now"] is None else f"{row['now']:g}", shown)
    out.print(table)
    findings = rows[-1]
    for kind in findings.get("new", []):
        out.print(f"  new finding: {kind}")
    for kind in findings.get("gone", []):
        out.print(f"  no longer found: {kind}")


def _cell(metric: str, value) -> str:
    from voice_interviewer.review.progress import format_metric

    return "-" if value is None else format_metric(metric, value, units=False)


_SHORT = {"score": "score", "wpm": "wpm", "fillers_per_min": "fillers/min", "structure": "structure",
          "duration_s": "length"}


def print_progress(out: Console, doc: dict) -> None:
    """Per stage a row per session; per question first → latest; then what improved and what did not."""
    from voice_interviewer.review.progress import METRICS

    started = {s["id"]: s["started"][5:16].replace("T", " ") for s in doc["sessions"]}
    headers = [_SHORT[m] for m in METRICS]
    for stage, trend in doc["stages"].items():
        table = Table("session", *headers, title=f"Stage {stage}")
        for i, sid in enumerate(trend["sessions"]):
            table.add_row(started[sid], *(_cell(m, trend["series"][m][i]) for m in METRICS))
        out.print(table)
    table = Table("question", "sessions", *headers, title="Per question: first → latest")
    for qid, q in doc["questions"].items():
        cells = []
        for metric in METRICS:
            known = [v for v in q["series"][metric] if v is not None]
            cells.append("-" if not known else _cell(metric, known[0]) if len(known) == 1
                         else f"{_cell(metric, known[0])} → {_cell(metric, known[-1])}")
        table.add_row(qid, str(len(q["sessions"])), *cells)
    table.columns[0].overflow = "fold"
    out.print(table)
    _print_dimension_trends(out, doc, started)
    summary = doc["summary"]
    out.print(f"\n[bold]{summary['note']}[/]")
    for key, title, style in (("improved", "Improved", "green"), ("worse", "Got worse", "red"),
                              ("steady", "No change yet", "yellow")):
        if summary[key]:
            out.print(f"[{style}]{title}:[/]")
            for line in summary[key]:
                out.print(f"  {line}")


def _print_dimension_trends(out: Console, doc: dict, started: dict) -> None:
    trends = doc.get("dimensions")
    if not trends or not trends["sessions"]:
        return
    scope = f"stage {doc['stage']}" if doc.get("stage") else "the loop"
    table = Table("session", *trends["series"], title=f"The five dimensions per session ({scope})")
    for i, sid in enumerate(trends["sessions"]):
        table.add_row(started[sid], *(_rating(trends["series"][d][i]) for d in trends["series"]))
    out.print(table)


def print_stories(out: Console, bank: dict) -> None:
    low, high = bank["target"]
    table = Table("#", "story (latest telling opens with)", "told", "themes", "longest",
                  title=f"Your STAR stories: {len(bank['stories'])} (the guide suggests {low}-{high})")
    for story in bank["stories"]:
        longest = clock(story["longest_s"])
        table.add_row(str(story["id"]), f"{story['title']}…\n[dim]{', '.join(story['terms'])}[/]",
                      str(len(story["tellings"])), ", ".join(story["themes"]) or "-",
                      f"[red]{longest}[/]" if story["over_limit"] else longest)
    out.print(table)
    if bank["missing_themes"]:
        out.print(f"[yellow]Themes with no story yet:[/] {', '.join(bank['missing_themes'])}")
    else:
        out.print("[green]Every theme has at least one story.[/]")
    long = [str(i) for i in bank["over_limit"]]
    if long:
        out.print(f"[red]Over {bank['limit_s'] / 60:.0f} minutes:[/] story {', '.join(long)}; tighten the "
                  "situation and keep the action and result.")
