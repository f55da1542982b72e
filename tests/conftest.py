"""Shared fixtures: the real model loaded once per session, fixture audio, and a PulseAudio null sink.

Tiers (pytest markers, registered in pyproject.toml) say what a test needs: `model` the real Whisper model, `sound`
the PulseAudio server these fixtures start, `cli` the command line as a subprocess, `browser` headless chromium,
`root` root, `wheel` a wheel installed in a fresh venv, `slow` whole interviews. Unmarked tests are pure and fast
(`make test-fast`). The markers are kept honest here: a test that uses the `model`, `pulse` or `doomed_pulse`
fixture, or calls run_cli, without its marker fails with the marker to add.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "audio_fixtures"  # real speech, eval and practice recordings (not shipped)
DEMO = ROOT / "voice_interviewer" / "data" / "demo"  # the demo's recorded candidate (package data)
PERSONAS = ROOT / "voice_interviewer" / "data" / "personas"
CLI = [sys.executable, "-m", "voice_interviewer"]
SINK = "vi_test_sink"


# Fixture -> the marker a test using it must carry.
_FIXTURE_MARKERS = {"model": "model", "pulse": "sound", "doomed_pulse": "sound"}
_current: list = []  # the test being set up, run or torn down (run_cli checks its markers)


def pytest_collection_modifyitems(config, items):
    missing = [f"{item.nodeid}: uses the {fixture!r} fixture; mark it @pytest.mark.{marker}"
               for item in items for fixture, marker in _FIXTURE_MARKERS.items()
               if fixture in getattr(item, "fixturenames", ()) and item.get_closest_marker(marker) is None]
    if missing:
        raise pytest.UsageError("tests without the marker of what they need:\n" + "\n".join(missing))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _current[:] = [item]


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item):
    _current.clear()


def require_marker(marker: str, what: str) -> None:
    """Fail the running test unless it carries `marker` (what it does needs that tier)."""
    if _current and _current[0].get_closest_marker(marker) is None:
        pytest.fail(f"{_current[0].nodeid} {what}: mark it @pytest.mark.{marker}", pytrace=False)


@pytest.fixture(scope="session")
def manifest() -> dict:
    """clips: real speech (files under FIXTURES); answers and asks: the demo candidate (files under DEMO)."""
    demo = json.loads((DEMO / "manifest.json").read_text())
    return {**json.loads((FIXTURES / "manifest.json").read_text()), "answers": demo["answers"], "asks": demo["asks"]}


@pytest.fixture(scope="session")
def jfk_pcm() -> np.ndarray:
    from voice_interviewer.audio.files import read_audio

    return read_audio(FIXTURES / "real" / "jfk.wav")


@pytest.fixture(scope="session")
def model():
    """The bundled tiny.en, loaded once for the whole test session."""
    from voice_interviewer.speech.transcribe import load_model, resolve_model

    resolved = resolve_model(None)
    return load_model(resolved.source)


def espeak_speech(folder: Path, parts, voice: str = "en-us+f2", rate_wpm: int = 165) -> np.ndarray:
    """Sentences rendered by espeak-ng at 16 kHz, each followed by its silence in seconds, then 6 s of silence."""
    from voice_interviewer.audio.files import read_audio

    pieces = []
    for number, (text, pause_s) in enumerate(parts):
        raw, wav = folder / f"{number}.raw.wav", folder / f"{number}.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate_wpm), "-w", str(raw), "--", text], check=True,
                       capture_output=True, timeout=60)
        subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(wav)], check=True,
                       capture_output=True, timeout=60)
        pieces += [read_audio(wav), np.zeros(int(16000 * pause_s), np.int16)]
    pieces.append(np.zeros(16000 * 6, np.int16))
    return np.concatenate(pieces)


@pytest.fixture()
def home(tmp_path, monkeypatch) -> Path:
    """A private sessions home for CLI tests."""
    monkeypatch.setenv("VOICE_INTERVIEWER_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


# Fuzz tests explore new inputs on every local run; in CI (CI set, as .ci/run does) they replay a fixed sequence so
# a red build is reproducible and never depends on luck.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

from voice_interviewer.speech.wer import word_error_rate  # noqa: E402,F401 - re-exported for the test modules

_hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")


def as_from_a_terminal() -> None:
    """preexec_fn for a CLI the test will stop with SIGINT: Ctrl-C as a terminal delivers it. A test run started in
    the background of a script inherits SIGINT ignored, and Python then never raises KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_cli(*args: str, env: dict | None = None, timeout: float = 600, input_text: str | None = None):
    """Run the real console entry point in a subprocess (exit codes and stderr exactly as a user sees them)."""
    require_marker("cli", "starts the CLI as a subprocess")
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout, env=full_env,
                          cwd=ROOT, input=input_text)


def wait_for_listening(folder: Path, pattern: str, timeout: float = 120) -> Path:
    """Wait until the CLI records the microphone into folder/pattern: the file exists and holds audio beyond its
    44-byte WAV header (the recorder flushes what the microphone gave it every half second). Only then does sound
    played into the null sink reach the answer; fails after timeout seconds with what was seen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [p for p in folder.glob(pattern) if p.stat().st_size > 44]
        if found:
            return found[0]
        time.sleep(0.05)
    seen = {str(p): p.stat().st_size for p in folder.glob(pattern)}
    pytest.fail(f"nothing was recorded from the microphone into {folder}/{pattern} within {timeout:.0f} s "
                f"(files and sizes: {seen or 'none'})")


def _start_pulse(runtime: Path) -> dict:
    """Start a PulseAudio daemon in its own runtime dir: a null sink whose monitor is the default source."""
    if shutil.which("pulseaudio") is None or shutil.which("paplay") is None:
        pytest.fail("PulseAudio is not installed; `make test` installs pulseaudio and pulseaudio-utils")
    runtime.chmod(0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "PULSE_SERVER": f"unix:{runtime}/pulse/native"}
    subprocess.run(["pulseaudio", "-D", "-n", "--exit-idle-time=-1", "--disallow-exit", "--daemonize=yes",
                    f"--load=module-null-sink sink_name={SINK} rate=16000",
                    "--load=module-native-protocol-unix", "--log-target=stderr"],
                   env=env, check=True, capture_output=True, timeout=30)
    for _ in range(50):
        if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
            break
        time.sleep(0.1)
    subprocess.run(["pactl", "set-default-sink", SINK], env=env, check=True, timeout=10)
    subprocess.run(["pactl", "set-default-source", f"{SINK}.monitor"], env=env, check=True, timeout=10)
    return {"env": {"XDG_RUNTIME_DIR": env["XDG_RUNTIME_DIR"], "PULSE_SERVER": env["PULSE_SERVER"]}, "sink": SINK,
            "pid_file": runtime / "pulse" / "pid", "full_env": env}


def _stop_pulse(server: dict) -> None:
    pid_file = server["pid_file"]
    pid = pid_file.read_text().strip() if pid_file.exists() else ""
    subprocess.run(["pulseaudio", "--kill"], env=server["full_env"], capture_output=True, timeout=10)
    if pid.isdigit():  # a daemon left running would outlive the test run
        subprocess.run(["kill", pid], capture_output=True, timeout=10)


@pytest.fixture(scope="session")
def pulse(tmp_path_factory):
    """A PulseAudio daemon with a null sink whose monitor is the default source: a real microphone path.

    Sound played into the sink with paplay is what sounddevice records from ALSA's default device.
    """
    server = _start_pulse(tmp_path_factory.mktemp("pulse-runtime"))
    try:
        yield {"env": server["env"], "sink": server["sink"]}
    finally:
        _stop_pulse(server)


@pytest.fixture()
def doomed_pulse(tmp_path_factory):
    """A PulseAudio daemon of its own, for a test that kills it (the microphone vanishing): {"pid": ..., ...}."""
    server = _start_pulse(tmp_path_factory.mktemp("doomed-pulse-runtime"))
    try:
        yield {"env": server["env"], "sink": server["sink"], "pid": int(server["pid_file"].read_text().strip())}
    finally:
        _stop_pulse(server)
