"""Where the candidate's answers come from: the microphone, recordings (one per question), or typed text."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from voice_interviewer.audio.files import check_audio_file
from voice_interviewer.audio.sources import AudioSource, MicrophoneSource, WavFileSource
from voice_interviewer.content.personas import Question
from voice_interviewer.errors import AudioInputError

__all__ = ["Typed", "Candidate", "MicCandidate", "RecordedCandidate", "TypedCandidate", "recordings_from",
           "AUDIO_SUFFIXES"]

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3", ".m4a")
_ECHO_TAIL_S = 0.25


@dataclass(frozen=True)
class Typed:
    text: str


class Candidate:
    """answer(question, follow_up) -> an audio source, typed text, or None when there is nothing to give."""

    kind = "mic"

    def has_answer(self, follow_up: bool) -> bool:
        """Whether answer() will have something: checked before the question is asked."""
        return True

    def answer(self, question: Question, follow_up: bool) -> AudioSource | Typed | None:
        raise NotImplementedError

    def answered(self) -> None:
        """The answer is over: stop listening until the next one."""

    def has_asks(self, stage: str) -> bool:
        """Whether asks() will have the candidate's questions for the interviewer at the end of the stage."""
        return True

    def asks(self, stage: str, question: Question) -> AudioSource | Typed | None:
        """The candidate's questions for the interviewer; by default heard like an answer."""
        return self.answer(question, follow_up=False)

    def close(self) -> None:
        """Release devices."""


class MicCandidate(Candidate):
    kind = "mic"

    def __init__(self, device: int | str | None = None) -> None:
        self.source = MicrophoneSource(device)  # opened now, so a bad device is reported before the interview
        self.source.pause()

    def answer(self, question: Question, follow_up: bool) -> AudioSource:
        # The microphone is off while the interviewer speaks: their voice is never part of the answer, and the
        # sound server never has to run our input and output streams at once.
        time.sleep(_ECHO_TAIL_S)  # the server may still be playing the last of the question
        self.source.resume()
        return self.source

    def answered(self) -> None:
        self.source.pause()

    def close(self) -> None:
        self.source.close()


class RecordedCandidate(Candidate):
    """Recordings in question order; a follow-up is answered by <answer stem>.followup.<ext> when it exists."""

    kind = "recordings"

    def __init__(self, recordings: Sequence[Path], *, realtime: bool, asks_dirs: Sequence[Path] = ()) -> None:
        self._queue = list(recordings)
        self._current: Path | None = None
        self.realtime = realtime
        # <stage>.asks.<ext> beside the recordings (or in asks_dirs) answers "what would you like to ask me?"
        self._asks_dirs = list(dict.fromkeys([p.parent for p in recordings] + list(asks_dirs)))

    def _asks_path(self, stage: str) -> Path | None:
        for folder in self._asks_dirs:
            for suffix in AUDIO_SUFFIXES:
                path = folder / f"{stage}.asks{suffix}"
                if path.is_file():
                    return path
        return None

    def has_asks(self, stage: str) -> bool:
        return self._asks_path(stage) is not None

    def asks(self, stage: str, question: Question) -> AudioSource | None:
        path = self._asks_path(stage)
        return WavFileSource(path, realtime=self.realtime) if path else None

    def _follow_up_path(self) -> Path | None:
        if self._current is None:
            return None
        path = self._current.with_name(f"{self._current.stem}.followup{self._current.suffix}")
        return path if path.is_file() else None

    def has_answer(self, follow_up: bool) -> bool:
        return self._follow_up_path() is not None if follow_up else bool(self._queue)

    def answer(self, question: Question, follow_up: bool) -> AudioSource | None:
        if follow_up:
            path = self._follow_up_path()
            return WavFileSource(path, realtime=self.realtime) if path else None
        if not self._queue:
            return None
        self._current = self._queue.pop(0)
        return WavFileSource(self._current, realtime=self.realtime)


class TypedCandidate(Candidate):
    kind = "typed"

    def __init__(self, ask: Callable[[Question, bool], str | None]) -> None:
        self._ask = ask

    def answer(self, question: Question, follow_up: bool) -> Typed | None:
        text = self._ask(question, follow_up)
        return Typed(text) if text is not None else None


def recordings_from(paths: Sequence[Path]) -> list[Path]:
    """Files as given; a folder gives its audio files in name order (follow-up and asks recordings excluded)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir()
                            if p.suffix.lower() in AUDIO_SUFFIXES and ".followup" not in p.name
                            and ".asks" not in p.name)
            if not inside:
                raise AudioInputError(f"{path}: folder holds no audio files; allowed: {', '.join(AUDIO_SUFFIXES)}")
            found += inside
        else:
            check_audio_file(path)
            found.append(path)
    return found
