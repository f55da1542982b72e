"""Phrase search over the answer, and key point coverage.

A key point is covered when any of its synonyms appears in the answer as whole words, in lower case, allowing
simple inflections of each word (and, failing that, the same word stems in order with at most one other word
between two of them: "mitigating the risks" for "risk mitigation" does not match, "mitigated risks" for
"mitigate risk" and "cut the scope" for "cut scope" do): plural -s/-es/-ies, -ed/-d/-ied, -ing (with a dropped e or
a doubled final consonant; of seven letters or more also with the g Whisper drops in fast speech, "burnin' out"),
and the singular of a plural synonym; "percent" also matches a number written with "%" ("cut cost by 60%") and
"per cent". Hyphens and slashes count as spaces on both sides, so the synonym "go/no-go" matches "go no go".
Fillers are left out of the searched text, so "escalate, um, with data" matches.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from voice_interviewer.content.personas import KeyPoint
from voice_interviewer.feedback.timing import Token, match_form, quote_end

__all__ = ["Match", "PhraseIndex", "stem", "inflections", "phrase_pattern", "key_points", "work_terms"]

_DOUBLING = re.compile(r"(?:^|[^aeiou])[aeiou][bdgmnprt]$")
_LEFT = r"(?<![a-z0-9'$])"
_RIGHT = r"(?![a-z0-9'])"
# Words any TPM answer uses; an answer to no known question that says almost none of them is off topic.
_WORK = re.compile(
    r"\b(programs?|projects?|teams?|engineers?|engineering|stakeholders?|launch\w*|deadlines?|migrat\w+|"
    r"releases?|products?|customers?|roadmaps?|dependenc\w+|risks?|milestones?|schedule\w*|scope|budgets?|"
    r"sprints?|deliver\w*|platforms?|systems?|services?|apis?|databases?|data|metrics?|managers?|leadership|"
    r"priorit\w+|tradeoffs?|decisions?|process\w*|roles?|company|companies|outages?|incidents?|vendors?|deploy\w*|"
    r"ship\w*|requirements?|timelines?|architecture|infrastructure|code|features?|users?|business)\b")


@dataclass(frozen=True, slots=True)
class Match:
    text: str  # the matched words, in match form
    first: int  # token indices, inclusive
    last: int
    start_s: float


class PhraseIndex:
    """The answer as one lower-case string with every character mapped back to the word it came from."""

    def __init__(self, tokens: Sequence[Token], skip: Collection[int] = ()) -> None:
        self.tokens = tuple(tokens)
        parts: list[str] = []
        self._offsets: list[int] = []
        self._owners: list[int] = []
        position = 0
        for token in self.tokens:
            form = match_form(token.norm)
            if token.index in skip or not form:
                continue
            self._offsets.append(position)
            self._owners.append(token.index)
            parts.append(form)
            position += len(form) + 1
        self.text = " ".join(parts)
        self.stems = [(stem(w), owner) for form, owner in zip(parts, self._owners) for w in form.split()]

    def _owner(self, offset: int) -> int:
        return self._owners[bisect.bisect_right(self._offsets, offset) - 1]

    def find_all(self, pattern: re.Pattern[str]) -> list[Match]:
        found = []
        for m in pattern.finditer(self.text):
            if m.end() == m.start():
                continue
            first, last = self._owner(m.start()), self._owner(m.end() - 1)
            found.append(Match(m.group(0), first, last, self.tokens[first].start))
        return found

    def find(self, pattern: re.Pattern[str]) -> Match | None:
        found = self.find_all(pattern)
        return found[0] if found else None

    def quote(self, match: Match, after: int = 3, max_words: int = 12) -> str:
        """The words as spoken from the match on, with up to `after` more words but not past the sentence end; cut
        short of a comma or full stop, not ending on a word that leads into the next one ("I asked the teams", not
        "I asked the teams what they would") or on a number without its unit."""
        last = match.last
        while last < min(match.last + after, len(self.tokens) - 1) and not self.tokens[last].ends_sentence:
            last += 1
        last = quote_end(self.tokens, match.last, min(last, match.first + max_words - 1))
        return " ".join(t.text for t in self.tokens[match.first:last + 1])


def inflections(word: str) -> set[str]:
    forms = {word}
    if len(word) < 3 or not word.isalpha():
        return forms
    forms |= {word + "s", word + "es", word + "ed", word + "ing"}
    if word.endswith("e"):
        forms |= {word + "d", word[:-1] + "ing"}
    if word.endswith("y") and word[-2] not in "aeiou":
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    if len(word) <= 6 and _DOUBLING.search(word):
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        forms.add(word[:-1])
    if word.endswith("ies") and len(word) > 4:
        forms.add(word[:-3] + "y")
    forms |= {form[:-1] for form in forms if form.endswith("ing") and len(form) >= 7}  # "burnin' out" ("thing": no)
    return forms


_PERCENT = r"(?:per ?cent|\d[\d,.]*%)"  # Whisper writes "sixty percent" as "60%" (or "per cent") as often as not


def phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    """A whole-word pattern for a phrase, each word allowing its simple inflections; None for an empty phrase."""
    words = match_form(phrase.lower()).split()
    if not words:
        return None
    pieces = [_PERCENT if w == "percent" else
              "(?:" + "|".join(sorted((re.escape(f) for f in inflections(w)), key=len, reverse=True)) + ")"
              for w in words]
    return re.compile(_LEFT + " ".join(pieces) + _RIGHT)


_SUFFIXES = (("ations", "at"), ("ation", "at"), ("ments", ""), ("ment", ""), ("ings", ""), ("ing", ""),
             ("ions", ""), ("ion", ""), ("ies", ""), ("ied", ""), ("ers", ""), ("er", ""), ("ed", ""), ("es", ""),
             ("ly", ""), ("s", ""), ("e", ""), ("y", ""))


def stem(word: str) -> str:
    """A crude stem for near matches: "mitigation", "mitigating", "mitigated" and "mitigate" all give "mitig"."""
    for suffix, keep in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[:-len(suffix)] + keep
            break
    return word[:-1] if len(word) > 4 and word[-1] == word[-2] else word


def _stem_match(index: PhraseIndex, phrase: str) -> Match | None:
    """The phrase's words by stem, in order, with at most one other word between two of them ("cut the scope"
    for "cut scope"). Words of three letters or less must match exactly."""
    wanted = [stem(w) for w in match_form(phrase.lower()).split()]
    if not wanted:
        return None
    said = index.stems
    for i in range(len(said)):
        k, j, gaps = 0, i, 0
        while k < len(wanted) and j < len(said):
            if said[j][0] == wanted[k]:
                k, j = k + 1, j + 1
            elif k and gaps == 0:
                gaps, j = 1, j + 1
            else:
                break
        if k == len(wanted):
            first, last = said[i][1], said[j - 1][1]
            return Match(" ".join(s for s, _ in said[i:j]), first, last, index.tokens[first].start)
    return None


def _covered_by(index: PhraseIndex, point: KeyPoint) -> Match | None:
    matches = [m for m in (index.find(p) for p in map(phrase_pattern, point.synonyms) if p) if m]
    if not matches:
        matches = [m for m in (_stem_match(index, phrase) for phrase in point.synonyms) if m]
    return min(matches, key=lambda m: m.start_s) if matches else None


def key_points(index: PhraseIndex, points: Sequence[KeyPoint]) -> dict:
    """The schema-1 `key_points` block (labels), plus `at`: where each covered point was first said."""
    covered, missing, at = [], [], []
    for point in points:
        match = _covered_by(index, point)
        if match is None:
            missing.append(point.label)
            continue
        covered.append(point.label)
        at.append({"label": point.label, "text": index.quote(match, after=0), "start_s": round(match.start_s, 2)})
    return {"covered": covered, "missing": missing, "at": at}


def work_terms(index: PhraseIndex) -> int:
    """How many different work words (team, launch, stakeholder, data...) the answer uses."""
    return len({m.group(1) for m in _WORK.finditer(index.text)})
