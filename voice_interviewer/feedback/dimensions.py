"""The guide's five dimensions, per answer: evidence for and against, with the words and their time, and a rating.

Pure: the answer's phrase index, its structure, key points and findings in; for every dimension the question tests
(`Question.dimensions`), `{rating, evidence: [{for, quote, at_s, signal, weight}]}` out.

Evidence comes from the transcript words (a named trade-off, tailoring to an audience, facilitation, a measured
outcome...) and from the other analyzers (framework parts and their order, STAR parts, key points covered, the
guide's mistakes, each against the dimension it hurts: a vague answer against program structuring, "I let the
engineers decide" against technical fluency, process over outcomes and a failure told without ownership against
execution, a manager who solved it against influence). An answer that is off topic, too short or silent is rated
strong-no-hire on every dimension its question tests: there is nothing to hire on.

The rating is the evidence's weight for minus its weight against, cut at RATING_CUTS; a high-severity mistake that
hurts a dimension caps it at no-hire. Absences (a missing result, few key points) are evidence with no quote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from voice_interviewer.content.personas import DIMENSIONS, Question
from voice_interviewer.feedback.keypoints import PhraseIndex
from voice_interviewer.feedback.score import Finding
from voice_interviewer.feedback.structure import MEASURED_OUTCOME, Structure

__all__ = ["RATINGS", "NOT_ASSESSED", "RATING_VALUE", "RATING_CUTS", "MISTAKE_DIMENSION", "assess_dimensions",
           "no_speech_dimensions", "rating_for", "not_assessed", "label"]

RATINGS = ("strong-no-hire", "no-hire", "hire", "strong-hire")
NOT_ASSESSED = "not-assessed"
RATING_VALUE = {name: value for value, name in enumerate(RATINGS)}
# net evidence weight below each cut gets that rating; at or above the last cut, strong-hire
RATING_CUTS = ((-2.5, "strong-no-hire"), (1.0, "no-hire"), (3.5, "hire"))  # fitted on the dev voices
# The guide's mistakes (feedback.mistakes finding kinds) and the dimension each hurts, with its weight against.
MISTAKE_DIMENSION = {
    "vague-no-structure": ("program-structuring", 3.0),
    "no-technical-depth": ("technical-fluency", 3.5),
    "process-over-outcomes": ("execution", 2.5),
    "no-influence": ("influence", 3.0),
    "failure-without-ownership": ("execution", 3.0),
    "we-not-i": ("execution", 1.0),
}
_BLOCKERS = ("no-speech",)  # nothing to rate: strong-no-hire everywhere
# the answer missed the question or stopped early: heavy evidence against every dimension it tests
_AGAINST_ALL = {"off-topic": 2.5, "too-short": 2.5}
_QUOTE_WORDS = 10
MISSING_PARTS_MAX = 1.5


@dataclass(frozen=True, slots=True)
class _Signal:
    dimension: str
    positive: bool
    weight: float
    label: str
    pattern: re.Pattern[str]
    hits: int = 1  # how many distinct hits count (each further one at `decay` of the weight of the one before)
    decay: float = 0.6


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_TECH_TERMS = _p(
    r"\b(?:latency|throughput|databases?|schemas?|apis?|cach(?:e|es|ing)|queues?|replica\w*|shard\w*|partition\w*|"
    r"consisten(?:t|cy)|failover|load balancers?|micro ?services?|kubernetes|containers?|endpoints?|p99|p95|slas?|"
    r"slos?|error rates?|data models?|indexes|rollbacks?|roll back|feature flags?|canary|load tests?|capacity|"
    r"scal(?:e|ing|ability)|architecture|back ?end|monolith|event driven|events|streaming|batch|synchronous|"
    r"asynchronous|retr(?:y|ies)|timeouts?|dual writes?|backfill\w*|encryption|authentication|lock in|"
    r"single points? of failure|redundan\w+|read path|write path|storage|network|servers?|cloud|pipelines?|"
    r"deploy(?:s|ed|ment|ments)?|tokeni[sz]\w+|ledger|upstream|downstream|third party|staging|production|"
    r"test coverage|incidents?|recovery|traffic|config\w*|connection pools?|alerts?|monitoring|on call|queries|"
    r"indexing|throttl\w+|rate limit\w*|regions?)\b")
_SIGNALS = (
    # technical fluency
    # breadth is the signal here: each further distinct term still counts most of the one before
    _Signal("technical-fluency", True, 0.6, "spoke the system's language", _TECH_TERMS, 6, decay=0.8),
    _Signal("technical-fluency", True, 1.2, "named a trade-off",
            _p(r"\b(?:trade ?offs?|at the cost of|in exchange for|versus|instead of|gave up|give up|the downside|"
               r"the price (?:was|of)|weighed|on the other hand|cheaper but|faster but|slower but)\b"), 2),
    _Signal("technical-fluency", True, 0.6, "named a technical risk",
            _p(r"\b(?:failure modes?|data loss|lose (?:data|orders|transactions)|could (?:break|fail|corrupt)|"
               r"bottlenecks?|single point of failure|race conditions?|outages?|inconsisten\w+)\b"), 1),
    _Signal("technical-fluency", True, 0.9, "brought their own technical questions",
            _p(r"\bi (?:asked|questioned|pushed|proposed|identified|noticed|pointed out|raised|dug into|reviewed|"
               r"challenged|suggested|spotted|prototyped|benchmarked|measured) (?!(?:my|our) (?:manager|director|"
               r"boss))"), 2),
    # stakeholder management
    _Signal("stakeholder-management", True, 1.2, "tailored the message to the audience",
            _p(r"\b(?:non technical|in business terms|business impact|customer impact|for (?:the )?(?:executives?|"
               r"execs|leadership|vps?|sponsors?|board)|plain (?:words|language|english)|translat\w+|tailor\w*|"
               r"different audiences?|each audience|one page|one pager|executive summary|the headline|"
               r"in (?:their|his|her) terms|what it meant for|what (?:he|she|they|each \w+) cared about|"
               r"(?:he|she|they) cared about|for the engineers|for (?:the )?finance|up front)\b"), 2),
    _Signal("stakeholder-management", True, 0.9, "kept people informed early",
            _p(r"\b(?:told (?:them|him|her|the sponsor|leadership|my sponsor|the vp|everyone|both) (?:early|right "
               r"away|immediately|the same day|that day)|flagged\w*|proactively|early warning|kept (?:\w+ ){0,2}"
               r"(?:informed|in the loop|updated)|same day|no surprises|before (?:they|he|she) heard|"
               r"(?:weekly|written) (?:update|note|summary)s? (?:to|for))\b"), 2),
    _Signal("stakeholder-management", True, 0.9, "understood what each side needed",
            _p(r"\b(?:(?:their|his|her|competing) priorit\w+|what (?:each|both) (?:side|team|lead|one)s? "
               r"(?:needed|wanted|feared|cared)|feared losing|understood (?:why|what)|listened|(?:their|his|her) "
               r"concerns?|what drove|expectations|what (?:mattered|matters) to)\b"), 2),
    _Signal("stakeholder-management", True, 0.9, "chose the format and kept the relationship",
            _p(r"\b(?:one on ones?|(?:talked|spoke|met) (?:to |with )?(?:each|both|him|her|them) (?:alone|privately|"
               r"separately|first)|without losing (?:his|her|their) support|kept (?:his|her|their) (?:support|trust)|"
               r"relationship|offered (?:him|her|them)|a (?:short|written) note|(?:weekly|regular) slot|"
               r"be honest|honest about|(?:he|she|they) (?:agreed|picked|chose))\b"), 2),
    _Signal("stakeholder-management", True, 0.8, "made the cost concrete for them",
            _p(r"\b(?:(?:a|the) chart|in writing|what (?:each|it|that) (?:one )?(?:had )?cost|cost in (?:days|weeks|"
               r"dollars)|agree\w* with (?:product|engineering|both|the (?:sponsor|directors?|leads?|business))|"
               r"check ins? with)\b"), 2),
    _Signal("stakeholder-management", True, 0.8, "brought options, not just the problem",
            _p(r"\b(?:options? (?:with|and) (?:their |the |its )?(?:trade ?offs?|costs?)|presented (?:\w+ )?options|"
               r"(?:two|three) options|a recommendation|my recommendation|decision request|a clear ask|"
               r"proposed (?:a|an|two|three)|show (?:the )?(?:sponsor|leadership|them|him|her) what|"
               r"let (?:them|him|her|the sponsor) (?:choose|decide|pick))\b"), 1),
    _Signal("stakeholder-management", False, 2.0, "held back bad news",
            _p(r"\b(?:didn't tell|did not tell|kept it quiet|(?:make|made) it up|catch up on (?:their|its) own|"
               r"waited until|hid|hide it|hoped? (?:it|they|the team) would)\b"), 1),
    # influence without authority
    _Signal("influence", True, 1.1, "facilitated instead of deciding for them",
            _p(r"\b(?:facilitat\w+|brought (?:both|the two|them|everyone|the leads?) (?:sides |teams |leads )?"
               r"together|common ground|shared (?:goals?|objectives?|interests?|criteria)|both sides|win win|"
               r"one on ones?|met (?:both|each|them|the) (?:\w+ )?(?:separately|individually|one on one)|"
               r"workshop|decision doc\w*|design review|criteria (?:we|they|both) agreed|let the data|"
               r"(?:meet|met|talk to|talked to|sat down with) both (?:leads|teams|sides|of them)|another approach|"
               r"a different approach|a temporary \w+|workaround)\b"), 2),
    _Signal("influence", True, 1.1, "persuaded with a case",
            _p(r"\b(?:convinc\w+|persuad\w+|built (?:the|a|my) case|made the case|with data|the data show\w*|"
               r"showed (?:them|him|her|the \w+) (?:the )?(?:data|numbers|cost|chart)|an alternative|"
               r"compromise|came around|changed (?:his|her|their) minds?|agreed to|bought in|buy in|"
               r"signed off|won (?:them|him|her) over|in exchange|show(?:ed)? (?:them|him|her) what|"
               r"escalat\w+ (?:\w+ ){0,4}with (?:a clear|data|the options|options|a decision))\b"), 3),
    _Signal("influence", True, 1.0, "got their commitment",
            _p(r"\b(?:adopted|agreed (?:on|to)|committed|came around|moved over|signed up|took (?:on|over) the|"
               r"said yes|bought in|on board|picked (?:the|against|one)|chose (?:the|an?)|"
               r"(?:he|she|they) agreed)\b"), 1),
    _Signal("influence", True, 0.9, "set shared criteria and let data decide",
            _p(r"\b(?:(?:agree|agreed) on (?:the )?criteria|decision criteria|(?:with|to) both (?:leads|teams|of them|"
               r"sides)|in the same room|measured? (?:their|both|each)|(?:two|three|both) options|side by side|"
               r"neutral|the numbers)\b"), 3),
    _Signal("influence", True, 1.0, "got there without escalating",
            _p(r"\b(?:without (?:escalat\w+|going over|my manager|my director|authority)|didn't (?:need to |have to )?"
               r"escalate|did not escalate|not to decide|nobody had to escalate|no one had to escalate|"
               r"didn't report to me|did not report to me|no authority)\b"), 1),
    _Signal("influence", False, 1.5, "escalated instead of influencing",
            _p(r"\b(?:escalated (?:it |this )?(?:straight |right )?(?:up )?to (?:my|the|their) (?:manager|director|"
               r"vp|boss)(?! with)|(?:my|the) (?:manager|director|boss|vp) (?:told (?:them|everyone)|made (?:them|the "
               r"call)|decided|stepped in|took over)|had no choice|i told them to|forced them|pulled rank)\b"), 1),
    # execution and accountability
    _Signal("execution", True, 0.8, "delivered",
            _p(r"\b(?:shipped|launched|delivered|went live|on time|ahead of schedule|under budget|hit the date|"
               r"met the (?:date|deadline)|went out|finished|closed (?:it|the))\b"), 1),
    _Signal("execution", True, 0.7, "managed the risk and the plan",
            _p(r"\b(?:critical path|mitigat\w+|contingenc\w+|buffer|risk register|root cause|re ?plan\w*|"
               r"cut (?:the )?scope|reduc\w+ (?:the )?scope|descop\w+|reprioriti\w+|revised (?:the )?(?:timeline|plan|"
               r"date)|parallel\w*|added (?:people|engineers|resources)|fallback|rollback plan|go no go|in danger|"
               r"at risk|what moves)\b"), 2),
    _Signal("execution", True, 0.8, "followed through with owners and dates",
            _p(r"\b(?:(?:an |its )?owners? and (?:a )?dates?|owner and a deadline|followed up|follow up on|"
               r"until (?:they|it) (?:closed|were done|was done)|every action item|action items?)\b"), 1),
    _Signal("execution", False, 1.5, "blamed others for what went wrong",
            _p(r"\b(?:out of my control|outside (?:of )?my control|not my fault|their fault|"
               r"because (?:another|the other) team|the vendor (?:delivered|was|failed|missed)|"
               r"(?:the )?other team missed)\b"), 1),
    _Signal("execution", False, 1.5, "absorbed it with overtime instead of a trade-off",
            _p(r"\b(?:work(?:ing)? (?:a few |some )?(?:extra )?weekends|fit it in|work(?:ing)? harder|push(?:ed)? them "
               r"harder|figure it out as we go)\b"), 1),
    _Signal("execution", True, 1.2, "owned what went wrong and changed",
            _p(r"\b(?:i should have|my mistake|my fault|i learned|i learnt|i changed|since then i|now i (?:always|"
               r"require|make|ask)|i started (?:requiring|asking|using|doing)|i take responsibility|"
               r"i took responsibility|the lesson)\b"), 1),
    _Signal("execution", True, 0.8, "delivered at scale",
            _p(r"\b(?:moved|migrated|led|ran|managed|delivered|shipped|coordinated) (?:\w+ ){0,3}(?:\d+|two|three|four|"
               r"five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|hundreds|thousands?)"
               r"(?: \w+)? (?:services|teams|engineers|people|programs|customers|systems|regions|agents|"
               r"microservices|program managers)\b"), 1),
    _Signal("execution", True, 0.6, "owned the decision",
            _p(r"\bi (?:owned|took ownership|was accountable|made the call|decided|chose|committed)\b"), 1),
    # program structuring
    _Signal("program-structuring", True, 0.8, "walked through the steps in order",
            _p(r"\b(?:first(?:ly)?|second(?:ly)?|step one|after that|finally|the next step|from there)\b"), 2),
    _Signal("program-structuring", True, 0.5, "named the program's building blocks",
            _p(r"\b(?:work ?streams?|phases?|phase gates?|milestones?|raci|charter|success metrics?|dependency map|"
               r"critical path|go no go|cadence|steering|owners?|single owner|checkpoints?|waves?|pilot|"
               r"before starting the next)\b"), 3),
)


def not_assessed() -> dict:
    return {"rating": NOT_ASSESSED, "evidence": []}


def label(rating: str) -> str:
    """strong-no-hire -> strong no hire (as spoken and shown)."""
    return rating.replace("-", " ")


def rating_for(net: float) -> str:
    for cut, rating in RATING_CUTS:
        if net < cut:
            return rating
    return "strong-hire"


def _item(positive: bool, quote: str | None, at_s: float | None, signal: str, weight: float) -> dict:
    return {"for": positive, "quote": quote, "at_s": None if at_s is None else round(at_s, 2), "signal": signal,
            "weight": round(weight, 2)}


def _pattern_evidence(index: PhraseIndex, dimension: str) -> list[dict]:
    found = []
    for signal in _SIGNALS:
        if signal.dimension != dimension:
            continue
        seen: set[str] = set()
        weight = signal.weight
        for match in index.find_all(signal.pattern):
            if match.text in seen or len(seen) >= signal.hits:
                continue
            seen.add(match.text)
            quote = index.quote(match, after=5, max_words=_QUOTE_WORDS)
            found.append(_item(signal.positive, quote, match.start_s, signal.label, weight))
            weight *= signal.decay
    return found


def _structure_evidence(structure: Structure, expected: bool = True) -> list[dict]:
    """Framework parts said (and the charter first) or a complete STAR story, for; missing parts against when the
    question expects that structure (`expected`), up to MISSING_PARTS_MAX."""
    parts = structure.parts
    if structure.kind == "framework":
        found = [_item(True, parts[p].get("quote"), parts[p].get("start_s"), f"covered the {p}", 0.6)
                 for p in structure.order]
        if structure.order and structure.order[0] == "charter":
            found.append(_item(True, parts["charter"].get("quote"), parts["charter"].get("start_s"),
                               "opened with the charter", 0.6))
        if expected and len(structure.missing) * 2 >= len(parts):
            found.append(_item(False, None, None, "left out " + ", ".join(structure.missing),
                               min(MISSING_PARTS_MAX, 0.5 * len(structure.missing))))
        return found
    if structure.kind == "star":
        if not structure.missing and structure.order == ("situation", "task", "action", "result"):
            first = parts["situation"]
            return [_item(True, first.get("quote"), first.get("start_s"), "told a story in order: situation, "
                          "task, action, result", 1.2)]
        return [_item(False, None, None, f"the story had no {part}", 0.6) for part in structure.missing]
    return []


def _outcome_evidence(index: PhraseIndex, structure: Structure) -> list[dict]:
    found = []
    for weight, match in zip((1.6, 0.8), index.find_all(MEASURED_OUTCOME)):
        found.append(_item(True, index.quote(match, after=3, max_words=_QUOTE_WORDS), match.start_s,
                           "a measured outcome", weight))
    if structure.kind == "star" and "result" in structure.missing:
        found.append(_item(False, None, None, "no result: the story stopped before the outcome", 1.2))
    elif not found and structure.kind == "star":  # a number that measures no change ("the two weeks were real")
        said = "measured no change" if structure.result_has_number() else "had no number"
        found.append(_item(False, None, None, f"the result {said}", 0.6))
    return found


def _result_evidence(structure: Structure) -> list[dict]:
    """A story that ends in what changed shows the dimension at work; one that stops before it does not."""
    result = structure.parts.get("result") or {}
    if structure.kind == "star" and result.get("present"):
        return [_item(True, result.get("quote"), result.get("start_s"), "closed with what changed", 0.8)]
    if structure.kind == "star" and "result" in structure.missing:
        return [_item(False, None, None, "the story stopped before anyone saw the outcome", 1.0)]
    return []


def _coverage_evidence(key_points: dict) -> list[dict]:
    covered, missing = key_points.get("covered", []), key_points.get("missing", [])
    total = len(covered) + len(missing)
    if not total:
        return []
    share = len(covered) / total
    if share >= 0.6:  # a count over the whole answer: no one quote says it (key_points.at has each point's words)
        return [_item(True, None, None, f"covered {len(covered)} of {total} key points", 0.8)]
    if share < 0.25:
        return [_item(False, None, None, f"covered only {len(covered)} of {total} key points", 0.8)]
    return []


def _mistake_evidence(findings: Sequence[Finding], dimension: str) -> tuple[list[dict], bool]:
    """The guide's mistakes against this dimension, and whether one was high severity (caps at no-hire)."""
    found, capped = [], False
    for finding in findings:
        hurt = MISTAKE_DIMENSION.get(finding.kind)
        if hurt is None or hurt[0] != dimension:
            continue
        found.append(_item(False, finding.evidence, finding.at_s, finding.message, hurt[1]))
        capped = capped or finding.severity == "high"
    return found, capped


def _rate(evidence: list[dict], capped: bool) -> str:
    net = sum(e["weight"] if e["for"] else -e["weight"] for e in evidence)
    rating = rating_for(net)
    if capped and RATING_VALUE[rating] > RATING_VALUE["no-hire"]:
        rating = "no-hire"
    return rating


def _ordered(evidence: list[dict]) -> list[dict]:
    return sorted(evidence, key=lambda e: (not e["for"], not e["quote"], -e["weight"],
                                           e["at_s"] if e["at_s"] is not None else 1e9))


def assess_dimensions(index: PhraseIndex, structure: Structure, key_points: dict, findings: Sequence[Finding],
                      question: Question | None, *, plan: Structure | None = None) -> dict:
    """`{dimension: {rating, evidence}}` for each dimension the question tests (none without a question).

    `plan` is the answer read as a program framework, for a question that expects no set structure but is rated
    on program structuring."""
    tested = question.dimensions if question is not None else ()
    blockers = [f for f in findings if f.kind in _BLOCKERS]
    result = {}
    for dimension in (d for d in DIMENSIONS if d in tested):
        if blockers:
            evidence = [_item(False, f.evidence, f.at_s, f.message, 5.0) for f in blockers]
            result[dimension] = {"rating": "strong-no-hire", "evidence": evidence}
            continue
        mistakes, capped = _mistake_evidence(findings, dimension)
        evidence = _pattern_evidence(index, dimension)
        if mistakes:  # the guide's mistake already counts what these words show against the dimension
            evidence = [e for e in evidence if e["for"]]
        if not any(f.kind in _AGAINST_ALL for f in findings):  # a missed or cut-short answer covers little anyway
            evidence += _coverage_evidence(key_points)
        if dimension == "program-structuring":
            evidence += _structure_evidence(plan or structure, expected=plan is None)
        if dimension == "execution":
            evidence += _outcome_evidence(index, structure)
        if dimension != "execution":
            evidence += _result_evidence(structure)
        missed = [f for f in findings if f.kind in _AGAINST_ALL]
        if missed:  # off topic and too short are one failure to answer: count the heavier once
            worst = max(missed, key=lambda f: _AGAINST_ALL[f.kind])
            evidence.append(_item(False, worst.evidence, worst.at_s, worst.message, _AGAINST_ALL[worst.kind]))
        evidence += mistakes
        result[dimension] = {"rating": _rate(evidence, capped), "evidence": _ordered(evidence)}
    return result


def no_speech_dimensions(question: Question | None) -> dict:
    tested = question.dimensions if question is not None else ()
    return {d: {"rating": "strong-no-hire",
                "evidence": [_item(False, None, None, "No speech was heard in the answer.", 5.0)]}
            for d in DIMENSIONS if d in tested}

