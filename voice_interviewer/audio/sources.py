"""Audio sources with one frame type: 30 ms of 16 kHz mono int16 PCM (records.AudioFrame).

MicrophoneSource's sounddevice callback only copies blocks into a queue; everything after it is plain code.
PushedSource is fed the same way by whoever owns the connection (a browser's WebSocket), in blocks of any size.
WavFileSource decodes any common format through PyAV (already a faster-whisper dependency), streaming, and replays
at speaking speed or as fast as possible.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import numpy as np

from voice_interviewer.audio.files import check_audio_file, iter_pcm_blocks
from voice_interviewer.errors import DeviceError
from voice_interviewer.records import FRAME_MS, SAMPLE_RATE_HZ, AudioFrame

__all__ = [
    "AudioSource",
    "MicrophoneSource",
    "PushedSource",
    "WavFileSource",
    "FRAME_SAMPLES",
    "list_devices",
    "has_output_device",
]

FRAME_SAMPLES = SAMPLE_RATE_HZ * FRAME_MS // 1000
_FRAME_BYTES = FRAME_SAMPLES * 2


class AudioSource(Protocol):
    def frames(self) -> Iterator[AudioFrame]:
        """Yield consecutive 30 ms frames; start_s counts from the first frame of this call."""
        ...

    def flush(self) -> None:
        """Drop audio captured so far (e.g. the interviewer's own voice)."""
        ...

    def close(self) -> None: ...


class WavFileSource:
    """Frames from an audio file, at speaking speed (realtime=True) or as fast as possible."""

    def __init__(self, path: Path, *, realtime: bool = False) -> None:
        check_audio_file(path)
        self.path = path
        self.realtime = realtime

    def frames(self) -> Iterator[AudioFrame]:
        pending = np.zeros(0, dtype=np.int16)
        index = 0
        started = time.monotonic()
        for block in iter_pcm_blocks(self.path):
            pending = np.concatenate([pending, block])
            while pending.size >= FRAME_SAMPLES:
                chunk, pending = pending[:FRAME_SAMPLES], pending[FRAME_SAMPLES:]
                yield self._frame(chunk, index, started)
                index += 1
        if pending.size:
            padded = np.concatenate([pending, np.zeros(FRAME_SAMPLES - pending.size, dtype=np.int16)])
            yield self._frame(padded, index, started)

    def _frame(self, chunk: np.ndarray, index: int, started: float) -> AudioFrame:
        start_s = index * FRAME_MS / 1000
        if self.realtime:
            delay = started + start_s + FRAME_MS / 1000 - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        return AudioFrame(chunk.astype("<i2").tobytes(), SAMPLE_RATE_HZ, start_s)

    def flush(self) -> None:
        """A recording has no interviewer voice in it: nothing to drop."""

    def close(self) -> None:
        """Nothing is held open between calls to frames()."""


class _Framer:
    """Cuts PCM blocks of any size, as a live source receives them, into consecutive 30 ms frames."""

    def __init__(self) -> None:
        self._pending = b""
        self.count = 0  # frames cut so far

    def cut(self, block: bytes) -> Iterator[AudioFrame]:
        self._pending += block
        while len(self._pending) >= _FRAME_BYTES:
            chunk, self._pending = self._pending[:_FRAME_BYTES], self._pending[_FRAME_BYTES:]
            yield AudioFrame(chunk, SAMPLE_RATE_HZ, self.count * FRAME_MS / 1000)
            self.count += 1


class MicrophoneSource:
    """sounddevice input at 16 kHz mono int16; the callback only queues the block."""

    def __init__(self, device: int | str | None = None) -> None:
        sd = _sounddevice()
        self._queue: queue.Queue[bytes] = queue.Queue()
        self.overflows = 0
        if device is None:
            _check_default_input(sd)
        try:
            self._stream = sd.RawInputStream(
                samplerate=SAMPLE_RATE_HZ, channels=1, dtype="int16", blocksize=FRAME_SAMPLES,
                device=device, callback=self._callback)
            self._stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            raise DeviceError(f"cannot open input device {device if device is not None else '(default)'}: "
                              f"{exc}; list devices with `voice-interviewer devices`") from None

    def _callback(self, indata, frames, time_info, status) -> None:  # noqa: ARG002 - sounddevice's signature
        if status.input_overflow:
            self.overflows += 1
        self._queue.put(bytes(indata))

    def frames(self) -> Iterator[AudioFrame]:
        framer = _Framer()
        while True:
            try:
                block = self._queue.get(timeout=2.0)
            except queue.Empty:
                raise DeviceError("the microphone stopped delivering audio (device removed or server gone); "
                                  "check `voice-interviewer devices`") from None
            yield from framer.cut(block)

    def flush(self) -> None:
        self.take_queued()

    def take_queued(self) -> bytes:
        """Audio captured but not yet consumed (e.g. while a decode ran), emptying the queue."""
        blocks = []
        while True:
            try:
                blocks.append(self._queue.get_nowait())
            except queue.Empty:
                return b"".join(blocks)

    def pause(self) -> None:
        """Stop capturing (while the interviewer speaks); the device stays reserved."""
        self._quietly(lambda: self._stream.stop() if self._stream.active else None)

    def resume(self) -> None:
        self.flush()
        if not self._stream.active:
            try:
                self._stream.start()
            except _sounddevice().PortAudioError as exc:
                raise DeviceError(f"the microphone cannot be restarted ({exc}); "
                                  "check `voice-interviewer devices`") from None

    def close(self) -> None:
        self._quietly(self._stream.stop)
        self._quietly(self._stream.close)

    def _quietly(self, action) -> None:
        """Stopping a device that has gone away (unplugged, sound server killed) must not hide the real error."""
        try:
            action()
        except _sounddevice().PortAudioError:
            pass


_END_OF_INPUT = b""  # PushedSource.finish()'s marker; push() never queues an empty block


class PushedSource:
    """16 kHz mono int16 PCM pushed in by another thread (a browser's WebSocket), cut into 30 ms frames.

    Like a microphone: audio is taken only while accepting (between resume() and pause()); lose(reason) ends the
    current and every later frames() with a DeviceError, exactly as a microphone that vanished. finish() says the
    sender closed its microphone: frames() ends once what was pushed has been read.
    """

    def __init__(self, *, first_frame_timeout_s: float = 120.0, frame_timeout_s: float = 3.0) -> None:
        self._queue: queue.Queue[bytes | DeviceError] = queue.Queue()
        self._accepting = False
        self._lost: DeviceError | None = None
        self._first_timeout_s = first_frame_timeout_s
        self._timeout_s = frame_timeout_s

    def push(self, pcm: bytes) -> None:
        """Called by the connection's thread; audio pushed while paused is dropped (the interviewer is speaking)."""
        data = bytes(pcm[: len(pcm) // 2 * 2])
        if self._accepting and self._lost is None and data:
            self._queue.put(data)

    def lose(self, reason: str) -> None:
        """The connection is gone: a waiting frames() raises DeviceError(reason), and so does every later one."""
        if self._lost is None:
            self._lost = DeviceError(reason)
            self._queue.put(self._lost)

    def finish(self) -> None:
        if self._accepting:
            self._accepting = False
            self._queue.put(_END_OF_INPUT)

    @property
    def lost(self) -> bool:
        return self._lost is not None

    def resume(self) -> None:
        self.flush()
        self._accepting = True

    def pause(self) -> None:
        self._accepting = False

    def frames(self) -> Iterator[AudioFrame]:
        framer = _Framer()
        while True:
            if self._lost is not None and self._queue.empty():
                raise self._lost
            try:
                item = self._queue.get(timeout=self._timeout_s if framer.count else self._first_timeout_s)
            except queue.Empty:
                raise DeviceError("the browser stopped sending microphone audio (tab in the background, "
                                  "microphone unplugged or blocked)") from None
            if isinstance(item, DeviceError):
                raise item
            if item is _END_OF_INPUT:
                return
            yield from framer.cut(item)

    def flush(self) -> None:
        self.take_queued()

    def take_queued(self) -> bytes:
        """Audio pushed but not yet consumed, emptying the queue (a loss stays raised by later frames())."""
        blocks = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return b"".join(blocks)
            if isinstance(item, bytes) and item is not _END_OF_INPUT:
                blocks.append(item)

    def close(self) -> None:
        self.pause()


def _sounddevice():
    try:
        import sounddevice
    except OSError as exc:  # PortAudio missing: the wheel does not bundle it on Linux
        raise DeviceError(f"sound devices unavailable ({exc}); install PortAudio (Debian: libportaudio2)") from None
    return sounddevice


def _check_default_input(sd) -> None:
    try:
        sd.query_devices(kind="input")
    except (sd.PortAudioError, ValueError):
        raise DeviceError("no input device (microphone) found; connect one and check `voice-interviewer devices`, "
                          "or answer from recordings with --input PATH or by typing with --type") from None


def list_devices() -> list[dict]:
    sd = _sounddevice()
    default_in, default_out = sd.default.device
    devices = []
    for index, info in enumerate(sd.query_devices()):
        devices.append({
            "index": index, "name": info["name"], "inputs": info["max_input_channels"],
            "outputs": info["max_output_channels"], "default_rate_hz": info["default_samplerate"],
            "default_input": index == default_in, "default_output": index == default_out,
        })
    return devices


def has_output_device() -> bool:
    try:
        sd = _sounddevice()
        sd.query_devices(kind="output")
    except Exception:  # noqa: BLE001 - any failure means "no speaker we can use"
        return False
    return True
