"""Starting `voice-interviewer web` for a test and driving headless Chromium against it (no browser download)."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import time
import wave
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from conftest import CLI, ROOT, as_from_a_terminal, require_marker

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@contextmanager
def web_server(out: Path, *args: str, env: dict | None = None, https: bool = False):
    """The server as a user starts it; yields (process, url). Stopped with Ctrl-C (SIGINT) afterwards."""
    require_marker("cli", "starts `voice-interviewer web` as a subprocess")
    process = subprocess.Popen([*CLI, "web", "--no-browser", "--port", "0", "--out", str(out), *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                               env={**os.environ, **(env or {})}, preexec_fn=as_from_a_terminal)
    try:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        assert ready, "the server printed no URL within 60 s"
        url = process.stdout.readline().strip()
        assert url.startswith(f"{'https' if https else 'http'}://127.0.0.1:") and "/?token=" in url, url
        yield process, url
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def base_of(url: str) -> str:
    return url.split("/?token=")[0]


def token_of(url: str) -> str:
    return url.split("/?token=")[1]


def fixture_wav(source: Path, target: Path) -> Path:
    """Chromium's fake microphone reads WAV only: the fixture decoded to 16 kHz mono WAV."""
    from voice_interviewer.audio.files import read_audio

    pcm = read_audio(source)
    if pcm.dtype != np.int16:
        pcm = (np.clip(pcm, -1, 1) * 32767).astype("<i2")
    with wave.open(str(target), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(16000)
        handle.writeframes(pcm.astype("<i2").tobytes())
    return target


def chromium(microphone_wav: Path, width: int = 1100, height: int = 1300):
    """Headless Debian Chromium whose microphone plays microphone_wav once (then silence), each time it is opened."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    require_marker("browser", "drives headless chromium")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--use-fake-ui-for-media-stream",
                 "--use-fake-device-for-media-stream", f"--use-file-for-fake-audio-capture={microphone_wav}%noloop",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run",
                 "--autoplay-policy=no-user-gesture-required", f"--window-size={width},{height}"):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))  # never Selenium Manager's download


def wait_for(condition, timeout_s: float, what: str, poll_s: float = 0.25):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(poll_s)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def session_of(out: Path) -> tuple[Path, dict]:
    folders = [p for p in out.iterdir() if (p / "session.json").exists()]
    assert len(folders) == 1, folders
    return folders[0], json.loads((folders[0] / "session.json").read_text())
