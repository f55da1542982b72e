"""The browser as one more candidate and speaker for the interview loop, and the one interview a server runs.

The interview runs in a thread of its own (Interview.run blocks); the page's WebSocket lives on the server's event
loop. A Link joins them: messages go out through a thread-safe send, microphone audio comes in through a
PushedSource, and "played" wakes the speaker's sink. A closed tab loses the source: the answer being recorded ends
with a DeviceError, as when a microphone vanishes, and the loop keeps the audio and marks the answer interrupted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from voice_interviewer.audio.sources import PushedSource
from voice_interviewer.config import EndpointOptions, TranscribeOptions, sessions_home
from voice_interviewer.content.personas import STAGES, Question
from voice_interviewer.errors import DeviceError, InterviewerError, UsageError
from voice_interviewer.session.candidates import Candidate
from voice_interviewer.web.events import event_message

__all__ = ["WebOptions", "Link", "BrowserCandidate", "Runner", "MAX_QUESTIONS"]

MAX_QUESTIONS = 8
_PLAY_GRACE_S = 10.0  # a page that never says "played" (a muted or stalled tab) holds the interview this long


@dataclass(frozen=True)
class WebOptions:
    """What every interview this server starts shares; the page chooses the stage and the question count."""

    out_dir: Path | None = None
    stage: str = "hiring-manager"
    questions: int = 3
    endpoint: EndpointOptions = EndpointOptions()
    transcribe: TranscribeOptions = TranscribeOptions()
    follow_ups: bool = True
    questions_back: bool = True
    extras: dict = field(default_factory=dict)   # integrations.extras.opt_ins: --llm, --stt, --job
    resume_text: str | None = None               # --resume, read and checked at start-up
    resume_name: str = ""

    @property
    def home(self) -> Path:
        return sessions_home(self.out_dir)


class Link:
    """One page's connection, as the interview thread sees it."""

    def __init__(self, send: Callable[[dict], None]) -> None:
        self._send = send  # thread-safe: hands the message to the server's event loop
        self.source = PushedSource()
        self.session_name = ""
        self.interview = None  # session.interview.Interview once started: "done" sets its end_requested
        self._played = threading.Event()
        self._lost: str | None = None

    def send(self, message: dict) -> None:
        if self._lost is None:
            self._send(message)

    def played(self) -> None:
        self._played.set()

    def lose(self, reason: str) -> None:
        """The page went away: whatever the interview waits for ends with a DeviceError naming reason."""
        self._lost = reason
        self.source.lose(reason)
        self._played.set()

    @property
    def lost(self) -> str | None:
        """Why the page went away, or None while it is there."""
        return self._lost

    def play(self, wav_path: Path, duration_s: float) -> None:
        """The Speaker's sink: the page fetches and plays the WAV; returns once it says it has been heard."""
        self._played.clear()
        self.send({"type": "play", "url": f"/sessions/{self.session_name}/audio/{wav_path.name}",
                   "duration_s": round(duration_s, 3)})
        self._played.wait(duration_s + _PLAY_GRACE_S)
        if self._lost is not None:
            raise DeviceError(self._lost)


class BrowserCandidate(Candidate):
    """Answers spoken into the page's microphone; the page opens it for each answer and closes it after."""

    kind = "browser"

    def __init__(self, link: Link) -> None:
        self.link = link

    def answer(self, question: Question, follow_up: bool) -> PushedSource:
        if self.link.lost:
            raise DeviceError(self.link.lost)
        self.link.source.resume()
        self.link.send({"type": "listen", "question_id": question.id, "budget_s": question.budget_s,
                        "follow_up": follow_up})
        return self.link.source

    def answered(self) -> None:
        self.link.source.pause()
        self.link.send({"type": "stop-listening"})

    def close(self) -> None:
        self.link.source.close()


def check_choice(stage: object, questions: object) -> tuple[list[str], int]:
    """The page's (or the URL's) stage and question count, checked; a UsageError says what is allowed."""
    if stage == "loop":
        stages = list(STAGES)
    elif isinstance(stage, str) and stage in STAGES:
        stages = [stage]
    else:
        raise UsageError(f"unknown stage {stage!r}; allowed: {', '.join(STAGES)}, loop")
    try:
        count = int(str(questions))
    except ValueError:
        raise UsageError(f"questions {questions!r} is not a number; allowed 1 to {MAX_QUESTIONS}") from None
    if not 1 <= count <= MAX_QUESTIONS:
        raise UsageError(f"questions {count} is out of range; allowed 1 to {MAX_QUESTIONS}")
    return stages, count


class Runner:
    """Starts interviews for pages, one at a time per server."""

    def __init__(self, options: WebOptions, on_notice: Callable[[str], None]) -> None:
        self.options = options
        self._notice = on_notice
        self._lock = threading.Lock()
        self._active: Link | None = None
        self._thread: threading.Thread | None = None
        self._model = None  # the speech model the first interview loaded, kept for the next ones

    @property
    def busy(self) -> bool:
        return self._active is not None

    def start(self, link: Link, stage: object, questions: object) -> None:
        """Plan and start an interview driven by link's page; UsageError for a bad choice or a busy server."""
        stages, count = check_choice(stage, questions)
        with self._lock:
            if self._active is not None:
                raise UsageError("an interview is already running on this server (another tab or window); "
                                 "finish or close it first")
            self._active = link
        try:
            interview = self._interview(link, stages, count)
        except BaseException:
            self._active = None
            raise
        self._thread = threading.Thread(target=self._run, args=(link, interview), daemon=True, name="interview")
        self._thread.start()

    def _interview(self, link: Link, stages: list[str], count: int):
        from voice_interviewer.content.personas import load_personas
        from voice_interviewer.integrations.extras import job_question_ids, make_helpers
        from voice_interviewer.practice.questions_back import ask_questions_back
        from voice_interviewer.session.interview import Interview, Plan, plan_for
        from voice_interviewer.session.store import create_session
        from voice_interviewer.voice.speaker import Speaker

        options = self.options
        personas = load_personas()
        plan = plan_for(personas, stages, count, only=job_question_ids(options.extras, personas, stages, count))
        review = None
        if options.resume_text is not None:
            from voice_interviewer.practice.resume import resume_plan

            resumed, deep = resume_plan(options.resume_text, options.resume_name, plan.stages, count)
            plan, review = Plan(resumed), deep.review
        folder = create_session(options.home, plan.stage_label)
        link.session_name = folder.name

        def on_event(event) -> None:
            message = event_message(event)
            if message is not None:
                link.send(message)

        speaker = Speaker(mute=True, sink=link.play)
        interview = Interview(plan, BrowserCandidate(link), speaker, folder, on_event, options.endpoint,
                              options.transcribe, options.follow_ups, review=review,
                              stage_end=ask_questions_back if options.questions_back else None,
                              model=self._model,
                              **make_helpers(options.extras, lambda text: link.send({"type": "notice", "text": text})))
        link.interview = interview
        link.send({"type": "started", "session": folder.name, "stage": plan.stage_label,
                   "questions": [{"stage": p.stage, "persona": p.name, "role": p.role, "count": len(qs)}
                                 for p, qs in plan.stages]})
        return interview

    def _run(self, link: Link, interview) -> None:
        folder = interview.folder
        try:
            session = interview.run()
        except InterviewerError as exc:  # a closed tab, a lost microphone, a full disk: what was recorded is kept
            self._notice(f"interview stopped: {exc}; what was recorded is kept in {folder} (continue it with "
                         f"`voice-interviewer interview --continue {folder}`)")
            link.send({"type": "error", "text": f"{exc}. What was recorded is kept in {folder.name}.",
                       "session": folder.name})
        except Exception as exc:  # a bug: the server stays up for the next interview, the traceback is logged
            import traceback

            traceback.print_exc()
            link.send({"type": "error", "text": f"internal error ({exc.__class__.__name__}); see the terminal",
                       "session": folder.name})
        else:
            link.send(finished_message(session, folder.name))
        finally:
            self._model = interview.model or self._model
            with self._lock:
                self._active = None

    def stop(self, reason: str) -> None:
        """Server shutdown: the running interview ends as if its page closed; waits for it to save."""
        link = self._active
        if link is not None:
            link.lose(reason)
        if self._thread is not None:
            self._thread.join(timeout=30)


def finished_message(session: dict, name: str) -> dict:
    """The end of an interview: its scores and where its report, progress and stories pages are."""
    answers = [a for a in session["answers"] if "score" in a and not a.get("interrupted")]
    return {"type": "finished", "session": name, "completed": session.get("completed", False),
            "scores": [{"index": a["index"], "question_id": a["question_id"], "score": a["score"]} for a in answers],
            "links": {"report": f"/sessions/{name}/report", "progress": "/progress", "stories": "/stories"}}
