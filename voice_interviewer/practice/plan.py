"""The guide's two-week preparation plan as concrete practice sessions, and where the candidate stands on it.

Week one builds the foundation (program fundamentals, technical fluency, timed structuring exercises, a rest day);
week two simulates and refines (STAR stories mapped to the six themes, mock interviews, questions for the
interviewers, light review on the last day). Every practice item is a command of this tool, so a day can be followed
entirely by voice; study items are for the candidate to do away from the tool.

plan.json (0600) lives in the sessions dir. Progress is read from the saved sessions: an item is done when a session
of its kind (stage, exercise scenario, resume deep-dive) started on the item's day. Story themes are the story
bank's (review/stories.py), built from the behavioral answers of every saved session.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from voice_interviewer.errors import SessionError, UsageError
from voice_interviewer.review.progress import Session
from voice_interviewer.review.stories import build_story_bank

__all__ = ["PLAN_DAYS", "PLAN_FILE", "parse_date", "build_plan", "load_plan", "save_plan", "session_day",
           "item_done", "plan_status", "item_args", "item_command", "day_summary"]

PLAN_FILE = "plan.json"
PLAN_SCHEMA = 1
@dataclass(frozen=True)
class _Item:
    kind: str                # interview | exercise | study | stories | review | rest
    what: str
    stage: str | None = None
    questions: int | None = None
    scenario: str | None = None
    minutes: int | None = None
    resume: bool = False


_DAY_FOCUS_ITEMS: tuple[tuple[str, tuple[_Item, ...]], ...] = (
    ("Program fundamentals", (
        _Item("study", "Review program structuring, RACI, risk and dependency tracking, stakeholder updates, and "
                       "Agile at program level."),
        _Item("interview", "Hiring-manager questions on running programs", "hiring-manager", 2))),
    ("Program fundamentals, on your own resume", (
        _Item("study", "Go through every resume bullet: objective, teams, risks, outcome, what you would change."),
        _Item("interview", "Resume deep-dive with the hiring manager", "hiring-manager", 2, resume=True))),
    ("Technical fluency", (
        _Item("study", "Brush up on system design, APIs, cloud infrastructure, CI/CD and distributed systems."),
        _Item("interview", "Technical-depth questions", "technical", 2))),
    ("Technical fluency, again", (
        _Item("study", "Pick the two topics you explained worst yesterday and read up on them."),
        _Item("interview", "Technical-depth questions, aiming past yesterday's score", "technical", 3))),
    ("Structuring exercise", (
        _Item("exercise", "Timed structuring exercise: 50 microservices", scenario="microservices-migration",
              minutes=30),)),
    ("Structuring exercise, a new scenario", (
        _Item("exercise", "Timed structuring exercise: card data residency", scenario="payments-data-residency",
              minutes=30),)),
    ("Rest", (_Item("rest", "No practice today: tired candidates interview worse"),)),
    ("STAR stories", (
        _Item("stories", "Write 6-8 STAR stories from your resume and map each to a theme; keep each under "
                         "3 minutes."),
        _Item("interview", "Tell stories to the bar raiser", "bar-raiser", 3))),
    ("STAR stories, out loud", (
        _Item("interview", "Panel stories, with resume deep-dives", "panel", 3, resume=True),)),
    ("Mock interview loop", (
        _Item("interview", "The whole loop, one question per stage", "loop", 1),)),
    ("Mock interviews: your resume, a scenario, your questions", (
        _Item("interview", "Resume deep-dive and scenarios with the hiring manager, ending with your questions",
              "hiring-manager", 3, resume=True),
        _Item("exercise", "A shorter structuring exercise: observability", scenario="observability-rollout",
              minutes=15))),
    ("Company research and your questions", (
        _Item("study", "Research the company: its engineering org, technical challenges and the team's programs. "
                       "Write 3-4 questions about the team's hardest programs."),
        _Item("interview", "Recruiter screen, ending with your questions", "recruiter", 1))),
    ("Your questions, tested", (
        _Item("interview", "Panel round, ending with your questions", "panel", 2, resume=True),)),
    ("Light review", (
        _Item("review", "Light review only: replay your best session, skim your stories, sleep well."),)),
)
PLAN_DAYS = len(_DAY_FOCUS_ITEMS)


def parse_date(value: str, flag: str = "--start") -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{flag} {value!r} is not a date; use YYYY-MM-DD, e.g. 2026-12-01") from None


def build_plan(start: date, resume: str | None = None) -> dict:
    """The plan document: 14 days from start, each with its focus and items."""
    days = []
    for number, (focus, items) in enumerate(_DAY_FOCUS_ITEMS, start=1):
        day = start + timedelta(days=number - 1)
        entries = []
        for k, item in enumerate(items, start=1):
            entry = {"id": f"d{number:02d}-{k}", "kind": item.kind, "what": item.what}
            entry |= {key: value for key, value in (("stage", item.stage), ("questions", item.questions),
                                                    ("scenario", item.scenario), ("minutes", item.minutes))
                      if value is not None}
            if item.resume:
                entry["resume"] = True
            entries.append(entry)
        days.append({"day": number, "date": day.isoformat(), "focus": focus, "items": entries})
    return {"schema": PLAN_SCHEMA, "start": start.isoformat(), "resume": resume, "days": days}


def item_args(item: dict, resume: str | None, placeholder: bool = True) -> list[str] | None:
    """The voice-interviewer arguments that run a practice item; None for study, rest and review items.

    A deep-dive item with no resume in the plan shows a placeholder path, or (placeholder=False) runs without it.
    """
    if item["kind"] == "interview":
        args = ["interview", "--stage", item["stage"], "--questions", str(item["questions"])]
        if item.get("resume") and (resume or placeholder):
            args += ["--resume", resume or "YOUR_RESUME.pdf"]
        return args
    if item["kind"] == "exercise":
        return ["exercise", item["scenario"], "--minutes", str(item["minutes"])]
    return None


def item_command(item: dict, resume: str | None) -> str | None:
    args = item_args(item, resume)
    return None if args is None else "voice-interviewer " + shlex.join(args)


def plan_path(home: Path) -> Path:
    return home / PLAN_FILE


def save_plan(home: Path, plan: dict) -> Path:
    from voice_interviewer.session.store import write_json_atomic

    try:
        if not home.is_dir():
            home.mkdir(mode=0o700, parents=True)
            home.chmod(0o700)
    except OSError as exc:
        raise SessionError(f"cannot create sessions folder {home}: {exc.strerror}; choose a writable --out") from None
    path = plan_path(home)
    write_json_atomic(path, plan)
    return path


def load_plan(home: Path) -> dict | None:
    path = plan_path(home)
    if not path.exists():
        return None
    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, OSError) as exc:
        raise SessionError(f"{path}: unreadable plan ({exc.__class__.__name__}); make a new one with "
                           "`plan --start YYYY-MM-DD`") from None
    if not isinstance(plan, dict) or plan.get("schema") != PLAN_SCHEMA or not isinstance(plan.get("days"), list):
        raise SessionError(f"{path}: not a schema-{PLAN_SCHEMA} plan; make a new one with `plan --start YYYY-MM-DD`")
    return plan


def session_day(session: Session) -> date | None:
    """The local calendar day a session started on."""
    try:
        return datetime.fromisoformat(session.document["started"]).astimezone().date()
    except (KeyError, TypeError, ValueError):
        return None


def item_done(item: dict, day: date, sessions: list[Session]) -> list[str]:
    """Folders of the sessions that did this item on its day (empty when not done)."""
    matched = []
    for saved in sessions:
        session = saved.document
        if session_day(saved) != day or not session.get("answers"):
            continue
        if item["kind"] == "exercise":
            ok = session.get("stage") == "exercise" and session.get("exercise", {}).get("scenario") == item["scenario"]
        elif item["kind"] == "interview":
            ok = session.get("stage") == item["stage"]
            if item.get("resume"):
                ok = ok and any("resume_match" in a for a in session["answers"])
        else:
            ok = False
        if ok:
            matched.append(saved.id)
    return matched


def plan_status(plan: dict, sessions: list[Session], today: date) -> dict:
    """Each day with its items marked done / due / missed / upcoming, today's day, and the story themes."""
    days, due_today, today_number = [], [], None
    for entry in plan["days"]:
        day = date.fromisoformat(entry["date"])
        items = []
        for item in entry["items"]:
            done = item_done(item, day, sessions)
            tracked = item["kind"] in ("interview", "exercise")
            if done:
                state = "done"
            elif day == today:
                state = "due" if tracked else "today"  # study, stories, rest, review: done away from the tool
            elif day < today:
                state = "missed" if tracked else "past"
            else:
                state = "upcoming"
            items.append(item | {"state": state, "sessions": done,
                                 "command": item_command(item, plan.get("resume"))})
        if day == today:
            today_number = entry["day"]
            due_today = [i for i in items if i["state"] in ("due", "today")]
        days.append(entry | {"items": items})
    bank = build_story_bank(sessions)
    return {"start": plan["start"], "today": today.isoformat(), "today_day": today_number, "days": days,
            "due_today": due_today, "themes": {t: len(ids) for t, ids in bank["themes"].items()},
            "themes_without_story": bank["missing_themes"], "stories": len(bank["stories"]),
            "done": sum(i["state"] == "done" for d in days for i in d["items"]),
            "tracked": sum(i["kind"] in ("interview", "exercise") for d in days for i in d["items"])}


def day_summary(status: dict) -> str:
    """What the interviewer says about today: the day, its focus, and what to run."""
    number = status["today_day"]
    if number is None:
        first = status["days"][0]["date"]
        return (f"Your plan starts on {first}." if status["today"] < first
                else "Your two-week plan is over. Make a new one with plan --start.")
    entry = status["days"][number - 1]
    said = [f"Day {number} of {PLAN_DAYS}: {entry['focus']}."]
    pending = [i for i in entry["items"] if i["state"] in ("due", "today")]
    if not pending:
        said.append("Nothing left to do today.")
    for item in pending:
        said.append(item["what"].rstrip(".") + ".")
    gaps = status["themes_without_story"]
    if gaps and number >= 8:
        said.append(f"Still no story for: {', '.join(gaps)}.")
    return " ".join(said)
