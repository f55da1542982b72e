"""Session folders: answer WAVs written while they are recorded, session.json replaced atomically after each answer.

Folders are created 0700 and files 0600: a candidate's recordings are private.
"""

from __future__ import annotations

import json
import os
import struct
import time
from datetime import datetime
from pathlib import Path

from voice_interviewer.errors import SessionError
from voice_interviewer.records import SAMPLE_RATE_HZ

__all__ = ["SESSION_SCHEMA", "WavRecorder", "create_session", "write_json_atomic", "load_session",
           "resolve_session"]

SESSION_SCHEMA = 1
_HEADER_EVERY_S = 0.5  # the header is rewritten this often, so a killed process loses less than a second


def _private_dir(path: Path) -> None:
    """Create path 0700; a folder that already exists keeps the permissions its owner gave it."""
    try:
        if not path.is_dir():
            path.mkdir(mode=0o700, parents=True)
            os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask
    except OSError as exc:
        raise SessionError(f"cannot create sessions folder {path}: {exc.strerror}; choose a writable --out") from None


def create_session(home: Path, stage: str) -> Path:
    _private_dir(home)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = home / f"{stamp}-{stage}"
    suffix = 2
    while folder.exists():
        folder = home / f"{stamp}-{stage}-{suffix}"
        suffix += 1
    _private_dir(folder)
    return folder


def write_json_atomic(path: Path, document: dict) -> None:
    """Write to a temporary file, fsync, then rename over the old one: readers never see half a document."""
    tmp = path.with_name(f".{path.name}.tmp")
    data = json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise SessionError(f"cannot write {path}: {exc.strerror}; the audio recorded so far is kept") from None


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
        self._handle.write(pcm)
        self._bytes += len(pcm)
        if time.monotonic() - self._last_header >= _HEADER_EVERY_S:
            self._write_header()
            self._handle.flush()
            self._last_header = time.monotonic()

    @property
    def duration_s(self) -> float:
        return self._bytes / 2 / SAMPLE_RATE_HZ

    def close(self) -> None:
        if self._handle.closed:
            return
        self._write_header()
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()


def resolve_session(value: str, home: Path) -> Path:
    """A session folder path, or a folder name inside the sessions dir, or "latest"."""
    candidate = Path(value).expanduser()
    if value == "latest":
        found = sorted(p for p in home.glob("*/session.json")) if home.is_dir() else []
        if not found:
            raise SessionError(f"no saved sessions in {home}; run `voice-interviewer demo` or `interview` first")
        return max(found, key=lambda p: p.stat().st_mtime).parent
    for folder in (candidate, home / value):
        if folder.is_dir():
            return folder
    if candidate.is_file():
        raise SessionError(f"{candidate}: is a file; give a session folder (it holds session.json)")
    raise SessionError(f"session {value!r} not found (looked in {home}); give a session folder or 'latest'")


def load_session(folder: Path) -> dict:
    path = folder / "session.json"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        raise SessionError(f"{folder}: no session.json; not a session folder") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SessionError(f"{path}: corrupt session file ({exc.__class__.__name__}); "
                           "its WAV files are untouched") from None
    except PermissionError:
        raise SessionError(f"{path}: cannot read (permission denied)") from None
    if not isinstance(document, dict) or document.get("schema") != SESSION_SCHEMA:
        raise SessionError(f"{path}: not a schema-{SESSION_SCHEMA} session file")
    if not isinstance(document.get("answers"), list):
        raise SessionError(f"{path}: session file has no answers list")
    return document
