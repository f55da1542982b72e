"""Audio files: checks that name what is wrong with a file before a decoder sees it, decoding through PyAV
(a faster-whisper dependency), and the WAV recorder that keeps a growing answer valid on disk.
"""

from __future__ import annotations

import os
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from voice_interviewer.errors import AudioInputError, SessionError
from voice_interviewer.records import SAMPLE_RATE_HZ

__all__ = ["check_audio_file", "iter_pcm_blocks", "read_audio", "WavRecorder"]

_ALLOWED = "WAV, FLAC, OGG, MP3 or M4A audio with speech"
_HEADER_EVERY_S = 0.5  # the header is rewritten this often, so a killed process loses less than a second


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


class WavRecorder:
    """A 16 kHz mono int16 WAV that is valid on disk while it grows."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._bytes = 0
        self._last_header = time.monotonic()
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        except OSError as exc:
            raise SessionError(f"cannot record to {path}: {exc.strerror}") from None
        self._handle = os.fdopen(fd, "r+b")
        self._write_header()

    def _write_header(self) -> None:
        byte_rate = SAMPLE_RATE_HZ * 2
        header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + self._bytes, b"WAVE", b"fmt ", 16, 1, 1,
                             SAMPLE_RATE_HZ, byte_rate, 2, 16, b"data", self._bytes)
        self._handle.seek(0)
        self._handle.write(header)
        self._handle.seek(0, os.SEEK_END)

    def write(self, pcm: bytes) -> None:
        if self._handle.closed:
            raise SessionError(f"cannot record to {self.path}: the recording was already closed")
        try:
            self._handle.write(pcm)
            self._bytes += len(pcm)
            if time.monotonic() - self._last_header >= _HEADER_EVERY_S:
                self._write_header()
                self._handle.flush()
                self._last_header = time.monotonic()
        except OSError as exc:  # disk full, or the medium went away: keep what is on disk, say so
            self._abandon()
            raise SessionError(f"cannot record to {self.path}: {exc.strerror}; "
                               f"the {self.duration_s:.1f} s recorded so far are kept") from None

    def _abandon(self) -> None:
        """Make the header describe the bytes that really reached the file, then let go of it."""
        try:
            self._handle.close()
        except OSError:
            pass
        try:
            on_disk = max(0, self.path.stat().st_size - 44) // 2 * 2
            self._bytes = min(self._bytes, on_disk)
            with self.path.open("r+b") as handle:
                handle.write(struct.pack("<4sI", b"RIFF", 36 + self._bytes))
                handle.seek(40)
                handle.write(struct.pack("<I", self._bytes))
        except OSError:
            pass

    @property
    def duration_s(self) -> float:
        return self._bytes / 2 / SAMPLE_RATE_HZ

    def close(self) -> None:
        if self._handle.closed:
            return
        try:
            self._write_header()
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
        except OSError as exc:
            self._abandon()
            raise SessionError(f"cannot finish recording {self.path}: {exc.strerror}; "
                               f"the audio that reached the disk is kept") from None
