"""Does a deep-dive answer tell the same story as the resume bullet it was asked about?

Numbers are read from text as people write and say them ("180", "1.2M", "$1.2 million", "55%", "fifty five percent",
"one hundred and eighty", "twelve-person") with the unit that follows within three words ("7 engineering teams",
"from 90 to 25 minutes"). A number said with a unit the bullet also uses must be one of the bullet's values for that
unit, else it is a mismatch: interviewers read the resume while the candidate talks.

The check reports three things for every answer (objective, scale, measured outcome), and turns into findings with
points only what the question asked for; a mismatch always costs points.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from voice_interviewer.feedback.score import Finding
from voice_interviewer.wording import ONES_VALUE, SCALES, TENS_VALUE

__all__ = ["Quantity", "quantities", "SCALE_UNITS", "OUTCOME_UNITS", "DeepDive", "words_of", "match_resume", "ASKS"]

_SUFFIX = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000}
_UNITS = {
    "teams": ("team", "teams", "squad", "squads"),
    "services": ("service", "services", "microservice", "microservices", "api", "apis", "application",
                 "applications", "apps", "systems"),
    "people": ("people", "person", "engineers", "engineer", "members", "staff", "reports", "stakeholders"),
    "regions": ("region", "regions", "countries", "markets", "zones"),
    "sites": ("centers", "centres", "datacenters", "sites", "clusters"),
    "products": ("products", "product", "brands"),
    "quarters": ("quarter", "quarters"),
    "months": ("month", "months"),
    "years": ("year", "years"),
    "weeks": ("week", "weeks"),
    "days": ("day", "days"),
    "hours": ("hour", "hours"),
    "minutes": ("minute", "minutes", "mins"),
    "percent": ("percent", "per cent", "%"),
    "money": ("dollars", "euros", "pounds", "usd"),
    "times": ("x", "times", "fold"),
}
_UNIT_OF = {word: unit for unit, words in _UNITS.items() for word in words}
SCALE_UNITS = frozenset({"teams", "services", "people", "regions", "sites", "products", "quarters", "months",
                         "years"})
OUTCOME_UNITS = frozenset({"percent", "money", "times", "minutes", "hours", "days", "weeks"})
_TOKEN = re.compile(r"\$?\d[\d,]*(?:\.\d+)?[%kmb]?(?![a-z])|[a-z]+(?:'[a-z]+)?|%")
_RANGE = ("to", "and", "or", "from")
_OBJECTIVE_CUES = re.compile(r"\b(?:objective|goal|aim|purpose|so that|in order to|the point was|we wanted|"
                             r"business|why we|mission|to (?:cut|reduce|stop|save|ship|let|make|move|improve))\b")
_WORD = re.compile(r"[a-z0-9]+")
ASKS = {  # which of the three each deep-dive kind asks for
    "objective": ("objective", "outcome"),
    "teams": ("scale",),
    "risks": (),
    "outcome": ("outcome",),
}
POINTS = {"mismatch": 6, "mismatch-max": 12, "missing": 6}


@dataclass(frozen=True, slots=True)
class Quantity:
    value: float
    unit: str | None
    text: str      # the words it was read from
    word: int      # index of its first word in the text's words

    def said(self) -> str:
        shown = f"{self.value:,.2f}".rstrip("0").rstrip(".")
        return {"percent": f"{shown}%", "money": f"${shown}"}.get(self.unit or "", f"{shown} {self.unit or ''}".strip())


@dataclass(frozen=True)
class DeepDive:
    """What a resume bullet claims: its topic words, and the quantities of its scale and outcome."""

    bullet: str
    topic: tuple[str, ...]
    scale: tuple[Quantity, ...]
    outcome: tuple[Quantity, ...]


def words_of(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("-", " ").replace("–", " ").replace("per cent", "percent"))


def _word_number(words: Sequence[str], i: int) -> tuple[float, int] | None:
    """A number spelled in words starting at i: (value, words used), e.g. one hundred and eighty, one point two."""
    total, current, j, used = 0, 0, i, 0
    while j < len(words):
        w = words[j]
        if w in ONES_VALUE:
            current += ONES_VALUE[w]
        elif w in TENS_VALUE:
            current += TENS_VALUE[w]
        elif w == "hundred" and used:
            current = max(current, 1) * 100
        elif w in ("thousand", "million", "billion") and used:
            total += max(current, 1) * SCALES[w]
            current = 0
        elif w == "and" and used and j + 1 < len(words) and (words[j + 1] in ONES_VALUE or words[j + 1] in TENS_VALUE):
            pass
        else:
            break
        used = j - i + 1
        j += 1
    if not used:
        return None
    value: float = total + current
    if j + 1 < len(words) and words[j] == "point" and words[j + 1] in ONES_VALUE and ONES_VALUE[words[j + 1]] < 10:
        value += ONES_VALUE[words[j + 1]] / 10
        used, j = used + 2, j + 2
        if j < len(words) and words[j] in ("thousand", "million", "billion"):
            value *= SCALES[words[j]]
            used += 1
    return value, used


def _digit_number(token: str) -> tuple[float, str | None]:
    unit = None
    if token.startswith("$"):
        unit, token = "money", token[1:]
    if token.endswith("%"):
        unit, token = "percent", token[:-1]
    multiplier = 1
    if token[-1] in _SUFFIX:
        multiplier, token = _SUFFIX[token[-1]], token[:-1]
    return float(token.replace(",", "")) * multiplier, unit


def _unit_after(words: Sequence[str], j: int) -> tuple[str | None, int]:
    """(unit, index after it) named within three words after a number; a range ("90 to 25 minutes") shares its
    end's unit."""
    k = j
    while k < min(len(words), j + 3):
        w = words[k]
        if w in _UNIT_OF:
            return _UNIT_OF[w], k + 1
        if w[0].isdigit() or w in ONES_VALUE or w in TENS_VALUE:
            if k > j and words[k - 1] in _RANGE:
                j = k + 1  # skip the range's second number and keep looking
            else:
                return None, j
        k += 1
    return None, j


def quantities(text: str) -> list[Quantity]:
    """Every number in the text with its unit (None when no known unit follows)."""
    words = words_of(text)
    found, i = [], 0
    while i < len(words):
        w = words[i]
        unit: str | None = None
        if w[0].isdigit() or w[0] == "$":
            value, unit = _digit_number(w)
            used = 1
            if i + 1 < len(words) and words[i + 1] in ("thousand", "million", "billion"):
                value *= SCALES[words[i + 1]]
                used = 2
        else:
            spelled = _word_number(words, i)
            if spelled is None:
                i += 1
                continue
            value, used = spelled
        end = shown = i + used
        if unit is None:
            unit, shown = _unit_after(words, end)
        found.append(Quantity(value, unit, " ".join(words[i:max(shown, end)]), i))
        i = end
    return found


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= max(0.01 * max(abs(a), abs(b)), 1e-9)


def _compare(said: Sequence[Quantity], claimed: Sequence[Quantity], units: frozenset[str] | None) -> dict:
    by_unit: dict[str, list[float]] = {}
    for q in claimed:
        if q.unit:
            by_unit.setdefault(q.unit, []).append(q.value)
    matched, mismatched, other = [], [], []
    for q in said:
        if q.unit is None or (units is not None and q.unit not in units):
            continue
        expected = by_unit.get(q.unit)
        if expected is None:
            other.append(q)
        elif any(_same(q.value, v) for v in expected):
            matched.append(q)
        else:
            mismatched.append((q, expected))
    return {"matched": matched, "mismatched": mismatched, "other": other}


def _timed(q: Quantity, starts: Sequence[float]) -> float | None:
    return starts[q.word] if q.word < len(starts) else None


def _resume_value(unit: str, values: Sequence[float]) -> str:
    return " or ".join(Quantity(v, unit, "", 0).said() for v in values)


def match_resume(answer_text: str, dive: DeepDive, kind: str,
                 word_starts: Sequence[float] = ()) -> tuple[dict, list[Finding]]:
    """(the resume_match document, findings) for one deep-dive answer of the given kind.

    word_starts are the start times of the answer's words as `quantities` splits them (optional, for at_s).
    """
    said = quantities(answer_text)
    text = " ".join(words_of(answer_text))
    topic_said = [t for t in dive.topic if re.search(rf"\b{re.escape(t[:max(4, len(t) - 2)])}", text)]
    objective = bool(_OBJECTIVE_CUES.search(text))  # topic words are reported, not required: ASR mangles names
    scale = _compare(said, dive.scale, SCALE_UNITS)
    outcome = _compare(said, dive.outcome, OUTCOME_UNITS)
    scale_said = bool(scale["matched"] or scale["mismatched"] or scale["other"])
    outcome_said = bool(outcome["matched"] or outcome["mismatched"] or outcome["other"])
    mismatches = scale["mismatched"] + outcome["mismatched"]
    doc = {
        "kind": kind, "bullet": dive.bullet,
        "objective": {"said": objective, "topic_said": topic_said,
                      "topic_missing": [t for t in dive.topic if t not in topic_said]},
        "scale": {"said": scale_said, "on_resume": [q.said() for q in dive.scale],
                  "matched": [q.said() for q in scale["matched"]]},
        "outcome": {"said": outcome_said, "on_resume": [q.said() for q in dive.outcome],
                    "matched": [q.said() for q in outcome["matched"]]},
        "mismatches": [{"said": q.said(), "words": q.text, "resume": _resume_value(q.unit, values),
                        "at_s": _timed(q, word_starts)} for q, values in mismatches],
    }
    findings = []
    for (q, values), points in zip(mismatches, _spread_mismatch(len(mismatches))):
        findings.append(Finding("resume-mismatch", "warn",
                                f"You said {q.text}; your resume says {_resume_value(q.unit, values)}. "
                                "Keep the numbers the same: the interviewer is reading your resume.",
                                points, f"number differs from the resume ({q.said()})", _timed(q, word_starts),
                                q.text))
    asked = ASKS.get(kind, ())
    checks = (("objective", objective, "Say the business objective of this program and the goal it served."),
              ("scale", scale_said, "Give the scale from your resume: teams, services, people or quarters."),
              ("outcome", outcome_said, "Close with the measured outcome from your resume, in numbers."))
    for name, present, message in checks:
        if not present:
            wanted = name in asked
            findings.append(Finding(f"resume-no-{name}", "warn" if wanted else "info", message,
                                    POINTS["missing"] if wanted else 0,
                                    f"deep-dive answer gave no {name}" if wanted else ""))
    return doc, findings


def _spread_mismatch(count: int) -> list[int]:
    points, left = [], POINTS["mismatch-max"]
    for _ in range(count):
        points.append(min(POINTS["mismatch"], left))
        left -= points[-1]
    return points
