"""Filler words, told apart from the same words used with meaning.

Rules (each has a test in tests/test_feedback_fillers.py):

- Hesitations um, uh, er, erm, ah, hmm, mm always count; stretched spellings ("umm", "Uhh,", "hmmm") count as the
  short form.
- "actually", "basically", "literally" always count, as light fillers (half weight in the score).
- "so" counts only at the start of a sentence (first word, after . ? ! or a silence >= 0.5 s that does not follow a
  comma, or after hesitations that open the sentence: "Um, so") and not in "so that", "so far", "so many",
  "so much". There it counts when it opens the answer ("So, I started in operations", "Um, so we ...") or is held:
  a silence >= 0.5 s, a hesitation or the end of a sentence after it ("We were late. So, um, we ..."). Later in the
  answer a sentence-initial "So" is the conjunction "therefore" ("We were late. So we cut scope."), with or without
  a comma: Whisper writes a spoken ", so we" as a new sentence and puts a comma after a "So" as often as not.
- "like" is a verb after a modal or "to" ("I'd like to", "would like"): never a filler. Otherwise it counts when it
  starts a clause (first word, after punctuation, a silence, "and", "but", "so") or is followed by a comma or a
  silence ("it took like, three weeks"). It is a verb or a preposition, not a filler, after a subject or auxiliary
  ("I like", "we don't like"), after a comparison word ("looks like", "felt like", "something like that",
  "just like"), after a plural noun ("teams like billing") or before this/that/these/those ("do it like this").
  After a subject pronoun it counts when a verb in the past tense and its object follow ("I like mapped every
  report", "we like built the tool"): the verb "like" takes an object, not a finished action ("I like detailed
  plans": an adjective, then a noun, stays the verb). Anything else ("it took like three weeks") counts.
- "you know" is a verb after an auxiliary or conditional ("do you know", "did you know", "if you know", "as you
  know", "let you know"); otherwise it counts at the start of a clause or when followed by a comma, a full stop or a
  silence, and is a verb elsewhere ("the tools you know best").
- "I mean" counts ("I mean, it slipped", "what I mean is") unless followed directly by "it", "that" or "to", where
  "mean" is the main verb ("I mean that literally", "I mean it"); "I mean it when ...", "I mean that literally" and
  a sentence ending on "I mean it" are the verb even when Whisper writes a comma after "mean".
- "kind of" / "sort of" are the noun "type" after a determiner or question word ("what kind of database", "this
  sort of problem"; "a sort of report" is read this way too: the determiner decides) and a hedge, so a filler,
  anywhere else ("it was kind of late", "we sort of agreed"). A comma or a silence between the determiner and
  "kind" ("alone first, kind of") parts them, and "kind of to ..." is a hedge after any word: the noun takes a
  noun, not a verb.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from voice_interviewer.feedback.timing import Token
from voice_interviewer.wording import PAST_IRREGULAR

__all__ = ["FillerHit", "find_fillers", "filler_indices", "filler_report", "LIGHT_FILLER_WEIGHT"]

CLAUSE_PAUSE_S = 0.5  # a silence this long before a word puts it at the start of a clause
LIGHT_FILLER_WEIGHT = 0.5

_HESITATIONS = (
    (re.compile(r"u+h*m+"), "um"),
    (re.compile(r"u+h+"), "uh"),
    (re.compile(r"e+r+m+"), "erm"),
    (re.compile(r"e+r+"), "er"),
    (re.compile(r"a+h+"), "ah"),
    (re.compile(r"h+m+"), "hmm"),
    (re.compile(r"m{2,}"), "mm"),
)
_LIGHT = frozenset({"actually", "basically", "literally"})
_SO_NOT_FILLER = frozenset({"that", "far", "many", "much"})
_CONJUNCTIONS = frozenset({"and", "but", "so", "or", "because"})
_LIKE_MODAL = frozenset({"would", "wouldn't", "i'd", "we'd", "you'd", "they'd", "he'd", "she'd", "to",
                         "should", "might", "could"})
_LIKE_SUBJECT = frozenset({"i", "we", "you", "they", "people", "everyone", "nobody", "who", "do", "does", "did",
                           "don't", "doesn't", "didn't", "really", "also", "still", "will", "may"})
_LIKE_COMPARE = frozenset({"look", "looks", "looked", "looking", "feel", "feels", "felt", "feeling", "seem",
                           "seems", "seemed", "sound", "sounds", "sounded", "something", "anything", "nothing",
                           "just", "exactly", "more", "much", "not", "less", "very", "quite"})
_NOT_PLURAL = frozenset({"is", "was", "has", "does", "this", "its", "it's", "us", "as", "yes", "always", "thus",
                         "plus", "perhaps", "sometimes", "his", "hers", "ours", "theirs", "whereas", "unless",
                         "across", "let's", "that's", "what's", "there's", "he's", "she's", "who's"})
_DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})
_PRONOUN_SUBJECT = frozenset({"i", "we", "you", "they", "he", "she"})
_YOU_KNOW_VERB = frozenset({"do", "did", "does", "don't", "didn't", "doesn't", "if", "as", "let", "lets",
                            "letting", "would", "could", "will", "might", "may", "to", "whether"})
_I_MEAN_VERB_NEXT = frozenset({"it", "that", "to"})
_MEANT_SERIOUSLY = frozenset({"when", "literally", "seriously", "sincerely", "honestly", "every", "as"})
_DETERMINERS = frozenset({"a", "an", "the", "what", "which", "this", "that", "these", "those", "some", "any",
                          "every", "each", "no", "one", "same", "my", "our", "your", "their", "his", "her", "its",
                          "whatever", "different", "right", "wrong", "other", "another", "new", "first", "certain"})
_OBJECT_START = _DETERMINERS | {"it", "them", "him", "us", "me", "everyone", "everything", "everybody"}


@dataclass(frozen=True, slots=True)
class FillerHit:
    text: str  # as spoken, lower case, stretched hesitations shortened: "um", "you know"
    first: int  # token indices, inclusive
    last: int
    start: float
    light: bool = False


def _hesitation(norm: str) -> str | None:
    for pattern, canonical in _HESITATIONS:
        if pattern.fullmatch(norm):
            return canonical
    return None


def _sentence_start(tokens: Sequence[Token], i: int) -> bool:
    """First word, after . ? ! or a silence, or after hesitations that start the sentence ("Um, so ...")."""
    while i > 0 and not tokens[i - 1].ends_sentence:
        if tokens[i].gap_before >= CLAUSE_PAUSE_S:
            # a silence starts a sentence, unless Whisper heard the sentence go on ("warehouse, um, so analysts")
            return not tokens[i - 1].comma_after
        if not _hesitation(tokens[i - 1].norm):
            return False
        i -= 1
    return True


def _clause_start(tokens: Sequence[Token], i: int) -> bool:
    if _sentence_start(tokens, i):
        return True
    return tokens[i - 1].comma_after or tokens[i - 1].norm in _CONJUNCTIONS


def _break_after(tokens: Sequence[Token], i: int) -> bool:
    """A comma, full stop or silence right after token i, or the end of the answer."""
    token = tokens[i]
    if token.comma_after or token.ends_sentence or i + 1 == len(tokens):
        return True
    return tokens[i + 1].gap_before >= CLAUSE_PAUSE_S


def _norm(tokens: Sequence[Token], i: int) -> str:
    return tokens[i].norm if 0 <= i < len(tokens) else ""


def _plural_noun(word: str) -> bool:
    return (len(word) >= 4 and word.endswith("s") and not word.endswith(("ss", "us", "is"))
            and word not in _NOT_PLURAL)


def _like_is_filler(tokens: Sequence[Token], i: int) -> bool:
    before, after = _norm(tokens, i - 1), _norm(tokens, i + 1)
    if before in _LIKE_MODAL and not _sentence_start(tokens, i):
        return False
    if _clause_start(tokens, i) or _break_after(tokens, i):
        return True
    if before in _PRONOUN_SUBJECT and _past_tense(after) and _norm(tokens, i + 2) in _OBJECT_START:
        return True  # "I like mapped every report": a finished action and its object, not what "I like"
    if before in _LIKE_SUBJECT or before in _LIKE_COMPARE or _plural_noun(before):
        return False
    return after not in _DEMONSTRATIVES


def _past_tense(word: str) -> bool:
    return word in PAST_IRREGULAR or (len(word) >= 5 and word.endswith("ed") and not word.endswith("eed"))


def _you_know_is_filler(tokens: Sequence[Token], i: int) -> bool:
    if i > 0 and tokens[i - 1].norm in _YOU_KNOW_VERB and not _sentence_start(tokens, i):
        return False
    return _clause_start(tokens, i) or _break_after(tokens, i + 1)


def _i_mean_is_filler(tokens: Sequence[Token], i: int) -> bool:
    obj, after = _norm(tokens, i + 2), _norm(tokens, i + 3)
    if obj in ("it", "that") and (after in _MEANT_SERIOUSLY or i + 3 >= len(tokens) or tokens[i + 2].ends_sentence):
        return False  # "I mean it when I say", "I mean that literally": even when Whisper writes "I mean, it"
    return _break_after(tokens, i + 1) or obj not in _I_MEAN_VERB_NEXT


def _so_is_filler(tokens: Sequence[Token], i: int) -> bool:
    if not _sentence_start(tokens, i) or _norm(tokens, i + 1) in _SO_NOT_FILLER:
        return False
    if all(_hesitation(token.norm) for token in tokens[:i]) or tokens[i].ends_sentence or i + 1 == len(tokens):
        return True  # opens the answer, or stands alone
    return tokens[i + 1].gap_before >= CLAUSE_PAUSE_S or bool(_hesitation(tokens[i + 1].norm))


def _hedge_is_filler(tokens: Sequence[Token], i: int) -> bool:
    if _norm(tokens, i + 2) == "to":
        return True  # "kind of to hear the story": the noun takes a noun after "of", never a verb
    return (i == 0 or tokens[i - 1].ends_sentence or tokens[i - 1].comma_after
            or tokens[i].gap_before >= CLAUSE_PAUSE_S or tokens[i - 1].norm not in _DETERMINERS)


_PAIRS = {
    ("you", "know"): _you_know_is_filler,
    ("i", "mean"): _i_mean_is_filler,
    ("kind", "of"): _hedge_is_filler,
    ("sort", "of"): _hedge_is_filler,
}


def _pair_hit(tokens: Sequence[Token], i: int) -> FillerHit | None:
    if i + 1 >= len(tokens) or tokens[i + 1].gap_before >= CLAUSE_PAUSE_S or tokens[i].ends_sentence:
        return None
    pair = (tokens[i].norm, tokens[i + 1].norm)
    rule = _PAIRS.get(pair)
    if rule is None or not rule(tokens, i):
        return None
    return FillerHit(" ".join(pair), i, i + 1, tokens[i].start)


def _single_hit(tokens: Sequence[Token], i: int) -> FillerHit | None:
    token = tokens[i]
    word = token.norm
    hesitation = _hesitation(word)
    if hesitation:
        return FillerHit(hesitation, i, i, token.start)
    if word in _LIGHT:
        return FillerHit(word, i, i, token.start, light=True)
    if word == "so" and _so_is_filler(tokens, i):
        return FillerHit(word, i, i, token.start)
    if word == "like" and _like_is_filler(tokens, i):
        return FillerHit(word, i, i, token.start)
    return None


def find_fillers(tokens: Sequence[Token]) -> list[FillerHit]:
    """Every filler in speaking order; a two-word filler takes both of its words."""
    hits: list[FillerHit] = []
    i = 0
    while i < len(tokens):
        hit = _pair_hit(tokens, i) or _single_hit(tokens, i)
        if hit:
            hits.append(hit)
        i = hit.last + 1 if hit else i + 1
    return hits


def filler_indices(hits: Sequence[FillerHit]) -> frozenset[int]:
    return frozenset(i for hit in hits for i in range(hit.first, hit.last + 1))


def filler_report(hits: Sequence[FillerHit], duration_s: float) -> dict:
    """The schema-1 `fillers` block; `weighted_per_minute` counts light fillers at LIGHT_FILLER_WEIGHT."""
    counts: dict[str, int] = {}
    for hit in hits:
        counts[hit.text] = counts.get(hit.text, 0) + 1
    minutes = duration_s / 60
    weighted = sum(LIGHT_FILLER_WEIGHT if hit.light else 1.0 for hit in hits)
    return {
        "total": len(hits),
        "per_minute": round(len(hits) / minutes, 2) if minutes > 0 else 0.0,
        "weighted_per_minute": round(weighted / minutes, 2) if minutes > 0 else 0.0,
        "counts": dict(sorted(counts.items(), key=lambda item: -item[1])),  # ties in speaking order
        "at": [{"text": hit.text, "start_s": round(hit.start, 2)} for hit in hits],
    }
