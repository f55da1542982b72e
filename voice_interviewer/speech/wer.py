"""Word error rate for measuring transcripts against what was said (tests and benchmarks)."""

from __future__ import annotations

import re

from voice_interviewer.wording import number_words

__all__ = ["normalise_words", "word_error_rate"]


def normalise_words(text: str) -> list[str]:
    text = text.lower().replace("%", " percent").replace("-", " ")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = re.sub(r"\$(\d+)", r"\1 dollars", text)
    text = re.sub(r"\d+", lambda m: f" {number_words(int(m.group()))} " if len(m.group()) < 10 else m.group(), text)
    return re.sub(r"[^a-z' ]+", " ", text).split()


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level edit distance over the reference length, after normalising case, punctuation and numbers."""
    norm = normalise_words

    ref, hyp = norm(reference), norm(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[len(hyp)] / max(1, len(ref))
