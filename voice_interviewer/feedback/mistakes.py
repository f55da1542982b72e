"""The guide's "mistakes that sink TPM candidates", found in what the candidate said.

Each finding quotes the words that triggered it (`evidence`) and when they were said (`at_s`):

- vague-no-structure: a story with under two STAR parts, or a plan with under two framework parts, once the answer is
  long enough to judge (40 words).
- no-technical-depth: handing the technology to others ("let the engineers handle", "I'm not technical",
  "leave the technical details").
- process-over-outcomes: four or more mentions of process (standups, status reports, meetings, syncs) and no
  outcome: no result verb, result phrase or quantity.
- no-influence: a manager or director escalates, decides or steps in, and the speaker names under three actions of
  their own.
- we-not-i: in a story, "we" more than twice as often as "I", and at least six times.
- failure-without-ownership: on a failure question, blaming others ("they didn't", "the other team", "the vendor")
  or "everything went great", with nothing owned ("I should have", "my mistake", "I learned", "I changed").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from voice_interviewer.content.personas import Question
from voice_interviewer.feedback.keypoints import PhraseIndex
from voice_interviewer.feedback.score import POINTS, Finding
from voice_interviewer.feedback.structure import OUTCOME, first_person_actions

__all__ = ["guide_mistakes", "is_failure_question"]

VAGUE_MIN_WORDS = 40
PROCESS_MIN_MENTIONS = 4
WE_MIN = 6
WE_PER_I = 2.0
MIN_OWN_ACTIONS = 3

_NO_DEPTH = re.compile(
    r"\b(?:let|leave|left|letting|leaving) (?:the |my |our )?(?:engineers?|engineering|devs?|developers?|"
    r"tech leads?|architects?) (?:to )?(?:handle|decide|figure|deal|worry|own|sort|make)\w*"
    r"|\b(?:leave|left|leaving) (?:the |all the )?technical (?:details?|decisions?|stuff|side|parts?|bits?)"
    r"|\bi(?:'m| am) not (?:very |really |that |a |super |particularly )?technical\b"
    r"|\bnot a technical person\b|\bi(?:'m| am) not an engineer\b"
    r"|\b(?:don't|didn't|do not|did not) (?:get|go|dig) into the technical\b|\bthat's for the engineers\b")
_PROCESS = re.compile(r"\b(?:stand ?ups?|status (?:reports?|updates?|meetings?|emails?)|meetings?|syncs?|"
                      r"check ?ins?|jira|tickets?|agendas?|ceremon(?:y|ies)|retros?|retrospectives?|trackers?|"
                      r"spreadsheets?)\b")
_SOLVERS = (r"decide|decided|step(?:ped)? in|step(?:ped)? up|escalated?|resolved?|fix(?:ed)?|make the call|"
            r"made the call|take over|took over|intervened?|sorted it|solved?|settled?|got involved|get involved|"
            r"broke the tie|break the tie|stepping in|told (?:them|everyone|both)")
_MANAGER_SOLVES = re.compile(
    rf"\bmy (?:manager|director|boss|vp|skip level|skip|leadership|senior director|head of \w+)\b"
    rf"(?: [a-z0-9']+){{0,5}}? (?:{_SOLVERS})\b"
    r"|\b(?:escalated|handed|passed|kicked) (?:it |this |the (?:issue|problem|decision) )?(?:up )?to my "
    r"(?:manager|director|boss|vp)\b")
_BLAME = re.compile(
    r"\b(?:the other team|other teams|another team|the vendor|the vendors|our vendor|the contractor|their fault|"
    r"(?<!wasn't )(?<!not )(?:out of|outside of|outside) my control|because of them|"
    r"they (?:didn't|did not|never|failed|missed|dropped|refused|wouldn't|couldn't|ignored|blew)|"
    r"(?:wasn't|was not|not) my fault|blamed?|everything went (?:great|well|fine|smoothly|perfectly))\b")
_OWNERSHIP = re.compile(
    r"\b(?:i should have|i shouldn't have|i should not have|my mistake|(?<!wasn't )(?<!not )my fault|i learned|"
    r"i learnt|i changed|i take responsibility|i took responsibility|i own(?:ed)? (?:that|the|it|my)|my part|"
    r"in hindsight|i would (?:do|have done) (?:it |things )?differently|i started (?:requiring|asking|using|doing)|"
    r"now i (?:always|require|make|ask)|since then i|the lesson)\b")
_WE = frozenset({"we", "we're", "we've", "we'd", "we'll"})
_I = frozenset({"i", "i'm", "i've", "i'd", "i'll"})


def is_failure_question(question: Question | None) -> bool:
    """The question id names a failure, or what it tests or asks mentions failing."""
    if question is None:
        return False
    asked = f"{question.tests} {question.text}".lower()
    return "fail" in question.id or "fail" in asked or "didn't go as planned" in asked


def _finding(index: PhraseIndex, kind: str, severity: str, message: str, pattern: re.Pattern[str]) -> Finding:
    match = index.find(pattern)
    return Finding(kind, severity, message, POINTS[kind], kind.replace("-", " "),
                   match.start_s if match else None, index.quote(match) if match else None)


def _vague(index: PhraseIndex, kind: str, parts_present: int, word_count: int) -> list[Finding]:
    if word_count < VAGUE_MIN_WORDS or parts_present >= 2:
        return []
    shape = {"star": "situation, task, action, result",
             "framework": "charter, workstreams, dependencies, milestones, risks, cadence"}.get(kind)
    message = (f"No clear structure ({parts_present} part{'s' if parts_present != 1 else ''}); walk through "
               f"{shape}." if shape else "No clear structure: neither a STAR story nor a program framework.")
    opening = index.tokens[0] if index.tokens else None
    evidence = " ".join(t.text for t in index.tokens[:10]) if opening else None
    return [Finding("vague-no-structure", "high", message, POINTS["vague-no-structure"], "vague, no structure",
                    opening.start if opening else None, evidence)]


def _no_technical_depth(index: PhraseIndex) -> list[Finding]:
    if not index.find(_NO_DEPTH):
        return []
    return [_finding(index, "no-technical-depth", "high",
                     "Handing the technology to others is a red flag; show you understand the risks and tradeoffs.",
                     _NO_DEPTH)]


def _process_over_outcomes(index: PhraseIndex) -> list[Finding]:
    mentions = index.find_all(_PROCESS)
    if len(mentions) < PROCESS_MIN_MENTIONS or OUTCOME.search(index.text):
        return []
    named = list(dict.fromkeys(index.quote(m, after=0) for m in mentions))
    return [Finding("process-over-outcomes", "warn",
                    f"{len(mentions)} mentions of process and no outcome; lead with what was delivered.",
                    POINTS["process-over-outcomes"], "process over outcomes", mentions[0].start_s,
                    ", ".join(named[:4]))]


def _no_influence(index: PhraseIndex) -> list[Finding]:
    actions = first_person_actions(index.text)
    if not index.find(_MANAGER_SOLVES) or actions >= MIN_OWN_ACTIONS:
        return []
    return [_finding(index, "no-influence", "warn",
                     f"Your manager resolved it and you named {actions} action(s) of your own; "
                     "show how you drove alignment.", _MANAGER_SOLVES)]


def _we_not_i(index: PhraseIndex, kind: str) -> list[Finding]:
    words = index.text.split()
    we, i = sum(w in _WE for w in words), sum(w in _I for w in words)
    if kind != "star" or we < WE_MIN or we <= WE_PER_I * i:
        return []
    first_we = index.find(re.compile(r"\bwe(?:'re|'ve|'d|'ll)?\b"))
    return [Finding("we-not-i", "warn", f"Said \"we\" {we} times and \"I\" {i}; say what you did.",
                    POINTS["we-not-i"], "we not I", first_we.start_s if first_we else None,
                    f"we {we} times, I {i} times")]


def _failure_without_ownership(index: PhraseIndex, question: Question | None) -> list[Finding]:
    if not is_failure_question(question) or not index.find(_BLAME) or index.find(_OWNERSHIP):
        return []
    return [_finding(index, "failure-without-ownership", "high",
                     "Blamed others and owned nothing; say what you got wrong and what you changed.", _BLAME)]


def guide_mistakes(index: PhraseIndex, kind: str, question: Question | None, *, parts_present: int,
                   word_count: int, judge_structure: bool) -> list[Finding]:
    """The guide's six mistakes; `judge_structure` is False for questions that expect no structure."""
    findings: Sequence[Finding] = (
        (_vague(index, kind, parts_present, word_count) if judge_structure else [])
        + _no_technical_depth(index)
        + _process_over_outcomes(index)
        + _no_influence(index)
        + _we_not_i(index, kind)
        + _failure_without_ownership(index, question)
    )
    return list(findings)
