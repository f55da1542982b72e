"""The candidate's STAR story bank, built from what they actually said in saved sessions (pure).

A story is a behavioral answer (structure kind "star"). Retellings of one story are grouped by what they talk about:
content words and names weighted by how rare they are across all the candidate's stories (tf-idf), compared by
cosine similarity, joined when similar enough (single link). Each story is mapped to the interview guide's themes
by small keyword lexicons (our own words) plus the theme of the question it answered. The bank reports themes with
no story yet and stories that run over three minutes (the guide wants about two).
"""

from __future__ import annotations

import math
import re
from collections import Counter

from voice_interviewer.review.report import scored
from voice_interviewer.wording import FUNCTION_WORDS, singular

__all__ = ["THEMES", "STORY_LIMIT_S", "build_story_bank", "similarity"]

STORY_LIMIT_S = 180.0
SAME_STORY = 0.15  # cosine of tf-idf vectors: retellings measured 0.18-0.58, different stories 0.01-0.10
BANK_TARGET = (6, 8)

THEMES: dict[str, tuple[str, ...]] = {
    "driving alignment": ("align", "agree", "consensus", "shared goal", "shared objective", "common goal",
                          "decision criteria", "bring them together", "buy in", "commit", "same page", "design review"),
    "managing risk": ("risk", "mitigat", "contingency", "fallback", "roll back", "rollback", "rehears", "load test",
                      "phased", "safeguard", "buffer", "capacity"),
    "handling failure": ("i failed", "we failed", "it failed", "failure was mine", "mistake", "went wrong",
                         "lesson", "learned", "postmortem", "post mortem", "retrospective", "my fault", "i owned",
                         "slipped", "missed the", "root cause", "should have", "did not work"),
    "influencing leadership": ("vice president", "vp", "director", "executive", "sponsor", "leadership",
                               "senior leader", "persuad", "convinc", "change his mind", "change her mind",
                               "change direction", "one on one with"),
    "deciding under ambiguity": ("ambigu", "unclear", "uncertain", "incomplete", "unknown", "assum", "betting",
                                 "reversible", "reverse", "proof of concept", "prototype", "checkpoint",
                                 "did not know", "could not tell"),
    "resolving cross-team conflict": ("conflict", "disagree", "clash", "tension", "dispute", "argument", "friction",
                                      "both teams", "two teams", "compromise", "escalat", "relationship"),
}
# the theme a question asks for; a story told in answer to it counts for that theme
QUESTION_THEMES = {
    "panel-alignment": "driving alignment", "panel-conflict": "resolving cross-team conflict",
    "panel-difficult-stakeholder": "influencing leadership", "panel-no-authority": "influencing leadership",
    "panel-bad-news": "managing risk", "hm-failure": "handling failure", "hm-cross-functional": "driving alignment",
    "hm-complex-program": "managing risk", "br-ambiguity": "deciding under ambiguity",
    "br-influence-leader": "influencing leadership", "br-tough-tradeoff": "deciding under ambiguity",
    "tech-architecture-tradeoff": "driving alignment",
}
_THEME_MIN_HITS = 2
# spoken words that say nothing about which story it is: fillers, talk about talking, time words
_STOP = FUNCTION_WORDS | frozenset("""um uh er hmm mean kind sort basically actually know really thing things able
get got made make many said say see tell told asked well went done way two time first last next day days week weeks
month months year years""".split())


def _terms(text: str) -> Counter:
    """Content words (stemmed) and names; a capitalised word inside a sentence counts twice, as a likely name."""
    counts: Counter = Counter()
    for sentence in re.split(r"[.!?]+\s*", text):
        for i, raw in enumerate(re.findall(r"[A-Za-z][A-Za-z'-]*|\d[\d,]*", sentence)):
            word = raw.lower().strip("'-")
            if len(word) < 3 or word in _STOP:
                continue
            weight = 2 if i > 0 and raw[0].isupper() and raw.lower() != "i" else 1
            counts[singular(word)] += weight
    return counts


def _vectors(texts: list[str]) -> list[dict[str, float]]:
    bags = [_terms(t) for t in texts]
    df = Counter(term for bag in bags for term in bag)
    n = len(bags)
    return [{t: c * math.log(1 + n / df[t]) for t, c in bag.items()} for bag in bags]


def similarity(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(v * b.get(t, 0.0) for t, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def _themes(text: str, question_id: str | None) -> dict[str, int]:
    lowered = " " + re.sub(r"[^a-z0-9 ]+", " ", text.lower()) + " "
    hits = {theme: sum(len(re.findall(rf"\b{re.escape(term)}", lowered)) for term in terms)
            for theme, terms in THEMES.items()}
    if question_id in QUESTION_THEMES:
        hits[QUESTION_THEMES[question_id]] += _THEME_MIN_HITS
    return {theme: n for theme, n in hits.items() if n >= _THEME_MIN_HITS}


def _tellings(sessions) -> list[dict]:
    out = []
    for session in sessions:
        for answer in scored(session.document["answers"]):
            if (answer.get("structure") or {}).get("kind") != "star" or not answer.get("words"):
                continue
            extra = " ".join(f.get("transcript") or "" for f in answer.get("follow_ups", []))
            parts = answer["structure"].get("parts") or {}
            out.append({
                "session": session.id, "started": session.started, "index": answer["index"],
                "question_id": answer.get("question_id"), "question_text": answer.get("question_text", ""),
                "text": f"{answer['transcript']} {extra}".strip(), "duration_s": answer["timing"]["duration_s"],
                "score": answer["score"], "missing": list(answer["structure"].get("missing", [])),
                "opening": (parts.get("situation") or {}).get("quote") or " ".join(answer["transcript"].split()[:12]),
            })
    return out


def _groups(vectors: list[dict[str, float]]) -> list[list[int]]:
    """Single-link groups: tellings joined when any pair across them is at least SAME_STORY alike."""
    parent = list(range(len(vectors)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(vectors)):
        for j in range(i + 1, len(vectors)):
            if similarity(vectors[i], vectors[j]) >= SAME_STORY:
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(vectors)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def build_story_bank(sessions) -> dict:
    """Stories (retellings grouped), their themes, themes with no story, and stories over three minutes."""
    tellings = _tellings(sessions)
    vectors = _vectors([t["text"] for t in tellings])
    stories = []
    for number, members in enumerate(sorted(_groups(vectors), key=lambda g: tellings[g[0]]["started"]), start=1):
        told = [tellings[i] for i in members]
        themes: Counter = Counter()
        for t in told:
            themes.update(_themes(t["text"], t["question_id"]))
        merged: Counter = Counter()
        for i in members:
            merged.update(vectors[i])
        latest = told[-1]
        longest = max(t["duration_s"] for t in told)
        stories.append({
            "id": number, "title": latest["opening"], "terms": [t for t, _ in merged.most_common(5)],
            "themes": [theme for theme, _ in themes.most_common()],
            "tellings": [{k: t[k] for k in ("session", "started", "index", "question_id", "duration_s", "score",
                                            "missing")} for t in told],
            "longest_s": longest, "over_limit": longest > STORY_LIMIT_S,
        })
    covered = {theme: [s["id"] for s in stories if theme in s["themes"]] for theme in THEMES}
    return {
        "schema": 1, "stories": stories, "themes": covered,
        "missing_themes": [theme for theme, ids in covered.items() if not ids],
        "over_limit": [s["id"] for s in stories if s["over_limit"]],
        "limit_s": STORY_LIMIT_S, "target": list(BANK_TARGET),
    }
