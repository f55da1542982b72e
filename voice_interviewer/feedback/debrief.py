"""The debrief: the answers' dimension ratings rolled up per stage and per loop, as a hiring loop writes them up.

Pure: a session's answer records in, the session's `debrief` field out:

    {stages: {STAGE: {ID: rating}}, loop: {ID: rating}, recommendation, work_on_first,
     evidence: {stages: {STAGE: {ID: {for: [...], against: [...]}}}, loop: {ID: {for, against}}}}

A stage's rating of a dimension is the mean of its answers' ratings on it, rounded down at a half (a split
interviewer writes the lower rating, as loops do when unsure); the loop's is the mean of the stages' ratings, each
interviewer counting once. Dimensions no answer was rated on are "not-assessed". The evidence keeps the two or
three strongest pieces each way, each with its answer's index so a report can play that moment.

The guide's sixth mistake, too few STAR stories, shows only across answers: two stories in the loop that share most
of their words are one story told twice, and that is evidence against execution (a thin track record) for the loop.

The bar-raiser stage closes the loop: once it has rated answers, the debrief carries an overall recommendation
(the four-point scale) and the one dimension to work on first; before that both are None.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from voice_interviewer.content.personas import DIMENSIONS, STAGES
from voice_interviewer.feedback.dimensions import NOT_ASSESSED, RATING_VALUE, RATINGS, label
from voice_interviewer.wording import number_words

__all__ = ["build_debrief", "answer_dimensions", "spoken_debrief", "EVIDENCE_EACH_WAY", "RETOLD_OVERLAP"]

EVIDENCE_EACH_WAY = 3
RETOLD_OVERLAP = 0.5  # share of the shorter story's content words the other story also uses
_MIN_STORY_WORDS = 12
_STOP = frozenset("""a an the and or but so of to in on at for with by from as is was were be been it its this that
these those i we you he she they them our my your his her their me us what which who when where how why then than
there here into out up down over about after before also just very really had has have did do does not no yes would
could should will can one two three all any each every some more most other""".split())


def answer_dimensions(answer: dict) -> dict:
    """The answer's `dimensions`, or {} for an answer scored before dimensions existed (not assessed)."""
    dims = answer.get("dimensions")
    return dims if isinstance(dims, dict) else {}


def _mean_rating(values: Sequence[int]) -> str:
    if not values:
        return NOT_ASSESSED
    return RATINGS[math.ceil(sum(values) / len(values) - 0.5)]


def _strongest(items: list[dict], positive: bool) -> list[dict]:
    chosen = [e for e in items if e["for"] is positive]
    # quoted evidence first: a debrief cites what was said; an absence ("no result") only when nothing was said
    chosen.sort(key=lambda e: (not e.get("quote"), -e.get("weight", 0), e["answer"]))
    seen, out = set(), []
    for e in chosen:
        key = (e["answer"], e.get("quote"), e.get("signal"))
        if key in seen:
            continue
        seen.add(key)
        out.append(e)
        if len(out) == EVIDENCE_EACH_WAY:
            break
    return out


def _evidence(items: list[dict]) -> dict:
    return {"for": _strongest(items, True), "against": _strongest(items, False)}


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z']+", text.lower()) if len(w) > 3 and w not in _STOP}


def _retold(answers: list[dict]) -> list[dict]:
    """Stories told twice in the loop (the guide: running out of examples signals limited experience)."""
    stories = [(a, _content_words(a.get("transcript", ""))) for a in answers
               if (a.get("structure") or {}).get("kind") == "star"]
    stories = [(a, words) for a, words in stories if len(words) >= _MIN_STORY_WORDS]
    found = []
    for i, (first, a_words) in enumerate(stories):
        for second, b_words in stories[i + 1:]:
            if len(a_words & b_words) / min(len(a_words), len(b_words)) >= RETOLD_OVERLAP:
                words = second.get("words") or [{}]
                quote = " ".join(w.get("text", "") for w in words[:10]) or None
                found.append({"for": False, "quote": quote, "at_s": words[0].get("start"), "answer": second["index"],
                              "signal": f"the same story as answer {first['index']}: prepare 6-8 different stories",
                              "weight": 2.0})
    return found


def build_debrief(answers: Sequence[dict]) -> dict:
    """The session's `debrief` from its answer records (interrupted and unscored answers are left out)."""
    rated = [a for a in answers if "score" in a and not a.get("interrupted")]
    per_stage: dict[str, dict[str, list[int]]] = {}
    stage_items: dict[str, dict[str, list[dict]]] = {}
    for answer in rated:
        stage = answer.get("stage") or ""
        for dim, found in answer_dimensions(answer).items():
            if dim not in DIMENSIONS or found.get("rating") not in RATING_VALUE:
                continue
            per_stage.setdefault(stage, {}).setdefault(dim, []).append(RATING_VALUE[found["rating"]])
            stage_items.setdefault(stage, {}).setdefault(dim, []).extend(
                {**e, "answer": answer["index"]} for e in found.get("evidence", []))
    order = sorted(per_stage, key=lambda s: STAGES.index(s) if s in STAGES else len(STAGES))
    stages = {s: {d: _mean_rating(per_stage[s].get(d, [])) for d in DIMENSIONS} for s in order}
    loop_values = {d: [RATING_VALUE[stages[s][d]] for s in order if stages[s][d] != NOT_ASSESSED] for d in DIMENSIONS}
    loop_items = {d: [e for s in order for e in stage_items[s].get(d, [])] for d in DIMENSIONS}
    retold = _retold(rated)
    if retold and loop_values["execution"]:
        loop_items["execution"] += retold
        loop_values["execution"].append(max(0, min(loop_values["execution"]) - 1))
    loop = {d: _mean_rating(loop_values[d]) for d in DIMENSIONS}
    closed = "bar-raiser" in per_stage
    hearing: dict[str, dict] = {}
    for answer in rated:
        heard = hearing.setdefault(answer.get("stage") or "", {"answers": 0, "unclear": []})
        heard["answers"] += 1
        if (answer.get("hearing") or {}).get("clear") is False:
            heard["unclear"].append(answer["index"])
    return {
        "stages": stages,
        "loop": loop,
        "recommendation": recommendation(loop) if closed else None,
        "work_on_first": work_on_first(loop, loop_items) if closed else None,
        "evidence": {"stages": {s: {d: _evidence(stage_items[s].get(d, [])) for d in DIMENSIONS
                                    if stages[s][d] != NOT_ASSESSED} for s in order},
                     "loop": {d: _evidence(loop_items[d]) for d in DIMENSIONS if loop[d] != NOT_ASSESSED}},
        "hearing": hearing,
    }


def recommendation(loop: dict) -> str | None:
    """strong-no-hire if any dimension is; no-hire with two or more no-hires; strong-hire when every assessed
    dimension is hire or better and most are strong-hire; otherwise hire with at most one no-hire."""
    values = [RATING_VALUE[r] for r in loop.values() if r != NOT_ASSESSED]
    if not values:
        return None
    if min(values) == 0:
        return "strong-no-hire"
    low = sum(1 for v in values if v == 1)
    if low >= 2:
        return "no-hire"
    if low == 0 and sum(1 for v in values if v == 3) * 2 > len(values):
        return "strong-hire"
    return "hire" if sum(values) / len(values) >= 1.75 else "no-hire"


def work_on_first(loop: dict, items: dict) -> str | None:
    """The assessed dimension rated lowest; ties go to the one with the most weight against it, then guide order."""
    assessed = [d for d in DIMENSIONS if loop.get(d, NOT_ASSESSED) != NOT_ASSESSED]
    if not assessed:
        return None

    def against(d: str) -> float:
        return sum(e.get("weight", 0) for e in items.get(d, []) if not e["for"])

    return min(assessed, key=lambda d: (RATING_VALUE[loop[d]], -against(d), DIMENSIONS.index(d)))


_NAMES = {"program-structuring": "program structuring", "technical-fluency": "technical fluency",
          "stakeholder-management": "stakeholder management", "influence": "influence without authority",
          "execution": "execution"}
_MAX_QUOTE_WORDS = 8


def _short(quote: str | None) -> str | None:
    if not quote:
        return None
    words = quote.split()
    return " ".join(words[:_MAX_QUOTE_WORDS]).rstrip(",.;:")


def _fix(debrief: dict, dim: str, scope: dict) -> str:
    against = scope.get(dim, {}).get("against", [])
    if not against:
        return ""
    signal = against[0].get("signal", "").rstrip(".")
    return f" What held it back: {signal[0].lower() + signal[1:]}." if signal else ""


def spoken_debrief(debrief: dict, stage: str | None = None) -> str:
    """What the interviewer says at the end of a stage (stage given) or of the loop: under 45 s of speech.

    One clause a rated dimension, one quoted strength, and the dimension to work on with what held it back.
    """
    if stage is not None:
        ratings = debrief["stages"].get(stage, {})
        scope = debrief["evidence"]["stages"].get(stage, {})
        opening = "Here is how I would write you up for the debrief."
    else:
        ratings, scope = debrief["loop"], debrief["evidence"]["loop"]
        opening = "Here is the debrief for the whole loop."
    rated = {d: r for d, r in ratings.items() if r != NOT_ASSESSED}
    if not rated:
        return "I could not rate you on any of the five dimensions this time: none of the questions tested them."
    parts = [opening, " ".join(f"{_NAMES[d].capitalize()}: {label(r)}." for d, r in rated.items())]
    best = max(rated, key=lambda d: (RATING_VALUE[rated[d]], -DIMENSIONS.index(d)))
    strong = next((e for e in scope.get(best, {}).get("for", [])
                   if len((e.get("quote") or "").split()) >= 3 and not e.get("doubted")), None)
    if strong is not None and RATING_VALUE[rated[best]] >= RATING_VALUE["hire"]:
        parts.append(f"Your strongest moment was when you said: {_short(strong['quote'])}.")
    focus = debrief.get("work_on_first") if stage is None else None
    focus = focus or min(rated, key=lambda d: (RATING_VALUE[rated[d]], DIMENSIONS.index(d)))
    if stage is None and debrief.get("recommendation"):
        parts.append(f"My recommendation would be {label(debrief['recommendation'])}.")
    if RATING_VALUE[rated[focus]] < RATING_VALUE["strong-hire"]:
        parts.append(f"Work on {_NAMES[focus]} first.{_fix(debrief, focus, scope)}")
    return " ".join(parts + _hearing_note(debrief, stage))


def _hearing_note(debrief: dict, stage: str | None) -> list[str]:
    """A closing sentence when answers in scope were hard to hear (feedback.hearing): the room or the microphone
    made the feedback less sure, and the candidate can fix that before the next session."""
    heard = debrief.get("hearing") or {}
    scope = list(heard.values()) if stage is None else [heard[stage]] if stage in heard else []
    unclear, answers = sum(len(h["unclear"]) for h in scope), sum(h["answers"] for h in scope)
    if not unclear:
        return []
    which = (f"{number_words(unclear)} of your {number_words(answers)} answers" if unclear < answers
             else "your answers" if answers > 1 else "your answer")
    return [f"I could not hear {which} clearly: a quieter room, or a microphone closer to you, will make my "
            "feedback surer."]
