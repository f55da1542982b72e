"""The spoken feedback: one specific strength and the single most useful fix, with its evidence.

Everything comes from the score document, so a stored session can be re-voiced. Fixes are the findings that cost the
most points (missing parts and missing key points are each told as one fix), phrased with the candidate's own words
or the numbers behind them. The text is plain speech: no symbols, brackets or lists.
"""

from __future__ import annotations

import re

from voice_interviewer.content.personas import FRAMEWORK_PARTS, STAR_PARTS, Question
from voice_interviewer.feedback.hearing import quote_doubted
from voice_interviewer.feedback.score import SEVERITY_RANK
from voice_interviewer.feedback.structure import MEASURED_OUTCOME
from voice_interviewer.feedback.timing import match_form
from voice_interviewer.wording import as_said

__all__ = ["HARD_TO_HEAR", "MAX_WORDS", "NO_SPEECH_FEEDBACK", "heard_warning", "strength_and_fix", "strength_sentence",
           "spoken_summary"]

MAX_WORDS = 50
QUOTE_WORDS = 8
LABEL_WORDS = 12  # key point labels are short imperative phrases; cutting them mid-phrase reads badly
RESULT_QUOTE_WORDS = 12
PART_OPENING_S = 6.0  # a filler this soon after a part starts was said while starting it
FIXES_SPOKEN = 1  # the single most useful fix; the written report lists every finding
NOTHING_TO_FIX = "Nothing to fix on this one, keep answering like that."
HARD_TO_HEAR = "I could not hear all of that clearly, so check the transcript."
NO_SPEECH_FEEDBACK = "I did not hear an answer. When you are ready, try again and speak for about a minute."
_PARTS = frozenset(STAR_PARTS + FRAMEWORK_PARTS)
_ANY_SHAPE = "a story or a step by step plan"
_HINTS = {
    "situation": "open with one sentence of context",
    "task": "say what you owned and the goal",
    "action": "say what you did yourself",
    "charter": "start with the objective and success metrics",
    "workstreams": "split the work into streams each team owns",
    "dependencies": "map who waits on whom",
    "milestones": "set phase gates with go or no go calls",
    "risks": "name the top risk and its mitigation",
    "cadence": "set a weekly sync and a status report",
}
_FIXED = {
    "no-numbers-in-result": "Your result had no number: close with what changed, for example the percentage or "
                            "weeks saved.",
    "charter-late": "Open with the charter: the objective and success metrics, before the workstreams.",
}
_EXPLAINS = {"no-influence": {"task", "action"}, "we-not-i": {"task", "action"},
             "process-over-outcomes": {"result"}}
_STAR_LONG = "Your {part} ran {seconds:.0f} seconds, past the {low} to {high} seconds it deserves: {advice}"


def _speakable(text: str, max_words: int = QUOTE_WORDS) -> str:
    """Quoted words made safe to read aloud mid-sentence: no symbols, first word in lower case unless "I"."""
    text = text.replace("%", " percent").replace("&", " and ").replace("/", " or ").replace("+", " plus ")
    text = re.sub(r"[\"“”()\[\]{}<>*#_|~`^=\\$@;]", " ", text)
    words = text.split()[:max_words]
    if words and words[0][:1].isupper() and words[0][1:].islower() and not re.match(r"I\b", words[0]):
        words[0] = words[0].lower()
    return " ".join(words).strip(" ,.:-")


def _join(items: list[str], word: str = "and", most: int = 3) -> str:
    items = [_speakable(item, LABEL_WORDS) for item in items] or ["nothing"]
    if len(items) > most:
        items = items[:most - 1] + [f"{len(items) - most + 1} more"]
    if len(items) == 1:
        return items[0]
    serial = "," if any("," in item for item in items) else ""  # "outcomes, not activity, and name the risks"
    return f"{', '.join(items[:-1])}{serial} {word} {items[-1]}"


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def _result_strength(doc: dict) -> str | None:
    structure = doc["structure"]
    result = structure["parts"].get("result") if structure["kind"] == "star" else None
    if not result or not result.get("present"):
        return None
    # praise measured results only: "cut cost by 18 percent", not "two teams" or "the two weeks were real"
    measured = [c for c in re.split(r"[,;]|\band\b", result.get("quote") or "")
                if MEASURED_OUTCOME.search(match_form(c.lower()))]
    measured += [o["text"] for o in doc.get("outcomes", ()) if o["start_s"] >= result["start_s"]]
    if not measured:
        return None
    sure = [c for c in measured if not quote_doubted(doc["words"], c.strip())]
    if not sure:  # every measured clause holds a word the recogniser doubted: praise it without saying it back
        return "You closed with a concrete result."
    return f"You closed with a concrete result: {_speakable(sure[0], RESULT_QUOTE_WORDS)}."


def _key_point_strength(doc: dict) -> str | None:
    covered, missing = doc["key_points"]["covered"], doc["key_points"]["missing"]
    if len(covered) < 2 or len(covered) < len(missing):
        return None
    labels = [f"how to {label}" for label in covered[:2]]
    return f"You covered the essentials, such as {_join(labels)}."


def _structure_strength(doc: dict) -> str | None:
    structure = doc["structure"]
    present = [part for part, info in structure["parts"].items() if info.get("present")]
    if structure["kind"] == "star" and len(present) == len(STAR_PARTS):
        return "You told a complete story, with situation, task, action and result."
    if structure["kind"] == "framework" and len(present) >= 4:
        return f"You structured the plan well, covering {_join(structure.get('order') or present, most=3)}."
    return None


def _delivery_strength(doc: dict) -> str | None:
    if doc["pace"]["verdict"] == "ok":
        return f"Your pace was steady at {doc['pace']['wpm']:.0f} words a minute."
    if doc["timing"]["duration_s"] >= 20 and doc["fillers"]["total"] <= 1:
        return "You spoke cleanly, with almost no filler words."
    if doc["timing"]["first_word_s"] <= 3:
        return "You started answering quickly, without a long hesitation."
    return None


def strength_sentence(doc: dict) -> str:
    """The most specific thing the answer did well, as one sentence."""
    if not doc["words"]:
        return "There was no answer to assess yet."
    for candidate in (_result_strength, _key_point_strength, _structure_strength, _delivery_strength):
        sentence = candidate(doc)
        if sentence:
            return sentence
    return f"You kept going for {doc['timing']['duration_s']:.0f} seconds."


def _family(kind: str) -> str:
    part = kind.removeprefix("missing-")
    return "missing-part" if kind.startswith("missing-") and part in _PARTS else kind


def _missing_parts_fix(doc: dict) -> str:
    structure = doc["structure"]
    missing = list(structure["missing"])
    star = structure["kind"] == "star"
    if len(missing) == len(STAR_PARTS if star else FRAMEWORK_PARTS):
        return ("Tell it as a story: situation, task, action and result." if star else
                "Structure the plan: charter, workstreams, dependencies, milestones, risks and cadence.")
    if not star:
        return f"Your plan skipped {_join(missing)}: {_HINTS[missing[0]]}."
    if "result" in missing:
        return f"Your story had no {_join(missing, 'or')}: close with what changed, in numbers."
    return f"Your story had no {_join(missing, 'or')}: {_HINTS[missing[0]]}."


def _part_at(doc: dict, at_s: float) -> tuple[str, float] | None:
    """(part, its start) of the STAR or framework part being spoken at `at_s`."""
    structure = doc.get("structure") or {}
    started = sorted((info["start_s"], name) for name, info in (structure.get("parts") or {}).items()
                     if info.get("present") and info.get("start_s") is not None)
    before = [(start, name) for start, name in started if start <= at_s + 0.25]
    return (before[-1][1], before[-1][0]) if before else None


def _filler_place(doc: dict, times: list[float]) -> str:
    """Where most of these fillers fell: "while starting the action part", "in the result part", else the half."""
    places = [_part_at(doc, t) for t in times]
    names = [p[0] for p in places if p]
    if names:
        part = max(dict.fromkeys(names), key=names.count)
        inside = [t for t, p in zip(times, places) if p and p[0] == part]
        if len(inside) * 2 > len(times):
            starts = [t for t, p in zip(times, places) if p and p[0] == part and t - p[1] <= PART_OPENING_S]
            return f"mostly while starting the {part} part" if len(starts) * 2 >= len(inside) else \
                f"mostly in the {part} part"
    middle = doc["timing"]["first_word_s"] + doc["timing"]["duration_s"] / 2
    early = sum(1 for t in times if t < middle)
    return ("mostly in the first half" if early * 3 >= len(times) * 2 else
            "mostly in the second half" if (len(times) - early) * 3 >= len(times) * 2 else "throughout")


def _filler_fix(doc: dict) -> str:
    """The count, the filler said most, and where they cluster: "you said um 9 times, mostly while starting the
    action part"."""
    fillers = doc["fillers"]
    top, count = next(iter(fillers["counts"].items()))
    top, total = as_said(top), fillers["total"]
    times = [hit["start_s"] for hit in fillers["at"]]
    if count == total:
        return f"You said {top} {_times(count)}, {_filler_place(doc, times)}: pause silently instead."
    if count >= 3:
        return (f"You used {total} filler words, {top} {_times(count)}, {_filler_place(doc, times)}: "
                "pause silently instead.")
    examples = _join([as_said(name) for name in list(fillers["counts"])[:3]])
    return f"You used {total} filler words such as {examples}, {_filler_place(doc, times)}: pause silently instead."


def _aim_seconds(doc: dict, question: Question | None) -> int:
    budget = doc["timing"]["budget_s"] or (question.budget_s if question else None) or 120
    return int(round(budget * 0.75 / 10) * 10)


def _timing_fix(kind: str, doc: dict, question: Question | None) -> str | None:
    timing, pace, pauses = doc["timing"], doc["pace"], doc["pauses"]
    if kind == "too-short":
        return (f"Your answer lasted only {timing['duration_s']:.0f} seconds: aim for about "
                f"{_aim_seconds(doc, question)} seconds with a full story.")
    if kind == "over-budget":
        return (f"You spoke for {timing['duration_s']:.0f} seconds against a {timing['budget_s']} second "
                "budget: trim the setup to two sentences.")
    if kind in ("pace-fast", "pace-slow"):
        change = "slow down" if kind == "pace-fast" else "speed up"
        return f"You spoke at {pace['wpm']:.0f} words a minute: {change} to about 140."
    if kind == "long-pauses":
        return (f"You paused {pauses['count']} times, the longest {pauses['longest_s']:.0f} seconds: outline "
                "your points before you start.")
    if kind in ("many-fillers", "some-fillers"):
        return _filler_fix(doc)
    return None


def _content_fix(kind: str, doc: dict, evidence: str) -> str | None:
    missing = doc["key_points"]["missing"]
    if kind == "off-topic" and not missing:
        return "Your answer was not about work: tell me about a program you ran, your role and the result."
    if kind == "off-topic":
        return f"Your answer did not address the question: {_join(missing[:2])}."
    if kind == "missing-key-point":
        return f"Next time, also {_join(missing[:2])}."
    if kind == "vague-no-structure":
        shape = {"star": "situation, task, action and result",
                 "framework": "charter, workstreams, dependencies, milestones, risks and cadence"}
        return f"Give your answer a clear shape: {shape.get(doc['structure']['kind'], _ANY_SHAPE)}."
    if kind == "we-not-i":
        we, i = (re.findall(r"\d+", evidence) + ["0", "0"])[:2]
        i = "not once" if i == "0" else f"only {_times(int(i))}"
        return f"You said we {_times(int(we))} and I {i}: say what you did yourself."
    templates = {
        "no-technical-depth": "You said {}: show you understand the technical tradeoffs yourself.",
        "process-over-outcomes": "You talked about {} but no outcome: lead with what the program delivered.",
        "no-influence": "You said {}: show how you drove the decision yourself.",
        "failure-without-ownership": "You said {}: own your part and say what you changed afterwards.",
    }
    if kind in templates:
        return templates[kind].format(_join(evidence.split(", ")[:3]) if "," in evidence else _speakable(evidence))
    if kind == "star-part-long":
        return _star_long_fix(doc)
    return _FIXED.get(kind)


def _star_long_fix(doc: dict) -> str | None:
    from voice_interviewer.feedback.score import STAR_BUDGET_S

    finding = next((f for f in doc["findings"] if f["kind"] == "star-part-long"), None)
    if finding is None:
        return None
    part = finding["message"].split()[1]
    low, high = STAR_BUDGET_S[part]
    advice = finding["message"].rsplit(": ", 1)[-1]
    return _STAR_LONG.format(part=part, seconds=doc["structure"]["parts"][part]["seconds"], low=low, high=high,
                             advice=advice)


def _ranked_families(doc: dict) -> list[str]:
    """Finding families by their largest deduction, then severity, then total points; redundant ones left out."""
    points: dict[str, int] = {}
    largest: dict[str, int] = {}
    for deduction in doc.get("deductions") or []:
        family = _family(deduction["kind"])
        points[family] = points.get(family, 0) + deduction["points"]
        largest[family] = max(largest.get(family, 0), deduction["points"])
    severity = {_family(f["kind"]): f["severity"] for f in doc["findings"]}
    ranked = sorted(points, key=lambda family: (-largest[family], SEVERITY_RANK[severity.get(family, "info")],
                                                -points[family]))
    if "off-topic" in ranked:
        ranked = [f for f in ranked if f != "missing-key-point"]
    if "off-topic" in ranked or "missing-part" in ranked:
        ranked = [f for f in ranked if f != "vague-no-structure"]
    missing = set(doc["structure"].get("missing") or ())
    for family, parts in _EXPLAINS.items():  # the mistake says why the parts are missing, with the words
        if family in ranked and "missing-part" in ranked and missing and missing <= parts:
            ranked.remove(family)
            ranked.insert(ranked.index("missing-part"), family)
    return ranked


def _fixes(doc: dict, question: Question | None) -> list[str]:
    evidence = {f["kind"]: f.get("evidence") or "" for f in doc["findings"]}
    fixes = []
    for family in _ranked_families(doc):
        if family == "missing-part":
            fix = _missing_parts_fix(doc)
        else:
            fix = _timing_fix(family, doc, question) or _content_fix(family, doc, evidence.get(family, ""))
        if fix:
            fixes.append(fix)
    return fixes[:FIXES_SPOKEN]


def heard_warning(doc: dict) -> list[str]:
    """[HARD_TO_HEAR] when the recogniser was unsure of the answer's words (feedback.hearing) and the feedback says
    something was not said (a part, a key point, a number: what a misheard word can hide), else []. Said after the
    strength and before any fix, wherever the spoken feedback is put together."""
    if (doc.get("hearing") or {}).get("clear") is not False:
        return []
    kinds = [f["kind"] for f in doc.get("findings", ())]
    absent = any(k.startswith(("missing-", "no-", "resume-")) or k == "off-topic" for k in kinds if k != "no-speech")
    return [HARD_TO_HEAR] if absent else []


def strength_and_fix(doc: dict, fix: str) -> str:
    """The spoken feedback when a later step chooses the one fix (the prompted follow-up, the resume check): the
    answer's strength, the hard-to-hear warning when it applies, then that fix, in spoken_summary's order."""
    return " ".join([doc.get("strength", ""), *heard_warning(doc), fix]).strip()


def spoken_summary(doc: dict, question: Question | None = None) -> str:
    """One strength and up to two fixes, at most MAX_WORDS words, for text to speech; when the answer was hard to
    hear (feedback.hearing), a warning before the fixes."""
    if any(f["kind"] == "no-speech" for f in doc["findings"]):
        return NO_SPEECH_FEEDBACK
    parts = [doc.get("strength") or strength_sentence(doc)] + (_fixes(doc, question) or [NOTHING_TO_FIX])
    warning = heard_warning(doc)
    parts[1:1] = warning  # before the fixes, which may rest on misheard words; never cut for length
    keep = 1 + len(warning)
    while len(parts) > keep and len(" ".join(parts).split()) > MAX_WORDS:
        parts.pop()
    return " ".join(parts)
