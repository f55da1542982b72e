"""Bad input through the real command line: one `error: ` line naming the problem and what is allowed, exit code 2,
no traceback, and nothing already recorded lost (a saved session in the sessions home is checked byte for byte
after every bad call). Odd but valid audio (8 kHz, 48 kHz stereo, 32-bit float, hours long) is accepted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from conftest import CLI, FIXTURES, PERSONAS, ROOT, run_cli, word_error_rate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

JFK = FIXTURES / "real" / "jfk.wav"
JFK_WORDS = "ask not what your country can do for you"
ALLOWED = "WAV, FLAC, OGG, MP3 or M4A"
RATE = 16000


# --- a saved session that no bad call may touch ---------------------------------------------------------------------

def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def kept(home):
    """A sessions home holding one saved session; kept() asserts it is byte for byte unchanged."""
    folder = home / "sessions" / "20260101-090000-panel"
    folder.mkdir(parents=True)
    (folder / "session.json").write_text(json.dumps({
        "schema": 1, "stage": "panel", "started": "2026-01-01T09:00:00+00:00", "completed": False,
        "questions": [{"stage": "panel", "id": "panel-alignment", "text": "Two teams disagree: what did you do?"}],
        "answers": [{"index": 1, "stage": "panel", "question_id": "panel-alignment",
                     "question_text": "Two teams disagree: what did you do?", "answer_audio": "a01.wav",
                     "interrupted": True}]}))
    shutil.copy(JFK, folder / "a01.wav")
    before = _digest(home)

    def check() -> None:
        assert _digest(home) == before, "a bad call changed what was already recorded"

    return check


def assert_bad(result, kept, *fragments: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment.lower() in lines[0].lower(), (fragment, lines[0])
    kept()
    return lines[0]


# --- audio files ----------------------------------------------------------------------------------------------------

def _wav(path: Path, samples: np.ndarray, rate: int = RATE, subtype: str = "PCM_16") -> Path:
    sf.write(path, samples, rate, subtype=subtype)
    return path


def _jfk() -> np.ndarray:
    from voice_interviewer.audio.files import read_audio

    return read_audio(JFK)


def _resampled(rate: int, layout: str) -> np.ndarray:
    """jfk.wav converted by FFmpeg's resampler (what a recorder at that rate would have written)."""
    import av

    resampler = av.AudioResampler(format="s16", layout=layout, rate=rate)
    frame = av.AudioFrame.from_ndarray(_jfk().reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = RATE
    blocks = [f.to_ndarray() for f in [*resampler.resample(frame), *resampler.resample(None)]]
    return np.concatenate(blocks, axis=1).reshape(-1, 2 if layout == "stereo" else 1)


@pytest.mark.cli
def test_empty_audio_file(tmp_path, kept):
    path = tmp_path / "answer.wav"
    path.write_bytes(b"")
    assert_bad(run_cli("transcribe", str(path)), kept, "empty", "0 bytes", ALLOWED)


@pytest.mark.cli
def test_zero_length_wav(tmp_path, kept):
    path = _wav(tmp_path / "answer.wav", np.zeros(0, dtype=np.int16))
    assert_bad(run_cli("score", str(path)), kept, "no audio samples", "zero length", ALLOWED)


@pytest.mark.cli
def test_truncated_wav(tmp_path, kept):
    path = tmp_path / "answer.wav"
    data = JFK.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    assert_bad(run_cli("transcribe", str(path)), kept, "truncated", "re-export")


@pytest.mark.cli
def test_corrupt_audio_unknown_encoding(tmp_path, kept):
    data = bytearray(JFK.read_bytes())
    struct.pack_into("<H", data, 20, 0x1234)  # the fmt chunk's encoding tag: no such codec
    path = tmp_path / "answer.wav"
    path.write_bytes(bytes(data))
    assert_bad(run_cli("transcribe", str(path)), kept, "unsupported audio encoding", ALLOWED)


@pytest.mark.cli
def test_corrupt_audio_random_bytes(tmp_path, kept):
    path = tmp_path / "answer.mp3"
    path.write_bytes(np.random.default_rng(3).integers(0, 256, 20000, dtype=np.uint8).tobytes())
    assert_bad(run_cli("transcribe", str(path)), kept, str(path), ALLOWED)


@pytest.mark.cli
def test_text_file_named_wav(tmp_path, kept):
    path = tmp_path / "answer.wav"
    path.write_text("Situation: the launch slipped. Task: recover it.\n")
    assert_bad(run_cli("transcribe", str(path)), kept, "not a WAV file (text)", ALLOWED)


@pytest.mark.cli
def test_image_file_named_wav(tmp_path, kept):
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")
    path = tmp_path / "answer.wav"
    path.write_bytes(png)
    assert_bad(run_cli("score", str(path), "--question", "panel-alignment"), kept, "not a WAV file", ALLOWED)


@pytest.mark.cli
def test_bad_recording_given_to_an_interview(tmp_path, kept):
    path = tmp_path / "answer.wav"
    path.write_text("not audio")
    result = run_cli("interview", "--stage", "panel", "--input", str(path), "--fast", "--mute")
    assert_bad(result, kept, "not a WAV file", ALLOWED)


@pytest.mark.cli
def test_missing_path(tmp_path, kept):
    assert_bad(run_cli("transcribe", str(tmp_path / "nowhere.wav")), kept, "file not found", ALLOWED)


@pytest.mark.cli
def test_directory_where_a_file_is_needed(tmp_path, kept):
    assert_bad(run_cli("score", str(tmp_path)), kept, "is a directory", ALLOWED)
    empty = tmp_path / "answers"
    empty.mkdir()
    result = run_cli("interview", "--stage", "panel", "--input", str(empty), "--fast", "--mute")
    assert_bad(result, kept, "holds no audio files", ".wav")


@pytest.mark.root
@pytest.mark.cli
def test_unreadable_file(tmp_path, kept):
    """Root reads any file, so the command runs as the unprivileged user nobody (setpriv)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run the command as an unprivileged user")
    closed = [p for p in (ROOT, *ROOT.parents, Path(sys.executable).parent) if not p.stat().st_mode & 0o001]
    if closed:  # e.g. a checkout made under `mktemp -d` (0700): nobody could not even import the package
        pytest.skip(f"the user nobody cannot reach this checkout ({closed[0]} is not world-searchable)")
    folder = Path(tempfile.mkdtemp(prefix="vi-unreadable-"))
    try:
        folder.chmod(0o755)
        locked = folder / "answer.wav"
        shutil.copy(JFK, locked)
        locked.chmod(0o000)
        result = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *CLI, "transcribe",
                                 str(locked)], capture_output=True, text=True, cwd=ROOT, timeout=300,
                                env={**os.environ, "HOME": str(folder)})
        assert_bad(result, kept, "permission denied", str(locked), ALLOWED)
    finally:
        shutil.rmtree(folder)


@pytest.mark.cli
@pytest.mark.model
@pytest.mark.parametrize("kind", ["8k-mono", "48k-stereo", "float32"])
def test_other_rates_layouts_and_sample_formats_are_resampled(tmp_path, kind, manifest):
    path = tmp_path / f"{kind}.wav"
    if kind == "8k-mono":
        _wav(path, _resampled(8000, "mono"), 8000)
    elif kind == "48k-stereo":
        _wav(path, _resampled(48000, "stereo"), 48000)
    else:
        _wav(path, _jfk().astype(np.float32) / 32768, RATE, "FLOAT")
    info = sf.info(path)
    assert (info.samplerate, info.channels, info.subtype) == {
        "8k-mono": (8000, 1, "PCM_16"), "48k-stereo": (48000, 2, "PCM_16"), "float32": (RATE, 1, "FLOAT")}[kind]
    result = run_cli("transcribe", str(path), "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    reference = next(c["transcript"] for c in manifest["clips"] if c["file"].endswith("jfk.wav"))
    assert word_error_rate(reference, doc["text"]) <= 0.2, doc["text"]
    assert abs(doc["duration_s"] - 11.0) < 0.1


@pytest.mark.cli
@pytest.mark.model
def test_silence_only(tmp_path, kept):
    path = _wav(tmp_path / "answer.wav", np.zeros(RATE * 8, dtype=np.int16))
    assert_bad(run_cli("score", str(path), "--question", "panel-alignment"), kept, "no speech found",
               "silence or noise", "spoken answer")


@pytest.mark.cli
@pytest.mark.model
def test_noise_only(tmp_path, kept):
    noise = np.random.default_rng(11).normal(0, 4000, RATE * 8).clip(-32768, 32767).astype(np.int16)
    path = _wav(tmp_path / "answer.wav", noise)
    assert_bad(run_cli("transcribe", str(path)), kept, "no speech found", "spoken answer")


def _sparse_long_wav(path: Path, hours: float, tail: np.ndarray) -> int:
    """Hours of silence (a sparse hole: nothing written, nothing held) and then real speech; returns its bytes."""
    silence = int(hours * 3600 * RATE) * 2
    size = silence + tail.size * 2
    with path.open("wb") as handle:
        handle.write(struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + size, b"WAVE", b"fmt ", 16, 1, 1, RATE,
                                 RATE * 2, 2, 16, b"data", size))
        handle.seek(44 + silence)
        handle.write(tail.astype("<i2").tobytes())
    return 44 + size


def _peak_rss_mb(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    """Run the CLI and return its result and peak resident memory: /proc VmHWM read while it runs, and the kernel's
    ru_maxrss at exit (the larger of the two, in MB)."""
    process = subprocess.Popen([*CLI, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    hwm_kb = 0
    with contextlib.suppress(ChildProcessError):
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                hwm_kb = max(hwm_kb, usage.ru_maxrss)
                process.returncode = os.waitstatus_to_exitcode(status)
                break
            with contextlib.suppress(OSError), open(f"/proc/{process.pid}/status") as status_file:
                hwm_kb = max([hwm_kb] + [int(line.split()[1]) for line in status_file if line.startswith("VmHWM")])
            time.sleep(0.2)
    stdout, stderr = process.stdout.read(), process.stderr.read()
    process.stdout.close(), process.stderr.close()
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr), hwm_kb / 1024


@pytest.mark.cli
@pytest.mark.slow
@pytest.mark.model
def test_multi_hour_file_is_streamed_not_loaded(tmp_path):
    long = tmp_path / "two-hours.wav"
    size = _sparse_long_wav(long, 2.0, _jfk())
    assert size > 200 * 2**20 and long.stat().st_blocks * 512 < 2 * 2**20  # 230 MB of audio, ~0.4 MB of disk
    short, short_mb = _peak_rss_mb("transcribe", str(JFK))
    result, long_mb = _peak_rss_mb("transcribe", str(long))
    assert short.returncode == 0 and result.returncode == 0, result.stderr
    assert JFK_WORDS in result.stdout.lower().replace(",", "")
    print(f"multi-hour: {size / 2**20:.0f} MB WAV, VmHWM {long_mb:.0f} MB vs {short_mb:.0f} MB for 11 s")
    # Loaded whole it would need 230 MB as int16 (460 MB as float32) on top of the model.
    assert long_mb - short_mb < 80, (long_mb, short_mb)


# --- persona files --------------------------------------------------------------------------------------------------

@pytest.fixture()
def personas_copy(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "personas"
    shutil.copytree(PERSONAS, folder)
    monkeypatch.setenv("VOICE_INTERVIEWER_PERSONAS", str(folder))
    return folder


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, count))


@pytest.mark.cli
def test_persona_toml_syntax_error(personas_copy, kept):
    _edit(personas_copy / "panel.toml", "[[questions]]", "[[questions]", 1)
    line = assert_bad(run_cli("personas"), kept, "panel.toml", "TOML syntax error")
    assert "line" in line


@pytest.mark.cli
def test_persona_missing_field(personas_copy, kept):
    text = (personas_copy / "technical.toml").read_text()
    kept_lines = [ln for ln in text.splitlines() if not ln.startswith("closing")]
    assert len(kept_lines) < len(text.splitlines())
    (personas_copy / "technical.toml").write_text("\n".join(kept_lines) + "\n")
    assert_bad(run_cli("interview", "--stage", "technical", "--type"), kept, "technical.toml", "field closing",
               "required field is missing")


@pytest.mark.cli
def test_persona_duplicate_question_id(personas_copy, kept):
    from voice_interviewer.content.personas import load_persona

    persona = load_persona(personas_copy / "recruiter.toml")
    first, second = persona.questions[0].id, persona.questions[1].id
    _edit(personas_copy / "recruiter.toml", f'id = "{second}"', f'id = "{first}"')
    assert_bad(run_cli("personas"), kept, "duplicate question id", first, "must be unique")


@pytest.mark.cli
def test_persona_unknown_stage(personas_copy, kept):
    shutil.copy(personas_copy / "panel.toml", personas_copy / "ceo.toml")
    assert_bad(run_cli("personas"), kept, "unknown stage 'ceo'", "recruiter, hiring-manager")
    (personas_copy / "ceo.toml").unlink()
    _edit(personas_copy / "panel.toml", 'stage = "panel"', 'stage = "ceo"')
    assert_bad(run_cli("personas"), kept, "field stage", "'ceo'", "'panel'")


# --- flags and values -----------------------------------------------------------------------------------------------

@pytest.mark.cli
def test_unknown_flag(kept):
    assert_bad(run_cli("interview", "--resumee", "cv.txt"), kept, "No such option", "--help")


@pytest.mark.cli
def test_unknown_command(kept):
    assert_bad(run_cli("interveiw"), kept, "No such command")


@pytest.mark.cli
@pytest.mark.parametrize("args, fragments", [
    (["interview", "--questions", "0"], ["--questions", "allowed 1 to 8"]),
    (["interview", "--questions", "99"], ["--questions", "allowed 1 to 8"]),
    (["interview", "--end-silence", "-1"], ["--end-silence", "allowed 0.5 to 30"]),
    (["interview", "--max-answer", "1e9"], ["--max-answer", "allowed 5 to 3600"]),
    (["demo", "--questions", "3"], ["--questions", "allowed 1 to 2"]),
    (["interview", "--stage", "ceo"], ["unknown stage", "loop"]),
], ids=["questions-0", "questions-99", "end-silence-negative", "max-answer-huge", "demo-questions-3", "stage"])
def test_out_of_range_values(args, fragments, kept):
    assert_bad(run_cli(*args), kept, *fragments)


@pytest.mark.cli
def test_values_of_the_wrong_type(kept):
    assert_bad(run_cli("interview", "--questions", "three"), kept, "--questions", "integer")
    assert_bad(run_cli("interview", "--end-silence", "soon"), kept, "--end-silence", "valid number")


@pytest.mark.cli
def test_replay_answer_out_of_range(kept, home):
    folder = home / "sessions" / "20260101-090000-panel"
    assert_bad(run_cli("replay", str(folder), "--answer", "7", "--mute"), kept, "--answer", "allowed: 1 to 1")


# --- devices --------------------------------------------------------------------------------------------------------

@pytest.mark.cli
def test_no_input_device(tmp_path, kept):
    """No sound server and no sound card: ALSA has nothing to open."""
    env = {"PULSE_SERVER": f"unix:{tmp_path}/no-such-server", "XDG_RUNTIME_DIR": str(tmp_path)}
    result = run_cli("interview", "--stage", "panel", "--input", "mic", "--mute", env=env)
    assert_bad(result, kept, "no input device", "--input PATH", "--type")


@pytest.mark.cli
def test_unknown_input_device(kept):
    result = run_cli("interview", "--stage", "panel", "--input", "mic", "--device", "999", "--mute")
    assert_bad(result, kept, "input device 999", "voice-interviewer devices")


# --- damaged session folders ----------------------------------------------------------------------------------------

def _copy_of_kept(home: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "copy" / "20260101-090000-panel"
    shutil.copytree(home / "sessions" / "20260101-090000-panel", folder)
    return folder


@pytest.mark.cli
def test_session_with_corrupt_session_json(kept, home, tmp_path):
    folder = _copy_of_kept(home, tmp_path)
    (folder / "session.json").write_text('{"schema": 1, "answers": [{"ind')
    for args in (["replay", str(folder), "--mute"], ["report", str(folder)], ["interview", "--continue", str(folder)]):
        assert_bad(run_cli(*args), kept, "corrupt session file", "WAV files are untouched")
    assert (folder / "a01.wav").read_bytes() == JFK.read_bytes()


@pytest.mark.cli
def test_session_with_damaged_fields(kept, home, tmp_path):
    folder = _copy_of_kept(home, tmp_path)
    document = json.loads((folder / "session.json").read_text())
    document["answers"][0]["question_text"] = 42
    (folder / "session.json").write_text(json.dumps(document))
    assert_bad(run_cli("report", str(folder)), kept, "damaged session file", "question_text")
    document["answers"][0] = {"index": 1, "question_text": "Q?", "answer_audio": "../../../etc/passwd"}
    (folder / "session.json").write_text(json.dumps(document))
    assert_bad(run_cli("replay", str(folder), "--mute", "--rescore"), kept, "not a file name inside")


@pytest.mark.cli
def test_session_without_session_json(kept, home, tmp_path):
    folder = _copy_of_kept(home, tmp_path)
    (folder / "session.json").unlink()
    for args in (["replay", str(folder), "--mute"], ["report", str(folder)], ["forget", str(folder), "--yes"]):
        assert_bad(run_cli(*args), kept, "no session.json")
    assert (folder / "a01.wav").exists()


@pytest.mark.cli
@pytest.mark.model
def test_session_with_missing_audio_is_handled(kept, home, tmp_path):
    folder = _copy_of_kept(home, tmp_path)
    (folder / "a01.wav").unlink()
    replay = run_cli("replay", str(folder), "--mute", "--rescore")
    assert replay.returncode == 0, replay.stderr
    assert "a01.wav is missing from the session" in replay.stderr and "no audio to rescore" in replay.stderr
    report = run_cli("report", str(folder))
    assert report.returncode == 0, report.stderr
    assert_bad(run_cli("score", str(folder / "a01.wav")), kept, "file not found")


# --- full and read-only disks ---------------------------------------------------------------------------------------

@contextlib.contextmanager
def _tmpfs(size: str, *, read_only: bool = False):
    """A tiny tmpfs mount (root only; CI runs as root); skips with the reason when mounting is not allowed."""
    point = Path(tempfile.mkdtemp(prefix="vi-tmpfs-"))
    options = f"size={size},mode=0755" + (",ro" if read_only else "")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True,
                             text=True) if os.geteuid() == 0 and shutil.which("mount") else None
    if mounted is None or mounted.returncode != 0:
        point.rmdir()
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip() if mounted else 'not root'}): "
                    "needs root with CAP_SYS_ADMIN")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)
        point.rmdir()


@pytest.mark.root
@pytest.mark.cli
@pytest.mark.slow
@pytest.mark.model
def test_disk_full_mid_answer_keeps_the_recording(kept):
    """2 MB: the opening and the question fit, the 85 s answer does not."""
    with _tmpfs("2m") as disk:
        result = run_cli("demo", "--mute", "--stage", "panel", "--out", str(disk / "sessions"))
        assert_bad(result, kept, "No space left on device", "recorded", "--continue")
        [folder] = [p.parent for p in (disk / "sessions").glob("*/session.json")]
        session = json.loads((folder / "session.json").read_text())
        assert session["answers"][0]["interrupted"] is True
        import wave

        with wave.open(str(folder / "a01.wav")) as handle:  # the header matches what reached the disk
            frames = handle.getnframes()
        assert frames > RATE * 5 and (folder / "a01.wav").stat().st_size >= 44 + frames * 2
        replay = run_cli("replay", str(folder), "--mute")
        assert replay.returncode == 0 and "Interrupted" in replay.stdout, replay.stderr
        assert_bad(run_cli("report", str(folder)), kept, "report.html", "No space left on device")


@pytest.mark.root
@pytest.mark.cli
def test_read_only_sessions_dir(kept, tmp_path):
    with _tmpfs("1m", read_only=True) as disk:
        result = run_cli("demo", "--mute", "--stage", "panel", "--out", str(disk / "sessions"))
        assert_bad(result, kept, "cannot create sessions folder", "Read-only file system", "--out")


@pytest.mark.root
@pytest.mark.cli
def test_report_into_a_read_only_session(kept, home, tmp_path):
    folder = _copy_of_kept(home, tmp_path)
    with _tmpfs("4m") as disk:
        shutil.copytree(folder, disk / folder.name)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        assert_bad(run_cli("report", str(disk / folder.name)), kept, "report.html", "Read-only file system")
        replay = run_cli("replay", str(disk / folder.name), "--mute")
        assert replay.returncode == 0, replay.stderr


@pytest.mark.cli
def test_forget_refuses_what_is_not_a_session(kept, home, tmp_path):
    project = tmp_path / "my-project"
    (project / "src").mkdir(parents=True)
    (project / "session.json").write_text("{}")
    assert_bad(run_cli("forget", str(project), "--yes"), kept, "not a session file", "nothing deleted")
    assert_bad(run_cli("forget", str(home / "sessions"), "--yes"), kept, "not a session folder")
    assert_bad(run_cli("forget", str(JFK), "--yes"), kept, "is a file")
    assert (project / "src").is_dir() and JFK.is_file()


# --- fuzzing: only InterviewerError escapes -------------------------------------------------------------------------

_FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 150)), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

_json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-5, 200), st.floats(allow_nan=False),
                       st.text(max_size=8), st.just("a01.wav"), st.just("../x.wav"))
_json = st.recursive(_json_leaf, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                         st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                     max_leaves=12)


def _scored_record() -> dict:
    """A scored answer to a real panel question (so it carries dimensions with evidence quotes), one word doubted."""
    from voice_interviewer.content.personas import find_question, load_personas
    from voice_interviewer.feedback import analyze
    from voice_interviewer.records import Transcript, Word

    _, question = find_question(load_personas(), "panel-alignment")
    text = ("um so the situation was that two teams disagreed about the launch and we were stuck so I brought both "
            "sides together in a workshop anchored on the shared goal and we tested a prototype with data and as a "
            "result we decided in nine days and shipped on time")
    words = tuple(Word(w, i * 0.4, i * 0.4 + 0.3, probability=0.2 if i == 5 else 0.9)
                  for i, w in enumerate(text.split()))
    return analyze(Transcript(words, 20.0), question) | {
        "index": 1, "stage": "panel", "question_text": "Q?", "answer_audio": "a01.wav", "follow_ups": [],
        "interrupted": False}


def _paths(document, prefix=()):
    if isinstance(document, dict):
        for key, value in document.items():
            yield prefix + (key,)
            yield from _paths(value, prefix + (key,))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield prefix + (index,)
            yield from _paths(value, prefix + (index,))


_BASE = None


def _base_session() -> dict:
    """A one-answer panel session as the interview saves it: a scored answer, an interrupted one, the debrief."""
    from voice_interviewer.feedback.debrief import build_debrief, spoken_debrief

    global _BASE
    if _BASE is None:
        _BASE = {"schema": 1, "stage": "panel", "started": "2026-01-01T09:00:00+00:00",
                 "personas": [{"stage": "panel", "name": "Lena", "role": "Panel lead"}],
                 "questions": [{"stage": "panel", "id": "panel-alignment", "text": "Q?"}],
                 "answers": [_scored_record(), {"index": 2, "question_text": "Q2?", "interrupted": True}]}
        _BASE["debrief"] = build_debrief(_BASE["answers"]) | {
            "spoken": {"stages": {"panel": spoken_debrief(build_debrief(_BASE["answers"]), "panel")}, "loop": None}}
    return json.loads(json.dumps(_BASE))


@_FUZZ
@given(choice=st.integers(0, 10_000), value=_json, delete=st.booleans())
def test_fuzz_session_files_only_raise_session_errors(tmp_path, choice, value, delete):
    """One field of a real session document replaced or deleted: load, replay's, report's and progress's rendering
    either work or raise InterviewerError."""
    from rich.console import Console

    from voice_interviewer.cli.documents import print_feedback
    from voice_interviewer.errors import InterviewerError
    from voice_interviewer.review.progress import Session, build_progress, render_progress_html
    from voice_interviewer.review.report import render_html, render_markdown
    from voice_interviewer.session.store import load_session

    document = _base_session()
    paths = list(_paths(document))
    *parent_path, key = paths[choice % len(paths)]
    parent = document
    for part in parent_path:
        parent = parent[part]
    if delete and isinstance(parent, dict):
        del parent[key]
    else:
        parent[key] = value
    folder = tmp_path / "fuzz-session"
    folder.mkdir(exist_ok=True)
    (folder / "session.json").write_text(json.dumps(document))
    try:
        loaded = load_session(folder)
    except InterviewerError:
        return
    render_markdown(loaded)
    render_html(loaded)
    sound = Session("sound", "2026-01-02T09:00:00+00:00", _base_session())
    for stage in (None, "panel"):
        render_progress_html(build_progress([Session("fuzz", "2026-01-01T09:00:00+00:00", loaded), sound], stage))
    console = Console(file=open(os.devnull, "w"))
    for answer in loaded["answers"]:
        if "score" in answer:
            print_feedback(console, answer)
    console.file.close()


@_FUZZ
@given(fields=st.tuples(st.integers(0, 0xFFFF), st.integers(0, 12), st.integers(0, 2**32 - 1),
                        st.integers(0, 2**32 - 1), st.integers(0, 64), st.integers(0, 64)),
       data=st.binary(max_size=6000))
def test_fuzz_streaming_frames_of_odd_wav_headers(tmp_path, fields, data):
    """The streaming path (WavFileSource.frames) on any fmt header: frames of the one shape, or AudioInputError."""
    from voice_interviewer.audio.sources import FRAME_SAMPLES, WavFileSource
    from voice_interviewer.errors import InterviewerError

    fmt = struct.pack("<HHIIHH", *fields)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    path = tmp_path / "fuzz.wav"
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    try:
        frames = list(WavFileSource(path).frames())
    except InterviewerError as exc:
        assert str(path) in str(exc)
        return
    assert all(len(f.pcm) == FRAME_SAMPLES * 2 and f.sample_rate_hz == RATE for f in frames)


def _damaged_session(tmp_path: Path, damage) -> tuple[Path, dict]:
    """(a folder holding the base session with `damage` applied to its scored answer, that answer)."""
    document = _base_session()
    scored = next(a for a in document["answers"] if "score" in a)
    damage(scored)
    folder = tmp_path / "damaged"
    folder.mkdir()
    (folder / "session.json").write_text(json.dumps(document))
    return folder, scored


@pytest.mark.parametrize("field, value", [("end", 6.752180897177434e+161), ("start", -1.0), ("end", float("inf"))])
def test_a_word_time_no_answer_can_have_is_a_session_error(tmp_path, field, value):
    """A clean clone's fuzz run died for memory: a word ending at a time like 6.8e161 s makes the report's pace curve
    add a point every 2 s up to it, without end."""
    from voice_interviewer.errors import InterviewerError
    from voice_interviewer.session.store import load_session

    folder, scored = _damaged_session(tmp_path, lambda scored: scored["words"][-1].update({field: value}))
    with pytest.raises(InterviewerError, match=f"answer 1: words.{len(scored['words']) - 1}.{field}"):
        load_session(folder)


def test_a_dimension_that_is_not_a_rating_is_a_session_error(tmp_path):
    """Found by the fuzz test: {"": null} as an answer's dimensions crashed the report with a TypeError."""
    from voice_interviewer.errors import InterviewerError
    from voice_interviewer.session.store import load_session

    folder, _ = _damaged_session(tmp_path, lambda scored: scored.update(dimensions={"": None}))
    with pytest.raises(InterviewerError):
        load_session(folder)


def test_a_hearing_record_that_is_not_an_object_is_a_session_error(tmp_path):
    """Found by the fuzz test in CI: "hearing": 1 crashed the debrief with an AttributeError."""
    from voice_interviewer.errors import InterviewerError
    from voice_interviewer.session.store import load_session

    folder, _ = _damaged_session(tmp_path, lambda scored: scored.update(hearing=1))
    with pytest.raises(InterviewerError, match="answer 1: hearing: "):
        load_session(folder)


@pytest.mark.parametrize("damage, where", [
    (lambda d: d["stages"]["panel"].update(influence="great"), "debrief.stages.panel.influence"),
    (lambda d: d["evidence"]["loop"]["influence"]["for"][0].update(at_s="soon"), "debrief.evidence.loop.influence"),
    (lambda d: d.update(spoken=1), "debrief.spoken")])
def test_a_damaged_saved_debrief_is_a_session_error(tmp_path, damage, where):
    """The saved debrief is read by report and progress as the answers are: a damaged one is named, not a crash."""
    from voice_interviewer.errors import InterviewerError
    from voice_interviewer.session.store import load_session

    document = _base_session()
    damage(document["debrief"])
    (tmp_path / "session.json").write_text(json.dumps(document))
    with pytest.raises(InterviewerError, match=f"damaged session file: {re.escape(where)}"):
        load_session(tmp_path)


def test_a_saved_debrief_without_its_evidence_is_built_again_from_the_answers(tmp_path):
    from voice_interviewer.review.report import render_html
    from voice_interviewer.session.store import load_session

    document = _base_session()
    del document["debrief"]["evidence"]
    (tmp_path / "session.json").write_text(json.dumps(document))
    page = render_html(load_session(tmp_path))
    assert "brought both sides together in a workshop anchored" in page and "Debrief: the five dimensions" in page
