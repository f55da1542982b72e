"""Interrupted answers are never lost: Ctrl-C, SIGKILL and a vanished microphone mid-answer, then replay, report
and `interview --continue`.

What was on disk when the event came (the WAV header is refreshed every 0.5 s) must still be there afterwards, as a
valid WAV; for a recording fed at speaking speed the kept audio is bit for bit the start of the recording.
"""

from __future__ import annotations

import json
import os
import signal
import struct
import subprocess
import time
import wave
from pathlib import Path

import numpy as np
import pytest
from conftest import CLI, DEMO, ROOT, as_from_a_terminal, run_cli

ANSWER = DEMO / "panel-alignment.ogg"  # the first panel question's recording (85 s)
RATE = 16000


def header_seconds(path: Path) -> float:
    """The length a reader sees now: the data size in the header, not the bytes written after it."""
    try:
        with path.open("rb") as handle:
            head = handle.read(44)
    except FileNotFoundError:
        return 0.0
    if len(head) < 44 or head[36:40] != b"data":
        return 0.0
    return struct.unpack("<I", head[40:44])[0] / 2 / RATE


def wait_for_answer(out: Path, seconds: float, process: subprocess.Popen, timeout_s: float = 600) -> Path:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = list(out.glob("*/a01.wav"))
        if found and header_seconds(found[0]) >= seconds:
            return found[0]
        assert process.poll() is None, process.communicate()
        time.sleep(0.1)
    process.kill()
    raise AssertionError(f"a01.wav never reached {seconds} s: {process.communicate()}")


def start(out: Path, *args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([*CLI, "interview", "--stage", "panel", "--questions", "1", "--mute", "--no-follow-ups",
                             "--out", str(out), *args], cwd=ROOT, env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=as_from_a_terminal)


def valid_samples(path: Path) -> np.ndarray:
    """A complete, valid 16 kHz mono int16 WAV whose header matches its size."""
    with wave.open(str(path)) as handle:
        assert (handle.getframerate(), handle.getnchannels(), handle.getsampwidth()) == (RATE, 1, 2)
        samples = np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2")
    assert path.stat().st_size == 44 + samples.size * 2
    return samples


def assert_kept(recording: Path, on_disk_before_s: float) -> np.ndarray:
    samples = valid_samples(recording)
    assert samples.size >= round(on_disk_before_s * RATE), (samples.size / RATE, on_disk_before_s)
    return samples


def assert_is_start_of_answer(samples: np.ndarray) -> None:
    from voice_interviewer.audio.files import read_audio

    original = read_audio(ANSWER)
    assert np.array_equal(samples, original[: samples.size]), "the kept audio is not the start of the answer"


def session_of(recording: Path) -> dict:
    return json.loads((recording.parent / "session.json").read_text())


def assert_replay_and_report_handle(folder: Path) -> None:
    replay = run_cli("replay", str(folder), "--mute")
    assert replay.returncode == 0, replay.stderr
    assert "Interrupted before it could be scored" in replay.stdout
    report = run_cli("report", str(folder))
    assert report.returncode == 0, report.stderr
    assert "Interrupted before it could be scored" in report.stdout
    assert (folder / "report.html").stat().st_mode & 0o777 == 0o600


# --- the loader repairs a session killed between recording and its record (fast) --------------------------------

def _killed_session(folder: Path) -> Path:
    folder.mkdir(parents=True)
    question = "Tell me about a time two of your engineering teams could not agree on a technical approach."
    (folder / "session.json").write_text(json.dumps({
        "schema": 1, "stage": "panel", "started": "2026-01-01T00:00:00+00:00", "ended": None, "completed": False,
        "personas": [{"stage": "panel", "name": "Lena Park", "role": "Panel lead"}],
        "questions": [{"stage": "panel", "id": "panel-alignment", "text": question}], "answers": []}))
    with wave.open(str(folder / "a01.wav"), "wb") as handle:
        handle.setnchannels(1), handle.setsampwidth(2), handle.setframerate(RATE)
        handle.writeframes(np.zeros(RATE, dtype="<i2").tobytes())
    return folder


def test_answer_audio_without_a_record_loads_as_interrupted(tmp_path):
    from voice_interviewer.content.personas import load_personas
    from voice_interviewer.session.interview import plan_remaining
    from voice_interviewer.session.store import load_session

    folder = _killed_session(tmp_path / "20260101-000000-panel")
    document = load_session(folder)
    [record] = document["answers"]
    assert record["interrupted"] is True and record["answer_audio"] == "a01.wav"
    assert record["question_id"] == "panel-alignment" and "engineering teams" in record["question_text"]
    plan = plan_remaining(load_personas(), document)
    assert [q.id for _, qs in plan.stages for q in qs] == ["panel-alignment"]


@pytest.mark.cli
def test_replay_and_report_handle_a_repaired_session(tmp_path):
    folder = _killed_session(tmp_path / "20260101-000000-panel")
    assert_replay_and_report_handle(folder)
    assert (folder / "a01.wav").stat().st_size == 44 + 2 * RATE


# --- real interviews interrupted mid-answer ----------------------------------------------------------------------

@pytest.mark.cli
@pytest.mark.slow
@pytest.mark.model
def test_ctrl_c_mid_answer_keeps_every_second_and_replays(tmp_path):
    process = start(tmp_path, "--input", str(ANSWER))
    recording = wait_for_answer(tmp_path, 6.0, process)
    before_s = header_seconds(recording)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr and "Interview stopped" in stdout and "--continue" in stdout
    assert_is_start_of_answer(assert_kept(recording, before_s))
    record = session_of(recording)["answers"][0]
    assert record["interrupted"] is True and record["answer_audio"] == "a01.wav"
    assert_replay_and_report_handle(recording.parent)


@pytest.mark.cli
@pytest.mark.slow
@pytest.mark.model
def test_sigkill_mid_answer_keeps_a_valid_session_and_continue_finishes_it(tmp_path):
    process = start(tmp_path, "--input", str(ANSWER))
    recording = wait_for_answer(tmp_path, 6.0, process)
    before_s = header_seconds(recording)
    assert session_of(recording)["answers"][0]["interrupted"] is True  # on disk before the kill
    process.kill()
    process.communicate(timeout=60)
    folder = recording.parent
    kept = recording.read_bytes()
    # A killed writer leaves the header at most 0.5 s behind the data: the header's length is what is kept.
    with wave.open(str(recording)) as handle:
        frames = handle.getnframes()
    assert frames >= round(before_s * RATE)
    samples = np.frombuffer(kept[44:44 + frames * 2], dtype="<i2")
    assert_is_start_of_answer(samples)
    session = session_of(recording)
    assert session["completed"] is False and session["answers"][0]["interrupted"] is True
    assert_replay_and_report_handle(folder)

    resumed = run_cli("interview", "--continue", str(folder), "--input", str(ANSWER), "--fast", "--mute",
                      "--no-follow-ups")
    assert resumed.returncode == 0, resumed.stderr
    session = session_of(recording)
    assert session["completed"] is True and len(session["continued"]) == 1
    first, second = session["answers"]
    assert first["interrupted"] is True and first["answer_audio"] == "a01.wav"
    assert second["interrupted"] is False and second["question_id"] == "panel-alignment"
    assert second["index"] == 2 and second["answer_audio"] == "a02.wav" and "score" in second
    assert recording.read_bytes() == kept, "continuing must not touch the interrupted recording"
    assert [p.parent for p in tmp_path.glob("*/session.json")] == [folder]
    again = run_cli("interview", "--continue", str(folder), "--input", str(ANSWER), "--fast", "--mute")
    assert again.returncode == 2 and again.stderr.startswith("error: ") and "nothing to continue" in again.stderr


@pytest.mark.cli
@pytest.mark.slow
@pytest.mark.model
@pytest.mark.sound
def test_microphone_vanishing_mid_answer_stops_with_one_error_line(doomed_pulse, tmp_path):
    env = doomed_pulse["env"]
    process = start(tmp_path, "--input", "mic", "--end-silence", "10", env=env)
    wait_for_answer(tmp_path, 0.0, process)
    player = subprocess.Popen(["paplay", f"--device={doomed_pulse['sink']}", str(ANSWER)],
                              env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        recording = wait_for_answer(tmp_path, 5.0, process)
        before_s = header_seconds(recording)
        os.kill(doomed_pulse["pid"], signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=180)
    finally:
        player.kill()
        player.wait(timeout=30)
    assert process.returncode == 2, (stdout, stderr)
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert "microphone" in lines[0] and "--continue" in lines[0]
    samples = assert_kept(recording, before_s)
    assert np.abs(samples.astype(np.int32)).max() > 1000, "the recorded speech is missing"
    record = session_of(recording)["answers"][0]
    assert record["interrupted"] is True and record["answer_audio"] == "a01.wav"
    assert_replay_and_report_handle(recording.parent)


@pytest.mark.model
def test_ctrl_c_keeps_the_audio_the_microphone_queued_during_a_decode(tmp_path, model):
    """Audio captured while the loop was busy (a Whisper decode) is in the microphone's queue, not yet in the WAV;
    Ctrl-C must not drop it."""
    from voice_interviewer.content.personas import load_personas
    from voice_interviewer.records import AudioFrame
    from voice_interviewer.session.candidates import RecordedCandidate
    from voice_interviewer.session.interview import Interview, plan_for

    tone = (np.sin(np.arange(480) / 3) * 8000).astype("<i2").tobytes()

    class BusyMicrophone:
        def frames(self):
            for index in range(50):
                yield AudioFrame(tone, RATE, index * 0.03)
            raise KeyboardInterrupt

        def take_queued(self) -> bytes:
            return tone * 40  # 1.2 s captured while the loop was decoding

    plan = plan_for(load_personas(), ["panel"], 1)
    interview = Interview(plan, RecordedCandidate([], realtime=False), None, tmp_path, lambda event: None,
                          model=model)
    with pytest.raises(KeyboardInterrupt):
        interview.listen(BusyMicrophone(), plan.stages[0][1][0], "test", "a01.wav")
    samples = valid_samples(tmp_path / "a01.wav")
    assert samples.size == 90 * 480


def test_live_audio_is_recorded_while_the_loop_is_busy(tmp_path):
    """The loop takes one frame and then is busy (a decode): the recorder still gets every frame the source gives."""
    import threading

    from voice_interviewer.audio.capture import RecordedFrames
    from voice_interviewer.audio.files import WavRecorder
    from voice_interviewer.records import AudioFrame

    given_all, release = threading.Event(), threading.Event()

    class LiveSource:
        def frames(self):
            for index in range(100):
                yield AudioFrame(b"\x01\x00" * 480, RATE, index * 0.03)
            given_all.set()
            release.wait(60)

    recorder = WavRecorder(tmp_path / "a01.wav")
    frames = RecordedFrames(LiveSource(), recorder)
    iterator = iter(frames)
    next(iterator)
    assert given_all.wait(60)
    assert recorder.duration_s == pytest.approx(3.0)  # 100 frames on their way to disk, 1 taken by the loop
    release.set()
    assert sum(1 for _ in iterator) == 99
    frames.stop()
    recorder.close()
    assert valid_samples(tmp_path / "a01.wav").size == 100 * 480


@pytest.mark.model
def test_enter_while_the_loop_trails_ends_the_answer_where_the_audio_was(tmp_path, model):
    """Enter (or the web page's I'm done / skip) while the loop is seconds behind the microphone: the answer is
    everything captured until the press is noticed, not just what the loop had reached."""
    import threading

    from voice_interviewer.content.personas import load_personas
    from voice_interviewer.records import AudioFrame
    from voice_interviewer.session.candidates import RecordedCandidate
    from voice_interviewer.session.interview import Interview, Listening, plan_for

    tone = (np.sin(np.arange(480) / 3) * 8000).astype("<i2").tobytes()
    given_all, release = threading.Event(), threading.Event()

    class Microphone:
        def frames(self):
            for index in range(100):  # 3 s captured at once, far ahead of the loop
                yield AudioFrame(tone, RATE, index * 0.03)
            given_all.set()
            release.wait(30)  # then the candidate is silent and the device waits

    plan = plan_for(load_personas(), ["panel"], 1)
    interview = Interview(plan, RecordedCandidate([], realtime=False), None, tmp_path, lambda event: None,
                          model=model)

    def on_event(event) -> None:
        if isinstance(event, Listening) and not interview.end_requested.is_set():  # the loop is at 0.3 s
            given_all.wait(30)
            interview.end_requested.set()

    interview.on_event = on_event
    try:
        answer = interview.listen(Microphone(), plan.stages[0][1][0], "test", "a01.wav")
    finally:
        release.set()
    assert answer.end.reason == "enter" and answer.end.at_s == pytest.approx(3.0)
    assert valid_samples(tmp_path / "a01.wav").size == 100 * 480
