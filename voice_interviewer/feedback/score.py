"""Findings, their points, and the score.

The score starts at 100; every point taken off is a `Finding` with a reason, so the deductions add up to
100 - score before the score is clamped to 0..100. Points grow with how much is wrong (a missing STAR part costs
more than a missing framework part, a pace far outside the band more than one just outside it), and an answer that
misses the question or stops after a few seconds loses far more than one with a weak result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from voice_interviewer.feedback.structure import Structure
from voice_interviewer.feedback.timing import PACE_BAND_WPM
from voice_interviewer.wording import as_said

__all__ = ["Finding", "POINTS", "STAR_BUDGET_S", "star_budget_findings", "SEVERITY_RANK", "no_speech", "structure_findings", "key_point_findings",
           "delivery_findings", "hearing_findings", "off_topic", "total"]

POINTS = {
    "no-speech": 100,
    "missing-star-part": 20,  # content before delivery: a complete story outranks one missing a part (issue 13)
    "missing-framework-part": 10,
    "missing-key-points": 30,  # in total, spread over the missing points
    "filler-per-minute": 2,  # per weighted filler a minute above FILLER_FREE_PER_MINUTE
    "fillers-max": 15,
    "pace-max": 8,
    "over-budget-max": 10,
    "too-short": 35,
    "off-topic": 40,
    "no-numbers-in-result": 6,
    "charter-late": 3,
    "star-part-long": 4,
    "long-pauses-max": 6,
    "vague-no-structure": 12,
    "no-technical-depth": 15,
    "process-over-outcomes": 10,
    "no-influence": 12,
    "we-not-i": 8,
    "failure-without-ownership": 15,
}
SEVERITY_RANK = {"high": 0, "warn": 1, "info": 2}
FILLER_FREE_PER_MINUTE = 3.0
MANY_FILLERS_PER_MINUTE = 6.0
TOO_SHORT_S = 20.0
TOO_SHORT_MIN_BUDGET_S = 60
OFF_TOPIC_MIN_WORDS = 15
MIN_WORK_TERMS = 2
LONG_PAUSES_COUNT = 4  # thinking pauses between parts are normal; this many, or one this long, is not
LONG_PAUSE_S = 3.0
# The guide's time budget for a ~90 s STAR story, seconds per part (low, high).
STAR_BUDGET_S = {"situation": (10, 15), "task": (5, 12), "action": (45, 55), "result": (15, 20)}
STAR_BUDGET_SLACK_S = 3.0  # a part this much over its high end ran long

_STAR_FIXES = {
    "situation": "No situation: give one or two sentences of context first.",
    "task": "No task: say what you owned and what the goal was.",
    "action": "No actions: say what you did yourself, step by step.",
    "result": "No result: close with what changed, in numbers.",
}
_FRAMEWORK_FIXES = {
    "charter": "No charter: start with the objective, success metrics, scope and sponsor.",
    "workstreams": "No workstreams: break the program into streams that each team owns.",
    "dependencies": "No dependencies: map who depends on whom and the critical path.",
    "milestones": "No milestones: set phases with go/no-go gates and dates.",
    "risks": "No risks: name the top risks and how you would mitigate them.",
    "cadence": "No cadence: say how everyone stays in sync (weekly syncs, status reports, steering reviews).",
}


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    severity: str  # info | warn | high
    message: str
    points: int = 0
    reason: str = ""
    at_s: float | None = None
    evidence: str | None = None

    def as_doc(self) -> dict:
        at_s = None if self.at_s is None else round(self.at_s, 2)
        return {"kind": self.kind, "severity": self.severity, "message": self.message, "at_s": at_s,
                "evidence": self.evidence}


def no_speech() -> Finding:
    return Finding("no-speech", "high", "No speech was heard in the answer.", POINTS["no-speech"], "no speech heard")


def _missing_parts(structure: Structure) -> list[Finding]:
    star = structure.kind == "star"
    fixes = _STAR_FIXES if star else _FRAMEWORK_FIXES
    points = POINTS["missing-star-part" if star else "missing-framework-part"]
    label = "STAR" if star else "framework"
    return [Finding(f"missing-{part}", "warn", fixes[part], points, f"missing {part} ({label} part)")
            for part in structure.missing]


def structure_findings(structure: Structure) -> list[Finding]:
    """Missing parts, a result without a number, and a plan that does not open with its charter."""
    if structure.kind not in ("star", "framework"):
        return []
    findings = _missing_parts(structure)
    result = structure.parts.get("result", {})
    if structure.kind == "star" and result.get("present") and not structure.result_has_number():
        findings.append(Finding("no-numbers-in-result", "warn",
                                "The result has no number: say what changed, e.g. percent or weeks saved.",
                                POINTS["no-numbers-in-result"], "result without a number",
                                result["start_s"], result["quote"]))
    if structure.kind == "star":
        findings += star_budget_findings(structure)
    if structure.kind == "framework" and "charter" in structure.order and structure.order[0] != "charter":
        first, charter = structure.order[0], structure.parts["charter"]
        findings.append(Finding("charter-late", "info",
                                f"The charter came after {first}: open with the objective and success metrics.",
                                POINTS["charter-late"], "charter not first", charter["start_s"], charter["quote"]))
    return findings


def star_budget_findings(structure: Structure) -> list[Finding]:
    """The STAR part that ran furthest over its share of a ~90 s story (situation 10-15 s, task about 10 s,
    action 45-55 s, result 15-20 s), if any ran over by more than STAR_BUDGET_SLACK_S."""
    over = []
    for part, (low, high) in STAR_BUDGET_S.items():
        info = structure.parts.get(part, {})
        if info.get("present") and info["seconds"] > high + STAR_BUDGET_SLACK_S:
            over.append((info["seconds"] - high, part, low, high, info))
    if not over:
        return []
    _, part, low, high, info = max(over)
    later = {"situation": "get to your own role sooner", "task": "get to what you did sooner",
             "action": "keep the two or three steps that mattered most", "result": "close with one or two numbers"}
    return [Finding("star-part-long", "info",
                    f"The {part} ran {info['seconds']:.0f} s against a budget of {low}-{high} s in a 90 s story: "
                    f"{later[part]}.", POINTS["star-part-long"], f"{part} ran long ({info['seconds']:.0f} s)",
                    info["start_s"], info["quote"])]


def _spread(total_points: int, count: int) -> list[int]:
    base, extra = divmod(total_points, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def key_point_findings(key_points: dict) -> list[Finding]:
    missing = key_points["missing"]
    count = len(missing) + len(key_points["covered"])
    if not missing:
        return []
    severity = "warn" if len(missing) * 2 > count else "info"
    shares = _spread(round(POINTS["missing-key-points"] * len(missing) / count), len(missing))
    return [Finding("missing-key-point", severity, f"Key point not covered: {label}.", points,
                    f"missing key point: {label}") for label, points in zip(missing, shares)]


def _budget_findings(timing: dict) -> list[Finding]:
    duration, budget, begin = timing["duration_s"], timing["budget_s"], timing["first_word_s"]
    findings = []
    if budget is not None and duration > budget:
        points = min(POINTS["over-budget-max"], max(2, round(20 * (duration - budget) / budget)))
        findings.append(Finding("over-budget", "warn", f"Spoke {duration:.0f} s against a {budget} s budget.",
                                points, f"over budget by {duration - budget:.0f} s", begin + budget))
    if duration < TOO_SHORT_S and (budget is None or budget >= TOO_SHORT_MIN_BUDGET_S):
        wanted = f"a {budget} s budget" if budget is not None else "an interview answer"
        findings.append(Finding("too-short", "high", f"Only {duration:.0f} s of speech for {wanted}.",
                                POINTS["too-short"], f"too short ({duration:.0f} s)", begin))
    return findings


def _pace_finding(pace: dict) -> list[Finding]:
    low, high = PACE_BAND_WPM
    verdict, wpm = pace["verdict"], pace["wpm"]
    if verdict not in ("fast", "slow"):
        return []
    distance = wpm - high if verdict == "fast" else low - wpm
    points = min(POINTS["pace-max"], max(1, round(distance / 5)))
    band = f"{low}-{high}"
    return [Finding(f"pace-{verdict}", "warn" if points >= 4 else "info",
                    f"Pace {wpm:.0f} words a minute, {verdict} for the {band} band.",
                    points, f"pace {verdict} ({wpm:.0f} wpm)")]


def _filler_finding(fillers: dict) -> list[Finding]:
    weighted = fillers["weighted_per_minute"]
    if fillers["total"] < 3 or weighted <= FILLER_FREE_PER_MINUTE:
        return []
    points = min(POINTS["fillers-max"], round(POINTS["filler-per-minute"] * (weighted - FILLER_FREE_PER_MINUTE)))
    many = fillers["per_minute"] > MANY_FILLERS_PER_MINUTE
    top, count = next(iter(fillers["counts"].items()))
    top = as_said(top)
    return [Finding("many-fillers" if many else "some-fillers", "warn" if many else "info",
                    f"{fillers['total']} fillers, {fillers['per_minute']:.1f} a minute; most often {top!r}.",
                    points, f"fillers {weighted:.1f} a minute (light ones count half)",
                    fillers["at"][0]["start_s"], f"{top} {count} times")]


def _pause_finding(pauses: dict) -> list[Finding]:
    count, longest = pauses["count"], pauses["longest_s"]
    if count < LONG_PAUSES_COUNT and longest < LONG_PAUSE_S:
        return []
    where = max(pauses["list"], key=lambda p: p["seconds"])["start_s"]
    return [Finding("long-pauses", "info", f"{count} pauses of 1.5 s or more, the longest {longest:.1f} s.",
                    min(POINTS["long-pauses-max"], count), f"{count} long pauses", where)]


def delivery_findings(timing: dict, pace: dict, pauses: dict, fillers: dict) -> list[Finding]:
    """Budget, length, pace, fillers and pauses."""
    return _budget_findings(timing) + _pace_finding(pace) + _filler_finding(fillers) + _pause_finding(pauses)


def off_topic(key_points: dict, parts_present: int, word_count: int, work_terms: int) -> list[Finding]:
    """An answer long enough to judge, with under two structure parts, that does not take up the question.

    Either no key point came up, or (since a single generic synonym such as "ask" is easy to hit by chance) under
    half of them did and the answer uses under two different work words (team, launch, stakeholder...). Without a
    question there are no key points, and the work words alone decide.
    """
    if parts_present >= 2 or word_count < OFF_TOPIC_MIN_WORDS:
        return []
    covered, missing = len(key_points["covered"]), len(key_points["missing"])
    if missing and not covered:
        return [Finding("off-topic", "high", "The answer did not address the question: no key point came up.",
                        POINTS["off-topic"], "off topic: no key point covered")]
    if work_terms < MIN_WORK_TERMS and covered * 2 < covered + missing:
        return [Finding("off-topic", "high", f"The answer is not about work and covers {covered} of "
                        f"{covered + missing} key points.", POINTS["off-topic"], "off topic: not about work")]
    if work_terms < MIN_WORK_TERMS and not covered + missing:
        return [Finding("off-topic", "high", "The answer is not about work: no team, program or outcome came up.",
                        POINTS["off-topic"], "off topic: not about work")]
    return []


def hearing_findings(hearing: dict) -> list[Finding]:
    """A note, worth no points, when the recogniser was unsure of the answer's words: what is reported missing may
    have been said and misheard (feedback.hearing)."""
    if hearing["clear"] is not False:
        return []
    unsure = hearing["unsure_share"]
    share = ("most words" if unsure >= 0.5 else f"about 1 word in {round(1 / unsure)}" if unsure >= 0.1
             else "a few words")
    message = (f"Parts of this answer were hard to make out ({share} unsure): the transcript may hold misheard "
               "words, and a part or key point reported missing may have been said.")
    return [Finding("hard-to-hear", "info", message, 0,
                    f"hard to hear (mean word probability {hearing['mean_probability']:.2f})")]


def total(findings: Sequence[Finding]) -> tuple[int, int, list[dict]]:
    """(score clamped to 0..100, score before clamping, deductions) where deductions sum to 100 - unclamped."""
    deductions = [{"reason": f.reason, "points": f.points, "kind": f.kind} for f in findings if f.points > 0]
    unclamped = 100 - sum(d["points"] for d in deductions)
    return max(0, min(100, unclamped)), unclamped, deductions
