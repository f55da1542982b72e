"""Practice the way the guide prescribes, pure parts: resume bullets and deep-dives, the resume check, questions for
the interviewer, the exercise clock and framework feedback, the two-week plan (no model, fast)."""

from __future__ import annotations

import json
import re
import stat
from datetime import date, timedelta

import pytest
from conftest import FIXTURES, PERSONAS, run_cli

from voice_interviewer.content.personas import FRAMEWORK_PARTS, STAGES, Question
from voice_interviewer.errors import UsageError
from voice_interviewer.feedback.asks import ASK_PROMPT, analyze_asks, persona_reply
from voice_interviewer.feedback.resume_match import DeepDive, match_resume, quantities
from voice_interviewer.practice.exercise import (
    SCENARIOS,
    find_scenario,
    framework_feedback,
    time_check_text,
    time_checks,
)
from voice_interviewer.practice.plan import PLAN_DAYS, build_plan, item_command, plan_status
from voice_interviewer.practice.resume import KINDS, deep_dive_questions, program_bullets, read_resume
from voice_interviewer.review.progress import Session
from voice_interviewer.review.stories import THEMES

PRACTICE = FIXTURES / "practice"
MANIFEST = json.loads((PRACTICE / "manifest.json").read_text())


# --- resume -------------------------------------------------------------------------------------------------------

def _numbers_on(line: str) -> set[float]:
    return {float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", line)}


def test_text_and_pdf_resumes_give_the_same_program_bullets():
    text = read_resume(PRACTICE / "sample_resume.txt")
    pdf = read_resume(PRACTICE / "sample_resume.pdf")
    from_text, from_pdf = program_bullets(text), program_bullets(pdf)
    assert [b.text for b in from_text] == [b.text for b in from_pdf]  # wrapped PDF lines are joined back
    # exactly the bullets of the text file that carry a number, in order
    numbered = [line[2:] for line in text.splitlines() if line.startswith("- ") and re.search(r"\d", line)]
    assert [b.text for b in from_text] == numbered
    for bullet in from_text:
        claimed = {q.value for q in bullet.dive.scale + bullet.dive.outcome}
        assert claimed <= _numbers_on(bullet.text) | {v * 1_000_000 for v in _numbers_on(bullet.text)}
        assert bullet.dive.scale, bullet.text  # every sample bullet names its scale


def test_scale_and_outcome_are_read_with_their_units():
    bullet = program_bullets("- Drove the move of 180 microservices to Kubernetes across 7 engineering teams over "
                             "3 quarters, cutting deploy lead time by 55% and hosting cost by $1.2M a year.")[0]
    assert {(q.value, q.unit) for q in bullet.dive.scale} == {(180, "services"), (7, "teams"), (3, "quarters")}
    assert {(q.value, q.unit) for q in bullet.dive.outcome} == {(55, "percent"), (1_200_000, "money")}


@pytest.mark.parametrize("spoken, value, unit", [
    ("one hundred and eighty microservices", 180, "services"),
    ("nine engineering teams", 9, "teams"),
    ("fifty five percent", 55, "percent"),
    ("one point two million dollars", 1_200_000, "money"),
    ("$1.2 million", 1_200_000, "money"),
    ("a twelve-person team", 12, "people"),
    ("from 90 to 25 minutes", 90, "minutes"),
])
def test_numbers_as_people_say_them(spoken, value, unit):
    first = quantities(spoken)[0]
    assert (first.value, first.unit) == (value, unit)


def test_the_resume_check_reports_a_mismatch_and_the_matches():
    bullet = program_bullets(read_resume(PRACTICE / "sample_resume.txt"))[0]
    doc, findings = match_resume("Our goal was to cut costs. We moved 180 services with 9 teams in 3 quarters, "
                                 "and lead time fell 55 percent.", bullet.dive, "objective")
    assert [m["said"] for m in doc["mismatches"]] == ["9 teams"]
    assert "7 teams" in doc["mismatches"][0]["resume"]
    assert set(doc["scale"]["matched"]) == {"180 services", "3 quarters"}
    assert doc["outcome"]["matched"] == ["55%"] and doc["objective"]["said"]
    assert [f.kind for f in findings if f.points] == ["resume-mismatch"]


def test_a_deep_dive_with_no_numbers_loses_points_only_for_what_was_asked():
    dive = DeepDive("x", ("kubernetes",), tuple(quantities("8 teams")), tuple(quantities("40%")))
    _, objective = match_resume("It went well and everyone was happy.", dive, "objective")
    _, risks = match_resume("It went well and everyone was happy.", dive, "risks")
    assert {f.kind for f in objective if f.points} == {"resume-no-objective", "resume-no-outcome"}
    assert not [f for f in risks if f.points] and {f.kind for f in risks} == {
        "resume-no-objective", "resume-no-scale", "resume-no-outcome"}


def test_deep_dive_questions_cover_the_guides_four_kinds_without_repeats():
    bullets = program_bullets(read_resume(PRACTICE / "sample_resume.txt"))
    for stage in ("hiring-manager", "panel"):
        asked = deep_dive_questions(bullets, stage, 8)
        ids = [q.id for q, _, _ in asked]
        assert len(ids) == len(set(ids)) == 8
        assert {kind for _, _, kind in asked} == set(KINDS)
        for question, bullet, kind in asked:
            assert isinstance(question, Question) and len(question.key_points) >= 2
            assert kind in question.id and f"b{bullet.number}" in question.id
    one = deep_dive_questions(bullets[:1], "hiring-manager", 8)
    assert len(one) == len(KINDS)  # one bullet: each kind once, never twice


@pytest.mark.parametrize("content, problem", [
    (b"", "empty"), (b"   \n\n", "empty"), (b"\x00\x01binary\x00", "binary"), (b"\xff\xfe\xfa not utf8", "UTF-8"),
])
def test_bad_resume_files(tmp_path, content, problem):
    path = tmp_path / "resume.txt"
    path.write_bytes(content)
    with pytest.raises(UsageError, match=problem):
        read_resume(path)


def test_bad_resume_paths(tmp_path):
    with pytest.raises(UsageError, match="not found"):
        read_resume(tmp_path / "missing.pdf")
    with pytest.raises(UsageError, match="directory"):
        read_resume(tmp_path)
    fake = tmp_path / "resume.pdf"
    fake.write_bytes((FIXTURES / "real" / "jfk.wav").read_bytes()[:4000])
    with pytest.raises(UsageError, match="not a PDF"):
        read_resume(fake)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + b"garbage " * 50)
    with pytest.raises(UsageError, match="PDF"):
        read_resume(broken)


@pytest.mark.cli
def test_cli_rejects_a_bad_resume_with_one_error_line(tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_text("")
    no_bullets = tmp_path / "plain.txt"
    no_bullets.write_text("I am a program manager who likes programs.\n")
    for path, words in ((empty, "empty"), (no_bullets, "no program bullets")):
        result = run_cli("interview", "--resume", str(path), "--type", "--mute", "--out", str(tmp_path / "s"))
        assert result.returncode == 2
        assert result.stderr.startswith("error: ") and words in result.stderr
        assert "Traceback" not in result.stderr


# --- questions for the interviewer ---------------------------------------------------------------------------------

def test_questions_back_are_counted_and_judged():
    doc = analyze_asks("Thanks. I have two questions. What is the hardest program your team is running this year? "
                       "And what does the company do?")
    assert doc["count"] == 2 and doc["verdict"] == "ok"
    assert [q["specific"] for q in doc["questions"]] == [True, False]
    assert [q["searchable"] for q in doc["questions"]] == [False, True]
    assert any(f["kind"] == "asks-searchable" for f in doc["findings"])
    assert "search" in doc["spoken_feedback"]


def test_questions_back_count_goal():
    assert analyze_asks("No, I think you covered everything.")["verdict"] == "none"
    assert analyze_asks("How do you plan the quarter?")["verdict"] == "too few"
    many = " ".join(["How does the team plan its roadmap?"] * 4)
    assert analyze_asks(many)["verdict"] == "too many"


@pytest.mark.parametrize("stage", STAGES)
def test_every_persona_replies_in_character(stage):
    assert stage in ASK_PROMPT
    good = analyze_asks("What is the biggest challenge on your team right now? How do you measure success here?")
    reply = persona_reply(stage, good)
    assert reply and "website" not in reply
    searchable = analyze_asks("How many employees does the company have?")
    assert "website" in persona_reply(stage, searchable)
    assert persona_reply(stage, analyze_asks("Nothing from me.")) != reply


# --- the structuring exercise ------------------------------------------------------------------------------------

def test_time_checks_at_half_time_five_and_one_minute_left():
    assert [round(at) for at, _ in time_checks(30 * 60)] == [900, 1500, 1740]
    assert [name for _, name in time_checks(30 * 60)] == ["half", "five", "one"]
    assert [round(at) for at, _ in time_checks(120)] == [60]  # half time is the one-minute mark
    assert "wrapping up" in time_check_text("half", 40) and "half time" in time_check_text("half", 600)


def test_scenarios_include_the_guides_and_new_ones():
    assert {s.source for s in SCENARIOS} == {"guide", "ours"}
    assert len([s for s in SCENARIOS if s.source == "ours"]) >= 2
    assert find_scenario("2") == SCENARIOS[1] and find_scenario(SCENARIOS[3].id) == SCENARIOS[3]
    with pytest.raises(UsageError, match="unknown scenario"):
        find_scenario("moon-landing")


def _structure(order: list[str], seconds: dict[str, float]) -> dict:
    parts, clock = {}, 0.0
    for part in FRAMEWORK_PARTS:
        parts[part] = {"present": False, "start_s": None, "seconds": 0.0, "quote": None}
    for part in order:
        parts[part] = {"present": True, "start_s": clock, "seconds": seconds.get(part, 10.0), "quote": part}
        clock += seconds.get(part, 10.0)
    return {"kind": "framework", "parts": parts, "order": order}


def test_framework_feedback_coverage_order_and_time():
    doc = framework_feedback(_structure(["charter", "workstreams", "risks", "dependencies", "milestones"],
                                        {"workstreams": 120.0}), 170.0)
    assert doc["missing"] == ["cadence"] and doc["out_of_order"] == ["risks"]
    assert doc["parts"]["workstreams"]["share"] == pytest.approx(120 / 160, abs=0.01)
    kinds = [f["kind"] for f in doc["findings"]]
    assert "exercise-missing-cadence" in kinds and "exercise-order" in kinds and "exercise-balance" in kinds
    assert "cadence" in doc["spoken_feedback"] and "workstreams" in doc["spoken_feedback"]
    perfect = framework_feedback(_structure(list(FRAMEWORK_PARTS), {}), 60.0)
    assert perfect["in_guide_order"] and not perfect["findings"]


@pytest.mark.cli
def test_exercise_rejects_bad_arguments(tmp_path):
    for args, words in ((["moon-landing"], "unknown scenario"), (["--minutes", "0"], "--minutes"),
                        (["--minutes", "90"], "--minutes")):
        result = run_cli("exercise", *args, "--mute", "--out", str(tmp_path))
        assert result.returncode == 2 and result.stderr.startswith("error: ") and words in result.stderr
    listed = run_cli("exercise", "--list")
    assert listed.returncode == 0 and all(s.id in listed.stdout for s in SCENARIOS)


# --- the two-week plan -------------------------------------------------------------------------------------------

def test_the_plan_follows_the_guides_two_weeks():
    plan = build_plan(date(2026, 12, 1), resume="/tmp/cv.pdf")
    days = plan["days"]
    assert len(days) == PLAN_DAYS == 14
    assert [d["date"] for d in days] == [(date(2026, 12, 1) + timedelta(days=k)).isoformat() for k in range(14)]
    assert [i["kind"] for i in days[6]["items"]] == ["rest"]
    assert [i["kind"] for i in days[13]["items"]] == ["review"]
    assert {i["kind"] for d in days[4:6] for i in d["items"]} == {"exercise"}
    assert any(i.get("resume") for d in days for i in d["items"])
    commands = [item_command(i, plan["resume"]) for d in days for i in d["items"]]
    assert "voice-interviewer exercise microservices-migration --minutes 30" in commands
    assert any(c and "--resume /tmp/cv.pdf" in c for c in commands)


def _session(day: date, stage: str, answers: list[dict], **extra) -> Session:
    document = {"started": f"{day.isoformat()}T12:00:00+00:00", "stage": stage, "answers": answers, **extra}
    return Session(f"{day.isoformat()}-{stage}", document["started"], document)


def _story(question: str, said: str) -> dict:
    """A scored STAR answer as the interview saves it, from typed words."""
    from voice_interviewer.feedback import analyze
    from voice_interviewer.session.interview import typed_transcript

    doc = analyze(typed_transcript(said), None)
    return doc | {"index": 1, "question_text": question, "structure": doc["structure"] | {"kind": "star"}}


def test_plan_status_marks_done_due_and_missed_from_sessions():
    start = date(2026, 12, 1)
    plan = build_plan(start)
    story = _story("Tell me about a conflict between two teams.",
                   "Last year two teams disagreed about the API and the conflict blocked the launch. I was the TPM. "
                   "I brought both teams together with data and we agreed on one design. As a result we shipped "
                   "two weeks early.")
    sessions = [
        _session(start, "hiring-manager", [story]),                                    # day 1 done
        _session(start + timedelta(days=4), "exercise", [{}], exercise={"scenario": "microservices-migration"}),
        _session(start + timedelta(days=5), "exercise", [{}], exercise={"scenario": "observability-rollout"}),
    ]
    status = plan_status(plan, sessions, start + timedelta(days=5))
    states = {i["id"]: i["state"] for d in status["days"] for i in d["items"]}
    assert states["d01-2"] == "done" and states["d05-1"] == "done"
    assert states["d02-2"] == "missed"          # the resume deep-dive day had no session
    assert states["d06-1"] == "due"             # a different scenario that day does not count
    assert states["d01-1"] == "past" and states["d08-1"] == "upcoming"
    assert status["today_day"] == 6 and [i["id"] for i in status["due_today"]] == ["d06-1"]
    assert status["stories"] == 1 and status["themes"]["resolving cross-team conflict"] == 1
    assert "handling failure" in status["themes_without_story"]
    assert set(status["themes_without_story"]) < set(THEMES)


@pytest.mark.cli
def test_plan_command_saves_a_private_plan_and_rejects_bad_dates(tmp_path):
    out = tmp_path / "sessions"
    result = run_cli("plan", "--start", "2026-12-01", "--on", "2026-12-05", "--out", str(out), "--json")
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["today_day"] == 5 and status["due_today"][0]["kind"] == "exercise"
    assert stat.S_IMODE((out / "plan.json").stat().st_mode) == 0o600
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    shown = run_cli("plan", "--on", "2026-12-05", "--out", str(out))
    assert shown.returncode == 0 and "exercise microservices-migration" in shown.stdout
    assert "plan --today" in shown.stdout and "without a story" in shown.stdout
    for flag, value in (("--start", "2026-02-30"), ("--on", "tomorrow"), ("--start", "")):
        bad = run_cli("plan", flag, value, "--out", str(out))
        assert bad.returncode == 2 and bad.stderr.startswith("error: ") and "YYYY-MM-DD" in bad.stderr


# --- fixtures ------------------------------------------------------------------------------------------------------

def test_practice_fixtures_match_their_manifest():
    import wave

    assert {e["file"] for e in MANIFEST["recordings"]} >= {
        "resume-objective.wav", "exercise-turn1.wav", "exercise-turn2.wav", "exercise-turn3.wav"}
    persona_voices = {re.search(r'voice_id = "([^"]+)"', p.read_text()).group(1)
                      for p in (PERSONAS).glob("*.toml")}
    for entry in MANIFEST["recordings"]:
        with wave.open(str(PRACTICE / entry["file"]), "rb") as w:
            assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16000, 1, 2)
            assert w.getnframes() / 16000 == pytest.approx(entry["duration_s"], abs=0.001)
        assert entry["voice"] not in persona_voices
    assert MANIFEST["recordings"][-1]["transcript"].endswith("I'm done.")  # the last exercise turn closes
    assert (PRACTICE / MANIFEST["resume"]["pdf"]).read_bytes().startswith(b"%PDF")
