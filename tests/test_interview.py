"""Whole interviews on the recorded candidate: a stage, the full loop, follow-ups, replay, report, Ctrl-C, typing."""

from __future__ import annotations

import json
import signal
import subprocess
import time
import wave

import pytest
from conftest import CLI, DEMO, ROOT, as_from_a_terminal, run_cli, word_error_rate

pytestmark = [pytest.mark.cli, pytest.mark.slow, pytest.mark.model]


def only_session(out) -> tuple:
    folders = [p for p in out.iterdir() if (p / "session.json").exists()]
    assert len(folders) == 1, folders
    return folders[0], json.loads((folders[0] / "session.json").read_text())


@pytest.fixture(scope="module")
def panel_session(tmp_path_factory):
    out = tmp_path_factory.mktemp("sessions")
    result = run_cli("demo", "--mute", "--stage", "panel", "--questions", "2", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out, result


def test_stage_session_is_complete_and_on_disk(panel_session, manifest):
    out, result = panel_session
    folder, session = only_session(out)
    assert session["schema"] == 1 and session["stage"] == "panel" and session["completed"]
    assert [a["stage"] for a in session["answers"]] == ["panel", "panel"]
    answers = {a["question_id"]: a for a in manifest["answers"]}
    for record in session["answers"]:
        assert record["latency"]["end_of_speech_to_feedback_s"] >= 0
        assert record["interrupted"] is False
        assert record["score"] == int(record["score"]) and record["spoken_feedback"]
        for name in (record["question_audio"], record["answer_audio"], f"fb{record['index']:02d}.wav"):
            assert (folder / name).stat().st_size > 1000, name
        with wave.open(str(folder / record["answer_audio"])) as handle:
            assert (handle.getframerate(), handle.getnchannels(), handle.getsampwidth()) == (16000, 1, 2)
        spoken = answers[record["question_id"]]["transcript"]
        assert word_error_rate(spoken, record["transcript"]) <= 0.2, record["transcript"]
    assert (folder / "session.json").stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700
    assert f"replay {folder}" in result.stdout


def test_replay_and_report(panel_session):
    out, _ = panel_session
    folder, session = only_session(out)
    replay = run_cli("replay", str(folder), "--mute", "--answer", "2")
    assert replay.returncode == 0, replay.stderr
    assert session["answers"][1]["question_text"][:40] in replay.stdout.replace("\n", " ")
    assert session["answers"][0]["question_text"][:40] not in replay.stdout.replace("\n", " ")
    rescore = run_cli("replay", str(folder), "--mute", "--rescore", "--answer", "1")
    assert "Rescored:" in rescore.stdout, rescore.stderr
    report = run_cli("report", str(folder))
    assert report.returncode == 0, report.stderr
    assert session["answers"][0]["question_text"] in report.stdout
    page = (folder / "report.html").read_text()
    assert page.count("<audio") == 2 and "Score" in page


def test_the_full_loop_runs_five_stages_in_order(tmp_path):
    result = run_cli("demo", "--mute", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    _, session = only_session(tmp_path)
    assert session["stage"] == "loop"
    assert [a["stage"] for a in session["answers"]] == ["recruiter", "hiring-manager", "technical", "panel",
                                                         "bar-raiser"]


def test_missing_result_gets_a_follow_up(tmp_path):
    answer = DEMO / "br-ambiguity.ogg"
    result = run_cli("interview", "--stage", "bar-raiser", "--questions", "1", "--input", str(answer), "--fast",
                     "--mute", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    _, session = only_session(tmp_path)
    record = session["answers"][0]
    assert record["question_id"] == "br-ambiguity"
    assert "result" in record["structure"]["missing"]
    follow = record["follow_ups"][0]
    assert follow["key"] == "result"
    assert follow["covered"] and follow["transcript"]
    assert "When I asked, you covered the result" in record["spoken_feedback"]
    assert "result" in record["structure"]["missing"]  # the score is the unprompted answer's


def test_typed_answers(tmp_path):
    story = ("At my last company two teams disagreed about the database. I was the program manager responsible "
             "for the launch. I gathered latency data, ran a design review and proposed a shared goal. "
             "As a result we shipped two weeks early and cut costs by 20 percent.")
    result = run_cli("interview", "--type", "--stage", "panel", "--questions", "1", "--mute",
                     "--no-follow-ups", "--out", str(tmp_path), input_text=story + "\n")
    assert result.returncode == 0, result.stderr
    _, session = only_session(tmp_path)
    record = session["answers"][0]
    assert record["input"] == "typed" and record["transcript"] == story
    assert record["structure"]["missing"] == []


def test_ctrl_c_mid_answer_keeps_what_was_recorded(tmp_path):
    answer = DEMO / "panel-alignment.ogg"
    process = subprocess.Popen([*CLI, "interview", "--stage", "panel", "--questions", "1", "--input", str(answer),
                                "--mute", "--out", str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, preexec_fn=as_from_a_terminal)
    deadline = time.monotonic() + 120
    recording = None
    while time.monotonic() < deadline and recording is None:
        found = list(tmp_path.glob("*/a01.wav"))
        recording = found[0] if found and found[0].stat().st_size > 16000 * 2 * 5 else None
        time.sleep(0.2)
    assert recording is not None, "the answer never started recording"
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr and "saved" in stdout
    folder, session = only_session(tmp_path)
    assert session["answers"][0]["interrupted"] is True
    assert session["answers"][0]["answer_audio"] == recording.name
    with wave.open(str(recording)) as handle:
        assert handle.getnframes() / 16000 >= 5.0
    replay = run_cli("replay", str(folder), "--mute", "--rescore")
    assert replay.returncode == 0, replay.stderr
    assert "Interrupted before it could be scored" in replay.stdout and "Rescored:" in replay.stdout
    report = run_cli("report", str(folder))
    assert report.returncode == 0 and "Interrupted before it could be scored" in report.stdout, report.stderr


def test_saying_thats_my_answer_ends_the_answer_at_once(tmp_path):
    """Live feeding: the closing phrase ends the answer long before the silence would, and is not scored."""
    import numpy as np
    import soundfile as sf

    from voice_interviewer.audio.files import read_audio
    from voice_interviewer.content.personas import VoiceSpec
    from voice_interviewer.voice.speaker import render_wav

    spoken = tmp_path / "spoken.wav"
    render_wav("I set up a weekly dependency review with both leads, and we shipped on time. That's my answer.",
               spoken, VoiceSpec(voice_id="en-us+m5", rate_wpm=155))
    pcm = read_audio(spoken)
    answer = tmp_path / "answer.wav"
    sf.write(answer, np.concatenate([np.zeros(8000, np.int16), pcm, np.zeros(16000 * 8, np.int16)]), 16000)
    result = run_cli("interview", "--stage", "panel", "--questions", "1", "--input", str(answer), "--mute",
                     "--no-follow-ups", "--end-silence", "6", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    _, session = only_session(tmp_path / "out")
    record = session["answers"][0]
    assert record["end_reason"] == "closing-phrase"  # not "silence": that needed 6 s of it
    assert "answer" not in record["transcript"].lower() and "weekly dependency review" in record["transcript"].lower()


def test_a_loop_ends_in_a_spoken_debrief_with_the_bar_raisers_recommendation(tmp_path):
    story = ("At my last company two teams disagreed about the database. I was the program manager responsible "
             "for the launch. I met both leads one on one, gathered latency data, and proposed shared criteria. "
             "Both teams agreed, and as a result we shipped two weeks early and cut costs by 20 percent.")
    result = run_cli("interview", "--type", "--stage", "loop", "--questions", "1", "--mute", "--no-follow-ups",
                     "--no-questions-back", "--out", str(tmp_path), input_text=(story + "\n") * 5)
    assert result.returncode == 0, result.stderr
    folder, session = only_session(tmp_path)
    debrief = session["debrief"]
    assert debrief["recommendation"] in ("strong-no-hire", "no-hire", "hire", "strong-hire")
    assert debrief["work_on_first"] in debrief["loop"]
    assert set(debrief["stages"]) <= {"recruiter", "hiring-manager", "technical", "panel", "bar-raiser"}
    assert debrief["spoken"]["loop"] and (folder / "loop-debrief.wav").stat().st_size > 1000
    for stage, text in debrief["spoken"]["stages"].items():
        assert text and (folder / f"{stage}-debrief.wav").is_file()
    for answer in session["answers"]:
        for found in answer["dimensions"].values():
            assert all({"for", "quote", "at_s"} <= set(e) for e in found["evidence"])
    assert "Debrief: the loop" in result.stdout and "recommendation" in result.stdout
