"""The interviewer's voice: espeak-ng, always rendered to a WAV copy, played when a speaker exists.

The espeak-ng command renders a WAV directly (about 0.05 s for 12 s of speech here), so the interviewer answers
without a rendering delay. Where there is no espeak-ng command, pyttsx3 2.99 renders through its espeak driver:
its save_to_file + runAndWait can return before the WAV is complete, and the driver prints "Audio saved to ..." on
stdout, so we wait for its finished-utterance event, then for a WAV whose header matches its size, and keep stdout
clean (--json output must stay one document). pyttsx3 runs in a child process (measured: 1 to 3 s an utterance).
"""

from __future__ import annotations

import contextlib
import functools
import io
import shutil
import subprocess
import threading
import time
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np

from voice_interviewer.audio.sources import has_output_device
from voice_interviewer.content.personas import VoiceSpec
from voice_interviewer.errors import DeviceError, InterviewerError

__all__ = ["Speaker", "render_wav", "play_wav", "wav_duration_s"]

_RENDER_TIMEOUT_S = 30.0
_WRITE_GRACE_S = 2.0
_PLAYBACK_GRACE_S = 3.0
_UTTERANCES_PER_WORKER = 150


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
    """Render text to a WAV file with espeak-ng; returns the duration in seconds.

    The espeak-ng command when there is one; else pyttsx3 in a child process (see _Pyttsx3Worker), and if that
    fails twice in a row for one utterance, the espeak-ng command is tried anyway (its error names what to install).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    if shutil.which("espeak-ng") is None:
        worker = _worker()
        if worker.render(text, path, spec) or worker.render(text, path, spec, restart=True):
            return wav_duration_s(path)
    _render_espeak_cli(text, path, spec)
    return wav_duration_s(path)


class _Pyttsx3Worker:
    """pyttsx3 in a child process, so that its failures cannot take the interview down.

    Measured here: in one process, pyttsx3 2.99 writes an empty WAV for the 176th utterance and every one after it,
    and once (under load) its espeak callback crashed the whole process. Its espeak state also carries over between
    voices: the panel's question rendered after the other personas' came out different and harder to understand
    (WER of our recogniser 0.33 against 0.04 when rendered first). The child is replaced when the voice changes
    (a stage boundary), every _UTTERANCES_PER_WORKER utterances, and whenever it dies or stops answering.
    """

    def __init__(self) -> None:
        self._process = None
        self._connection = None
        self._count = 0
        self._spec: VoiceSpec | None = None

    def render(self, text: str, path: Path, spec: VoiceSpec, *, restart: bool = False) -> bool:
        stale = self._count >= _UTTERANCES_PER_WORKER or spec != self._spec
        if restart or stale or self._process is None or not self._process.is_alive():
            self._start()
            self._spec = spec
        self._count += 1
        try:
            self._connection.send((text, str(path), spec.voice_id, spec.rate_wpm, spec.pitch))
            if self._connection.poll(_RENDER_TIMEOUT_S):
                return bool(self._connection.recv())
        except (EOFError, OSError):  # the child died mid-utterance
            pass
        self._stop()
        return False

    def _start(self) -> None:
        import multiprocessing

        self._stop()
        context = multiprocessing.get_context("spawn")  # never fork a process that holds the speech model
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), daemon=True, name="pyttsx3-worker")
        self._process.start()
        child.close()
        self._count = 0

    def _stop(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=5)
        self._process = None


@functools.cache
def _worker() -> _Pyttsx3Worker:
    return _Pyttsx3Worker()


def _serve(connection) -> None:
    """The child's loop: render each utterance and answer whether a complete WAV was written."""
    while True:
        try:
            text, path, voice_id, rate_wpm, pitch = connection.recv()
        except EOFError:
            return
        spec = VoiceSpec(voice_id=voice_id, rate_wpm=rate_wpm, pitch=pitch)
        try:
            ok = _render_pyttsx3(text, Path(path), spec)
        except Exception:  # noqa: BLE001 - any failure here means "render it another way"
            ok = False
        connection.send(ok)


def _render_pyttsx3(text: str, path: Path, spec: VoiceSpec) -> bool:
    engine = _engine()
    done = threading.Event()
    with contextlib.redirect_stdout(io.StringIO()):
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


def play_wav(path: Path, interrupt: threading.Event | None = None) -> bool:
    """Play a WAV on the default output device and wait until it has been heard, or until `interrupt` is set.

    Returns False when the device stalls (PortAudio streams have been seen never to finish while an input stream
    is open on the same sound server): playback is stopped after the clip's length plus a grace period.
    """
    deadline = time.monotonic() + start_wav(path) + _PLAYBACK_GRACE_S
    return wait_for_playback(deadline, interrupt)


def start_wav(path: Path) -> float:
    """Start playing a WAV on the default output device; returns its length in seconds."""
    import sounddevice as sd

    with wave.open(str(path), "rb") as handle:
        rate = handle.getframerate()
        data = np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2")
    try:
        sd.play(data, rate)
    except sd.PortAudioError as exc:
        raise DeviceError(f"cannot play audio on the output device: {exc}; use --mute") from None
    return len(data) / rate


def wait_for_playback(deadline: float, interrupt: threading.Event | None = None) -> bool:
    """Wait for the playing clip to end; stop it at once when `interrupt` is set (the listener skipped the rest);
    past the deadline (a stalled device) stop it and return False."""
    import sounddevice as sd

    while sd.get_stream().active:
        if interrupt is not None and interrupt.is_set():
            sd.stop()
            return True
        if time.monotonic() > deadline:
            sd.stop()
            return False
        time.sleep(0.02)
    return True


class Speaker:
    """Speaks through the speaker when there is one and not muted; always leaves the WAV copy.

    A sink (e.g. a browser page) is handed each finished WAV and its length and returns once it has been heard;
    it is used instead of this machine's speaker.
    """

    def __init__(self, *, mute: bool = False, on_notice: Callable[[str], None] = lambda text: None,
                 sink: Callable[[Path, float], None] | None = None) -> None:
        self.sink = sink
        self.audible = not mute and sink is None and has_output_device()
        self._on_notice = on_notice
        if not mute and sink is None and not self.audible:
            on_notice("no audio output device: the interviewer's voice is written to WAV files only")

    def speak(self, text: str, wav_path: Path, spec: VoiceSpec, skip: threading.Event | None = None) -> float:
        """Render and play; setting `skip` while it plays (Enter) stops the rest. It is cleared before playing, so a
        key pressed earlier does not skip this one."""
        duration_s = render_wav(text, wav_path, spec)
        if skip is not None:
            skip.clear()
        if self.sink is not None:
            self.sink(wav_path, duration_s)
        elif self.audible and not play_wav(wav_path, skip):
            self.audible = False
            self._on_notice("the audio output stopped responding; continuing without sound (WAV copies are kept)")
        return duration_s
