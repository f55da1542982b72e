"""The interviewer's voice: pyttsx3 2.99 on espeak-ng, always rendered to a WAV copy, played when a speaker exists.

pyttsx3's save_to_file + runAndWait can return before the WAV is complete, and its espeak driver prints
"Audio saved to ..." on stdout. We wait for the driver's finished-utterance event, then for a WAV whose header
matches its size, and keep stdout clean (--json output must stay one document).
"""

from __future__ import annotations

import contextlib
import functools
import io
import subprocess
import threading
import time
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np

from voice_interviewer.audio import has_output_device
from voice_interviewer.errors import DeviceError, InterviewerError
from voice_interviewer.personas import VoiceSpec

__all__ = ["Speaker", "render_wav", "play_wav", "wav_duration_s"]

_RENDER_TIMEOUT_S = 30.0
_WRITE_GRACE_S = 2.0
_PLAYBACK_GRACE_S = 3.0
_engine_lock = threading.Lock()  # espeak-ng holds global state: one utterance at a time per process


@functools.cache
def _engine():
    try:
        import pyttsx3

        return pyttsx3.init("espeak")
    except Exception as exc:  # noqa: BLE001 - pyttsx3 wraps ctypes/OS errors in many ways
        raise InterviewerError(f"text-to-speech unavailable ({exc}); install espeak-ng (Debian: espeak-ng)") from None


def _complete_wav(path: Path) -> bool:
    """True once the file is a WAV whose header agrees with its size (the writer has finished)."""
    try:
        with wave.open(str(path), "rb") as handle:
            expected = handle.getnframes() * handle.getsampwidth() * handle.getnchannels()
            return handle.getnframes() > 0 and path.stat().st_size >= expected + 44
    except (FileNotFoundError, EOFError, wave.Error):
        return False


def render_wav(text: str, path: Path, spec: VoiceSpec) -> float:
    """Render text to a WAV file with pyttsx3 on espeak-ng; returns the duration in seconds.

    pyttsx3 2.99 stops producing audio after about 175 utterances in one process (measured: the 176th WAV is a bare
    header, every run). When an utterance comes back empty, it and every later one are rendered by the espeak-ng
    command line instead, with the same voice, rate and pitch.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    if _state["pyttsx3_ok"] and not _render_pyttsx3(text, path, spec):
        _state["pyttsx3_ok"] = False
    if not _state["pyttsx3_ok"]:
        _render_espeak_cli(text, path, spec)
    return wav_duration_s(path)


_state = {"pyttsx3_ok": True}


def _render_pyttsx3(text: str, path: Path, spec: VoiceSpec) -> bool:
    engine = _engine()
    done = threading.Event()
    with _engine_lock, contextlib.redirect_stdout(io.StringIO()):
        token = engine.connect("finished-utterance", lambda name, completed: done.set())
        try:
            engine.setProperty("voice", spec.voice_id)
            engine.setProperty("rate", spec.rate_wpm)
            engine.setProperty("pitch", spec.pitch)
            engine.save_to_file(text, str(path))
            engine.runAndWait()
            if not done.wait(_RENDER_TIMEOUT_S):
                return False
            deadline = time.monotonic() + _WRITE_GRACE_S  # runAndWait may return before the file is written
            while not _complete_wav(path):
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.01)
        finally:
            engine.disconnect(token)
    return True


def _render_espeak_cli(text: str, path: Path, spec: VoiceSpec) -> None:
    command = ["espeak-ng", "-v", spec.voice_id, "-s", str(spec.rate_wpm), "-p", str(spec.pitch), "-w", str(path),
               "--", text]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=_RENDER_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError) as exc:
        raise InterviewerError(f"text-to-speech failed ({exc.__class__.__name__}); install espeak-ng "
                               "(Debian: espeak-ng)") from None
    if not _complete_wav(path):
        raise InterviewerError(f"text-to-speech wrote no audio to {path}")


def wav_duration_s(path: Path) -> float:
    with wave.open(str(path), "rb") as handle:
        return handle.getnframes() / handle.getframerate()


def play_wav(path: Path) -> bool:
    """Play a WAV on the default output device and wait until it has been heard.

    Returns False when the device stalls (PortAudio streams have been seen never to finish while an input stream
    is open on the same sound server): playback is stopped after the clip's length plus a grace period.
    """
    import sounddevice as sd

    with wave.open(str(path), "rb") as handle:
        rate = handle.getframerate()
        data = np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2")
    try:
        sd.play(data, rate)
    except sd.PortAudioError as exc:
        raise DeviceError(f"cannot play audio on the output device: {exc}; use --mute") from None
    deadline = time.monotonic() + len(data) / rate + _PLAYBACK_GRACE_S
    while sd.get_stream().active:
        if time.monotonic() > deadline:
            sd.stop()
            return False
        time.sleep(0.02)
    return True


class Speaker:
    """Speaks through the speaker when there is one and not muted; always leaves the WAV copy."""

    def __init__(self, *, mute: bool = False, on_notice: Callable[[str], None] = lambda text: None) -> None:
        self.audible = not mute and has_output_device()
        self._on_notice = on_notice
        if not mute and not self.audible:
            on_notice("no audio output device: the interviewer's voice is written to WAV files only")

    def speak(self, text: str, wav_path: Path, spec: VoiceSpec) -> float:
        duration_s = render_wav(text, wav_path, spec)
        if self.audible and not play_wav(wav_path):
            self.audible = False
            self._on_notice("the audio output stopped responding; continuing without sound (WAV copies are kept)")
        return duration_s
