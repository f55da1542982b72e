"""Feedback on one answer: pure analyzers from timestamped words to the schema-1 score document.

`analyze` runs every analyzer (timing, pace, pauses, fillers, structure, key points, the guide's mistakes) and
scores the answer; `choose_follow_up` picks what to ask next; `spoken_summary` is what the interviewer says.
No function here reads files, prints or keeps state between calls.

Added to the schema-1 document (docs/json.md: fields are only ever added): pauses.list, fillers.at,
fillers.weighted_per_minute, structure.parts.*.quote, structure.order, key_points.at, outcomes, findings[].at_s,
findings[].evidence, deductions, score_unclamped, strength, dimensions (feedback.dimensions: the guide's five
dimensions the question tests, each with a rating and its evidence) and hearing (feedback.hearing: how sure the
recogniser was of the words, and whether the answer was heard clearly enough to trust what is reported missing).
"""

from __future__ import annotations

from voice_interviewer.content.personas import Question
from voice_interviewer.feedback.dimensions import assess_dimensions, no_speech_dimensions
from voice_interviewer.feedback.fillers import filler_indices, filler_report, find_fillers
from voice_interviewer.feedback.hearing import hearing, quote_doubted, unsure
from voice_interviewer.feedback.keypoints import PhraseIndex, key_points, work_terms
from voice_interviewer.feedback.mistakes import guide_mistakes
from voice_interviewer.feedback.score import (
    SEVERITY_RANK,
    Finding,
    delivery_findings,
    hearing_findings,
    key_point_findings,
    no_speech,
    off_topic,
    structure_findings,
    total,
)
from voice_interviewer.feedback.structure import MEASURED_OUTCOME, analyze_structure, empty_structure, infer_kind
from voice_interviewer.feedback.summary import NO_SPEECH_FEEDBACK, spoken_summary, strength_sentence
from voice_interviewer.feedback.timing import Token, pace, pauses, split_sentences, timing, tokenize
from voice_interviewer.records import Transcript, join_words

__all__ = ["analyze", "choose_follow_up", "spoken_summary"]

SCHEMA = 1
_ASK_ORDER = {
    "star": ("result", "action", "task", "situation"),
    "framework": ("charter", "risks", "dependencies", "workstreams", "milestones", "cadence"),
}


def _transcript_text(transcript: Transcript) -> str:
    return join_words(w.text.strip() for w in transcript.words if w.text.strip())


def _head(transcript: Transcript, question: Question | None, audio_name: str) -> dict:
    return {"schema": SCHEMA, "audio": audio_name, "question_id": question.id if question else None,
            "transcript": _transcript_text(transcript)}


def _words(tokens: tuple[Token, ...], fillers: frozenset[int]) -> list[dict]:
    return [{"text": t.text, "start": round(t.start, 2), "end": round(t.end, 2), "filler": t.index in fillers,
             "unsure": t.index not in fillers and unsure(t)} for t in tokens]


def _outcomes(index: PhraseIndex) -> list[dict]:
    """Measured outcomes said anywhere in the answer, as spoken, with when."""
    return [{"text": index.quote(m, after=0), "start_s": round(m.start_s, 2)}
            for m in index.find_all(MEASURED_OUTCOME)]


def _no_speech_doc(transcript: Transcript, question: Question | None, audio_name: str) -> dict:
    finding = no_speech()
    score, unclamped, deductions = total([finding])
    labels = [point.label for point in question.key_points] if question else []
    return {
        **_head(transcript, question, audio_name),
        "words": [],
        "timing": timing((), question.budget_s if question else None),
        "pace": pace(0, 0.0),
        "pauses": pauses(()),
        "fillers": filler_report([], 0.0),
        "hearing": hearing(()),
        "structure": empty_structure(question.structure_kind if question else "none").as_doc(),
        "key_points": {"covered": [], "missing": labels, "at": []},
        "outcomes": [],
        "findings": [finding.as_doc()],
        "score": score,
        "score_unclamped": unclamped,
        "deductions": deductions,
        "strength": strength_sentence({"words": []}),
        "spoken_feedback": NO_SPEECH_FEEDBACK,
        "dimensions": no_speech_dimensions(question),
    }


def _measure(tokens: tuple[Token, ...], question: Question | None, voiced=None) -> dict:
    """Everything measured about the answer, before any judgement."""
    hits = find_fillers(tokens)
    skip = filler_indices(hits)
    sentences = split_sentences(tokens, skip)
    timed = timing(tokens, question.budget_s if question else None, voiced)
    if question:
        kind, parts_present = question.structure_kind, None
    else:
        kind, parts_present = infer_kind(sentences, tokens)
    structure = analyze_structure(kind, sentences, tokens)
    index = PhraseIndex(tokens, skip)
    said = sum(len(t.text.split("-")) for t in tokens if t.index not in skip)  # "one-on-one" is three words said
    return {
        "skip": skip, "index": index, "sentences": sentences, "tokens": tokens, "said": said, "kind": kind, "structure": structure,
        "parts_present": len(structure.order) if parts_present is None or kind != "none" else parts_present,
        "timing": timed, "pace": pace(said, timed["duration_s"]), "pauses": pauses(tokens, voiced),
        "fillers": filler_report(hits, timed["duration_s"]),
        "hearing": hearing(tokens, skip),
        "key_points": key_points(index, question.key_points if question else ()),
    }


def _judge(m: dict, question: Question | None) -> list[Finding]:
    findings = (
        structure_findings(m["structure"])
        + key_point_findings(m["key_points"])
        + delivery_findings(m["timing"], m["pace"], m["pauses"], m["fillers"])
        + off_topic(m["key_points"], m["parts_present"], m["said"], work_terms(m["index"]))
        + guide_mistakes(m["index"], m["kind"], question, parts_present=m["parts_present"], word_count=m["said"],
                         judge_structure=m["kind"] != "none" or question is None)
        + hearing_findings(m["hearing"])
    )
    return sorted(findings, key=lambda f: (SEVERITY_RANK[f.severity], -f.points))


def _plan_reading(m: dict, question: Question | None):
    """A question rated on program structuring that expects no set structure is still read as a plan."""
    if question is None or "program-structuring" not in question.dimensions or m["kind"] != "none":
        return None
    return analyze_structure("framework", m["sentences"], m["tokens"])


def analyze(transcript: Transcript, question: Question | None = None, *, audio_name: str = "") -> dict:
    """The schema-1 score document for one answer (docs/json.md, `score --json`)."""
    tokens = tokenize(transcript.words)
    if not tokens:
        return _no_speech_doc(transcript, question, audio_name)
    m = _measure(tokens, question, transcript.extra.get("voiced"))
    findings = _judge(m, question)
    score, unclamped, deductions = total(findings)
    doc = {
        **_head(transcript, question, audio_name),
        "words": _words(tokens, m["skip"]),
        "timing": m["timing"],
        "pace": m["pace"],
        "pauses": m["pauses"],
        "fillers": m["fillers"],
        "hearing": m["hearing"],
        "structure": m["structure"].as_doc(),
        "key_points": m["key_points"],
        "outcomes": _outcomes(m["index"]),
        "findings": [f.as_doc() for f in findings],
        "score": score,
        "score_unclamped": unclamped,
        "deductions": deductions,
        "dimensions": assess_dimensions(m["index"], m["structure"], m["key_points"], findings, question,
                                        plan=_plan_reading(m, question)),
    }
    for found in doc["dimensions"].values():
        for item in found.get("evidence", ()):
            item["doubted"] = bool(item["quote"]) and quote_doubted(doc["words"], item["quote"], item["at_s"])
    doc["strength"] = strength_sentence(doc)
    doc["spoken_feedback"] = spoken_summary(doc, question)
    return doc


def choose_follow_up(doc: dict, question: Question) -> tuple[str, str] | None:
    """(follow_ups key, text) for the most important missing thing the question has a follow-up for.

    Missing structure parts come first (STAR: result, action, task, situation; framework: charter, risks,
    dependencies, workstreams, milestones, cadence), then missing key points in question order. None when the
    answer had no words (ask again instead) or nothing missing has a follow-up.
    """
    if not doc.get("words"):
        return None
    structure = doc.get("structure", {})
    missing_parts = set(structure.get("missing", ()))
    for part in _ASK_ORDER.get(structure.get("kind"), ()):
        if part in missing_parts and part in question.follow_ups:
            return part, question.follow_ups[part]
    missing_labels = set(doc.get("key_points", {}).get("missing", ()))
    for point in question.key_points:
        if point.label in missing_labels and point.id in question.follow_ups:
            return point.id, question.follow_ups[point.id]
    return None
