"""The timed program-structuring exercise, spoken: a scenario read aloud, a clock with spoken time checks, the
candidate thinking aloud over several turns, then feedback on the framework.

The guide asks candidates to structure a program plan for a scenario in 30 minutes. Here the interviewer reads the
scenario, the candidate talks in as many turns as they like (a turn ends at the usual endpoint: a long silence, Enter,
or a closing phrase), and the exercise ends when they say a closing phrase ("I'm done"), the recordings run out, or the
clock does. The clock counts the candidate's own time (the audio of their turns), so a recorded run and a live one
are timed the same way. Time checks are spoken between turns: at half time, five minutes left and one minute left.

The feedback covers the six framework parts (charter, workstreams, dependencies, milestones, risks, cadence), the
order they came in, and the time spent on each. Framework detection is feedback/structure.py's analyze_structure,
run on all turns joined on the exercise clock. The session is saved like an interview (stage "exercise"): one answer
record for the whole exercise (a01.wav is every turn joined), plus an "exercise" field with turns and coverage.
"""

from __future__ import annotations

import time
import wave
from dataclasses import dataclass, field
from pathlib import Path

from voice_interviewer.content.personas import FRAMEWORK_PARTS, KeyPoint, Persona, Question
from voice_interviewer.errors import UsageError
from voice_interviewer.feedback import analyze
from voice_interviewer.feedback.structure import analyze_structure
from voice_interviewer.feedback.timing import split_sentences, tokenize
from voice_interviewer.records import SAMPLE_RATE_HZ, Transcript, Word
from voice_interviewer.session.interview import Interview, Plan, Scored

__all__ = ["Scenario", "SCENARIOS", "find_scenario", "time_checks", "time_check_text", "framework_feedback", "Exercise",
           "DEFAULT_MINUTES", "EXERCISE_STAGE"]

DEFAULT_MINUTES = 30
EXERCISE_STAGE = "exercise"
MAX_TURNS = 40
BALANCE_SHARE = 0.45  # one part taking more than this share of the talking time crowds out the others
_MIN_TURN_S = 5.0     # less time left than this is not worth another turn


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    text: str
    source: str = "ours"  # guide: the guide's example, in our words


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("microservices-migration", "Move 50 microservices to a new platform",
             "Your company runs fifty microservices on an aging in-house deployment system. Leadership wants every "
             "one of them on the new container platform by the end of next quarter, without customer-visible "
             "downtime. Eight teams own the services, and the platform team is still finishing features. Structure "
             "the program.", "guide"),
    Scenario("timezone-platform-migration", "A platform migration across three time zones",
             "Six engineering teams in three time zones must move their services onto a shared platform. Nobody "
             "owns the whole migration today and two teams doubt it is worth it. Structure the program you would "
             "run.", "guide"),
    Scenario("payments-data-residency", "Keep card data inside the EU",
             "A new regulation says card data for European customers must stay inside the EU within nine months. "
             "Payments, fraud, analytics and support tooling all copy that data today, and each team has its own "
             "roadmap. Structure the program that gets the company compliant."),
    Scenario("mobile-app-consolidation", "Merge two mobile apps into one",
             "After an acquisition the company ships two mobile apps with overlapping features and separate "
             "backends. The board wants one app in the stores by next spring, keeping both user bases. Structure "
             "the program."),
    Scenario("observability-rollout", "One observability stack for every team",
             "Every team logs and monitors differently, and the last three outages took hours to diagnose. You are "
             "asked to put the whole engineering organization, about twenty teams, on one observability stack "
             "within two quarters. Structure the program."),
)
_INTRO = ("This is the program structuring exercise. I'll read a scenario, then you think aloud and structure the "
          "program: take as many turns as you need. You have {minutes}. I'll tell you how much time is left as we "
          "go. Say \"I'm done\" when you have finished.")
_SCENARIO_INTRO = "Here is the scenario. {text}"
_TIME_UP = "Time is up. Let's stop there."
_EARLY_END = "Thank you. Let's look at your plan."
_TAKE_YOUR_TIME = "Take your time. Keep thinking aloud, and say \"I'm done\" when you have finished."


def find_scenario(value: str | None) -> Scenario:
    """A scenario by id, by its number in the list (1-based), or the first one when None."""
    if value is None:
        return SCENARIOS[0]
    if value.isdigit() and 1 <= int(value) <= len(SCENARIOS):
        return SCENARIOS[int(value) - 1]
    for scenario in SCENARIOS:
        if scenario.id == value:
            return scenario
    raise UsageError(f"unknown scenario {value!r}; allowed: {', '.join(s.id for s in SCENARIOS)}, "
                     f"or 1-{len(SCENARIOS)}")


def _minutes_words(seconds: float) -> str:
    minutes = seconds / 60
    if minutes >= 1 and abs(minutes - round(minutes)) < 1e-6:
        whole = round(minutes)
        return f"{whole} minute{'s' if whole != 1 else ''}"
    return f"{round(seconds)} seconds"


def _left_words(seconds: float) -> str:
    """Time left as a person says it: whole minutes above a minute, else seconds to the nearest five."""
    if seconds >= 90:
        minutes = round(seconds / 60)
        return f"about {minutes} minutes"
    if seconds >= 60:
        return "about a minute"
    return f"{max(5, int(round(seconds / 5) * 5))} seconds"


def time_checks(total_s: float) -> list[tuple[float, str]]:
    """(clock seconds, which check) for half time, five minutes left and one minute left, in clock order."""
    marks: dict[float, str] = {}
    for left, name in ((total_s / 2, "half"), (300.0, "five"), (60.0, "one")):
        if 0 < left < total_s and all(abs(left - other) > 1 for other in marks):
            marks[left] = name
    return sorted((total_s - left, name) for left, name in marks.items())


def time_check_text(name: str, left_s: float) -> str:
    """What the interviewer says for a check that fell due with left_s seconds on the clock."""
    left = _left_words(left_s)
    if left_s <= 75:
        return f"{left.capitalize()} left. Start wrapping up."
    if name == "half":
        return f"We're past half time: {left} left."
    return f"{left.capitalize()} left."


def _scenario_question(scenario: Scenario, total_s: float) -> Question:
    """The scenario as a framework question; budget_s is the exercise's length (beyond persona limits)."""
    base = Question(
        id=f"exercise-{scenario.id}", text=scenario.text, kind="scenario", structure="framework",
        tests="program structuring under a clock", budget_s=900,
        key_points=(KeyPoint(id="success-metrics", label="define success metrics",
                             synonyms=("success metric", "success criteria", "measure success", "kpi", "success means")),
                    KeyPoint(id="owners", label="give every workstream an owner",
                             synonyms=("owner", "lead", "accountable", "raci", "owns"))))
    return base.model_copy(update={"budget_s": int(total_s)})


def _order_check(order: list[str]) -> tuple[list[str], list[str]]:
    """(parts in the guide's order, parts that came out of order), by longest increasing run of guide positions."""
    ranks = [FRAMEWORK_PARTS.index(p) for p in order]
    best: list[list[int]] = []
    for i, rank in enumerate(ranks):
        chain = max((best[j] for j in range(i) if ranks[j] < rank), key=len, default=[])
        best.append(chain + [i])
    keep = max(best, key=len, default=[])
    return [order[i] for i in keep], [order[i] for i in range(len(order)) if i not in keep]


def framework_feedback(structure: dict, talk_s: float) -> dict:
    """Coverage, order and time per part from a framework structure document (pure)."""
    parts = structure["parts"]
    present = [p for p in FRAMEWORK_PARTS if parts[p]["present"]]
    order = list(structure.get("order") or present)
    in_order, out_of_order = _order_check(order)
    spent = sum(parts[p]["seconds"] for p in present) or 1.0
    coverage = {p: {"present": parts[p]["present"], "start_s": parts[p]["start_s"], "seconds": parts[p]["seconds"],
                    "share": round(parts[p]["seconds"] / spent, 3) if parts[p]["present"] else 0.0,
                    "quote": parts[p].get("quote")} for p in FRAMEWORK_PARTS}
    missing = [p for p in FRAMEWORK_PARTS if not parts[p]["present"]]
    heavy = [p for p in present if coverage[p]["share"] > BALANCE_SHARE]
    findings = []
    for part in missing:
        findings.append({"kind": f"exercise-missing-{part}", "severity": "warn",
                         "message": f"No {part}: the plan never covered it."})
    for part in out_of_order:
        after = order[order.index(part) - 1] if order.index(part) else None
        findings.append({"kind": "exercise-order", "severity": "info",
                         "message": f"{part.capitalize()} came after {after}; the usual order is "
                                    f"{' → '.join(FRAMEWORK_PARTS)}."})
    for part in heavy:
        findings.append({"kind": "exercise-balance", "severity": "info",
                         "message": f"{part.capitalize()} took {coverage[part]['share']:.0%} of your talking time; "
                                    "leave room for the other parts."})
    doc = {"parts": coverage, "covered": present, "missing": missing, "order": order,
           "in_guide_order": not out_of_order, "out_of_order": out_of_order, "talk_s": round(talk_s, 2),
           "findings": findings}
    doc["spoken_feedback"] = _spoken(doc)
    return doc


def _spoken(doc: dict) -> str:
    covered, missing = doc["covered"], doc["missing"]
    said = [f"You covered {len(covered)} of the 6 parts."]
    if missing:
        said.append(f"Missing: {', '.join(missing)}.")
    if doc["out_of_order"]:
        part = doc["out_of_order"][0]
        said.append(f"{part.capitalize()} came out of order; walk charter, workstreams, dependencies, milestones, "
                    "risks, then cadence.")
    elif covered and not missing:
        said.append("And in the order interviewers expect.")
    if covered:
        top = max(covered, key=lambda p: doc["parts"][p]["seconds"])
        said.append(f"Most of your time went to {top}, {doc['parts'][top]['share']:.0%}.")
    return " ".join(said)


@dataclass
class Exercise(Interview):
    """Interview's runner, listening and speaking, with the exercise's own steps: scenario, turns on a clock,
    feedback."""

    scenario: Scenario = SCENARIOS[0]
    minutes: float = DEFAULT_MINUTES
    turns: list = field(default_factory=list)

    def begin(self, label: str) -> dict:
        """A new session of stage "exercise": one question (the scenario) and the exercise's own record."""
        question = _scenario_question(self.scenario, self.minutes * 60)
        session = self.new_session(label) | {"stage": EXERCISE_STAGE}
        session["questions"] = [{"stage": EXERCISE_STAGE, "id": question.id, "text": question.text}]
        session["exercise"] = {"scenario": self.scenario.id, "title": self.scenario.title,
                               "scenario_text": self.scenario.text, "minutes": self.minutes, "turns": [],
                               "time_checks": [], "finished_by": None}
        return session

    def conduct(self, label: str) -> None:
        """The introduction and the scenario, the candidate's turns on the clock, then the framework feedback."""
        persona = self.plan.stages[0][0]
        total_s = self.minutes * 60
        question = _scenario_question(self.scenario, total_s)
        self.say(persona, "opening", _INTRO.format(minutes=_minutes_words(total_s)), "exercise-opening.wav")
        self.say(persona, "question", _SCENARIO_INTRO.format(text=self.scenario.text), "q01.wav")
        self.wait_for_model()
        finished_by = self._turns(persona, question, label, total_s)
        self.session["exercise"]["finished_by"] = finished_by
        self.say(persona, "closing", _TIME_UP if finished_by == "time" else _EARLY_END, "exercise-end.wav")
        self._feedback(persona, question, total_s)

    def _turns(self, persona: Persona, question: Question, label: str, total_s: float) -> str:
        checks = time_checks(total_s)
        clock, nudged = 0.0, False
        for number in range(1, MAX_TURNS + 1):
            left = total_s - clock
            if left < _MIN_TURN_S:
                return "time"
            if not self.candidate.has_answer(follow_up=False):
                return "input-ended"
            source = self.candidate.answer(question, follow_up=False)
            if source is None:
                return "input-ended"
            # A live candidate is interrupted for a time check that falls due mid-turn; a recording is not (the
            # rest of the file would be lost), so its checks wait for the end of the turn.
            due_at = checks[0][0] if checks and self.candidate.kind == "mic" else total_s
            clocked = _Clocked(source, min(total_s, due_at) - clock)
            turn_q = question.model_copy(update={"budget_s": int(left)})
            answer = self.listen(clocked, turn_q, label, f"a01-t{number:02d}.wav")
            seconds = _wav_seconds(self.folder / answer.audio) if answer.audio else 0.0
            self.turns.append((clock, answer.transcript, answer.audio, seconds))
            self.session["exercise"]["turns"].append({
                "index": number, "audio": answer.audio, "clock_start_s": round(clock, 2),
                "seconds": round(seconds, 2), "transcript": answer.transcript.text,
                "end_reason": _turn_end(clocked, answer.end.reason, clock + seconds, total_s),
                "closed": answer.closed})
            clock += seconds
            self.save()
            if answer.closed:
                return "closing-phrase"
            if clock >= total_s - 0.5:
                return "time"
            due = [name for at, name in checks if at <= clock]
            if due:
                checks = [(at, name) for at, name in checks if at > clock]
                text = time_check_text(due[-1], total_s - clock)
                said = self.session["exercise"]["time_checks"]
                said.append({"clock_s": round(clock, 2), "check": due[-1], "text": text})
                self.say(persona, "time-check", text, f"time-{len(said):02d}.wav")
            elif not answer.transcript.words and not nudged:
                nudged = True
                self.say(persona, "time-check", _TAKE_YOUR_TIME, "exercise-nudge.wav")
        return "turn-limit"

    def _feedback(self, persona: Persona, question: Question, total_s: float) -> None:
        joined = _on_clock(self.turns)
        names = [audio for _, _, audio, _ in self.turns if audio]
        if names:
            _join_wavs([self.folder / n for n in names], self.folder / "a01.wav")
        doc = analyze(joined, question, audio_name="a01.wav" if names else "")
        tokens = tokenize(joined.words)
        structure = analyze_structure("framework", split_sentences(tokens), tokens).as_doc() if tokens else doc[
            "structure"]
        talk_s = sum(seconds for *_, seconds in self.turns)
        result = framework_feedback(structure, talk_s)
        self.session["exercise"] |= result | {"clock_used_s": round(talk_s, 2), "clock_total_s": total_s}
        record = {"index": 1, "stage": EXERCISE_STAGE, "persona": persona.name, "question_id": None,
                  "scenario_id": self.scenario.id, "question_text": self.scenario.text, "question_audio": "q01.wav",
                  "interrupted": False, "follow_ups": []}
        record |= doc | {"answer_audio": "a01.wav" if names else None, "input": self.candidate.kind,
                         "end_reason": self.session["exercise"]["finished_by"],
                         "turn_audio": names, "latency": {"end_of_speech_to_feedback_s": None}}
        record["findings"] = record["findings"] + [f | {"at_s": None, "evidence": None} for f in result["findings"]]
        record["spoken_feedback"] = result["spoken_feedback"]
        started = time.monotonic()
        self.session["answers"].append(record)
        self.save()
        self.on_event(Scored(1, record))
        record["latency"]["end_of_speech_to_feedback_s"] = round(time.monotonic() - started, 3)
        self.say(persona, "feedback", result["spoken_feedback"], "fb01.wav")
        self.save()


def _turn_end(clocked, reason: str, clock: float, total_s: float) -> str:
    if not clocked.clipped:
        return reason
    return "time" if clock >= total_s - 0.5 else "time-check"


class _Clocked:
    """An audio source that ends when the exercise clock runs out, wherever the candidate is in the turn."""

    def __init__(self, source, limit_s: float) -> None:
        self.source, self.limit_s, self.clipped = source, limit_s, False

    def frames(self):
        for frame in self.source.frames():
            yield frame
            if frame.end_s >= self.limit_s:
                self.clipped = True
                return


def _on_clock(turns: list) -> Transcript:
    """All turns as one transcript, each turn's words placed at its start on the exercise clock."""
    words = tuple(Word(w.text, w.start + clock, w.end + clock, w.probability)
                  for clock, transcript, _, _ in turns for w in transcript.words)
    end = max((clock + seconds for clock, _, _, seconds in turns), default=0.0)
    return Transcript(words, end)


def _wav_seconds(path: Path) -> float:
    try:
        with wave.open(str(path), "rb") as w:
            return w.getnframes() / w.getframerate()
    except (OSError, wave.Error, EOFError):
        return 0.0


def _join_wavs(paths: list[Path], target: Path) -> None:
    """Every turn in one 16 kHz mono WAV, so replay and rescore see the whole exercise."""
    import os

    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle, wave.open(handle, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE_HZ)
        for path in paths:
            try:
                with wave.open(str(path), "rb") as w:
                    out.writeframes(w.readframes(w.getnframes()))
            except (OSError, wave.Error, EOFError):
                continue


def exercise_plan(persona: Persona) -> Plan:
    return Plan(((persona, ()),))

