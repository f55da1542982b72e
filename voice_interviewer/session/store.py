"""Session folders: session.json replaced atomically after each answer, loaded and checked at one boundary.

Folders are created 0700 and files 0600: a candidate's recordings are private.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Literal, Optional

from pydantic import AfterValidator, ConfigDict, Field, TypeAdapter, ValidationError, conlist, with_config
from typing_extensions import NotRequired, TypedDict

from voice_interviewer.errors import SessionError
from voice_interviewer.feedback.dimensions import NOT_ASSESSED, RATINGS

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


def _file_name(name: str | None) -> str | None:
    if name and (Path(name).name != name or name in (".", "..")):
        raise ValueError(f"{name!r} is not a file name inside the session folder")
    return name


def _placed(part: dict) -> dict:
    if part["present"] and (part.get("start_s") is None or "seconds" not in part):
        raise ValueError("a present part needs start_s and seconds")
    return part


def _shape(name: str, fields: dict) -> type:
    return with_config(ConfigDict(strict=True))(TypedDict(name, fields))


# What replay, report, progress and rescore read, checked strictly (no coercion: "3" is not 3, true is not 1; a
# float takes any JSON number). Other fields are allowed and kept: the types only check, the document is unchanged.
_FileName = NotRequired[Annotated[Optional[str], AfterValidator(_file_name)]]
# A time in an answer: a huge or endless one would have the report draw a pace curve point by point for ever.
MAX_ANSWER_S = 24 * 3600.0
_Seconds = Annotated[float, Field(ge=0, le=MAX_ANSWER_S, allow_inf_nan=False)]
_Part = Annotated[_shape("_Part", {"present": bool, "seconds": NotRequired[_Seconds],
                                   "start_s": NotRequired[Optional[_Seconds]]}), AfterValidator(_placed)]
_Rating = Literal[(*RATINGS, NOT_ASSESSED)]
# One piece of evidence for or against a dimension (feedback.dimensions); the debrief's also name their answer.
_Evidence = _shape("_Evidence", {"for": bool, "quote": NotRequired[Optional[str]], "signal": NotRequired[str],
                                 "at_s": NotRequired[Optional[_Seconds]], "doubted": NotRequired[bool],
                                 "weight": NotRequired[float], "answer": NotRequired[int]})
_ANSWER = {
    "index": int, "question_text": str, "question_id": NotRequired[Optional[str]], "stage": NotRequired[str],
    "persona": NotRequired[str], "question_audio": _FileName, "answer_audio": _FileName,
    "interrupted": NotRequired[bool],
    "follow_ups": NotRequired[list[_shape("_FollowUp", {"text": str, "transcript": str})]],
    "findings": NotRequired[list[_shape("_Finding", {"severity": str, "message": str,
                                                      "at_s": NotRequired[Optional[_Seconds]]})]],
    "deductions": NotRequired[list[_shape("_Deduction", {"points": float, "reason": str})]],
    "words": NotRequired[list[_shape("_Word", {"text": str})]],
    "dimensions": NotRequired[dict[str, _shape("_Dimension", {"rating": _Rating,
                                                              "evidence": NotRequired[list[_Evidence]]})]],
    "hearing": NotRequired[_shape("_Hearing", {"clear": NotRequired[Optional[bool]]})]}
_SCORED = _ANSWER | {
    "score": int, "transcript": str, "spoken_feedback": str,
    "timing": _shape("_Timing", {"duration_s": _Seconds, "budget_s": NotRequired[Optional[float]]}),
    "pace": _shape("_Pace", {"wpm": float, "band": conlist(float, min_length=2, max_length=2), "verdict": str}),
    "fillers": _shape("_Fillers", {"total": int, "per_minute": float, "counts": dict[str, int],
                                   "at": NotRequired[list[_shape("_Mark", {"start_s": _Seconds, "text": str})]]}),
    "pauses": _shape("_Pauses", {"count": int, "longest_s": _Seconds, "threshold_s": float, "list": NotRequired[
        list[_shape("_Pause", {"start_s": _Seconds, "seconds": _Seconds})]]}),
    "structure": _shape("_Structure", {"kind": str, "parts": NotRequired[Optional[dict[str, _Part]]],
                                       "missing": NotRequired[list[str]]}),
    "key_points": _shape("_KeyPoints", {"covered": list[str], "missing": list[str]}),
    "words": NotRequired[list[_shape("_TimedWord", {"text": str, "start": _Seconds, "end": _Seconds})]]}
# The saved debrief (feedback.debrief): one missing its ratings or evidence is built again from the answers.
_Scope = dict[str, _shape("_Scope", {"for": NotRequired[list[_Evidence]], "against": NotRequired[list[_Evidence]]})]
_DEBRIEF = _shape("_Debrief", {
    "stages": NotRequired[dict[str, dict[str, _Rating]]], "loop": NotRequired[dict[str, _Rating]],
    "recommendation": NotRequired[Optional[_Rating]], "work_on_first": NotRequired[Optional[str]],
    "evidence": NotRequired[_shape("_Evidences", {"stages": dict[str, _Scope], "loop": _Scope})],
    "spoken": NotRequired[Optional[_shape("_Spoken", {"stages": NotRequired[Optional[dict[str, str]]],
                                                      "loop": NotRequired[Optional[str]]})]],
    "hearing": NotRequired[dict[str, _shape("_Heard", {"answers": int, "unclear": list[int]})]]})
_SESSION = _shape("_Session", {"stage": str, "started": NotRequired[str], "answers": list[dict],
                               "personas": NotRequired[list[_shape("_Persona", {"name": str, "stage": str})]],
                               "questions": NotRequired[list], "debrief": NotRequired[Optional[_DEBRIEF]]})


@cache
def _checker(kind: str) -> TypeAdapter:
    shape = {"session": _SESSION, "answer": _shape("_Answer", _ANSWER), "scored": _shape("_Scored", _SCORED)}
    return TypeAdapter(shape[kind])


def _session_problem(document: dict) -> str | None:
    """The first problem, naming the field as the file does ("answer 2: pace.band: ..."), or None."""
    try:
        _checker("session").validate_python(document)
    except ValidationError as exc:
        loc = exc.errors()[0]["loc"]
        return f"answer {loc[1] + 1} is not an object" if loc[:1] == ("answers",) and len(loc) == 2 \
            else _first_error(exc)
    for position, answer in enumerate(document["answers"], start=1):
        try:
            _checker("scored" if "score" in answer else "answer").validate_python(answer)
        except ValidationError as exc:
            return f"answer {position}: {_first_error(exc)}"
    return None


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = " ".join(".".join(str(part) for part in error["loc"]).split())  # a key may hold a line break
    if error["type"] == "missing":
        return f"{where} is missing"
    return f"{where}: {error['msg'].removeprefix('Value error, ')}"


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
