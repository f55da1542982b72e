"""Turn-taking: is the answer over at this pause? Judged from the live transcript, with the feedback's own analyzers.

The endpointer waits SHORT (speech.endpointing: EndpointOptions.short_end_silence_s, 1.2 s) when this says the answer
is complete, and its long wait (end_silence_s, 4 s) otherwise. Complete means all of:

- the last word ends a sentence (Whisper wrote . ? or !) and is not a conjunction or a hesitation ("and", "so",
  "because", "um": the candidate is thinking of what comes next);
- the answer is complete for its kind: a STAR story whose last sentence belongs to the result (structure.py's own
  labelling) and says an outcome, a program plan with most of its parts that ends on its cadence or its risks, or
  any answer whose last sentence is a closing line ("so that's how we ...", "in the end ...", "looking back ..."). An
  answer with no expected structure
  (a screen question) takes its kind from the words, as the feedback does; with none, it is complete at a full stop
  once half its time budget is spoken.

Anything else (mid-story, a plan still being laid out, a trailing "and") keeps the long wait: a cut-off costs the
candidate far more than two more seconds of silence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from voice_interviewer.feedback.fillers import filler_indices, find_fillers
from voice_interviewer.feedback.structure import OUTCOME, analyze_structure, infer_kind
from voice_interviewer.feedback.timing import Sentence, split_sentences, tokenize
from voice_interviewer.records import Word

__all__ = ["Turn", "judge_turn", "TRAILING_WORDS", "CLOSING_LINE"]

# A pause after these is a thinking pause: the sentence goes on.
TRAILING_WORDS = frozenset({
    "and", "so", "because", "but", "or", "then", "also", "plus", "like", "which", "where", "while", "if", "since",
    "although", "though", "whereas", "the", "a", "an", "um", "uh", "er", "erm", "ah", "hmm", "mm",
})
# The last sentence wraps the answer up.
CLOSING_LINE = re.compile(
    r"^(?:and |so |um |uh )*(?:(?:that s|that is|thats|this is) (?:how|why|what|the story|my story|the result|"
    r"the outcome)|in the end|ultimately|in summary|to sum up|to summarize|overall|looking back)\b"
    r"|\b(?:the lesson|the key lesson|what i learned|i learned|i took away|the takeaway|my takeaway)\b")
_MIN_SCREEN_SENTENCES = 2
_MIN_PLAN_PARTS = 4  # a plan is laid out once most of the guide's six parts are said
_MIN_BUDGET_SHARE = 0.5  # an answer with no structure to finish is complete at a full stop past half its budget


@dataclass(frozen=True)
class Turn:
    complete: bool
    reason: str   # why: trailing-word | open-sentence | closing-line | result | cadence | risks | mid-story | ...


def judge_turn(words: Sequence[Word], kind: str, budget_s: float | None = None) -> Turn:
    """Whether the answer heard so far (words up to this pause) is over; kind: star | framework | none (then the
    kind is inferred from the words, as the feedback does for an answer without its question)."""
    tokens = tokenize(words)
    if not tokens:
        return Turn(False, "no-words")
    last = tokens[-1]
    if last.norm.strip("'") in TRAILING_WORDS or re.fullmatch(r"u+h*m*|h+m+|e+r+m*|a+h+|m{2,}", last.norm):
        return Turn(False, "trailing-word")
    if not last.ends_sentence:
        return Turn(False, "open-sentence")
    skip = filler_indices(find_fillers(tokens))
    sentences = split_sentences(tokens, skip)
    if not sentences:
        return Turn(False, "no-words")
    final = _last_said_sentence(sentences, tokens)
    if CLOSING_LINE.search(final.text.replace("'", " ")):
        return Turn(True, "closing-line")
    if kind not in ("star", "framework"):
        kind = infer_kind(sentences, tokens)[0]
    if kind == "star":
        return _story_over(sentences, tokens, final)
    if kind == "framework":
        return _plan_over(sentences, tokens, final)
    spoken_s = last.end - tokens[0].start
    if len(sentences) >= _MIN_SCREEN_SENTENCES and budget_s and spoken_s >= _MIN_BUDGET_SHARE * budget_s:
        return Turn(True, "sentence-end")
    return Turn(False, "too-short")


def _last_said_sentence(sentences: Sequence[Sentence], tokens) -> Sentence:
    """The last sentence as spoken: split_sentences also cuts run-ons at commas; those pieces are joined again."""
    first = len(sentences) - 1
    while first > 0 and not tokens[sentences[first - 1].last].ends_sentence:
        first -= 1
    pieces = sentences[first:]
    return Sentence(pieces[0].first, pieces[-1].last, pieces[0].start, pieces[-1].end,
                    " ".join(p.text for p in pieces))


def _story_over(sentences, tokens, final: Sentence) -> Turn:
    """The last sentence is the story's result (after its action) and says an outcome: shipped, 30%, two weeks.
    A number counts alone because tiny.en often garbles the verb around it ("support ticket slop at high 40%")."""
    structure = analyze_structure("star", sentences, tokens)
    result, action = structure.parts["result"], structure.parts["action"]
    said_outcome = OUTCOME.search(final.text)  # an outcome verb or phrase, or a number with its unit (40%)
    in_result = sentences[-1].text in structure.texts.get("result", "")
    if result["present"] and action["present"] and action["start_s"] < result["start_s"] and in_result and \
            said_outcome:
        return Turn(True, "result")
    return Turn(False, "mid-story")


def _plan_over(sentences, tokens, final: Sentence) -> Turn:
    """The plan has reached its cadence or its risks, and the last sentence is about one of them."""
    structure = analyze_structure("framework", sentences, tokens)
    whole = analyze_structure("framework", [final], tokens)
    if len(structure.order) < _MIN_PLAN_PARTS:
        return Turn(False, "plan-open")
    for part in ("cadence", "risks"):
        if structure.parts[part]["present"] and whole.parts[part]["present"]:
            return Turn(True, part)
    return Turn(False, "plan-open")
