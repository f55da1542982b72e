"""Session folders: session.json replaced atomically after each answer, loaded and checked at one boundary.

Folders are created 0700 and files 0600: a candidate's recordings are private.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from voice_interviewer.errors import SessionError

__all__ = ["SESSION_SCHEMA", "create_session", "write_json_atomic", "write_private_text",
           "load_session", "resolve_session", "forget_session"]

SESSION_SCHEMA = 1


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


def write_private_text(path: Path, text: str) -> None:
    """A file only its owner can read (0600 whatever the umask), e.g. report.html beside the recordings."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o600)  # an existing file keeps its mode on O_CREAT
            handle.write(text)
    except OSError as exc:
        raise SessionError(f"cannot write {path}: {exc.strerror}; choose a writable location") from None


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
    """session.json checked field by field (replay and report rely on them), with killed answers repaired.

    A process killed while recording leaves aNN.wav and perhaps no record of it: such an answer is loaded as
    interrupted, so the recording is replayed, reported and rescored like any other.
    """
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
    except RecursionError:
        raise SessionError(f"{path}: corrupt session file (nested too deeply); its WAV files are untouched") from None
    if not isinstance(document, dict) or document.get("schema") != SESSION_SCHEMA:
        raise SessionError(f"{path}: not a schema-{SESSION_SCHEMA} session file")
    if not isinstance(document.get("answers"), list):
        raise SessionError(f"{path}: session file has no answers list")
    problem = _session_problem(document)
    if problem:
        raise SessionError(f"{path}: damaged session file: {problem}; its WAV files are untouched")
    _repair_unrecorded_answers(folder, document)
    return document


_NUMBER = (int, float)
# Fields that replay and report read: (dotted path, allowed types, required)
_SESSION_FIELDS = (("stage", str, True), ("started", str, False), ("personas", list, False),
                   ("questions", list, False), ("debrief", (dict, type(None)), False))
_ANSWER_FIELDS = (("index", int, True), ("question_text", str, True), ("question_id", (str, type(None)), False),
                  ("stage", str, False),
                  ("persona", str, False), ("question_audio", (str, type(None)), False),
                  ("answer_audio", (str, type(None)), False), ("interrupted", bool, False),
                  ("follow_ups", list, False), ("findings", list, False), ("deductions", list, False),
                  ("words", list, False), ("dimensions", dict, False))
_SCORED_FIELDS = (("score", int, True), ("transcript", str, True), ("spoken_feedback", str, True),
                  ("timing.duration_s", _NUMBER, True), ("timing.budget_s", (*_NUMBER, type(None)), False),
                  ("pace.wpm", _NUMBER, True), ("pace.band", list, True), ("pace.verdict", str, True),
                  ("fillers.total", int, True), ("fillers.per_minute", _NUMBER, True), ("fillers.counts", dict, True),
                  ("pauses.count", int, True), ("pauses.longest_s", _NUMBER, True),
                  ("pauses.threshold_s", _NUMBER, True), ("structure.kind", str, True),
                  ("structure.parts", (dict, type(None)), False), ("key_points.covered", list, True),
                  ("key_points.missing", list, True))
_LISTED = {"personas": {"name": str, "stage": str}, "follow_ups": {"text": str, "transcript": str},
           "findings": {"severity": str, "message": str}, "deductions": {"points": _NUMBER, "reason": str},
           "words": {"text": str}, "key_points.covered": str, "key_points.missing": str}


def _field(document: dict, dotted: str):
    value = document
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return _ABSENT
        value = value[part]
    return value


_ABSENT = object()


def _fields_problem(document: dict, fields: tuple, where: str) -> str | None:
    for dotted, kinds, required in fields:
        value = _field(document, dotted)
        if value is _ABSENT:
            if required:
                return f"{where}{dotted} is missing"
            continue
        if not isinstance(value, kinds) or (kinds is int and isinstance(value, bool)):
            return f"{where}{dotted} has the wrong type ({type(value).__name__})"
        entry = _LISTED.get(dotted)
        if isinstance(entry, dict):
            for item in value:
                if not isinstance(item, dict) or any(not isinstance(item.get(key), kinds) or isinstance(item[key], bool)
                                                     for key, kinds in entry.items()):
                    return f"{where}{dotted} entries need {', '.join(entry)}"
        elif entry is not None and not all(isinstance(item, entry) for item in value):
            return f"{where}{dotted} entries must be {entry.__name__}"
    return None


def _session_problem(document: dict) -> str | None:
    problem = _fields_problem(document, _SESSION_FIELDS, "")
    if problem:
        return problem
    for position, answer in enumerate(document["answers"], start=1):
        where = f"answer {position}: "
        if not isinstance(answer, dict):
            return f"answer {position} is not an object"
        problem = _fields_problem(answer, _ANSWER_FIELDS, where) or _finding_times_problem(answer, where)
        if problem is None and "score" in answer:
            problem = _fields_problem(answer, _SCORED_FIELDS, where) or _score_parts_problem(answer, where)
        if problem:
            return problem
        for key in ("question_audio", "answer_audio"):
            name = answer.get(key)
            if name and (Path(name).name != name or name in (".", "..")):
                return f"{where}{key} {name!r} is not a file name inside the session folder"
    return None


def _finding_times_problem(answer: dict, where: str) -> str | None:
    for finding in answer.get("findings", []):
        at = finding.get("at_s")
        if at is not None and (not isinstance(at, _NUMBER) or isinstance(at, bool)):
            return f"{where}findings at_s must be a number of seconds"
    return None


def _score_parts_problem(answer: dict, where: str) -> str | None:
    band = answer["pace"]["band"]
    if len(band) != 2 or not all(isinstance(b, _NUMBER) for b in band):
        return f"{where}pace.band must be two numbers"
    for name, part in (answer["structure"].get("parts") or {}).items():
        if not isinstance(part, dict) or not isinstance(part.get("present"), bool) \
                or not isinstance(part.get("seconds", 0), _NUMBER) \
                or (part["present"] and not isinstance(part.get("start_s"), _NUMBER)):
            return f"{where}structure.parts.{name} needs present, start_s and seconds"
    for dotted in ("key_points.covered", "key_points.missing", "structure.missing"):
        listed = _field(answer, dotted)
        if listed is not _ABSENT and (not isinstance(listed, list) or not all(isinstance(x, str) for x in listed)):
            return f"{where}{dotted} must be a list of strings"
    counts = answer["fillers"]["counts"]
    if not all(isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) for k, v in counts.items()):
        return f"{where}fillers.counts must map each filler to a count"
    for dotted, keys in _TIMED_ENTRIES.items():
        entries = _field(answer, dotted)
        if entries is _ABSENT:
            continue
        if not isinstance(entries, list) or not all(
                isinstance(e, dict) and all(isinstance(e.get(k), kinds) and not isinstance(e.get(k), bool)
                                            for k, kinds in keys.items()) for e in entries):
            return f"{where}{dotted} entries need {', '.join(keys)}"
    return None


# Timed lists the report's charts draw: each entry's fields and their types.
_TIMED_ENTRIES = {"words": {"text": str, "start": _NUMBER, "end": _NUMBER},
                  "pauses.list": {"start_s": _NUMBER, "seconds": _NUMBER},
                  "fillers.at": {"start_s": _NUMBER, "text": str}}


def _repair_unrecorded_answers(folder: Path, document: dict) -> None:
    recorded = {a.get("answer_audio") for a in document["answers"]} | {
        f.get("answer_audio") for a in document["answers"] for f in a.get("follow_ups", [])}
    questions = [q for q in document.get("questions") or [] if isinstance(q, dict)]
    repaired = []
    for wav in sorted(folder.glob("a[0-9][0-9].wav")):
        if wav.name in recorded:
            continue
        index = int(wav.stem[1:])
        asked = questions[index - 1] if 0 < index <= len(questions) else {}
        question_audio = f"q{index:02d}.wav"
        repaired.append({"index": index, "stage": asked.get("stage", document["stage"]),
                         "question_id": asked.get("id"),
                         "question_text": str(asked.get("text") or "(question not recorded)"),
                         "question_audio": question_audio if (folder / question_audio).is_file() else None,
                         "answer_audio": wav.name, "interrupted": True, "repaired": True, "follow_ups": []})
    if repaired:
        document["answers"] = sorted(document["answers"] + repaired, key=lambda a: a["index"])


def forget_session(folder: Path, home: Path) -> int:
    """Delete a session folder and everything in it; returns the number of files removed.

    Refuses anything that does not look like a session folder: no session.json, a sub-folder or a link inside it,
    or the sessions dir itself. Nothing is deleted when it refuses.
    """
    folder = Path(folder)
    if folder.is_symlink() or not folder.is_dir():
        raise SessionError(f"{folder}: not a session folder (a folder holding session.json); nothing deleted")
    if folder.resolve() == Path(home).resolve() or not (folder / "session.json").is_file():
        raise SessionError(f"{folder}: not a session folder (no session.json); nothing deleted")
    entries = list(folder.iterdir())
    for entry in entries:
        if entry.is_symlink() or not entry.is_file():
            raise SessionError(f"{folder}: holds {entry.name!r}, which is not a session file; "
                               "a session folder holds only files; nothing deleted")
    try:
        for entry in entries:
            entry.unlink()
        folder.rmdir()
    except OSError as exc:
        raise SessionError(f"cannot delete {folder}: {exc.strerror}; check its permissions") from None
    return len(entries)
