"""Timed words: normalise Whisper words, split them into sentences, and measure timing, pace and pauses.

Whisper words arrive as "  So," or "Um..." with times in seconds from the start of the answer audio. Everything
downstream works on `Token`s: the word without its surrounding whitespace and punctuation, a lower-case form for
matching, and the punctuation and silence around it (both mark sentence and clause boundaries).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from voice_interviewer.records import Word
from voice_interviewer.wording import leads_on

__all__ = [
    "PACE_BAND_WPM",
    "PAUSE_THRESHOLD_S",
    "SENTENCE_PAUSE_S",
    "Token",
    "Sentence",
    "match_form",
    "tokenize",
    "split_sentences",
    "quote_end",
    "speech_span",
    "timing",
    "pace",
    "pauses",
]

PACE_BAND_WPM = (120, 160)
PAUSE_THRESHOLD_S = 1.5
SENTENCE_PAUSE_S = 0.7  # a silence this long ends a sentence even when Whisper wrote no full stop
MIN_PACE_DURATION_S = 10.0  # under this the rate is too noisy to call slow or fast
LONG_SENTENCE_WORDS = 30  # run-on sentences this long are also split at commas
VOICED_SLACK_S = 0.5  # voiced islands this far outside the first and last word still belong to the speech

_LEAD = "\"'“”‘’([{*-–—…"
_TRAIL = ".,!?;:\"'“”‘’)]}*-–—…"
_CONTINUES = frozenset("-,.%'")  # as records.join_words: a Whisper piece starting so continues the word before
_SENTENCE_END = re.compile(r"[.?!…]+[\"'”’)\]]*$")
_CLAUSE_END = re.compile(r"[,;:\-–—]+[\"'”’)\]]*$")


@dataclass(frozen=True, slots=True)
class Token:
    """One spoken word: `text` as displayed, `norm` lower case for matching, and what surrounds it."""

    index: int
    text: str
    norm: str
    start: float
    end: float
    gap_before: float  # silence since the previous word ended; 0 for the first word
    ends_sentence: bool  # Whisper wrote . ? ! after it
    comma_after: bool  # Whisper wrote , ; : or a dash after it
    probability: float = 1.0  # how sure the recogniser was of the word (the least sure of its pieces)


@dataclass(frozen=True, slots=True)
class Sentence:
    first: int  # token indices, inclusive
    last: int
    start: float
    end: float
    text: str  # match form of its non-filler words


def match_form(norm: str) -> str:
    """The form phrases are searched in: hyphens and slashes become spaces, other symbols go (except ' % $ .5)."""
    text = re.sub(r"[-/–—]", " ", norm)
    text = re.sub(r"[^a-z0-9'%$. ]", "", text)
    text = re.sub(r"\.(?!\d)", "", text)
    return " ".join(text.split())


def _clean(raw: str) -> str:
    return raw.strip().replace("’", "'").replace("‘", "'").strip(_LEAD).rstrip(_TRAIL).lstrip(_LEAD)


def tokenize(words: Iterable[Word]) -> tuple[Token, ...]:
    """Words with text become tokens; a punctuation-only word only marks the boundary after the previous token."""
    tokens: list[Token] = []
    for word in words:
        raw = word.text.strip()
        text = _clean(raw)
        ends = bool(_SENTENCE_END.search(raw))
        comma = bool(_CLAUSE_END.search(raw))
        if not any(ch.isalnum() for ch in text):
            if tokens and (ends or comma):
                last = tokens[-1]
                tokens[-1] = Token(last.index, last.text, last.norm, last.start, last.end, last.gap_before,
                                   last.ends_sentence or ends, last.comma_after or comma, last.probability)
            continue
        if tokens and raw[:1] in _CONTINUES and word.text[:1] != " ":
            # a piece of the word before ("read" "-um" "-out", "$40" ",000"): one word, never a filler on its own
            last = tokens[-1]
            text = last.text + _clean(raw) if raw[:1] != "-" else f"{last.text}-{_clean(raw)}"
            tokens[-1] = Token(last.index, text, text.lower(), last.start, max(last.end, float(word.end)),
                               last.gap_before, ends, comma, min(last.probability, float(word.probability)))
            continue
        start = max(0.0, float(word.start))
        end = max(start, float(word.end))
        gap = max(0.0, start - tokens[-1].end) if tokens else 0.0
        tokens.append(Token(len(tokens), text, text.lower(), start, end, gap, ends, comma, float(word.probability)))
    return tuple(tokens)


def _boundaries(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    first = 0
    for i, token in enumerate(tokens):
        next_gap = tokens[i + 1].gap_before if i + 1 < len(tokens) else 0.0
        if i + 1 == len(tokens) or token.ends_sentence or next_gap >= SENTENCE_PAUSE_S:
            spans.append((first, i))
            first = i + 1
    return spans


def _split_long(tokens: Sequence[Token], first: int, last: int) -> list[tuple[int, int]]:
    if last - first + 1 <= LONG_SENTENCE_WORDS:
        return [(first, last)]
    spans, begin = [], first
    for i in range(first, last):
        if tokens[i].comma_after and i - begin >= 3:
            spans.append((begin, i))
            begin = i + 1
    spans.append((begin, last))
    return spans


def split_sentences(tokens: Sequence[Token], skip: Collection[int] = ()) -> tuple[Sentence, ...]:
    """Sentences end at . ? ! or a silence >= SENTENCE_PAUSE_S; run-ons are also cut at commas.

    `skip` holds indices of filler tokens, left out of each sentence's text so "I, um, set up" reads "i set up".
    """
    sentences = []
    for first, last in _boundaries(tokens):
        for a, b in _split_long(tokens, first, last):
            text = " ".join(match_form(t.norm) for t in tokens[a:b + 1] if t.index not in skip)
            sentences.append(Sentence(a, b, tokens[a].start, tokens[b].end, " ".join(text.split())))
    return tuple(sentences)


def quote_end(tokens: Sequence[Token], floor: int, last: int) -> int:
    """The last word of a quote cut short at `last`: words that lead into the next one ("I asked the teams what they
    would") are backed off, down to `floor`; a word followed by a comma or a full stop ends the quote as said."""
    if tokens[last].ends_sentence or tokens[last].comma_after:
        return last
    while last > floor and leads_on(tokens[last].norm):
        last -= 1
    return last


def speech_span(tokens: Sequence[Token], voiced: Sequence[tuple[float, float]] | None) -> tuple[float, float]:
    """(start, end) of the speech: from the voiced islands the VAD found around the words when there are any
    (Whisper's first and last word times drift by a few hundred ms into the silence around them), else the words.
    """
    if not tokens:
        return 0.0, 0.0
    first, last = tokens[0].start, tokens[-1].end
    near = [(a, b) for a, b in voiced or () if b > first - VOICED_SLACK_S and a < last + VOICED_SLACK_S]
    if not near:
        return first, last
    return max(near[0][0], first - VOICED_SLACK_S), min(near[-1][1], last + VOICED_SLACK_S)


def timing(tokens: Sequence[Token], budget_s: float | None,
           voiced: Sequence[tuple[float, float]] | None = None) -> dict:
    start, end = speech_span(tokens, voiced)
    duration = end - start
    return {
        "duration_s": round(duration, 2),
        "first_word_s": round(start, 2),
        "budget_s": budget_s,
        "over_budget": budget_s is not None and duration > budget_s,
    }


def pace(word_count: int, duration_s: float) -> dict:
    """`word_count` counts words that are not fillers."""
    wpm = word_count / (duration_s / 60) if duration_s > 0 else 0.0
    low, high = PACE_BAND_WPM
    if duration_s < MIN_PACE_DURATION_S:
        verdict = "n/a"
    else:
        verdict = "slow" if wpm < low else "fast" if wpm > high else "ok"
    return {"wpm": round(wpm, 2), "band": [low, high], "verdict": verdict}


def _silences(tokens: Sequence[Token], voiced: Sequence[tuple[float, float]] | None) -> list[tuple[float, float]]:
    """(start, seconds) of every silence inside the answer: between voiced islands, else between words."""
    start, end = speech_span(tokens, voiced)
    spans = [(a, b) for a, b in voiced or () if b > start and a < end]
    if len(spans) >= 2 or (spans and len(tokens) < 2):
        return [(a[1], b[0] - a[1]) for a, b in zip(spans, spans[1:])]
    return [(tokens[i - 1].end, t.gap_before) for i, t in enumerate(tokens) if i]


def pauses(tokens: Sequence[Token], voiced: Sequence[tuple[float, float]] | None = None) -> dict:
    found = [{"start_s": round(at, 2), "seconds": round(seconds, 2)}
             for at, seconds in _silences(tokens, voiced) if seconds >= PAUSE_THRESHOLD_S]
    return {
        "count": len(found),
        "longest_s": max((p["seconds"] for p in found), default=0.0),
        "threshold_s": PAUSE_THRESHOLD_S,
        "list": found,
    }
