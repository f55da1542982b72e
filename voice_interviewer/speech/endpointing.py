"""Endpointing: webrtcvad frame decisions → answer start, pauses and answer end, as an explicit state machine.

States: QUIET (waiting for the candidate) → SPEAKING → TRAILING (silence since the last speech) → SPEAKING again,
or ENDED after end_silence_s of silence (short_end_silence_s once told the answer is complete), at max_answer_s, or after no_answer_s with no speech at all.
Delays are converted to frame counts once, in the constructor.
"""

from __future__ import annotations

import enum
import math
import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from voice_interviewer.config import EndpointOptions
from voice_interviewer.records import FRAME_MS, SAMPLE_RATE_HZ, AudioFrame, Word

__all__ = ["State", "SpeechStarted", "PauseStarted", "AnswerEnded", "Endpointer", "closing_phrase_at",
           "CLOSING_PHRASES"]

# Said at the end of an answer, these end it at once instead of after the silence (the personas' openings ask
# for "that's my answer"). Compared on letters only: "That's my answer." -> thats my answer.
CLOSING_PHRASES = ("thats my answer", "that is my answer", "thats my final answer", "im done", "i am done",
                   "thats all i have", "end of answer", "that concludes my answer")

_WINDOW_FRAMES = 10  # 300 ms of recent decisions decides speech start and "confident" speech


def _frames(seconds: float) -> int | float:
    """Seconds to a frame count; an infinite delay stays infinite (never reached)."""
    return seconds if math.isinf(seconds) else round(seconds * 1000 / FRAME_MS)


class State(enum.Enum):
    QUIET = "quiet"
    SPEAKING = "speaking"
    TRAILING = "trailing"
    ENDED = "ended"


@dataclass(frozen=True)
class SpeechStarted:
    at_s: float


@dataclass(frozen=True)
class PauseStarted:
    """Speech stopped pause_s ago; at_s is where the silence began."""

    at_s: float


@dataclass(frozen=True)
class AnswerEnded:
    reason: str              # "silence" | "max-length" | "no-answer" | "input-ended" | "stopped"
    speech_end_s: float | None  # end of the last speech; None if nobody spoke
    at_s: float              # when the end was declared, on the source's clock


class Endpointer:
    """accept(frame) -> events; finish() -> the end event for a source that ran out."""

    def __init__(self, options: EndpointOptions = EndpointOptions()) -> None:
        import webrtcvad

        self.options = options
        self._vad = webrtcvad.Vad(options.vad_mode)
        self._start_frames = max(1, _frames(options.start_speech_s))
        self._long_end_frames = _frames(options.end_silence_s)
        self._short_end_frames = min(self._long_end_frames, _frames(options.short_end_silence_s))
        self._pause_frames = max(1, _frames(options.pause_s))
        self._no_answer_frames = _frames(options.no_answer_s)
        self._ignore_frames = _frames(options.ignore_initial_s)
        self.reset()

    def reset(self) -> None:
        self.state = State.QUIET
        self._recent: deque[bool] = deque(maxlen=_WINDOW_FRAMES)
        self._count = 0
        self._silent_run = 0
        self._last_speech_end_s: float | None = None
        self.speech_start_s: float | None = None
        self._end: AnswerEnded | None = None
        self._end_frames = self._long_end_frames
        self.complete = False

    def answer_complete(self, complete: bool) -> None:
        """The words so far make a complete answer (or not): the silence that ends it is the short one (or the long
        one). Said during a pause, it applies to that pause; speaking again restores the long wait."""
        self.complete = complete
        self._end_frames = self._short_end_frames if complete else self._long_end_frames

    @property
    def end_wait_s(self) -> float:
        """The silence that would end the answer now."""
        return self._end_frames if math.isinf(self._end_frames) else self._end_frames * FRAME_MS / 1000

    @property
    def ended(self) -> AnswerEnded | None:
        return self._end

    def is_speech(self, frame: AudioFrame) -> bool:
        if frame.sample_rate_hz != SAMPLE_RATE_HZ or len(frame.pcm) != SAMPLE_RATE_HZ * FRAME_MS // 1000 * 2:
            raise ValueError(f"endpointer needs {FRAME_MS} ms frames at {SAMPLE_RATE_HZ} Hz")
        return self._vad.is_speech(frame.pcm, SAMPLE_RATE_HZ)

    def accept(self, frame: AudioFrame) -> list[SpeechStarted | PauseStarted | AnswerEnded]:
        if self.state is State.ENDED:
            return []
        self._count += 1
        voiced = self.is_speech(frame) and self._count > self._ignore_frames
        self._recent.append(voiced)
        confident = sum(self._recent) >= self._start_frames
        if self.state is State.QUIET:
            return self._quiet(frame, confident)
        return self._listening(frame, voiced, confident)

    def _quiet(self, frame: AudioFrame, confident: bool) -> list:
        if confident:
            first_voiced = len(self._recent) - list(self._recent).index(True)
            self.speech_start_s = max(0.0, frame.end_s - first_voiced * FRAME_MS / 1000)
            self.state = State.SPEAKING
            self._last_speech_end_s = frame.end_s
            return [SpeechStarted(self.speech_start_s)]
        if self._count >= self._no_answer_frames:
            return [self._finish("no-answer", frame.end_s)]
        return []

    def _listening(self, frame: AudioFrame, voiced: bool, confident: bool) -> list:
        events: list = []
        if voiced and confident:
            self.state = State.SPEAKING
            self._silent_run = 0
            if self.complete:
                self.answer_complete(False)
            self._last_speech_end_s = frame.end_s
        else:
            self._silent_run += 1
            if self._silent_run == self._pause_frames:
                self.state = State.TRAILING
                events.append(PauseStarted(self._last_speech_end_s))
        if self._silent_run >= self._end_frames:
            events.append(self._finish("silence", frame.end_s))
        elif self.speech_start_s is not None and frame.end_s - self.speech_start_s >= self.options.max_answer_s:
            events.append(self._finish("max-length", frame.end_s))
        return events

    def finish(self, reason: str = "input-ended", at_s: float | None = None) -> AnswerEnded:
        """End the answer now: the source ran out, or the candidate said they are done."""
        if self._end is not None:
            return self._end
        return self._finish(reason, at_s if at_s is not None else self._count * FRAME_MS / 1000)

    def _finish(self, reason: str, at_s: float) -> AnswerEnded:
        self.state = State.ENDED
        spoke = self.speech_start_s is not None
        self._end = AnswerEnded(reason, self._last_speech_end_s if spoke else None, at_s)
        return self._end


def closing_phrase_at(words: Sequence[Word]) -> int | None:
    """Index of the first word of a closing phrase that ends the words, or None."""
    tokens = [re.sub(r"[^a-z]", "", w.text.lower()) for w in words]
    spoken = [(i, t) for i, t in enumerate(tokens) if t]
    for phrase in CLOSING_PHRASES:
        wanted = phrase.split()
        tail = spoken[-len(wanted):]
        if len(tail) == len(wanted) and [t for _, t in tail] == wanted:
            return tail[0][0]
    return None
