"""Enter skips the rest of what the interviewer is saying: playback on a real sound server stops when asked.

The interviewer's voice is played into the PulseAudio null sink started by conftest.py and recorded from its
monitor with parecord; the recording shows how long the voice was actually heard.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time

import numpy as np
import pytest

from voice_interviewer.content.personas import VoiceSpec

pytestmark = [pytest.mark.sound]

VOICE = VoiceSpec(voice_id="en-us+m3", rate_wpm=160)
LONG_TEXT = ("Thank you for joining us today. Before we begin, let me explain how this interview works, what each "
             "part is for, and how much time you will have for every answer, so that nothing surprises you later.")


def _heard_seconds(raw: bytes) -> float:
    """Seconds between the first and the last audible 10 ms of a 16 kHz mono recording."""
    samples = np.frombuffer(raw[:len(raw) // 2 * 2], dtype="<i2")
    frames = np.abs(samples[:samples.size // 160 * 160].astype(np.int32)).reshape(-1, 160).max(axis=1) > 64
    loud = np.nonzero(frames)[0]
    return 0.0 if loud.size == 0 else (loud[-1] - loud[0] + 1) / 100


def _speak_and_record(pulse, tmp_path, monkeypatch, skip_after_s: float | None) -> tuple[float, float]:
    import sounddevice

    from voice_interviewer.voice.speaker import Speaker

    for name, value in pulse["env"].items():
        monkeypatch.setenv(name, value)
    # PortAudio lists the devices once per process: an earlier test in this process may have looked before the
    # sound server existed, so look again now that it does
    sounddevice._terminate()
    sounddevice._initialize()
    recorder = subprocess.Popen(["parecord", f"--device={pulse['sink']}.monitor", "--rate=16000", "--channels=1",
                                 "--format=s16le", "--raw", str(tmp_path / "heard.raw")], env=os.environ)
    try:
        time.sleep(0.3)
        speaker = Speaker()
        assert speaker.audible
        skip = threading.Event()
        if skip_after_s is not None:
            # pressed once the voice is playing: rendering takes a moment first
            def press():
                time.sleep(skip_after_s)
                skip.set()
            from voice_interviewer.voice import speaker as module
            original = module.start_wav

            def start_then_press(path):
                length = original(path)
                threading.Thread(target=press, daemon=True).start()
                return length
            module.start_wav = start_then_press
            try:
                length_s = speaker.speak(LONG_TEXT, tmp_path / "long.wav", VOICE, skip=skip)
            finally:
                module.start_wav = original
        else:
            length_s = speaker.speak(LONG_TEXT, tmp_path / "long.wav", VOICE, skip=skip)
        time.sleep(0.5)
    finally:
        recorder.terminate()
        recorder.wait(timeout=10)
    return length_s, _heard_seconds((tmp_path / "heard.raw").read_bytes())


def test_skip_stops_the_interviewer_mid_sentence(pulse, tmp_path, monkeypatch):
    length_s, heard_s = _speak_and_record(pulse, tmp_path, monkeypatch, skip_after_s=3.0)
    assert length_s > 8
    assert 0 < heard_s < length_s / 2, (heard_s, length_s)  # some of it was heard, then it stopped


def test_without_skip_the_whole_clip_is_heard(pulse, tmp_path, monkeypatch):
    length_s, heard_s = _speak_and_record(pulse, tmp_path, monkeypatch, skip_after_s=None)
    assert heard_s > length_s - 1.0, (heard_s, length_s)
