"""How well the answer was heard: the recogniser's own belief in the words the feedback rests on.

Every finding is read off the transcript, so a transcript full of misheard words makes confident, wrong feedback
("No charter" for a charter said into a noisy room). Whisper gives each word a probability; over an answer, their
mean tells a badly heard answer from a clear one far better than any single word does. On the evaluation set
(benchmarks/README.md, "How well was it heard?") an answer whose words average under MIN_MEAN_PROBABILITY had a
word error rate over 0.2 nine times in ten, and the line was the same whichever voice was left out when choosing it.

Fillers are left out (the filler pass writes the hesitations it hears at 0.5, and Whisper is often unsure of a
prompted "um"), and an answer of under MIN_WORDS words is not judged: a few words say too little. A transcript with
no probabilities (typed text, a remote server's words) counts as heard as written.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from voice_interviewer.feedback.timing import Token

__all__ = ["MIN_MEAN_PROBABILITY", "UNSURE_WORD_PROBABILITY", "hearing", "quote_doubted", "unsure"]

MIN_MEAN_PROBABILITY = 0.81
UNSURE_WORD_PROBABILITY = 0.5  # a word under this is one the recogniser was unsure of
MIN_WORDS = 10


def unsure(token: Token) -> bool:
    """The recogniser doubted this word: the report marks it, so the candidate knows where to check."""
    return token.probability < UNSURE_WORD_PROBABILITY


def hearing(tokens: Sequence[Token], skip: Collection[int] = ()) -> dict:
    """{"words", "mean_probability", "unsure_share", "clear"}: clear is None when too few words to judge."""
    said = [t.probability for t in tokens if t.index not in skip]
    if not said:
        return {"words": 0, "mean_probability": None, "unsure_share": None, "clear": None}
    mean = sum(said) / len(said)
    share = sum(p < UNSURE_WORD_PROBABILITY for p in said) / len(said)
    clear = None if len(said) < MIN_WORDS else mean >= MIN_MEAN_PROBABILITY
    return {"words": len(said), "mean_probability": round(mean, 3), "unsure_share": round(share, 3),
            "clear": clear}


def quote_doubted(words: Sequence[dict], quote: str, at_s: float | None = None) -> bool:
    """Whether the quoted words (as the score document's words[] spell them) hold a word the recogniser doubted:
    such a quote is three times as likely to hold a misheard word (benchmarks/README.md), so the feedback does not
    say it back when it has another. The occurrence at `at_s` when given, else the first; False when not found."""
    wanted = quote.split()  # quotes are joined from the same tokens as words[], so their words match as written
    texts = [w["text"] for w in words]
    starts = [i for i in range(len(texts) - len(wanted) + 1) if texts[i:i + len(wanted)] == wanted]
    if not wanted or not starts:
        return False
    if at_s is not None:
        starts.sort(key=lambda i: abs(words[i]["start"] - at_s))
    return any(w.get("unsure") for w in words[starts[0]:starts[0] + len(wanted)])
