"""Resume deep-dives: program bullets from a resume become the questions interviewers really ask about them.

The guide's point: the resume is the script the interviewer follows. Each program bullet (one that names a scale or
an outcome in numbers) gives four kinds of deep-dive question: the business objective and how success was measured,
the teams involved and their dependencies, the biggest risks, and the outcome with what the candidate would change.
The hiring manager and the panel ask them; feedback/resume_match.py checks the answer against the bullet.

Reading the file is the only I/O here (text, Markdown or PDF through pypdf); everything else is pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from voice_interviewer.content.personas import KeyPoint, Persona, Question
from voice_interviewer.content.textfile import decode_text, read_bounded
from voice_interviewer.errors import UsageError
from voice_interviewer.feedback.resume_match import (
    OUTCOME_UNITS,
    SCALE_UNITS,
    DeepDive,
    match_resume,
    quantities,
    words_of,
)
from voice_interviewer.feedback.score import SEVERITY_RANK, Finding
from voice_interviewer.feedback.summary import strength_and_fix
from voice_interviewer.wording import FUNCTION_WORDS

__all__ = ["Bullet", "read_resume", "program_bullets", "deep_dive_questions", "ResumePlan", "resume_plan",
           "KINDS", "RESUME_STAGES", "MAX_RESUME_BYTES"]

RESUME_STAGES = ("hiring-manager", "panel")
KINDS = ("objective", "teams", "risks", "outcome")
_STAGE_KINDS = {"hiring-manager": ("objective", "outcome", "teams", "risks"),
                "panel": ("teams", "risks", "objective", "outcome")}
_STAGE_TAG = {"hiring-manager": "hm", "panel": "panel"}
MAX_RESUME_BYTES = 2_000_000
ALLOWED = "a text, Markdown or PDF resume (.txt, .md, .pdf)"
_MARKER = re.compile(r"^\s*(?:[-*•▪‣◦●·–]|\d{1,2}[.)])\s+")
_OUTCOME_VERB = re.compile(r"\b(?:cut|cutting|reduc\w*|dropp\w*|dropped|fell|saving|saved|sav\w+|improv\w*|"
                           r"increas\w*|decreas\w*|grew|growing|lower\w*|rais\w*|boost\w*|eliminat\w*|achiev\w*|"
                           r"shipp\w*|deliver\w*|launch\w*|result\w*|halv\w*|doubl\w*)\b", re.I)
# a bullet's generic words: the program's topic is what is left
_STOP = FUNCTION_WORDS | frozenset("""new led drove ran owned managed coordinated launched delivered built program
programs project team teams engineering cross functional wide company year years move moved quarter quarters month
months week weeks people person services service microservices""".split())
_BUDGET_S = 120
_IRREGULAR_VERBS = frozenset({"ran", "led", "drove", "built", "won", "made", "took", "set", "grew", "oversaw", "brought",
                              "ship", "shipped", "own", "owned", "run", "lead", "drive", "build"})


@dataclass(frozen=True)
class Bullet:
    number: int          # 1-based among the program bullets
    text: str
    dive: DeepDive
    subject: str         # short spoken name of the program: "the move of 180 microservices ..."


def read_resume(path: Path) -> str:
    """The resume's text; an unreadable, binary or empty file is a UsageError naming what is allowed."""
    data = read_bounded(path, str(path), "a resume", ALLOWED, MAX_RESUME_BYTES)
    if data.startswith(b"%PDF"):
        text = _pdf_text(path, data)
    elif path.suffix.lower() == ".pdf":
        raise UsageError(f"{path}: named .pdf but is not a PDF; give {ALLOWED}")
    else:
        text = decode_text(data, str(path), "a resume", ALLOWED)
    if not text.strip():
        raise UsageError(f"{path}: the resume is empty; give {ALLOWED}")
    return text


def _pdf_text(path: Path, data: bytes) -> str:
    try:
        import io

        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:
        raise UsageError("reading a PDF resume needs pypdf (pip install pypdf); or give a .txt/.md resume") from None
    try:
        reader = PdfReader(io.BytesIO(data))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UsageError(f"{path}: damaged PDF ({exc.__class__.__name__}); give {ALLOWED}") from None
    if not text.strip():
        raise UsageError(f"{path}: the PDF has no text layer (a scan?); give {ALLOWED}")
    return text


def _bullet_lines(text: str) -> list[str]:
    """Bullet items with their wrapped continuation lines joined (PDF text wraps long bullets)."""
    items: list[str] = []
    open_item = False
    for raw in text.splitlines():
        line = raw.strip()
        if _MARKER.match(raw):
            items.append(_MARKER.sub("", raw).strip())
            open_item = True
        elif open_item and line and (raw[:1].isspace() or line[:1].islower()):
            items[-1] += " " + line
        else:
            open_item = False
    return [re.sub(r"\s+", " ", item).strip() for item in items if item.strip()]


def _split_outcome(text: str) -> tuple[str, str]:
    """(what was done, what came of it): the outcome starts at the first clause with an outcome verb."""
    clauses = re.split(r"(?<=[,;:])\s+|\s+[–—-]\s+", text)
    for k, clause in enumerate(clauses):
        if k and _OUTCOME_VERB.search(clause):
            return " ".join(clauses[:k]), " ".join(clauses[k:])
    return text, ""


def _subject(action: str) -> str:
    words = action.rstrip(",;:.").split()
    if words and (words[0].lower().endswith("ed") or words[0].lower() in _IRREGULAR_VERBS):
        words = words[1:]  # "Drove the move of ..." -> "the move of ..."
    cut = next((k for k, w in enumerate(words) if k >= 4 and w.lower() in ("across", "with", "over", "for", "in",
                                                                          "spanning", "covering")), len(words))
    return " ".join(words[:min(cut, 14)])


def _topic(subject: str) -> tuple[str, ...]:
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z]+", subject)]
    seen: list[str] = []
    for w in words:
        if w not in _STOP and len(w) > 2 and w not in seen:
            seen.append(w)
    return tuple(seen[:6])


def program_bullets(text: str) -> list[Bullet]:
    """Bullets that name a program's scale or outcome in numbers, in resume order."""
    bullets = []
    for item in _bullet_lines(text):
        action, result = _split_outcome(item)
        scale = tuple(q for q in quantities(action) if q.unit in SCALE_UNITS)
        outcome = tuple(q for q in quantities(result) if q.unit in OUTCOME_UNITS | SCALE_UNITS)
        outcome += tuple(q for q in quantities(action) if q.unit in ("percent", "money"))
        if not scale and not outcome or len(item.split()) < 6:
            continue
        subject = _subject(action)
        dive = DeepDive(item, _topic(subject), scale, outcome)
        bullets.append(Bullet(len(bullets) + 1, item, dive, subject))
    return bullets


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _point(point_id: str, label: str, *synonyms: str) -> KeyPoint:
    return KeyPoint(id=point_id, label=label, synonyms=tuple(s.lower() for s in synonyms if s))


def _question(bullet: Bullet, kind: str, qid: str) -> Question:
    s = bullet.subject[0].lower() + bullet.subject[1:]
    topic = bullet.dive.topic or ("program",)
    texts = {
        "objective": f"Your resume says you {_lower_first(bullet.text.split(';')[0].split(', ')[0].rstrip('.'))}. "
                     "What was the "
                     "business objective behind it, and how did you measure success?",
        "teams": f"Let's go deeper on {s}. How many teams were involved, and how did you manage the dependencies "
                 "between them?",
        "risks": f"On {s}: what were the biggest risks, and what did you do about them before they hit?",
        "outcome": f"What came out of {s}, in numbers? And what would you do differently next time?",
    }
    points = {
        "objective": (_point("objective", "state the business objective", "objective", "goal", "aim", "purpose",
                             "so that", "in order to", "business"),
                      _point("success-measure", "say how success was measured", "measure", "metric", "success",
                             "kpi", "target", "tracked"),
                      _point("program-named", "name the program itself", *topic)),
        "teams": (_point("team-count", "say how many teams took part", "teams", "team"),
                  _point("dependency-handling", "say how you managed the dependencies", "dependency", "depend",
                         "critical path", "handoff", "sequencing", "blocked", "raci")),
        "risks": (_point("top-risk", "name the biggest risk", "risk", "could go wrong", "worried"),
                  _point("mitigation", "say how you mitigated it", "mitigate", "mitigation", "rollback",
                         "contingency", "fallback", "plan b", "rehearse", "buffer")),
        "outcome": (_point("measured-outcome", "give the outcome in numbers", "percent", "outcome", "result",
                           "saved", "reduced", "cut"),
                    _point("change-next-time", "say what you would do differently", "differently", "next time",
                           "would change", "again", "lesson", "learned", "hindsight")),
    }
    follow_ups = {
        "objective": {"success-measure": "How did you know it worked? Which number did you watch?"},
        "teams": {"dependency-handling": "Which dependency was the hardest, and how did you keep it on track?"},
        "risks": {"mitigation": "What did you actually do to reduce that risk?"},
        "outcome": {"change-next-time": "Looking back, what would you change?"},
    }
    return Question(id=qid, text=texts[kind], kind="behavioral", structure="none",
                    tests=f"resume deep-dive ({kind}) on bullet {bullet.number}", key_points=points[kind],
                    follow_ups=follow_ups[kind], budget_s=_BUDGET_S)


def deep_dive_questions(bullets: Sequence[Bullet], stage: str, count: int) -> list[tuple[Question, Bullet, str]]:
    """count questions for the stage: bullets in turn, each with the next kind in the stage's order."""
    kinds = _STAGE_KINDS.get(stage, KINDS)
    chosen = []
    for i in range(min(count, len(bullets) * len(kinds))):  # never the same bullet and kind twice
        bullet = bullets[i % len(bullets)]
        kind = kinds[(i % len(bullets) + i // len(bullets)) % len(kinds)]
        qid = f"resume-{_STAGE_TAG.get(stage, 'x')}-b{bullet.number}-{kind}"
        chosen.append((_question(bullet, kind, qid), bullet, kind))
    return chosen


@dataclass(frozen=True)
class ResumePlan:
    """Which questions are deep-dives, on which bullet and of which kind; `review` adds the resume check."""

    source: str
    bullets: tuple[Bullet, ...]
    asked: dict  # question id -> (Bullet, kind)

    def review(self, question: Question, doc: dict) -> dict:
        """The score document with resume_match, its findings and deductions; other questions pass through."""
        if question.id not in self.asked or not doc.get("words"):
            return doc
        bullet, kind = self.asked[question.id]
        starts = _quantity_word_starts(doc["words"])
        match, findings = match_resume(doc["transcript"], bullet.dive, kind, starts)
        return _with_findings(doc | {"resume_match": match | {"bullet_number": bullet.number}}, findings)


def _quantity_word_starts(words: list[dict]) -> list[float]:
    """Start time of every word as resume_match splits text, so a mismatch can say when it was said."""
    starts: list[float] = []
    for w in words:
        starts += [w["start"]] * len(words_of(w["text"]))
    return starts


def _with_findings(doc: dict, findings: list[Finding]) -> dict:
    if not findings:
        return doc
    merged = doc["findings"] + [f.as_doc() for f in findings]
    merged.sort(key=lambda f: SEVERITY_RANK[f["severity"]])
    points = sum(f.points for f in findings)
    deductions = doc.get("deductions", []) + [{"points": f.points, "reason": f.reason} for f in findings if f.points]
    out = doc | {"findings": merged, "deductions": deductions,
                 "score_unclamped": doc.get("score_unclamped", doc["score"]) - points,
                 "score": max(0, doc["score"] - points)}
    first = next((f for f in findings if f.points), None)
    if first is not None:  # the resume check is the most useful thing to hear after a deep-dive
        out["spoken_feedback"] = strength_and_fix(out, first.message)
    return out


def resume_plan(text: str, source: str, stages: Sequence[tuple[Persona, tuple[Question, ...]]],
                per_stage: int) -> tuple[tuple[tuple[Persona, tuple[Question, ...]], ...], ResumePlan]:
    """The plan's stages with deep-dive questions for the hiring manager and the panel, and the ResumePlan."""
    bullets = program_bullets(text)
    if not bullets:
        raise UsageError(f"{source}: no program bullets found; a bullet starts with -, * or • and names the scale "
                         "or outcome in numbers (e.g. 8 teams, 3 quarters, 40%)")
    asked: dict = {}
    out = []
    for persona, questions in stages:
        if persona.stage in RESUME_STAGES:
            dives = deep_dive_questions(bullets, persona.stage, per_stage)
            asked |= {q.id: (bullet, kind) for q, bullet, kind in dives}
            questions = tuple(q for q, _, _ in dives)
        out.append((persona, questions))
    return tuple(out), ResumePlan(source, tuple(bullets), asked)

