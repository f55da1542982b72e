"""The prep plan: plan, and plan --today running the day's drills."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from voice_interviewer.cli.common import JsonOpt, MuteOpt, OutOpt, app, out, print_notice
from voice_interviewer.config import sessions_home
from voice_interviewer.errors import UsageError


@app.command()
def plan(
    start: Annotated[Optional[str], typer.Option("--start", help="first day YYYY-MM-DD: makes a new plan")] = None,
    on: Annotated[Optional[str], typer.Option("--on", help="show the plan as of this day (default today)")] = None,
    resume: Annotated[Optional[Path], typer.Option("--resume", help="resume for the plan's deep-dive days")] = None,
    today: Annotated[bool, typer.Option("--today", help="run today's practice items one after another")] = False,
    input_: Annotated[Optional[list[str]], typer.Option("--input", help="with --today: recordings for the items")] = None,
    fast: Annotated[bool, typer.Option("--fast", help="with --today: feed recordings as fast as possible")] = False,
    mute: MuteOpt = False,
    out_dir: OutOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The guide's two-week plan: what is done, what is due today (as commands), which story themes lack a story."""
    import datetime as dt
    import subprocess

    from voice_interviewer.practice import plan as plans
    from voice_interviewer.review.progress import saved_sessions

    home = sessions_home(out_dir)
    day = plans.parse_date(on, "--on") if on is not None else dt.date.today()
    current = plans.load_plan(home)
    if resume is not None:
        from voice_interviewer.practice.resume import read_resume

        read_resume(resume)
    if start is not None or current is None:
        first = plans.parse_date(start) if start is not None else day
        current = plans.build_plan(first, str(resume.resolve()) if resume else None)
        print_notice(f"new two-week plan from {first.isoformat()} saved in {plans.save_plan(home, current)}")
    elif resume is not None:
        current["resume"] = str(resume.resolve())
        plans.save_plan(home, current)
    sessions, skipped = saved_sessions(home)
    for reason in skipped:
        print_notice(f"skipped: {reason}")
    status = plans.plan_status(current, sessions, day)
    if as_json:
        print(json.dumps(status, ensure_ascii=False))
        return
    _print_plan(status)
    if not today:
        return
    from voice_interviewer.content.personas import load_personas
    from voice_interviewer.voice.speaker import Speaker

    speaker = Speaker(mute=mute, on_notice=print_notice)
    summary = plans.day_summary(status)
    out.print(f"\n[green]{summary}[/]")
    speaker.speak(summary, home / "plan-today.wav", load_personas()["hiring-manager"].voice)
    extra = [a for s in (input_ or []) for a in ("--input", s)] + (["--fast"] if fast else []) + \
        (["--mute"] if mute else []) + (["--out", str(out_dir)] if out_dir else [])
    for item in status["due_today"]:
        args = plans.item_args(item, current.get("resume"), placeholder=False)
        if args is None:
            continue
        if item.get("resume") and not current.get("resume"):
            print_notice("no resume in the plan, so no deep-dives today; add one with `plan --resume FILE`")
        out.print(f"\n[bold]Now: {item['what']}[/]  [dim]voice-interviewer {' '.join(args)}[/]")
        done = subprocess.run([sys.executable, "-m", "voice_interviewer", *args, *extra], check=False)
        if done.returncode != 0:
            raise UsageError(f"{item['what']!r} stopped with exit code {done.returncode}; fix it and run "
                             "`plan --today` again")
    after = plans.plan_status(current, saved_sessions(home)[0], day)
    before = [i for i in status["due_today"] if i["state"] == "due"]
    left = [i for i in after["due_today"] if i["state"] == "due"]
    out.print(f"\nToday's practice sessions: {len(before) - len(left)} done now, {len(left)} still due.")


def _print_plan(status: dict) -> None:
    marks = {"done": "[green]✓[/]", "due": "[yellow]•[/]", "today": "[yellow]-[/]", "missed": "[red]✗[/]",
             "past": "[dim]-[/]", "upcoming": "[dim]·[/]"}
    table = Table("day", "date", "focus", "items")
    for entry in status["days"]:
        style = "bold" if entry["day"] == status["today_day"] else ""
        items = "\n".join(f"{marks[i['state']]} {i['what']}" for i in entry["items"])
        table.add_row(str(entry["day"]), entry["date"], entry["focus"], items, style=style)
    out.print(table)
    out.print(f"{status['done']} of {status['tracked']} practice sessions done "
              "(✓ done, • due today, ✗ missed, - study on your own, · upcoming).")
    if status["today_day"] is None:
        out.print(f"Today ({status['today']}) is outside the plan ({status['days'][0]['date']} to "
                  f"{status['days'][-1]['date']}).")
    elif status["due_today"]:
        out.print(f"\n[bold]Due today (day {status['today_day']}):[/]")
        for item in status["due_today"]:
            out.print(f"  {item['what']}" + (f"\n    [cyan]{item['command']}[/]" if item["command"] else ""))
        if any(item["command"] for item in status["due_today"]):
            out.print("  Or run them all by voice: [cyan]voice-interviewer plan --today[/]")
    else:
        out.print(f"\nNothing left for today (day {status['today_day']}).")
    gaps = status["themes_without_story"]
    out.print("\nSTAR themes without a story yet: " + (", ".join(gaps) if gaps else "none, every theme has one"))
