"""Words and numbers as people say and read them, shared by every layer: the m:ss clock, number words, function
words, the singular of a plural, a counted filler as written in a sentence, and the words a quote cut short must
not end on.

Pure tables and functions only; the rules that use them (key points, job terms, stories, resume bullets) stay with
their users.
"""

from __future__ import annotations

import re

__all__ = ["clock", "ONES", "TENS", "SCALES", "ONES_VALUE", "TENS_VALUE", "number_words", "FUNCTION_WORDS",
           "PAST_IRREGULAR", "singular", "as_said", "leads_on"]


def clock(seconds: float) -> str:
    """Seconds as a clock reads them, whole seconds cut off: 95.7 -> "1:35" (a negative time reads 0:00)."""
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
ONES_VALUE = {word: value for value, word in enumerate(ONES)}
TENS_VALUE = {word: 10 * value for value, word in enumerate(TENS) if word}


def number_words(n: int) -> str:
    """12 -> "twelve", 200000 -> "two hundred thousand" (n >= 0)."""
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    for name, size in reversed(SCALES.items()):
        if n >= size:
            rest = n % size
            return f"{number_words(n // size)} {name}" + (f" {number_words(rest)}" if rest else "")
    raise ValueError(n)


# Function words: never a topic or a term on their own (job terms, story themes, resume subjects add their own).
FUNCTION_WORDS = frozenset("""a about above across after again against all almost also although am an and any are
around as at be because been before being below between both but by can could did do does doing down during each
either else etc even ever every few for from further had has have having he her here hers him his how i if in into
is it its itself just least less let like may me might more most much must my near need no nor not now of off often
on once one only onto or other our ours out over own per rather same shall she should since so some such than that
the their theirs them then there these they this those through thus to too toward under until up upon us very via
was we were what when where whether which while who whom whose why will with within without would yes yet you your
yours e.g i.e i'd i'm i've i'll we'd we're we've it's that's don't didn't""".split())

# The irregular past tenses a candidate tells a story with ("I led", "we built"): a deed, next to the "-ed" ones.
PAST_IRREGULAR = frozenset("""met set brought wrote ran built made took got drove led sent held began chose spoke put
sat found gave told went kept sought did laid drew cut spent won split broke bought caught taught""".split())


def singular(word: str) -> str:
    """A lower-case plural's singular by spelling alone: "dependencies" -> "dependency", "teams" -> "team";
    "process" and short words stay as they are."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def as_said(filler: str) -> str:
    """A filler's counted (lower-case) form as written in a sentence: "i mean" is "I mean"."""
    return re.sub(r"\bi\b", "I", filler)


# Words a phrase cut short cannot end on: articles, conjunctions, prepositions, auxiliaries, subjects, question
# words and hesitations ("I asked the teams what they would" reads as a slip; "I asked the teams" does not).
_LEADS_ON = frozenset("""a an the and or but so because while if than that which who whom whose what how when where
why of to for with in on at by from into onto about as under between through across without within during against
toward towards via per until like is are was were be been am would will could should can did do does has have had i
we they he she you it my our their his her your its this these those then um uh er erm hmm sort kind""".split())
# a number cut off before its unit ("from two weeks to two"); not "one", which is as often a pronoun ("each one")
_BARE_NUMBER = re.compile(rf"[\d.,]+|{'|'.join(ONES[2:] + TENS[2:])}")


def leads_on(word: str) -> bool:
    """True for a lower-case word that leads into the next one, so a quote cut short should not end on it."""
    return word in _LEADS_ON or _BARE_NUMBER.fullmatch(word) is not None
