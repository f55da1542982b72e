"""Practice the way the guide prescribes, end to end on the real pipeline with the recorded practice candidate:
a resume deep-dive with the questions at the end, the timed structuring exercise, and a plan day run by voice."""

from __future__ import annotations

import json
import shutil
import wave
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import DEMO, FIXTURES, run_cli

from voice_interviewer.content.personas import FRAMEWORK_PARTS
from voice_interviewer.feedback.asks import analyze_asks
from voice_interviewer.feedback.resume_match import match_resume
from voice_interviewer.feedback.structure import analyze_structure
from voice_interviewer.feedback.timing import split_sentences, tokenize
from voice_interviewer.practice.resume import program_bullets, read_resume
from voice_interviewer.session.interview import typed_transcript

pytestmark = [pytest.mark.cli, pytest.mark.slow, pytest.mark.model]

PRACTICE = FIXTURES / "practice"
MANIFEST = {e["file"]: e for e in json.loads((PRACTICE / "manifest.json").read_text())["recordings"]}
ASKS = {e["file"]: e for e in json.loads((DEMO / "manifest.json").read_text())["asks"]}
TURNS = [PRACTICE / f"exercise-turn{n}.wav" for n in (1, 2, 3)]


def only_session(out: Path) -> tuple[Path, dict]:
    folders = [p for p in out.iterdir() if (p / "session.json").exists()]
    assert len(folders) == 1, folders
    return folders[0], json.loads((folders[0] / "session.json").read_text())


def seconds_of(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


def replay_and_report_work(folder: Path, shows: str) -> None:
    replay = run_cli("replay", str(folder), "--mute")
    assert replay.returncode == 0, replay.stderr
    assert shows in replay.stdout
    report = run_cli("report", str(folder))
    assert report.returncode == 0, report.stderr
    assert (folder / "report.html").is_file()


@pytest.fixture(scope="module")
def resume_session(tmp_path_factory):
    out = tmp_path_factory.mktemp("resume")
    recordings = tmp_path_factory.mktemp("recordings")  # the answer, and beside it the questions for the interviewer
    shutil.copy(PRACTICE / "resume-objective.wav", recordings)
    shutil.copy(DEMO / "hiring-manager.asks.ogg", recordings)
    result = run_cli("interview", "--stage", "hiring-manager", "--questions", "1", "--resume",
                     str(PRACTICE / "sample_resume.pdf"), "--input", str(recordings / "resume-objective.wav"),
                     "--fast", "--mute", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return (*only_session(out), result)


def test_resume_deep_dive_is_asked_and_checked_against_the_bullet(resume_session):
    folder, session, result = resume_session
    bullet = program_bullets(read_resume(PRACTICE / "sample_resume.pdf"))[0]
    answer = session["answers"][0]
    assert answer["question_id"].startswith("resume-hm-b1-")
    assert bullet.subject.split()[-1] in answer["question_text"]
    match = answer["resume_match"]
    assert match["bullet"] == bullet.text
    # What the candidate really said (the fixture's script) decides what the check must find.
    truth, _ = match_resume(MANIFEST["resume-objective.wav"]["transcript"], bullet.dive, match["kind"])
    assert truth["mismatches"], "the fixture is meant to contradict its resume"
    assert [m["said"] for m in match["mismatches"]] == [m["said"] for m in truth["mismatches"]]
    for mismatch in match["mismatches"]:
        assert mismatch["at_s"] is not None and mismatch["words"].split()[0] in answer["transcript"].lower()
    assert set(match["scale"]["matched"]) == set(truth["scale"]["matched"])
    assert match["outcome"]["said"] and match["objective"]["said"]
    kinds = [f["kind"] for f in answer["findings"]]
    assert "resume-mismatch" in kinds
    assert any("resume" in d["reason"] for d in answer["deductions"])
    assert "resume" in answer["spoken_feedback"]
    assert (folder / answer["answer_audio"]).is_file() and (folder / "fb01.wav").is_file()


def test_questions_back_are_heard_judged_and_answered(resume_session):
    folder, session, result = resume_session
    [asked] = session["questions_back"]
    truth = analyze_asks(ASKS["hiring-manager.asks.ogg"]["transcript"])
    assert asked["stage"] == "hiring-manager"
    assert asked["count"] == truth["count"] and asked["verdict"] == truth["verdict"]
    assert asked["searchable"] == truth["searchable"] and asked["specific"] == truth["specific"]
    assert asked["reply"] and asked["spoken_feedback"]
    for name in ("question_audio", "answer_audio", "reply_audio", "feedback_audio"):
        assert seconds_of(folder / asked[name]) > 0.5, name
    assert "Your questions for the hiring-manager interviewer" in result.stdout
    replay_and_report_work(folder, asked["reply"])


def test_typed_panel_deep_dive_and_no_questions_back(tmp_path):
    answers = "Our goal was lower cost. We moved 180 services with 7 teams over 3 quarters, and cut cost 55 percent.\n"
    ran = run_cli("interview", "--stage", "panel", "--questions", "2", "--type", "--no-follow-ups",
                  "--resume", str(PRACTICE / "sample_resume.txt"), "--mute", "--out", str(tmp_path / "with"),
                  input_text=answers * 2 + "What is the hardest dependency your team manages this quarter?\n")
    assert ran.returncode == 0, ran.stderr
    _, session = only_session(tmp_path / "with")
    assert [a["question_id"].split("-")[1] for a in session["answers"]] == ["panel", "panel"]
    assert all("resume_match" in a for a in session["answers"])
    [asked] = session["questions_back"]
    assert asked["count"] == 1 and asked["specific"] == 1 and asked["verdict"] == "too few"

    skipped = run_cli("interview", "--stage", "panel", "--questions", "1", "--type", "--no-follow-ups",
                      "--no-questions-back", "--mute", "--out", str(tmp_path / "without"), input_text=answers)
    assert skipped.returncode == 0, skipped.stderr
    _, session = only_session(tmp_path / "without")
    assert "questions_back" not in session and len(session["answers"]) == 1


def test_exercise_on_a_short_clock_speaks_a_time_check_and_stops_at_time(tmp_path):
    out = tmp_path / "sessions"
    result = run_cli("exercise", "--minutes", "1", "--input", str(TURNS[0]), "--input", str(TURNS[1]),
                     "--fast", "--mute", "--out", str(out))
    assert result.returncode == 0, result.stderr
    folder, session = only_session(out)
    assert session["stage"] == "exercise" and session["completed"]
    exercise = session["exercise"]
    first = seconds_of(TURNS[0])
    assert first < 60, "the first turn must fit the one-minute clock for this test"
    turns = exercise["turns"]
    assert len(turns) == 2 and turns[0]["seconds"] == pytest.approx(first, abs=0.05)
    assert turns[1]["seconds"] == pytest.approx(60 - first, abs=0.05) and turns[1]["end_reason"] == "time"
    assert exercise["finished_by"] == "time"
    [check] = exercise["time_checks"]  # half time (30 s) passed during the first turn
    assert check["clock_s"] == pytest.approx(first, abs=0.05) and "wrapping up" in check["text"]
    assert (folder / "time-01.wav").is_file() and (folder / "exercise-end.wav").is_file()
    assert set(exercise["parts"]) == set(FRAMEWORK_PARTS)
    assert {"charter", "workstreams"} <= set(exercise["covered"])  # both are said in the first turn
    assert exercise["parts"]["charter"]["start_s"] < exercise["parts"]["workstreams"]["start_s"]
    [record] = session["answers"]
    assert seconds_of(folder / record["answer_audio"]) == pytest.approx(sum(t["seconds"] for t in turns), abs=0.05)
    assert record["spoken_feedback"] == exercise["spoken_feedback"]
    assert "Structuring exercise" in result.stdout and "missing" in result.stdout
    replay_and_report_work(folder, "Structuring exercise")


def _truth_structure() -> dict:
    """The framework parts in the fixture's script, found by the same analyzer on the exact words."""
    text = " ".join(MANIFEST[p.name]["transcript"] for p in TURNS)
    tokens = tokenize(typed_transcript(text).words)
    return analyze_structure("framework", split_sentences(tokens), tokens).as_doc()


def test_a_plan_day_runs_by_voice_and_is_marked_done(tmp_path):
    out = tmp_path / "sessions"
    start = date.today() - timedelta(days=4)  # today is day 5: the timed structuring exercise
    inputs = [arg for path in TURNS for arg in ("--input", str(path))]
    result = run_cli("plan", "--start", start.isoformat(), "--today", *inputs, "--fast", "--mute",
                     "--out", str(out), timeout=1200)
    assert result.returncode == 0, result.stderr
    assert "Day 5 of 14" in result.stdout and (out / "plan-today.wav").is_file()
    folder, session = only_session(out)
    exercise = session["exercise"]
    assert exercise["scenario"] == "microservices-migration" and exercise["minutes"] == 30
    assert exercise["finished_by"] == "closing-phrase" and len(exercise["turns"]) == 3
    truth = _truth_structure()
    assert set(exercise["covered"]) == {p for p, info in truth["parts"].items() if info["present"]}
    ranks = [FRAMEWORK_PARTS.index(p) for p in exercise["order"] if p not in exercise["out_of_order"]]
    assert ranks == sorted(ranks)
    status = json.loads(run_cli("plan", "--out", str(out), "--json").stdout)
    day5 = status["days"][4]
    assert day5["items"][0]["state"] == "done" and day5["items"][0]["sessions"] == [folder.name]
    assert status["today_day"] == 5 and status["due_today"] == []


@pytest.mark.sound
def test_a_live_candidate_is_interrupted_for_the_time_check(pulse, tmp_path):
    """Through the real microphone path, the half-time check falls due mid-turn: the turn is cut there, the check is
    spoken, listening resumes, and the clock stops the exercise at one minute."""
    import os
    import subprocess

    from conftest import CLI, ROOT, wait_for_listening

    env = {**os.environ, **pulse["env"]}
    process = subprocess.Popen([*CLI, "exercise", "--minutes", "1", "--input", "mic", "--mute", "--out",
                                str(tmp_path)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    wait_for_listening(tmp_path, "*/a01-t01.wav")  # the brief is over and the microphone is being recorded
    subprocess.run(["paplay", f"--device={pulse['sink']}", str(TURNS[0])], env=env, check=True, timeout=300)
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    folder, session = only_session(tmp_path)
    exercise = session["exercise"]
    first = exercise["turns"][0]
    assert first["end_reason"] == "time-check" and first["seconds"] == pytest.approx(30, abs=0.1)
    assert exercise["time_checks"][0]["check"] == "half" and (folder / "time-01.wav").is_file()
    assert exercise["finished_by"] == "time"
    assert sum(t["seconds"] for t in exercise["turns"]) == pytest.approx(60, abs=0.5)
    assert "charter" in exercise["covered"]
