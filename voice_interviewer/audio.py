"""Audio sources with one frame type: 30 ms of 16 kHz mono int16 PCM (records.AudioFrame).

MicrophoneSource's sounddevice callback only copies blocks into a queue; everything after it is plain code.
WavFileSource decodes any common format through PyAV (already a faster-whisper dependency), streaming, and replays
at speaking speed or as fast as possible.
"""

from __future__ import annotations

import queue
import struct
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import numpy as np

from voice_interviewer.errors import AudioInputError, DeviceError
from voice_interviewer.records import FRAME_MS, SAMPLE_RATE_HZ, AudioFrame

__all__ = [
    "AudioSource",
    "MicrophoneSource",
    "WavFileSource",
    "FRAME_SAMPLES",
    "check_audio_file",
    "iter_pcm_blocks",
    "read_audio",
    "list_devices",
    "has_output_device",
]

FRAME_SAMPLES = SAMPLE_RATE_HZ * FRAME_MS // 1000
_FRAME_BYTES = FRAME_SAMPLES * 2
_ALLOWED = "WAV, FLAC, OGG, MP3 or M4A audio with speech"


class AudioSource(Protocol):
    def frames(self) -> Iterator[AudioFrame]:
        """Yield consecutive 30 ms frames; start_s counts from the first frame of this call."""
        ...

    def flush(self) -> None:
        """Drop audio captured so far (e.g. the interviewer's own voice)."""
        ...

    def close(self) -> None: ...


def check_audio_file(path: Path) -> None:
    """Reject what cannot be an audio recording before a decoder sees it, with a message saying why."""
    if not path.exists():
        raise AudioInputError(f"{path}: file not found; give a path to {_ALLOWED}")
    if path.is_dir():
        raise AudioInputError(f"{path}: is a directory; give a path to {_ALLOWED}")
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except PermissionError:
        raise AudioInputError(f"{path}: cannot read the file (permission denied); give {_ALLOWED} "
                              "that your user may read") from None
    size = path.stat().st_size
    if size == 0:
        raise AudioInputError(f"{path}: file is empty (0 bytes); give {_ALLOWED}")
    if path.suffix.lower() == ".wav" or head[:4] == b"RIFF":
        _check_wav_header(path, head, size)


def _check_wav_header(path: Path, head: bytes, size: int) -> None:
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        kind = "text" if _looks_like_text(head) else "not RIFF/WAVE"
        raise AudioInputError(f"{path}: not a WAV file ({kind}); give {_ALLOWED}")
    offset = 12
    with path.open("rb") as handle:
        while offset + 8 <= size:
            handle.seek(offset)
            chunk_id, chunk_size = struct.unpack("<4sI", handle.read(8))
            if chunk_id == b"data":
                available = size - offset - 8
                if chunk_size == 0 and available == 0:
                    raise AudioInputError(f"{path}: WAV file holds no audio samples (zero length); give {_ALLOWED}")
                if chunk_size not in (0, 0xFFFFFFFF) and available < chunk_size:
                    raise AudioInputError(
                        f"{path}: WAV file is truncated: header promises {chunk_size} bytes of audio, "
                        f"file holds {available}; re-export the recording")
                return
            offset += 8 + chunk_size + (chunk_size & 1)
    raise AudioInputError(f"{path}: WAV file has no data chunk (corrupt or truncated); give {_ALLOWED}")


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def iter_pcm_blocks(path: Path) -> Iterator[np.ndarray]:
    """Decode any common audio file to 16 kHz mono int16 blocks, streaming (never the whole file at once)."""
    import av

    check_audio_file(path)
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.error.InvalidDataError, av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise AudioInputError(f"{path}: cannot decode audio ({exc.__class__.__name__}); give {_ALLOWED}") from None
    with container:
        if not container.streams.audio:
            raise AudioInputError(f"{path}: has no audio stream; give {_ALLOWED}")
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE_HZ)
        try:
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    yield out.to_ndarray().reshape(-1)
            for out in resampler.resample(None):
                yield out.to_ndarray().reshape(-1)
        except av.error.DecoderNotFoundError:
            raise AudioInputError(f"{path}: unsupported audio encoding (no decoder for it); give {_ALLOWED}") from None
        except av.error.FFmpegError as exc:
            raise AudioInputError(f"{path}: audio data is corrupt ({exc.__class__.__name__}); give {_ALLOWED}") from None


def read_audio(path: Path) -> np.ndarray:
    """The whole file as 16 kHz mono int16 (for short files: answers, fixtures)."""
    blocks = list(iter_pcm_blocks(path))
    samples = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int16)
    if samples.size == 0:
        raise AudioInputError(f"{path}: holds no audio samples; give {_ALLOWED}")
    return samples


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
        pending = b""
        index = 0
        while True:
            try:
                pending += self._queue.get(timeout=2.0)
            except queue.Empty:
                raise DeviceError("the microphone stopped delivering audio (device removed or server gone); "
                                  "check `voice-interviewer devices`") from None
            while len(pending) >= _FRAME_BYTES:
                chunk, pending = pending[:_FRAME_BYTES], pending[_FRAME_BYTES:]
                yield AudioFrame(chunk, SAMPLE_RATE_HZ, index * FRAME_MS / 1000)
                index += 1

    def flush(self) -> None:
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return

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
