"""Words no voiced audio supports, dropped before anyone sees them (live text and the final transcript).

Whisper, tiny.en above all, writes words into silence: "Thank you." or "Thanks for watching!" where a window ends
in the candidate's closing silence, a lone "you", or the same phrase over and over. The evidence at hand is the
voiced islands webrtcvad found in the same audio (hesitation.VoicedSpans) and Whisper's own word probabilities:

- a word whose time, widened by SLACK_S each side, touches no voiced island is dropped (Whisper's word times drift
  by a few hundred milliseconds, never by a whole silence);
- a classic hallucination phrase (PHRASES; the one-word ones only when they make a sentence alone) is dropped
  when under MIN_PHRASE_COVERAGE of its time is voiced, when its mean word probability is under
  MIN_PHRASE_PROBABILITY (or one word's under MIN_WORD_PROBABILITY), when it lasts under MIN_WORD_S a word
  (squeezed into the window's last instant), and when it stands alone as a sentence between two other sentences
  of the answer ("data migration. Thank you. API migration"): a candidate thanks at the start or the end, not
  between two items of a list;
- the window's last sentence, or its closing run of words Whisper squeezed (under MIN_WORD_S / 2 each) or barely
  believed (under UNSURE_WORD_PROBABILITY), is dropped when it has 2 to MAX_TAIL_WORDS words, at least half of them
  squeezed, and a mean probability under MIN_PHRASE_PROBABILITY or under MIN_WORD_S / 2 a word all together;
- a run of MIN_SQUEEZED_RUN or more words in a row Whisper squeezed, anywhere in the window, is dropped but for its
  last word when their mean probability is under UNSURE_WORD_PROBABILITY: "instead I was a part of a flat note"
  with "I was a part" at one instant, probabilities 0.01-0.10, where the voice said "instead of a flat no", keeps
  "part"; three words cannot be said in no time, and Whisper did not believe them either, but the last one is
  often the first word really said, squeezed in with them (`_drop_squeezed_runs`);
- a phrase of one to four words said more than MAX_REPEATS times in a row keeps MAX_REPEATS copies (a loop);
- a window closed at a pause inside the answer does not keep a phrase standing alone as its last sentence
  (`closing_phrase`): the transcriber leaves its audio to the next window, which knows whether the answer goes on
  after it (then it stands between two sentences, dropped above) or ends there (kept when voiced and believed).

Pure functions: words and spans in, words out; speech/transcribe.py calls `drop_unsupported` after every decode.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from voice_interviewer.records import Word

__all__ = ["PHRASES", "closing_phrase", "drop_unsupported", "timeless_sentences", "voiced_share"]

SLACK_S = 0.15
MIN_PHRASE_COVERAGE = 0.5
MIN_PHRASE_PROBABILITY = 0.5
MIN_WORD_PROBABILITY = 0.1
MIN_WORD_S = 0.08
MAX_REPEATS = 2
UNSURE_WORD_PROBABILITY = 0.35
MAX_TAIL_WORDS = 10
MIN_SQUEEZED_RUN = 3
PHRASES = (
    ("thanks", "for", "watching"), ("thank", "you", "for", "watching"), ("thank", "you", "so", "much"),
    ("please", "subscribe"), ("thank", "you"), ("thanks",), ("you",), ("bye",), ("bye", "bye"),
)
_LONGEST_FIRST = sorted(PHRASES, key=len, reverse=True)  # "Bye bye." is one phrase, not "Bye" and "bye."
_SENTENCE_END = re.compile(r"[.!?]$")


def _norm(text: str) -> str:
    return re.sub(r"[^a-z']", "", text.lower())


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def voiced_share(start: float, end: float, spans: Sequence[tuple[float, float]]) -> float:
    """Share of [start, end] inside voiced spans; a zero-length word counts as voiced if a span holds it."""
    if end <= start:
        return 1.0 if any(a <= start <= b for a, b in spans) else 0.0
    return sum(_overlap(start, end, a, b) for a, b in spans) / (end - start)


def _touches_voice(word: Word, spans: Sequence[tuple[float, float]]) -> bool:
    lo, hi = word.start - SLACK_S, word.end + SLACK_S
    return any(b >= lo and a <= hi for a, b in spans)


def _phrase_at(words: Sequence[Word], i: int) -> int:
    """Length of the longest hallucination phrase starting at words[i], 0 if none."""
    for phrase in _LONGEST_FIRST:
        n = len(phrase)
        if i + n <= len(words) and tuple(_norm(w.text) for w in words[i:i + n]) == phrase:
            return n
    return 0


def _standalone(words: Sequence[Word], i: int, n: int) -> bool:
    """words[i:i + n] make a sentence of their own: they end one, and the word before them (if any) ends one."""
    return bool(_SENTENCE_END.search(words[i + n - 1].text) and (i == 0 or _SENTENCE_END.search(words[i - 1].text)))


def _unsupported_phrase(words: Sequence[Word], i: int, n: int, spans: Sequence[tuple[float, float]],
                        first: bool, last: bool) -> bool:
    run = words[i:i + n]
    start, end = run[0].start, run[-1].end
    standalone = _standalone(words, i, n)
    if n == 1 and not standalone:
        return False  # "you", "thanks" inside a sentence are ordinary words
    if voiced_share(start, end, spans) < MIN_PHRASE_COVERAGE:
        return True
    if _mean_probability(run) < MIN_PHRASE_PROBABILITY or min(w.probability for w in run) < MIN_WORD_PROBABILITY:
        return True
    if end - start < MIN_WORD_S * n:
        return True  # squeezed into the last instant of a window: no time to say it
    return standalone and not first and not last


def closing_phrase(words: Sequence[Word]) -> int | None:
    """Where a phrase of PHRASES that stands alone as the last sentence starts, when a sentence comes before it
    ("mitigation. Thank you."); None otherwise."""
    for phrase in _LONGEST_FIRST:
        start = len(words) - len(phrase)
        if start > 0 and _phrase_at(words, start) == len(phrase) and _standalone(words, start, len(phrase)):
            return start
    return None


def _drop_loops(words: list[Word]) -> list[Word]:
    out: list[Word] = []
    for w in words:
        out.append(w)
        for n in range(1, 5):
            block = [_norm(x.text) for x in out[-n:]]
            if len(out) < n * (MAX_REPEATS + 1) or not all(block):
                continue
            if all([_norm(x.text) for x in out[-n * (k + 1):len(out) - n * k]] == block
                   for k in range(1, MAX_REPEATS + 1)):
                del out[-n:]
                break
    return out


def drop_unsupported(words: Sequence[Word], spans: Sequence[tuple[float, float]] | None, *,
                     answer_start: bool = True, answer_end: bool = True) -> list[Word]:
    """The words voiced audio supports. `spans`: voiced islands covering the words' window (None: no evidence,
    only the loop rule applies). `answer_start` / `answer_end`: the window holds the answer's first / last words
    (a phrase standing alone there may be a real "thank you")."""
    words = list(words)
    if spans is not None and words:
        kept: list[Word] = []
        i = 0
        while i < len(words):
            n = _phrase_at(words, i)
            if n and _unsupported_phrase(words, i, n, spans, answer_start and i == 0,
                                         answer_end and i + n == len(words)):
                i += n
                continue
            if _touches_voice(words[i], spans):
                kept.append(words[i])
            i += 1
        words = kept
    return _drop_loops(_drop_squeezed_runs(_drop_squeezed_tail(words)))


def _mean_probability(words: Sequence[Word]) -> float:
    return sum(w.probability for w in words) / len(words)


def _squeezed(word: Word) -> bool:
    """Whisper gave the word almost no time: it did not hear it in the audio."""
    return word.end - word.start < MIN_WORD_S / 2


def timeless_sentences(words: Sequence[Word]) -> set[int]:
    """Indices of the words of sentences Whisper gave no time: at least half their words squeezed."""
    out: set[int] = set()
    sentence: list[int] = []
    for k, word in enumerate(words):
        sentence.append(k)
        if _SENTENCE_END.search(word.text.rstrip('"\'')) or k == len(words) - 1:
            if 2 * sum(_squeezed(words[i]) for i in sentence) >= len(sentence):
                out.update(sentence)
            sentence = []
    return out


def _drop_squeezed_runs(words: list[Word]) -> list[Word]:
    """The words but runs of MIN_SQUEEZED_RUN or more squeezed words whose mean probability is under
    UNSURE_WORD_PROBABILITY, each but its last word: words no audio had time for, which Whisper's language model
    wrote and barely believed (under reverb, in noise and through a headset, where it hears no words, tiny.en
    writes runs such as "I was a part" at one instant). The last word stays: Whisper's aligner gives the run's time
    to the next word it heard, and squeezes in the first real word with the made-up ones ("mean, I was kind" before
    "of", "do the first two" before "engineers": "kind" and "two" were said). A real word Whisper squeezes otherwise
    has neighbours it gave time to, or it believes it."""
    kept: list[Word] = []
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and _squeezed(words[j]):
            j += 1
        run = words[i:j]
        if len(run) >= MIN_SQUEEZED_RUN and _mean_probability(run) < UNSURE_WORD_PROBABILITY:
            run = run[-1:]
        kept += run
        if j < len(words):
            kept.append(words[j])
        i = j + 1
    return kept


def _drop_squeezed_tail(words: list[Word]) -> list[Word]:
    """The window's last sentence (or its closing run of unsure words) when Whisper gave at least half of its words
    almost no time and little belief: "fine. And then we'll see you next time." at 8.5-8.72 s, probabilities
    0.002-0.3; "later. Here we go." with "Here" and "we" at one instant; or all of it together less time than half
    a word each, however sure: "early. We'll see you later." in 0.04 s. A closing phrase made up in the final
    instant; unsure words with real durations are kept (tiny.en is unsure of real words in noise)."""
    k = len(words)
    while k > 0 and (_squeezed(words[k - 1]) or words[k - 1].probability < UNSURE_WORD_PROBABILITY):
        k -= 1
    sentence = len(words) - 1
    while sentence > 0 and not _SENTENCE_END.search(words[sentence - 1].text):
        sentence -= 1
    for start in sorted({k, sentence} - {len(words)}):
        tail = words[start:]
        squeezed = sum(map(_squeezed, tail))
        if not (2 <= len(tail) <= MAX_TAIL_WORDS and squeezed * 2 >= len(tail)):
            continue
        unsure = _mean_probability(tail) < MIN_PHRASE_PROBABILITY
        if unsure or tail[-1].end - tail[0].start < MIN_WORD_S / 2 * len(tail):  # or no time to say any of it
            return words[:start]
    return words
