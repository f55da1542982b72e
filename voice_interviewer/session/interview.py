"""The loop: opening → question → listen (live transcript) → [one follow-up] → spoken feedback → next → closing.

The loop reports what happens through an on_event callback with plain event records; it never prints. The session
folder is updated after every answer, and on Ctrl-C or a lost microphone what was recorded is kept and marked.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from voice_interviewer import __version__
from voice_interviewer.audio.capture import RecordedFrames
from voice_interviewer.audio.files import WavRecorder
from voice_interviewer.audio.sources import AudioSource
from voice_interviewer.config import EndpointOptions, TranscribeOptions
from voice_interviewer.content.job import session_terms
from voice_interviewer.content.personas import Persona, Question
from voice_interviewer.errors import InterviewerError
from voice_interviewer.feedback import analyze, choose_follow_up
from voice_interviewer.feedback.debrief import build_debrief, spoken_debrief
from voice_interviewer.feedback.summary import strength_and_fix
from voice_interviewer.feedback.turns import judge_turn
from voice_interviewer.integrations.extras import finish_answer, review_answer
from voice_interviewer.records import Transcript, Word
from voice_interviewer.session.candidates import Candidate, Typed
from voice_interviewer.session.events import (  # the loop's records live in events.py; importable from here too
    Answer,
    Debriefed,
    Heard,
    Listening,
    Notice,
    Plan,
    Scored,
    Spoke,
    plan_for,
    plan_remaining,
    typed_transcript,
)
from voice_interviewer.session.store import SESSION_SCHEMA, write_json_atomic
from voice_interviewer.speech.endpointing import AnswerEnded, closing_phrase_at
from voice_interviewer.speech.transcribe import AnswerListener, TranscriptUpdate, load_model, resolve_model
from voice_interviewer.voice.speaker import Speaker

__all__ = ["Plan", "Spoke", "Listening", "Heard", "Scored", "Debriefed", "Notice", "Answer", "Interview",
           "typed_transcript", "plan_for", "plan_remaining"]

_TICK_FRAMES = 10  # a Listening tick every 300 ms of audio keeps the countdown moving


@dataclass
class Interview:
    """One session. run() is the runner; conduct() is what happens in it (the exercise supplies its own); say(),
    listen() and save() are the turns that conduct(), the exercise and questions-back are built from."""

    plan: Plan
    candidate: Candidate
    speaker: Speaker
    folder: Path
    on_event: Callable[[object], None]
    endpoint: EndpointOptions = EndpointOptions()
    transcribe: TranscribeOptions = TranscribeOptions()
    follow_ups: bool = True
    # set by Enter: the answer being recorded ends now, or the interviewer stops talking (the rest is skipped)
    end_requested: threading.Event = field(default_factory=threading.Event)
    # set by a skip button: the answer ends now unscored, kept as interrupted (`--continue` asks it again)
    skip_requested: threading.Event = field(default_factory=threading.Event)
    turn_taking: bool = True  # a complete answer ends after the short silence (feedback/turns.py), else the long one
    session: dict = field(default_factory=dict)  # a loaded session here is continued (`interview --continue`)
    llm: object | None = None   # llm.LlmCoach (--llm): follow-ups and critique from the answer
    stt: object | None = None   # remote_stt.RemoteStt (--stt): final transcripts from a shared server
    job: object | None = None   # job.JobProfile (--job): the job's terms, reported per answer and per session
    review: Callable[[Question, dict], dict] | None = None  # adds to the score document (resume deep-dives)
    # at each stage's end, before the closing (practice.questions_back: what the candidate wants to know)
    stage_end: Callable[[Interview, Persona, str], object] | None = None
    model: object | None = None  # a loaded speech model to use; None: run() loads one while the opening is spoken
    _loader: _Loader | None = field(default=None, init=False, repr=False)

    def run(self) -> dict:
        """The common runner (the exercise shares it): the speech model loads in the background, session.json is
        on disk before the first word and after every step, and the session's end is marked whatever happens.
        What is said and asked in between is conduct()'s."""
        resolved = resolve_model(self.transcribe.model)
        if self.model is None:
            self._loader = _Loader(resolved.source, self.transcribe)
            self._loader.start()
        self.session = self.begin(resolved.label)
        self.save()
        try:
            self.conduct(resolved.label)
            self.session["completed"] = True
        finally:
            self.session["ended"] = _now()
            try:
                self.save()
            finally:
                self.candidate.close()
        return self.session

    def begin(self, label: str) -> dict:
        """The session document this run writes: the loaded one continued (`interview --continue`), or a new one."""
        if self.session:
            self.session.setdefault("continued", []).append(_now())
            self.session |= {"ended": None, "completed": False}
            session = self.session
        else:
            session = self.new_session(label)
        if self.job is not None:
            session["job"] = session_terms(self.job, session["answers"])
        return session

    def conduct(self, label: str) -> None:
        """Each stage: the opening, its questions (with follow-ups and feedback), questions back, the closing."""
        for persona, questions in self.plan.stages:
            self.say(persona, "opening", persona.opening, f"{persona.stage}-opening.wav")
            self.wait_for_model()
            for question in questions:
                if not self._ask(persona, question, label):
                    break
            if self.stage_end is not None:
                self.stage_end(self, persona, label)
            self._debrief(persona, last=persona is self.plan.stages[-1][0] and len(self.plan.stages) > 1)
            self.say(persona, "closing", persona.closing, f"{persona.stage}-closing.wav")

    def wait_for_model(self) -> None:
        """Waits for the model run() started loading; a loading error is raised here, in the caller's thread."""
        if self._loader is not None:
            self.model = self._loader.result()
            self._loader = None

    def _ask(self, persona: Persona, question: Question, label: str) -> bool:
        index = max((a["index"] for a in self.session["answers"]), default=0) + 1  # never reuse a recording's name
        if not self.candidate.has_answer(follow_up=False):
            self.on_event(Notice(f"no more recorded answers; {question.id} and the rest are not asked"))
            return False
        self.say(persona, "question", question.text, f"q{index:02d}.wav")
        source = self.candidate.answer(question, follow_up=False)
        if source is None:  # the candidate stopped (an empty typed answer)
            self.on_event(Notice("no answer given; ending the interview"))
            return False
        # The record is on disk before the first sample is recorded, marked interrupted until the answer is
        # complete: a process killed mid-answer leaves a valid session.json that names the recording.
        record = {"index": index, "stage": persona.stage, "persona": persona.name, "question_id": question.id,
                  "question_text": question.text, "question_audio": f"q{index:02d}.wav",
                  "answer_audio": f"a{index:02d}.wav", "interrupted": True, "follow_ups": []}
        self.session["answers"].append(record)
        self.save()
        try:
            answer = self.listen(source, question, label, f"a{index:02d}.wav")
            if answer.end.reason == "skipped":
                record |= {"answer_audio": answer.audio, "end_reason": "skipped", "input": self.candidate.kind}
                self.save()
                self.on_event(Notice(f"{question.id} skipped; its recording is kept and `interview --continue` "
                                     "asks it again"))
                return True
            doc = analyze(answer.transcript, question, audio_name=answer.audio or "")
            if self.review is not None:
                doc = self.review(question, doc)
            record |= doc | {"answer_audio": answer.audio, "end_reason": answer.end.reason,
                             "input": self.candidate.kind}
            record["latency"] = {"end_of_speech_to_feedback_s": None,
                                 "endpoint_wait_s": _endpoint_wait(answer.end)}
            review = review_answer(record, answer.transcript, persona, question, self.llm)
            if "llm" in record:
                record["llm"]["asked"] = False  # set when its follow-up is the one asked
            if self.follow_ups:
                self.save()  # the main answer is scored; a follow-up may still be interrupted
            last = self._follow_up(persona, question, doc, record, index, label, review) if self.follow_ups else None
            said = " ".join([record["transcript"]] + [f["transcript"] for f in record["follow_ups"]])
            finish_answer(record, review, self.job, said)  # the job's terms count the follow-up's words too
            ended_at = (last or answer).ended_at
            record["latency"]["end_of_speech_to_feedback_s"] = round(time.monotonic() - ended_at, 3)
        except (KeyboardInterrupt, InterviewerError):  # Ctrl-C, a lost microphone, a full disk: keep what we have
            self.save()
            raise
        record["interrupted"] = False
        if self.job is not None:
            self.session["job"] = session_terms(self.job, self.session["answers"])
        moved = self._update_debrief(persona.stage)
        self.save()
        self.on_event(Scored(index, record, moved))
        self.say(persona, "feedback", record["spoken_feedback"], f"fb{index:02d}.wav")
        return True

    def _update_debrief(self, stage: str) -> dict:
        """The session's debrief after this answer, and which of the stage's ratings the answer moved."""
        before = (self.session.get("debrief") or {}).get("stages", {}).get(stage, {})
        spoken = (self.session.get("debrief") or {}).get("spoken", {"stages": {}, "loop": None})
        self.session["debrief"] = build_debrief(self.session["answers"]) | {"spoken": spoken}
        after = self.session["debrief"]["stages"].get(stage, {})
        return {d: (before.get(d, "not-assessed"), r) for d, r in after.items()
                if r != "not-assessed" and before.get(d, "not-assessed") != r}

    def _debrief(self, persona: Persona, last: bool) -> None:
        """At a stage's end the interviewer speaks the stage's debrief; the last stage of a loop speaks the loop's."""
        debrief = self.session.get("debrief")
        if not debrief or persona.stage not in debrief["stages"]:
            return
        text = spoken_debrief(debrief, None if last else persona.stage)
        if last:
            debrief["spoken"]["loop"] = text
        else:
            debrief["spoken"]["stages"][persona.stage] = text
        self.save()
        self.on_event(Debriefed(persona.stage, debrief, last))
        self.say(persona, "debrief", text, f"{persona.stage}-debrief.wav" if not last else "loop-debrief.wav")

    def _follow_up(self, persona: Persona, question: Question, doc: dict, record: dict, index: int,
                   label: str, review=None) -> Answer | None:
        choice = choose_follow_up(doc, question)
        if review is not None and review.follow_up:  # the rules chose the gap; the model worded it from the answer
            choice = (choice[0] if choice else "llm", review.follow_up)
        if choice is None:
            return None
        key, text = choice
        if not self.candidate.has_answer(follow_up=True):
            return None
        self.say(persona, "follow-up", text, f"q{index:02d}f.wav")
        source = self.candidate.answer(question, follow_up=True)
        if source is None:
            return None
        answer = self.listen(source, question, label, f"a{index:02d}f.wav")
        combined = _joined(self._main_words(record), answer.transcript)
        after = analyze(combined, question)
        covered = key not in after["structure"].get("missing", []) and not any(
            kp.id == key and kp.label in after["key_points"]["missing"] for kp in question.key_points)
        if "llm" in record and text == record["llm"]["follow_up"]:
            record["llm"]["asked"] = True
            covered = None if key == "llm" else covered  # a free probe has no gap to check
        record["follow_ups"].append({"key": key, "text": text, "question_audio": f"q{index:02d}f.wav",
                                     "answer_audio": answer.audio, "transcript": answer.transcript.text,
                                     "covered": covered})
        if covered:  # the score stays the unprompted answer's; the spoken feedback says what the prompt added
            record["spoken_feedback"] = strength_and_fix(record, _prompted_fix(question, key))
        return answer

    @staticmethod
    def _main_words(record: dict) -> Transcript:
        words = tuple(Word(w["text"], w["start"], w["end"]) for w in record.get("words", []))
        return Transcript(words, words[-1].end if words else 0.0)

    def listen(self, source: AudioSource | Typed, question: Question, label: str, wav_name: str, *,
               turn_taking: bool = True) -> Answer:
        """One turn of the candidate's, recorded to wav_name in the session folder and transcribed while spoken.

        Ends at the endpoint, Enter, a closing phrase or the source's end; label names the model in transcripts.
        A typed answer is timed at a speaking pace instead. Call wait_for_model() (run() does) before listening.
        With turn_taking (and self.turn_taking), a pause after a complete answer ends it sooner (feedback/turns.py)."""
        if isinstance(source, Typed):
            return Answer(typed_transcript(source.text), AnswerEnded("typed", None, 0.0), time.monotonic())
        kind = question.structure_kind
        judge = (lambda words: judge_turn(words, kind, question.budget_s).complete) \
            if turn_taking and self.turn_taking else None
        listener = AnswerListener(self.model, self.transcribe, self.endpoint, label, judge=judge)
        recorder = WavRecorder(self.folder / wav_name)
        frames = RecordedFrames(source, recorder)  # on disk as captured, even while this loop lags behind
        end: AnswerEnded | None = None
        requested: tuple[str, float] | None = None  # "enter" or "skipped", and where the audio then ended
        self.end_requested.clear()
        self.skip_requested.clear()
        try:
            for count, frame in enumerate(frames, start=1):
                updates, end = listener.accept(frame)
                for update in updates:
                    self.on_event(Heard(update))
                    if end is None and closing_phrase_at(update.committed + update.tentative) is not None:
                        end = listener.endpointer.finish("closing-phrase", frame.end_s)
                requested = requested or self._requested_end(frames.recorded_s)
                if end is None and requested is not None and frame.end_s >= requested[1]:
                    end = listener.endpointer.finish(requested[0], frame.end_s)
                if count % _TICK_FRAMES == 0:
                    speaking = listener.endpointer.speech_start_s is not None
                    self.on_event(Listening(question, frame.end_s, question.budget_s, speaking))
                if end is not None:
                    break
            else:  # the source ran out (a recording's end, or a page that closed its microphone on request)
                requested = requested or self._requested_end(frames.recorded_s)
                end = listener.endpointer.finish(requested[0] if requested else "input-ended")
        except BaseException:  # Ctrl-C or a lost device: what the microphone captured is the candidate's, keep it
            frames.keep_queued()
            raise
        finally:
            frames.stop()
            recorder.close()
            self.candidate.answered()
        ended_at = time.monotonic()
        transcript = listener.finish(end.speech_end_s)
        if self.stt is not None and listener.endpointer.speech_start_s is not None:
            remote = self.stt.transcribe((self.folder / wav_name).read_bytes(), transcript.audio_duration_s)
            transcript = remote or transcript
        closing_at = closing_phrase_at(transcript.words)
        if closing_at is not None:  # "that's my answer" is not part of the answer
            transcript = dataclasses.replace(transcript, words=transcript.words[:closing_at])
        self.on_event(Heard(TranscriptUpdate(transcript.words, ())))
        return Answer(transcript, end, ended_at, audio=wav_name, closed=closing_at is not None)

    def _requested_end(self, recorded_s: float) -> tuple[str, float] | None:
        """Enter or skip: the answer is what was captured until now (this loop may trail the microphone)."""
        if self.skip_requested.is_set():
            return "skipped", recorded_s
        if self.end_requested.is_set():
            return "enter", recorded_s
        return None

    def say(self, persona: Persona, kind: str, text: str, wav_name: str) -> None:
        """The persona says text aloud (kind: opening, question, follow-up, feedback, closing, reply, time-check...);
        the speech is kept as wav_name in the session folder."""
        path = self.folder / wav_name
        self.on_event(Spoke(persona, kind, text, path))
        self.speaker.speak(text, path, persona.voice, skip=self.end_requested)  # Enter skips the rest of it
        self.end_requested.clear()  # ... and does not also end the answer that follows
        path.chmod(0o600)

    def new_session(self, model_label: str) -> dict:
        """A new session document for this plan and candidate, not yet on disk."""
        return {
            "schema": SESSION_SCHEMA, "tool": f"voice-interviewer {__version__}", "stage": self.plan.stage_label,
            "personas": [{"stage": p.stage, "name": p.name, "role": p.role} for p, _ in self.plan.stages],
            "persona": self.plan.stages[0][0].name, "model": model_label, "input": self.candidate.kind,
            "started": _now(), "ended": None, "completed": False,
            "questions": [{"stage": p.stage, "id": q.id, "text": q.text} for p, qs in self.plan.stages for q in qs],
            "answers": [],
        }

    def save(self) -> None:
        """session.json as it is now, written atomically (a reader never sees half a file)."""
        write_json_atomic(self.folder / "session.json", self.session)


class _Loader(threading.Thread):
    """Loads the speech model in the background; result() waits and re-raises a loading error here."""

    def __init__(self, source: str, options: TranscribeOptions) -> None:
        super().__init__(daemon=True)
        self._args = (source, options.compute_type, options.cpu_threads)
        self._model = None
        self._error: BaseException | None = None

    def run(self) -> None:
        try:
            self._model = load_model(*self._args)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            self._error = exc

    def result(self):
        self.join()
        if self._error is not None:
            raise self._error
        return self._model


def _prompted_fix(question: Question, key: str) -> str:
    labels = {kp.id: f"how to {kp.label}" for kp in question.key_points}
    what = labels.get(key, f"the {key}")
    return f"When I asked, you covered {what}: next time, say it without being asked."


def _joined(first: Transcript, second: Transcript) -> Transcript:
    offset = (first.words[-1].end + 1.0) if first.words else 0.0
    shifted = tuple(Word(w.text, w.start + offset, w.end + offset, w.probability) for w in second.words)
    return Transcript(first.words + shifted, offset + second.audio_duration_s)


def _endpoint_wait(end: AnswerEnded) -> float | None:
    return None if end.speech_end_s is None else round(end.at_s - end.speech_end_s, 3)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
