"""What the interview loop reports and returns, as plain records: the plan it follows, the events it sends to
on_event (Spoke, Listening, Heard, Scored, Debriefed, Notice), and what listen() heard (Answer).

Plans are chosen here too: the first questions of each stage, or what a saved session has left to ask.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from voice_interviewer.content.personas import Persona, Question
from voice_interviewer.errors import InterviewerError
from voice_interviewer.records import Transcript, Word
from voice_interviewer.speech.endpointing import AnswerEnded
from voice_interviewer.speech.transcribe import TranscriptUpdate

__all__ = ["Plan", "Spoke", "Listening", "Heard", "Scored", "Debriefed", "Notice", "Answer", "typed_transcript",
           "plan_for", "plan_remaining"]

_TYPED_WPM = 150


@dataclass(frozen=True)
class Plan:
    """Which questions each stage asks, in loop order."""

    stages: tuple[tuple[Persona, tuple[Question, ...]], ...]

    @property
    def stage_label(self) -> str:
        return self.stages[0][0].stage if len(self.stages) == 1 else "loop"


@dataclass(frozen=True)
class Spoke:
    persona: Persona
    kind: str  # opening | question | follow-up | feedback | debrief | closing
    text: str
    audio: Path


@dataclass(frozen=True)
class Listening:
    question: Question
    elapsed_s: float
    budget_s: float
    speaking: bool


@dataclass(frozen=True)
class Heard:
    update: TranscriptUpdate


@dataclass(frozen=True)
class Scored:
    index: int
    record: dict
    moved: dict = field(default_factory=dict)  # dimension -> (stage rating before, after) this answer


@dataclass(frozen=True)
class Debriefed:
    stage: str
    debrief: dict
    loop: bool  # the loop's debrief (the last stage of a loop), not only the stage's


@dataclass(frozen=True)
class Notice:
    text: str


@dataclass
class Answer:
    """What listen() heard: the transcript, how the turn ended, and the recording's name in the session folder."""

    transcript: Transcript
    end: AnswerEnded
    ended_at: float                 # time.monotonic() when the end was declared
    audio: str | None = None
    closed: bool = False            # the candidate ended it with a closing phrase ("I'm done")


def typed_transcript(text: str) -> Transcript:
    """Typed answers get evenly spaced word times at a speaking pace, so the same analyzers apply."""
    step = 60 / _TYPED_WPM
    words = tuple(Word(token, round(i * step, 3), round(i * step + step * 0.8, 3))
                  for i, token in enumerate(text.split()))
    return Transcript(words, round(len(words) * step, 3), "typed")



def plan_for(personas: dict[str, Persona], stages: Sequence[str], per_stage: int,
             only: set[str] | None = None) -> Plan:
    """The first per_stage questions of each stage (restricted to `only` ids when given)."""
    chosen = []
    for stage in stages:
        persona = personas[stage]
        questions = [q for q in persona.questions if only is None or q.id in only][:per_stage]
        if questions:
            chosen.append((persona, tuple(questions)))
    return Plan(tuple(chosen))


def plan_remaining(personas: dict[str, Persona], session: dict) -> Plan:
    """The questions of a saved session that have no complete answer (interrupted ones are asked again)."""
    done = {a.get("question_id") for a in session["answers"] if "score" in a and not a.get("interrupted")}
    chosen: list[tuple[Persona, list[Question]]] = []
    for asked in session.get("questions") or []:
        stage, question_id = (asked.get("stage"), asked.get("id")) if isinstance(asked, dict) else (None, None)
        if question_id in done:
            continue
        persona = personas.get(stage) if isinstance(stage, str) else None
        question = next((q for q in persona.questions if q.id == question_id), None) if persona else None
        if question is None:
            raise InterviewerError(f"the session asks question {question_id!r} of stage {stage!r}, which the "
                                   "personas no longer have; start a new interview instead")
        if chosen and chosen[-1][0].stage == stage:
            chosen[-1][1].append(question)
        else:
            chosen.append((persona, [question]))
    return Plan(tuple((persona, tuple(questions)) for persona, questions in chosen))
