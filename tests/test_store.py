"""Session store: answer WAVs valid while they grow (a crash loses < 1 s), private files, atomic JSON, and loading
sessions back with errors that name the path.

Pure tier: plain files; one test kills a child process mid-recording to check what a crash leaves behind.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from voice_interviewer.audio.files import WavRecorder
from voice_interviewer.errors import SessionError
from voice_interviewer.records import SAMPLE_RATE_HZ
from voice_interviewer.session.store import (
    SESSION_SCHEMA,
    create_session,
    load_session,
    resolve_session,
    write_json_atomic,
)

ROOT = Path(__file__).resolve().parent.parent
FRAME_BYTES = 960  # 30 ms at 16 kHz, int16


def _frame(index: int) -> bytes:
    """A distinct, recognisable 30 ms frame (a ramp offset by the index) so lost or shifted data shows."""
    return (np.arange(480, dtype=np.int16) + index * 7).astype("<i2").tobytes()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _wav_frames(path: Path) -> tuple[int, bytes, tuple]:
    with wave.open(str(path), "rb") as reader:
        params = (reader.getnchannels(), reader.getsampwidth(), reader.getframerate())
        return reader.getnframes(), reader.readframes(reader.getnframes()), params


def _session_doc(**extra) -> dict:
    return {"schema": SESSION_SCHEMA, "stage": "panel", "answers": [], **extra}


# --- WavRecorder ---------------------------------------------------------------------------------------------------

def test_recorder_file_is_valid_while_being_written(tmp_path):
    path = tmp_path / "a01.wav"
    recorder = WavRecorder(path)
    written = b""
    started = time.monotonic()
    index = 0
    while time.monotonic() - started < 0.7:  # speaking speed: one 30 ms frame every 30 ms
        recorder.write(_frame(index))
        written += _frame(index)
        index += 1
        time.sleep(0.03)
    frames, data, params = _wav_frames(path)  # the recorder is still open
    assert params == (1, 2, SAMPLE_RATE_HZ)
    assert frames > 0, "after 0.7 s of recording the header still says the file is empty"
    assert data == written[: len(data)], "the readable part is not what was written"
    lost_s = (len(written) - len(data)) / 2 / SAMPLE_RATE_HZ
    assert lost_s < 1.0
    recorder.close()


def test_recorder_close_finalises(tmp_path):
    path = tmp_path / "a01.wav"
    recorder = WavRecorder(path)
    written = b"".join(_frame(i) for i in range(100))
    for i in range(100):
        recorder.write(_frame(i))
    assert recorder.duration_s == pytest.approx(3.0)
    recorder.close()
    recorder.close()  # twice is harmless
    frames, data, params = _wav_frames(path)
    assert params == (1, 2, SAMPLE_RATE_HZ)
    assert frames == 100 * 480
    assert data == written
    assert path.stat().st_size == 44 + len(written)


def test_empty_recording_is_a_valid_empty_wav(tmp_path):
    path = tmp_path / "a01.wav"
    WavRecorder(path).close()
    assert _wav_frames(path)[0] == 0


def test_recorder_file_is_private(tmp_path):
    path = tmp_path / "a01.wav"
    old = os.umask(0)  # even with a permissive umask
    try:
        recorder = WavRecorder(path)
    finally:
        os.umask(old)
    recorder.close()
    assert _mode(path) == 0o600


def test_recorder_in_missing_folder_raises_session_error(tmp_path):
    with pytest.raises(SessionError) as info:
        WavRecorder(tmp_path / "gone" / "a01.wav")
    assert str(tmp_path / "gone" / "a01.wav") in str(info.value)


_CRASHING_CHILD = """
import os, signal, sys, time
import numpy as np
from pathlib import Path
from voice_interviewer.audio.files import WavRecorder
recorder = WavRecorder(Path(sys.argv[1]))
started = time.monotonic()
index = 0
while time.monotonic() - started < 1.6:
    recorder.write((np.arange(480, dtype=np.int16) + index * 7).astype("<i2").tobytes())
    index += 1
    time.sleep(0.03)
print(index, flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # no close(), no atexit, no buffers flushed: a crash
"""


def test_killed_recording_loses_less_than_a_second(tmp_path):
    path = tmp_path / "a01.wav"
    child = subprocess.run([sys.executable, "-c", _CRASHING_CHILD, str(path)], capture_output=True, text=True,
                           timeout=30, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert child.returncode == -9, child.stderr
    written_frames = int(child.stdout.strip())
    frames, data, _ = _wav_frames(path)
    assert data == b"".join(_frame(i) for i in range(frames // 480))
    lost_s = (written_frames * 480 - frames) / SAMPLE_RATE_HZ
    print(f"\nwrote {written_frames * 0.03:.2f} s, recovered {frames / SAMPLE_RATE_HZ:.2f} s, lost {lost_s:.2f} s")
    assert lost_s < 1.0


# --- folders -------------------------------------------------------------------------------------------------------

def test_create_session_makes_private_folders(tmp_path):
    home = tmp_path / "home" / "sessions"
    folder = create_session(home, "panel")
    assert folder.parent == home
    assert folder.name.endswith("-panel")
    assert _mode(home) == 0o700
    assert _mode(folder) == 0o700


def test_create_session_twice_in_one_second_gives_two_folders(tmp_path):
    folders = {create_session(tmp_path, "panel") for _ in range(3)}
    assert len(folders) == 3
    assert all(f.is_dir() for f in folders)


def test_create_session_under_a_regular_file_raises_session_error(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    home = tmp_path / "file" / "sessions"
    with pytest.raises(SessionError) as info:
        create_session(home, "panel")
    assert str(home) in str(info.value)
    assert "--out" in str(info.value)


def test_create_session_on_read_only_parent_raises_session_error(tmp_path):
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        if os.access(parent, os.W_OK):
            pytest.skip("this user can write into a mode-500 folder (running as root); "
                        "test_create_session_under_a_regular_file covers the error path")
        with pytest.raises(SessionError) as info:
            create_session(parent / "sessions", "panel")
        assert str(parent / "sessions") in str(info.value)
    finally:
        parent.chmod(0o700)


# --- atomic JSON ---------------------------------------------------------------------------------------------------

def test_write_json_atomic_leaves_only_the_document(tmp_path):
    path = tmp_path / "session.json"
    write_json_atomic(path, _session_doc(note="first"))
    write_json_atomic(path, _session_doc(note="second ünïcode"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.json"]
    assert json.loads(path.read_text(encoding="utf-8"))["note"] == "second ünïcode"
    assert _mode(path) == 0o600


def test_write_json_atomic_failure_raises_session_error_and_cleans_up(tmp_path):
    target = tmp_path / "session.json"
    target.mkdir()  # os.replace cannot put a file over a folder
    with pytest.raises(SessionError) as info:
        write_json_atomic(target, _session_doc())
    assert str(target) in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.json"]


def test_write_json_atomic_into_missing_folder_raises_session_error(tmp_path):
    with pytest.raises(SessionError):
        write_json_atomic(tmp_path / "gone" / "session.json", _session_doc())


def test_reader_never_sees_partial_json(tmp_path):
    """A reader polling the file while it is rewritten over and over sees only whole documents."""
    path = tmp_path / "session.json"
    documents = [_session_doc(version=i, answers=[{"transcript": "word " * (2000 + 500 * i)}]) for i in range(6)]
    write_json_atomic(path, documents[0])
    stop = threading.Event()
    seen: list[int] = []
    bad: list[str] = []

    def reader():
        while not stop.is_set():
            text = path.read_text(encoding="utf-8")
            try:
                seen.append(json.loads(text)["version"])
            except json.JSONDecodeError:
                bad.append(text[-40:])

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for round_ in range(40):
            write_json_atomic(path, documents[round_ % len(documents)])
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not bad, f"{len(bad)} partial reads"
    assert len(seen) > 10
    assert set(seen) <= set(range(len(documents)))


# --- loading and resolving -----------------------------------------------------------------------------------------

def _session(folder: Path, **extra) -> Path:
    folder.mkdir(parents=True)
    write_json_atomic(folder / "session.json", _session_doc(**extra))
    return folder


def test_load_session_round_trip(tmp_path):
    from voice_interviewer.feedback import analyze
    from voice_interviewer.records import Transcript, Word

    words = tuple(Word(w, i * 0.4, i * 0.4 + 0.3) for i, w in enumerate("we shipped the launch on time".split()))
    record = analyze(Transcript(words, 3.0), None) | {"index": 1, "question_text": "Tell me about a launch."}
    folder = _session(tmp_path / "s1", answers=[record])
    document = load_session(folder)
    assert document["answers"][0]["score"] == record["score"]


def _load_error(folder: Path) -> str:
    with pytest.raises(SessionError) as info:
        load_session(folder)
    return str(info.value)


def test_load_session_missing(tmp_path):
    message = _load_error(tmp_path / "nowhere")
    assert str(tmp_path / "nowhere") in message and "session.json" in message


def test_load_session_folder_without_session_json(tmp_path):
    (tmp_path / "s1").mkdir()
    assert str(tmp_path / "s1") in _load_error(tmp_path / "s1")


@pytest.mark.parametrize("content", [b'{"schema": 1, "answers": [', b"", b"\xff\xfe{}", b"not json at all"],
                         ids=["cut-short", "empty", "not-utf8", "text"])
def test_load_session_corrupt_json(tmp_path, content):
    folder = tmp_path / "s1"
    folder.mkdir()
    (folder / "session.json").write_bytes(content)
    message = _load_error(folder)
    assert str(folder / "session.json") in message
    assert "corrupt" in message


@pytest.mark.parametrize("document", [{"schema": 2, "answers": []}, {"answers": []}, [1, 2], "session", 1],
                         ids=["schema-2", "no-schema", "list", "string", "number"])
def test_load_session_wrong_schema(tmp_path, document):
    folder = tmp_path / "s1"
    folder.mkdir()
    (folder / "session.json").write_text(json.dumps(document))
    message = _load_error(folder)
    assert str(folder / "session.json") in message
    assert f"schema-{SESSION_SCHEMA}" in message


@pytest.mark.parametrize("answers", [None, {}, "a01.wav"], ids=["missing", "object", "string"])
def test_load_session_without_answers_list(tmp_path, answers):
    folder = tmp_path / "s1"
    folder.mkdir()
    document = {"schema": SESSION_SCHEMA} if answers is None else {"schema": SESSION_SCHEMA, "answers": answers}
    (folder / "session.json").write_text(json.dumps(document))
    message = _load_error(folder)
    assert str(folder / "session.json") in message and "answers" in message


def test_load_session_on_a_regular_file_raises_session_error(tmp_path):
    """`replay notes.txt`: a file where a folder is expected must be a SessionError, not NotADirectoryError."""
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    assert str(path) in _load_error(path)


def test_load_session_when_session_json_is_a_folder(tmp_path):
    (tmp_path / "s1" / "session.json").mkdir(parents=True)
    assert str(tmp_path / "s1") in _load_error(tmp_path / "s1")


def test_load_session_unreadable(tmp_path):
    folder = _session(tmp_path / "s1")
    (folder / "session.json").chmod(0)
    try:
        if os.access(folder / "session.json", os.R_OK):
            pytest.skip("this user can read a mode-000 file (running as root)")
        assert "permission denied" in _load_error(folder)
    finally:
        (folder / "session.json").chmod(0o600)


def test_resolve_session_by_path(tmp_path):
    folder = _session(tmp_path / "elsewhere" / "20250101-090000-panel")
    assert resolve_session(str(folder), tmp_path / "home") == folder


def test_resolve_session_by_name_in_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    folder = _session(home / "20250101-090000-panel")
    monkeypatch.chdir(tmp_path)  # the name is not a path relative to the working directory
    assert resolve_session("20250101-090000-panel", home) == folder


def test_resolve_session_latest(tmp_path):
    home = tmp_path / "home"
    older = _session(home / "20250101-090000-panel")
    newer = _session(home / "20240101-090000-technical")  # names sort the other way: mtime decides
    (home / "20260101-090000-recruiter").mkdir()  # a folder without session.json (e.g. a crash) is not a session
    os.utime(older / "session.json", (1_000_000, 1_000_000))
    os.utime(newer / "session.json", (2_000_000, 2_000_000))
    assert resolve_session("latest", home) == newer


def test_resolve_session_latest_with_no_sessions(tmp_path):
    for home in (tmp_path / "missing", tmp_path):
        with pytest.raises(SessionError) as info:
            resolve_session("latest", home)
        assert str(home) in str(info.value)


def test_resolve_session_missing_name(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    with pytest.raises(SessionError) as info:
        resolve_session("20250101-090000-panel", home)
    message = str(info.value)
    assert "'20250101-090000-panel'" in message and str(home) in message and "latest" in message


def test_resolve_session_file_instead_of_folder(tmp_path):
    path = tmp_path / "session.json"
    path.write_text("{}")
    with pytest.raises(SessionError, match="is a file"):
        resolve_session(str(path), tmp_path / "home")
