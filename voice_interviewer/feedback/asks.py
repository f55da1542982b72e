"""The candidate's questions for the interviewer, judged as the guide judges them.

Every interviewer expects two or three thoughtful questions about the team's programs and challenges. This module
splits what the candidate said into questions, counts them (2-3 is the goal), marks each one specific when it asks
about this team's programs, challenges, priorities or how the role is measured, and flags questions any web search
would answer (what the company does, how many employees). It also picks the persona's short in-character reply.
Pure: text in, a document out.
"""

from __future__ import annotations

import re

__all__ = ["ASK_PROMPT", "analyze_asks", "persona_reply", "GOAL"]

GOAL = (2, 3)
ASK_PROMPT = {
    "recruiter": "Before we wrap up, what would you like to ask me about the role or the process?",
    "hiring-manager": "That's all from me. What would you like to know about the team and its programs?",
    "technical": "We have a few minutes left. What questions do you have for me about how we build things here?",
    "panel": "We're nearly out of time. What would you like to ask us?",
    "bar-raiser": "Before we finish, what would you like to ask me?",
}
_OPENERS = re.compile(r"^(?:and |also |so |then |finally |lastly |my (?:first|second|last|next) question is )*"
                      r"(?:what|how|who|when|where|why|which|is|are|do|does|did|can|could|would|will|should|"
                      r"i'd (?:like|love) to (?:know|hear|understand)|i'm curious|i am curious|tell me|"
                      r"could you (?:tell|share|walk)|i was wondering)\b")
_SPECIFIC = re.compile(
    r"\b(?:your team|the team|team's|teams|programs?|roadmap|challenges?|hardest|biggest|struggl\w*|priorit\w*|"
    r"tradeoffs?|trade offs?|dependenc\w*|stakeholders?|launch\w*|migrat\w*|platform|on ?call|incidents?|"
    r"this role|the role|first (?:ninety|90|six|6|three|3|few) (?:days|months)|success|measure\w*|metrics?|okrs?|"
    r"quarter|this year|next year|planning|escalat\w*|decisions?|engineering (?:org|organization|leaders?)|"
    r"what keeps you up|surprised you|would you change)\b")
_SEARCHABLE = re.compile(
    r"\b(?:what does (?:the|your) company do|what (?:does|do) you (?:all )?(?:do|make|sell) (?:here|as a company)|"
    r"how many (?:employees|people (?:work|are) (?:at|in|here)|offices|customers|countries)|"
    r"how (?:big|large|old) is the company|where (?:is|are) (?:the|your) (?:headquarters|hq|offices?)|"
    r"when was (?:the company|it) founded|who (?:is|are) (?:the|your) (?:ceo|founders?)|"
    r"what (?:products|services) do you (?:sell|offer|make|have)|is the company public|(?:your|the) revenue|"
    r"stock price|company's mission|what is the company's mission|what industry)\b")


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.?!])\s+", text.strip())
    return [p.strip() for p in parts if p.strip()]


def _is_question(sentence: str) -> bool:
    low = sentence.lower()
    return sentence.endswith("?") or bool(_OPENERS.match(low))


def analyze_asks(text: str, stage: str = "") -> dict:
    """The questions-back document: questions with their judgement, count verdict, findings, spoken feedback."""
    questions = []
    for sentence in _sentences(text):
        if not _is_question(sentence):
            continue
        low = sentence.lower()
        searchable = bool(_SEARCHABLE.search(low))
        specific = bool(_SPECIFIC.search(low)) and not searchable
        questions.append({"text": sentence, "specific": specific, "searchable": searchable})
    count = len(questions)
    verdict = "none" if count == 0 else "too few" if count < GOAL[0] else "too many" if count > GOAL[1] else "ok"
    findings = []
    if verdict != "ok":
        findings.append({"kind": "asks-count", "severity": "warn",
                         "message": f"You asked {count} question{'s' if count != 1 else ''}; "
                                    f"aim for {GOAL[0]} to {GOAL[1]} thoughtful ones."})
    for q in questions:
        if q["searchable"]:
            findings.append({"kind": "asks-searchable", "severity": "warn",
                             "message": f"\"{q['text']}\" is answered by a web search; ask what only this "
                                        "interviewer knows."})
        elif not q["specific"]:
            findings.append({"kind": "asks-generic", "severity": "info",
                             "message": f"\"{q['text']}\" is generic; tie it to the team's programs or "
                                        "challenges."})
    doc = {"stage": stage, "transcript": text.strip(), "questions": questions, "count": count,
           "goal": list(GOAL), "verdict": verdict, "specific": sum(q["specific"] for q in questions),
           "searchable": sum(q["searchable"] for q in questions), "findings": findings}
    doc["spoken_feedback"] = _spoken(doc)
    return doc


def _short(text: str, words: int = 8) -> str:
    said = text.rstrip("?.!").split()
    while said and said[0].lower().strip(",") in ("and", "so", "also", "then", "finally", "lastly"):
        said = said[1:]
    if said:
        said[0] = said[0][:1].upper() + said[0][1:]
    return " ".join(said[:words]) + ("..." if len(said) > words else "")


def _spoken(doc: dict) -> str:
    count, specific = doc["count"], doc["specific"]
    if count == 0:
        return ("You had no questions for me. Always bring two or three about the team's biggest program "
                "challenges; having none reads as low interest.")
    opening = (f"You asked {count} question{'s' if count != 1 else ''}, {specific} about the team's real work."
               if specific else f"You asked {count} question{'s' if count != 1 else ''}, none about the team's "
                                "programs or challenges.")
    searchable = [q for q in doc["questions"] if q["searchable"]]
    if searchable:
        return (f"{opening} Drop \"{_short(searchable[0]['text'])}\": a search answers it. Ask how the team "
                "decides what to cut when programs collide instead.")
    if doc["verdict"] == "too few":
        return f"{opening} Bring one or two more, about the team's hardest program this year."
    if doc["verdict"] == "too many":
        return f"{opening} Three is plenty: keep the ones only this interviewer can answer."
    generic = [q for q in doc["questions"] if not q["specific"]]
    if generic:
        return f"{opening} Make \"{_short(generic[0]['text'])}\" specific to their programs."
    return f"{opening} Good questions: specific, and only this interviewer could answer them."


_REPLIES = {  # topic -> stage -> a short answer in the persona's voice
    "challenge": {
        "recruiter": "The team's biggest push right now is a platform consolidation, and the hiring manager can "
                     "tell you much more about it.",
        "hiring-manager": "Honestly, it's sequencing. We have four teams landing one migration, and every one of "
                          "them thinks their dependency is the critical one.",
        "technical": "Our hardest problem is moving traffic between regions without downtime while the schema is "
                     "still changing underneath us.",
        "panel": "From where we sit, it's keeping product and platform priorities from pulling in opposite "
                 "directions every quarter.",
        "bar-raiser": "The hard part is keeping the bar high on delivery while the org is growing fast.",
    },
    "success": {
        "recruiter": "Success in this role is mostly judged by the hiring manager against the program goals you "
                     "agree in your first month.",
        "hiring-manager": "In six months I'd want one cross-team program running on a clear cadence, with risks "
                          "visible before they bite.",
        "technical": "Engineers would trust your plans and ask you into design reviews early, not after the fact.",
        "panel": "We'd see fewer surprises in our reviews, and decisions written down before anyone asks.",
        "bar-raiser": "Success looks like teams choosing to work with you, and programs landing without heroics.",
    },
    "team": {
        "recruiter": "It's a group of about a dozen program managers working across product and infrastructure.",
        "hiring-manager": "You'd work with six engineering teams, two of them in another time zone.",
        "technical": "The teams own their services end to end, so a TPM here spends a lot of time on contracts "
                     "between them.",
        "panel": "We're a mix of engineering, product and operations, and we all depend on the same platform.",
        "bar-raiser": "People here are direct, and they expect you to write things down.",
    },
    "other": {
        "recruiter": "Good question. I'll make sure you get a full answer before the next round.",
        "hiring-manager": "Good question; I'll come back to you on that in detail.",
        "technical": "That's a good one. The short answer is: it depends on the team, and I'm happy to go deeper.",
        "panel": "Thanks, we'll follow up on that one.",
        "bar-raiser": "Fair question. I'll answer it briefly: we hold everyone to the same written bar.",
    },
    "none": {
        "recruiter": "No problem. If something comes up later, just email me.",
        "hiring-manager": "All right. If anything comes to mind, send it through the recruiter.",
        "technical": "Okay. You can always reach me through the recruiter.",
        "panel": "Okay, thank you.",
        "bar-raiser": "All right.",
    },
}
_TOPICS = (("challenge", re.compile(r"\b(?:challenges?|hardest|biggest|struggl\w*|problems?|keeps you up)\b")),
           ("success", re.compile(r"\b(?:success|measure\w*|metrics?|first (?:\w+ )?(?:days|months)|expect\w*)\b")),
           ("team", re.compile(r"\b(?:team|teams|culture|work with|org|organization)\b")))
_SEARCH_REPLY = "As for \"{what}\": that's on our website, so I'll leave it there."


def persona_reply(stage: str, doc: dict) -> str:
    """A short, in-character answer to the candidate's best question (rule-based)."""
    if not doc["questions"]:
        return _REPLIES["none"].get(stage, _REPLIES["none"]["panel"])
    best = next((q for q in doc["questions"] if q["specific"]), None) or next(
        (q for q in doc["questions"] if not q["searchable"]), None)
    reply = ""
    if best is not None:
        low = best["text"].lower()
        topic = next((name for name, pattern in _TOPICS if pattern.search(low)), "other")
        reply = _REPLIES[topic].get(stage, _REPLIES[topic]["panel"])
    searchable = next((q for q in doc["questions"] if q["searchable"]), None)
    if searchable is not None:
        reply = f"{reply} {_SEARCH_REPLY.format(what=_short(searchable['text'], 12))}".strip()
    return reply
