"""A candidate's own text files (a job description, a resume) read whole, bounded, with errors that say what is allowed."""

from __future__ import annotations

from pathlib import Path

from voice_interviewer.errors import UsageError

__all__ = ["decode_text", "read_bounded"]


def read_bounded(path: Path, name: str, what: str, allowed: str, max_bytes: int) -> bytes:
    """The file's bytes; missing, a directory, unreadable or over max_bytes is a UsageError (name leads it)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:  # checked before reading: a wrong path to a huge file is never loaded
            raise UsageError(f"{name}: {size} bytes is too large for {what}; allowed up to {max_bytes}")
        return path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{name}: file not found; give {allowed}") from None
    except IsADirectoryError:
        raise UsageError(f"{name}: is a directory; give {allowed}") from None
    except OSError as exc:
        raise UsageError(f"{name}: cannot read ({exc.strerror}); give {allowed}") from None


def decode_text(data: bytes, name: str, what: str, allowed: str) -> str:
    """UTF-8 text (a BOM is dropped); a binary or otherwise encoded file is a UsageError."""
    if b"\x00" in data:
        raise UsageError(f"{name}: binary file, not {what}; give {allowed}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{name}: not UTF-8 text; give {allowed}") from None
