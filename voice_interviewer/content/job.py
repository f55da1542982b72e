"""Tailoring to a job description: the terms that matter in it, questions chosen toward them, and which terms the
candidate used or never said.

Pure functions over text, except read_job, which only reads and checks the file. A term is either an entry of our
lexicon of program-management and engineering terms found in the text (with its spoken variants), or a phrase
between stop words that the text repeats (or a product name such as Kafka or AWS), weighted down when its words are
everyday English or job-ad boilerplate.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from voice_interviewer.content.textfile import decode_text, read_bounded
from voice_interviewer.errors import UsageError
from voice_interviewer.wording import FUNCTION_WORDS, singular

__all__ = ["JobTerm", "JobProfile", "read_job", "job_profile", "choose_questions", "question_relevance",
           "terms_in", "answer_terms", "session_terms", "MAX_TERMS"]

MAX_TERMS = 18
MAX_JOB_BYTES = 200_000
_LEXICON_WEIGHT = 2.0
_NAMED_WEIGHT = 2.5      # a product or tool the job names (Kafka, Terraform, AWS) is specific, even said once
_PHRASE_WEIGHT = 1.5

_STOP = FUNCTION_WORDS  # never part of a term

# Everyday English and job-ad boilerplate: allowed inside a phrase, but worth little on their own.
_GENERIC = set("""ability able about accommodation applicant applicants apply area areas based benefits best better
bring build building business candidate candidates career clear closely company culture day deep degree deliver
drive driving employer environment equal equivalent excellent experience experienced expertise extensive field
focus gender good great grow growth help high highly hire ideal impact including industry join key knowledge large
level lead leading leads learn looking love make manage managing mission new office opportunity organization part
passion passionate people plus position preferred proven qualifications related required requirements responsible
responsibilities role salary skill skills strong success successful support take team teams together track understanding
use using value values want way well wide work working world year years program programs technical manager
managers senior principal staff keep every week weekly month monthly plan plans final last hands written verbal
communication communicate group product products run runs own owns define track report status set date owner
engineering engineer engineers order thousands dozen hundreds end first next get give goes going know make sure
honest early late behind front line lines ensure across various multiple etc within job jobs remote hybrid onsite
full time""".split())

# canonical term: spoken variants (lower case, hyphens as spaces); wording ours.
_LEXICON = {
    "stakeholder management": ("stakeholder", "stakeholders", "stakeholder management"),
    "cross-functional": ("cross functional", "across teams", "multiple teams"),
    "dependencies": ("dependency", "dependencies", "dependency management"),
    "risk management": ("risk", "risks", "risk management", "mitigation", "mitigate", "risk register"),
    "roadmap": ("roadmap", "roadmaps", "road map"),
    "milestones": ("milestone", "milestones"),
    "program charter": ("charter", "program charter", "scope"),
    "prioritization": ("prioritization", "prioritize", "prioritise", "priorities", "trade off", "trade offs"),
    "metrics": ("metric", "metrics", "kpi", "kpis", "measure", "measured", "dashboard"),
    "okrs": ("okr", "okrs", "objectives and key results"),
    "launch": ("launch", "launches", "launched", "release", "releases", "go live", "rollout", "roll out"),
    "go-to-market": ("go to market", "gtm"),
    "migration": ("migration", "migrations", "migrate", "migrated"),
    "microservices": ("microservice", "microservices", "service oriented"),
    "distributed systems": ("distributed system", "distributed systems"),
    "cloud": ("cloud", "aws", "azure", "gcp", "google cloud"),
    "kubernetes": ("kubernetes", "k8s", "containers", "container"),
    "infrastructure": ("infrastructure", "infra"),
    "platform": ("platform", "platforms"),
    "api": ("api", "apis", "interface", "interfaces"),
    "data pipelines": ("data pipeline", "data pipelines", "etl", "pipeline", "pipelines"),
    "machine learning": ("machine learning", "ml", "model training", "ai"),
    "security": ("security", "secure", "vulnerability", "vulnerabilities"),
    "privacy": ("privacy", "gdpr", "personal data"),
    "compliance": ("compliance", "compliant", "regulatory", "audit", "audits", "soc 2"),
    "reliability": ("reliability", "reliable", "uptime", "availability", "sre"),
    "scalability": ("scalability", "scale", "scaling", "scalable"),
    "latency": ("latency", "performance", "response time"),
    "incident management": ("incident", "incidents", "outage", "outages", "postmortem", "post mortem",
                            "on call"),
    "slas": ("sla", "slas", "service level", "slo", "slos"),
    "agile": ("agile", "scrum", "sprint", "sprints", "kanban"),
    "ci/cd": ("ci cd", "continuous integration", "continuous delivery", "deployment pipeline"),
    "technical debt": ("technical debt", "tech debt"),
    "architecture": ("architecture", "architectural", "system design", "design review"),
    "budget": ("budget", "budgets", "cost", "costs", "spend", "forecast"),
    "vendors": ("vendor", "vendors", "third party", "supplier", "suppliers", "partner", "partners"),
    "executive communication": ("executive", "executives", "leadership", "status report", "exec review",
                                "steering committee"),
    "program management": ("program management", "program manager", "program managers"),
    "project planning": ("project plan", "planning", "schedule", "timeline", "timelines", "critical path"),
    "ambiguity": ("ambiguity", "ambiguous", "unclear"),
    "influence without authority": ("influence", "without authority", "alignment", "align", "aligned"),
    "conflict resolution": ("conflict", "conflicts", "disagreement", "disagreed", "escalation", "escalate"),
    "hardware": ("hardware", "firmware", "device", "devices"),
    "supply chain": ("supply chain", "manufacturing", "procurement"),
    "mobile": ("mobile", "ios", "android", "app"),
    "payments": ("payment", "payments", "checkout", "billing"),
    "customer experience": ("customer", "customers", "user experience", "users"),
    "data-driven decisions": ("data driven", "analysis", "analytics", "experiment", "experiments"),
    "requirements": ("requirements", "prd", "specification", "spec"),
    "testing": ("testing", "test plan", "qa", "quality assurance"),
    "observability": ("observability", "monitoring", "alerting", "logging"),
    "capacity planning": ("capacity", "capacity planning", "headcount"),
}


@dataclass(frozen=True)
class JobTerm:
    text: str
    weight: float
    count: int
    variants: tuple[str, ...]
    lexicon: bool

    def as_doc(self) -> dict:
        return {"term": self.text, "weight": round(self.weight, 2), "count": self.count, "lexicon": self.lexicon}


@dataclass(frozen=True)
class JobProfile:
    source: str
    terms: tuple[JobTerm, ...]

    def as_doc(self) -> dict:
        return {"file": self.source, "terms": [t.as_doc() for t in self.terms]}


def read_job(path: Path) -> JobProfile:
    """The job file checked and read; anything but a readable, non-empty UTF-8 text is a usage error."""
    allowed = "a job description as UTF-8 text or Markdown (.txt, .md)"
    name, what = f"--job {path}", "a job description"
    text = decode_text(read_bounded(path, name, what, allowed, MAX_JOB_BYTES), name, what, allowed)
    profile = job_profile(text, path.name)
    if not profile.terms:
        raise UsageError(f"--job {path}: no job terms found (empty or too short); give {allowed}")
    return profile


def _plain(text: str) -> str:
    """Markdown and URLs stripped to the words a reader sees."""
    text = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"https?://\S+|\S+@\S+", " ", text)
    return re.sub(r"[`*_>#|]", " ", text)


def _normal(text: str) -> str:
    """Lower case, hyphens and slashes as spaces, single spaces: the form variants are matched in."""
    text = re.sub(r"[-/]", " ", text.lower())
    return " " + " ".join(re.findall(r"[a-z0-9+#]+(?:\.[a-z0-9]+)*", text)) + " "


def terms_in(variants: Sequence[str], normal_text: str) -> int:
    return sum(normal_text.count(f" {v} ") for v in variants)


def _candidates(plain: str) -> tuple[Counter, set[str]]:
    """Phrases of 1-3 words between stop words and punctuation, and the words written like product names."""
    phrases: Counter = Counter()
    for chunk in re.split(r"[.,;:!?()\[\]\n\"]+", plain):
        run: list[str] = []
        for token in [*_tokens(chunk), "the"]:
            lower = token.lower()
            if lower in _STOP or len(lower) < 2:
                for size in (1, 2, 3):
                    for start in range(len(run) - size + 1):
                        phrases[" ".join(run[start:start + size])] += 1
                run = []
            else:
                run.append(lower.replace("/", " ").replace("-", " "))
    return phrases, _named(plain)


def _tokens(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z0-9+#]*(?:[-/.][A-Za-z0-9+#]+)*", text)


def _named(plain: str) -> set[str]:
    """Words capitalised inside a sentence (not in a title-case heading) and never written in lower case."""
    lower_words = set(re.findall(r"\b[a-z][a-z0-9+#]*", plain))
    named: set[str] = set()
    for line in plain.splitlines():
        tokens = _tokens(line)
        capitals = [t for t in tokens if t[:1].isupper()]
        if len(capitals) >= 0.8 * len(tokens):  # a heading or title: capitals say nothing there
            continue
        for sentence in re.split(r"[.!?:]\s+", line):
            for token in _tokens(sentence)[1:]:
                lower = token.lower()
                if token[:1].isupper() and lower not in lower_words and lower not in _STOP | _GENERIC:
                    named.add(lower)
    return named


def job_profile(text: str, source: str = "job") -> JobProfile:
    """The MAX_TERMS terms that matter most in a job description, heaviest first."""
    plain = _plain(text)
    normal = _normal(plain)
    terms: list[JobTerm] = []
    taken: set[str] = set()
    for canonical, variants in _LEXICON.items():
        count = terms_in(variants, normal)
        if count:
            terms.append(JobTerm(canonical, _LEXICON_WEIGHT * (1 + math.log(count)), count,
                                 tuple(dict.fromkeys((*variants, _normal(canonical).strip()))), True))
            taken |= set(variants)
    phrases, named = _candidates(plain)
    for phrase, count in phrases.items():
        words = phrase.split()
        if phrase in taken or any(v in taken for v in words) or all(w in _GENERIC for w in words):
            continue
        if count < 2 and not (len(words) == 1 and words[0] in named):
            continue
        informative = sum(0.2 if w in _GENERIC else 1.0 for w in words) / len(words)
        base = _NAMED_WEIGHT if len(words) == 1 and words[0] in named else _PHRASE_WEIGHT
        weight = base * informative * (1 + math.log(count)) * (1 + 0.4 * (len(words) - 1))
        terms.append(JobTerm(phrase, weight, count, _forms(phrase), False))
    terms.sort(key=lambda t: (-t.weight, t.text))
    return JobProfile(source, tuple(_without_overlaps(terms))[:MAX_TERMS])


def _forms(phrase: str) -> tuple[str, ...]:
    """The phrase and its last word's plural or singular."""
    head, _, last = phrase.rpartition(" ")
    other = singular(last) if singular(last) != last else last + "s"
    return (phrase, f"{head} {other}".strip())


def _without_overlaps(terms: list[JobTerm]) -> list[JobTerm]:
    """A phrase inside a heavier kept phrase (or the reverse) adds nothing: keep the first of them."""
    kept: list[JobTerm] = []
    for term in terms:
        padded = f" {term.text} "
        if any(padded in f" {k.text} " or f" {k.text} " in padded for k in kept):
            continue
        kept.append(term)
    return kept


def question_relevance(profile: JobProfile, question) -> float:
    """How much of the job a question lets the candidate show: the weights of the terms its text touches."""
    words = [question.text, question.tests] + [kp.label for kp in question.key_points] + \
        [s for kp in question.key_points for s in kp.synonyms]
    normal = _normal(" ".join(words))
    return round(sum(t.weight for t in profile.terms if terms_in(t.variants, normal)), 2)


def choose_questions(profile: JobProfile, questions: Sequence, count: int) -> list:
    """The count questions most relevant to the job, kept in the persona's order (ties: the persona's order)."""
    ranked = sorted(range(len(questions)), key=lambda i: (-question_relevance(profile, questions[i]), i))
    return [questions[i] for i in sorted(ranked[:count])]


def answer_terms(profile: JobProfile, transcript: str) -> tuple[dict, dict]:
    """({"used", "missing"} for the answer's record, an info finding): the job's terms said and not said."""
    normal = _normal(transcript)
    used = [t.text for t in profile.terms if terms_in(t.variants, normal)]
    missing = [t.text for t in profile.terms if t.text not in used]
    message = (f"Job terms you used: {', '.join(used)}." if used else "You used none of the job's terms.")
    if missing:
        message += f" Not mentioned: {', '.join(missing[:5])}."
    finding = {"kind": "job-terms", "severity": "info", "message": message, "at_s": None, "evidence": None}
    return {"used": used, "missing": missing}, finding


def session_terms(profile: JobProfile, answers: Sequence[dict]) -> dict:
    """The session's job field: the terms, which any answer used, and which were never said."""
    used = {term for record in answers for term in record.get("job_terms", {}).get("used", [])}
    return {**profile.as_doc(), "used": [t.text for t in profile.terms if t.text in used],
            "never": [t.text for t in profile.terms if t.text not in used]}
