"""Answer structure: STAR parts for stories, the guide's framework parts for program plans.

STAR: every sentence is scored for situation, task, action and result by weighted cues (context and past-tense
setting; my role or goal; first-person past actions; outcomes, numbers and lessons). A small position prior (situation
early, task early-ish, result late) breaks near ties. A sentence with no cue continues the part before it
(uncued opening sentences are the situation when no cued sentence is, else they take the first part that follows):
a part only starts on a sentence that says something for it, so "Do you know how many nobody used?" between the
actions and the result stays an action. What others did ("the team chose", "both launches shipped") is a result cue,
and a sentence Whisper ran on from the last action into an outcome ("...onto the cutover we finished eight weeks
late"), or from the context into the speaker's role ("...for a new catalog service, I own the decision record"), is
cut where the outcome or the role starts. A part starts at its first sentence's first word and lasts until the next
part starts, or the answer ends.

Framework: a part is present when any of its cues is said anywhere; `start_s` is the sentence of its first
mention, `seconds` the time spent in sentences where it is the main topic, and `order` lists present parts by first
mention (the guide's order starts with the charter).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from voice_interviewer.content.personas import FRAMEWORK_PARTS, STAR_PARTS
from voice_interviewer.feedback.timing import Sentence, Token, match_form, quote_end
from voice_interviewer.wording import ONES, PAST_IRREGULAR, SCALES, TENS

__all__ = ["Structure", "NUMBER", "QUANTITY", "OUTCOME", "MEASURED_OUTCOME", "first_person_actions", "analyze_structure", "infer_kind",
           "empty_structure"]

_NUMBER_WORDS = "|".join(ONES[2:] + TENS[2:] + tuple(SCALES) + ("half", "double", "twice", "triple", "percent", "dozen"))
_AMOUNT = rf"(?:\d[\d,.]*|(?:{_NUMBER_WORDS})(?: (?:{_NUMBER_WORDS}))*|a few|several)"
_UNIT = r"(?:percent|weeks?|days?|months?|hours?|quarters?|x|times|million|thousand|billion|dollars|k|points?)"
NUMBER = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b")
_QUANTITY = rf"(?:\d[\d,.]*%|\$\d|\b{_AMOUNT} {_UNIT}\b)"
_RESULT_VERBS = (r"\b(?:shipped|launched|delivered|went live|released|rolled out|completed|finished|reduced|rose|fell|"
                 r"went up|went down|"
                 r"improved|saved|increased|cut|decreased|grew|dropped|lowered|raised|doubled|halved|boosted|"
                 r"on time|ahead of schedule|under budget)\b")
_RESULT_PHRASES = (r"\b(?:as a result|in the end|ultimately|the outcome|the result|the impact|end result|led to|"
                   r"ended up|since then|from then on|afterwards|going forward|to this day|looking back)\b")
OUTCOME = re.compile(f"{_RESULT_VERBS}|{_RESULT_PHRASES}|{_QUANTITY}")
QUANTITY = re.compile(_QUANTITY)  # a number with a unit: 18 percent, two weeks, $40k
_CHANGE = (r"reduced|improved|saved|increased|cut|decreased|grew|dropped|fell|rose|lowered|raised|doubled|halved|"
           r"boosted|shipped|launched|went live|delivered|finished|moved|renewed|passed|by|within|in")
_COMPARED = r"faster|slower|fewer|less|more|earlier|later|early|ahead|cheaper|lower|higher|sooner|shorter"
# an outcome with its number: "fell by forty percent", "five times faster", "shipped nine days before the deadline"
MEASURED_OUTCOME = re.compile(rf"\b(?:{_CHANGE})\b(?: [a-z0-9'%$.]+){{0,5}}? {_QUANTITY}(?: (?:{_COMPARED})\b)?"
                              rf"|{_QUANTITY}(?: [a-z]+){{0,2}} (?:{_COMPARED})\b")

_STATIVE = ("was|were|had|needed|wanted|used|learned|learnt|realized|realised|noticed|joined|owned|tasked|supposed|"
            "hoped|worried|inherited|felt|thought|knew|liked|loved|hated|believed|expected|seemed|failed|missed|"
            "struggled|assumed|guessed|wondered|figured|started at|worked at|worked for")
_IRREGULAR = "|".join(sorted(PAST_IRREGULAR))
_ADVERB = (r"(?:(?:then|also|first|quickly|personally|immediately|actually|just|finally|directly|carefully|"
           r"proactively|later|eventually|basically) )?")
_ACTION = re.compile(rf"\bi {_ADVERB}(?!(?:{_STATIVE})\b)(?:[a-z]+ed|{_IRREGULAR})\b")
_WE_ACTION = re.compile(rf"\bwe {_ADVERB}(?!(?:{_STATIVE})\b)(?:[a-z]+ed|{_IRREGULAR})\b")
# someone other than the speaker did something, said first in the sentence: "the mobile team adopted it", "both
# launches shipped", "she picked"; late in a story that is what came of the actions. A determiner needs its noun
# ("the uncalled rotations" is no deed), and "none of them reported to me" is context, so "none" is left out.
_OTHERS_ACTED = re.compile(
    rf"(?:^|\b(?:and|so|then|but|in the end) )(?:she|he|they|nobody|no one|everyone|(?:the|both|all|each|every|"
    rf"their|his|her)(?: (?!(?:{_STATIVE}|is|are|has|have|had|been)\b)[a-z0-9'%]+){{1,4}}?) "
    rf"(?!(?:{_STATIVE})\b)(?:[a-z]+ed|{_IRREGULAR}|grew|fell|rose|stayed|left|became|came)\b")
_PAST_FIRST_PERSON = re.compile(rf"\b(?:i|we) {_ADVERB}(?:was|were|had|[a-z]+ed|{_IRREGULAR})\b")
_PLAN = re.compile(r"\b(?:i|we)(?:'d| would| will|'ll| should| could| can)\b|\b(?:first|then|next|after that|"
                   r"my approach|start by|step one)\b")


def _cues(*pairs: tuple[str, float]) -> tuple[tuple[re.Pattern[str], float], ...]:
    return tuple((re.compile(pattern), weight) for pattern, weight in pairs)


_STAR_CUES = {
    "situation": _cues(
        (r"\b(?:we|they) (?:were|had been|had|kept|used to)\b", 1.0),
        (r"\bthe (?:company|business|organization|org)\b", 1.0),
        (r"\b(?:last|this|that|one|early one) (?:year|quarter|summer|spring|fall|autumn|winter|month|week)\b", 1.0),
        (r"\bat (?:my|our|a) (?:previous|last|former|old|prior|current)\b", 2.0), (r"\bthere (?:was|were)\b", 1.0),
        (r"\b(?:our|the|my) (?:\w+ )?(?:team|teams|company|org|group|program|platform|customer|engineers|"
         r"director|leads?) (?:had|was|were|kept|wanted|disagreed|threatened)\b", 1.0),
        (r"\b(?:at the time|back then|back in|years ago|months ago|a few years|when i was|i was working|"
         r"i worked (?:at|for)|i joined|early in my career|in my (?:first|last|previous) (?:job|role)|this was at|"
         r"during (?:the|our|a))\b", 1.5),
        (r"\bthe (?:clearest|best|biggest|hardest|most \w+) (?:example|program|project|one|case)\b", 1.5),
        (r"\b(?:a|our|one|the|an) (?:customer|client|partner|vendor|executive|vp|ceo|cto)\b", 0.5),
        (r"\b(?:context|background|situation)\b", 1.0), (r"\bin (?:19|20)\d\d\b", 1.0),
        (r"\b(?:was|were|kept) (?:behind|late|slipping|failing|stuck|blocked|about to|fighting|clashing|"
         r"deprecated)\b|\bkept \w+ing\b", 1.0),
        (r"\b(?:disagreed|disagreement|conflict|threatened|deadline|at risk)\b", 0.5),
        (_QUANTITY, 0.5),  # a number with no change verb is a state; the position prior decides
    ),
    "task": _cues(
        (r"\bi was (?:responsible|accountable|in charge|asked to|tasked|brought in|(?:the|a|an) (?:tpm|program "
         r"manager|lead|owner|dri|program owner))\b", 1.5),
        (r"\b(?:responsible|accountable) for\b", 1.5),
        (r"\bmy (?:job|role|task|goal|responsibility|mandate|mission)\b", 2.0),
        (r"\bi (?:needed|had|wanted|was asked|need|have) to\b", 1.5), (r"\bi own(?:ed)?\b", 2.0),
        (r"\b(?:the|our) (?:goal|objective|task|ask|mandate|challenge) was\b", 2.0),
        (r"\bit (?:was|fell) (?:on|to) me\b|\b(?:was|were) (?:on me|mine)\b", 2.0), (r"\bwe needed to\b", 1.0),
    ),
    "action": _cues(
        (_ACTION.pattern, 1.5),
        (r"\b(?:i|we) (?:set up|sat down|reached out|pulled together|put together|followed up|walked through|"
         r"laid out|brought in)\b", 1.0),
        (r"\b(?:so|then|first|next|after that) i\b|\bthe first thing i did\b", 1.0),
        (r"\band i\b", 0.5),
        (r"\bi (?:talked|spoke|met|asked|wrote|called|booked|decided|made the call|proposed|explained)\b", 1.0),
        (_WE_ACTION.pattern, 1.0),  # the team's actions still make an action part; we-not-i judges the "we"
    ),
    "result": _cues(
        (_RESULT_PHRASES, 2.0), (_QUANTITY, 0.5),
        (rf"(?<!\bi )(?<!\bi then )(?<!\ba )(?<!\ban )(?<!\bthe ){_RESULT_VERBS}", 1.5),  # not "a reduced scope"
        (r"\b(?:i|we) (?:learned|learnt)\b|\blessons?\b", 2.0),
        (r"\b(?:agreed|adopted|signed off|approved|renewed|signed|won|passed|went out|shipped on|came around|"
         r"changed (?:her|his|their|our) minds?|turned out)\b", 1.0),
        (r"\b(?:got|became|were|was) (?:\w+er|better|worse|faster|slower)\b|\b(?:fell|rose|dropped) by\b", 1.5),
        (_OTHERS_ACTED.pattern, 1.0),
    ),
}
# (weight at the start, weight at the end) of the answer, interpolated by the sentence's position
_STAR_PRIOR = {"situation": (0.8, 0.0), "task": (0.4, 0.0), "action": (0.0, 0.0), "result": (0.0, 0.8)}
_UNCUED_PRIOR = 0.5  # share of the position prior a sentence with no cue for the part still gets
_SWITCH_COST = 0.3
RESULT_TAIL_WORDS = 6  # words a result quote may run past its quantity to finish the clause
_NEXT_CLAUSE = frozenset({"and", "but", "so", "which", "because", "while", "who", "with"})
_COMPARISON = re.compile(rf"{_COMPARED}|late|before|after")

_FRAMEWORK_CUES = {
    "charter": re.compile(r"\b(?:charter|objectives?|goals?|success (?:metrics?|criteria|measures?)|scope|sponsors?|"
                          r"kpis?|okrs?|business case|definition of done|what success looks like|north star|"
                          r"success means|why (?:we(?:'re| are)|the teams are) doing|how we(?:'ll| will) know it "
                          r"worked|what we(?:'re| are) optimi[sz]ing for|break ties|what (?:problem|outcome) we)\b"),
    "workstreams": re.compile(r"\b(?:work ?streams?|streams?|(?<!on )(?<!back on )tracks?|swim ?lanes?|"
                              r"team ownership|each team owns|owned by|(?:break|split|divide|carve)s? (?:it|this|"
                              r"that|the (?:work|program|migration|project))(?: up| down)? into|sub ?projects?|"
                              r"(?:the )?work splits into)\b"),
    "dependencies": re.compile(r"\b(?:dependenc(?:y|ies)|depends? on|dependent|raci|critical path|blocked|"
                               r"blockers?|blocking|upstream|downstream|handoffs?|sequencing|sequence (?:those|them|"
                               r"it|the)|waits? on|wait on|who waits|needs from|in which order|can't ship until|"
                               r"cannot ship until|before (?:\w+ ){0,2}can (?:start|ship|begin))\b"),
    "milestones": re.compile(r"\b(?:milestones?|phases?|phased|gates?|go (?:or )?no go|timelines?|deadlines?|"
                             r"cutover|cut over|launch date|roadmap|check ?points?|target date|dated|"
                             r"dates? that matter|(?:first|next|final) (?:date|deliverable)|at the end of "
                             r"(?:every|each|the) (?:quarter|month|phase)|(?:by|from|to|in|until) "
                             r"(?:the end of )?(?:january|february|march|april|may|june|july|august|september|"
                             r"october|november|december|q[1-4]))\b"),
    "risks": re.compile(r"\b(?:risks?|risky|mitigat\w*|contingenc(?:y|ies)|rollback|roll back|fallback|fall back|"
                        r"plan b|what could go wrong|pre ?mortem|in danger|puts? at stake|the danger|could slip|"
                        r"could bite)\b"),
    "cadence": re.compile(r"\b(?:cadence|weekly|biweekly|bi weekly|daily|monthly|syncs?|steering|steercos?|"
                          r"status (?:reports?|updates?|emails?|reviews?)|stand ?ups?|async|asynchronous|dashboards?|"
                          r"review every|every (?:week|two weeks|month|day|sprint|monday|tuesday|wednesday|thursday|"
                          r"friday)|office hours|check ?ins?|twice a week|written update)\b"),
}


@dataclass(frozen=True)
class Structure:
    kind: str
    parts: dict = field(default_factory=dict)  # part -> {present, start_s, seconds, quote}
    missing: tuple[str, ...] = ()
    order: tuple[str, ...] = ()  # present parts by start
    texts: dict = field(default_factory=dict)  # part -> the match-form text of its sentences

    def result_has_number(self) -> bool:
        """The result part says a number ("two weeks", "18 percent"): the score's "result without a number" and the
        execution rating's "the result had no number" both ask this."""
        return bool(NUMBER.search(self.texts.get("result", "")))

    def as_doc(self) -> dict:
        parts = {name: dict(info) for name, info in self.parts.items()}
        return {"kind": self.kind, "parts": parts, "missing": list(self.missing), "order": list(self.order)}


def first_person_actions(text: str) -> int:
    """How many times the speaker says "I" with a past-tense action verb ("I set up", "I then proposed")."""
    return len(_ACTION.findall(text))


def _star_scores(sentence: Sentence, position: float) -> dict[str, float]:
    scores = {}
    for part, cues in _STAR_CUES.items():
        cue = sum(weight * min(2, len(p.findall(sentence.text))) for p, weight in cues)
        early_w, late_w = _STAR_PRIOR[part]
        scores[part] = cue + (early_w * (1 - position) + late_w * position) * (1.0 if cue else _UNCUED_PRIOR)
    return scores


def _star_labels(sentences: Sequence[Sentence], begin: float, length: float) -> list[str]:
    """The best left-to-right walk through situation, task, action, result (parts may be skipped, never revisited):
    each sentence scores its cues for every part; moving on to a later part costs _SWITCH_COST. A stray number in
    the middle of the actions cannot make a one-sentence result, and uncued sentences stay with their neighbours.
    """
    emissions = [_star_scores(s, ((s.start + s.end) / 2 - begin) / length) for s in sentences]
    states = STAR_PARTS
    best = [{p: (emissions[0][p], [p]) for p in states}]
    for sentence, e in zip(sentences[1:], emissions[1:]):
        row = {}
        for k, p in enumerate(states):
            options = [(best[-1][p][0], best[-1][p][1])]
            if _has_cue(sentence, p):  # a part starts where something is said for it, never on an uncued sentence
                options += [(best[-1][q][0] - _SWITCH_COST, best[-1][q][1]) for q in states[:k]]
            score, path = max(options, key=lambda o: o[0])
            row[p] = (score + e[p], path + [p])
        best.append(row)
    path = max(best[-1].values(), key=lambda o: o[0])[1]
    return _drop_uncued(path, emissions, sentences)


def _drop_uncued(path: list[str], emissions: list[dict[str, float]], sentences: Sequence[Sentence]) -> list:
    """A part is only present when one of its sentences has a cue for it; an uncued run joins the part before it.
    Sentences before the first cue of any part are the situation when no cued sentence is and the speaker's task or
    actions follow them (a story opens on its context; a misheard opener such as "last pretty big steam and turned
    up a new library" still sets the scene), else they join the first part. With no cue anywhere, nothing is
    labelled."""
    cued = {p for p, s in zip(path, sentences) if _has_cue(s, p)}
    labels: list[str | None] = [p if p in cued else None for p in path]
    opener = next((k for k, s in enumerate(sentences) if any(_has_cue(s, q) for q in STAR_PARTS)), 0)
    if opener and "situation" not in cued and labels[opener] in ("task", "action"):
        labels[:opener] = ["situation"] * opener
    return _fill_gaps(labels)


def _has_cue(sentence: Sentence, part: str) -> bool:
    return any(p.search(sentence.text) for p, _ in _STAR_CUES[part])


def _fill_gaps(labels: list[str | None]) -> list[str | None]:
    """Unlabelled sentences continue the part before them; leading ones join the first labelled part."""
    filled: list[str | None] = []
    for label in labels:
        filled.append(label or (filled[-1] if filled else None))
    first = next((label for label in filled if label), None)
    return [label or first for label in filled]


def _quote(tokens: Sequence[Token], sentence: Sentence, max_words: int = 12) -> str:
    """The sentence's first words; cut short, not ending on a word that leads on ("side by side", not "... and")."""
    last = min(sentence.last, sentence.first + max_words - 1)
    if last < sentence.last:
        last = quote_end(tokens, sentence.first, last)
    return " ".join(t.text for t in tokens[sentence.first:last + 1])


def _quantity_at(said: Sequence[Token]) -> tuple[int, int] | None:
    """(rank, index of its last word) of the best quantity in the words; percentages rank before other units."""
    found = []
    for k, token in enumerate(said):
        form = match_form(token.norm)
        unit = match_form(said[k + 1].norm) if k + 1 < len(said) else ""
        if form.endswith("%") or form.startswith("$"):
            found.append((0 if form.endswith("%") else 1, k))
        elif NUMBER.search(form) and re.fullmatch(_UNIT, unit):
            found.append((0 if unit == "percent" else 1, k + 1))
    return min(found) if found else None


def _clause_end(said: Sequence[Token], unit: int) -> int:
    """Where the quantity's clause ends: "two weeks early", "nine days before the deadline", not "two weeks were".

    A comma or full stop after a word ends it, and so does a word that opens the next clause ("and", "which"). A
    clause running on past `RESULT_TAIL_WORDS` is cut after the quantity and the comparison that qualifies it ("two
    weeks later"), since half a clause reads as a slip.
    """
    for k in range(unit, min(len(said), unit + RESULT_TAIL_WORDS + 1)):
        if k > unit and said[k].norm in _NEXT_CLAUSE:
            return k
        if said[k].comma_after or said[k].ends_sentence or k == len(said) - 1:
            return k + 1
    return unit + 2 if _COMPARISON.fullmatch(said[unit + 1].norm) else unit + 1


def _result_quote(tokens: Sequence[Token], sentences: Sequence[Sentence]) -> str:
    """A few words ending with the clause of the result's best quantity ("cut cost by 18 percent"), else its opening.

    A quantity that measures a change ranks first ("came in three weeks early" before "the two weeks were real"),
    then percentages before other units, then the earlier sentence.
    """
    best = None
    for sentence in sentences:
        said = tokens[sentence.first:sentence.last + 1]
        found = _quantity_at(said)
        if found is None:
            continue
        rank = (0 if MEASURED_OUTCOME.search(sentence.text) else 1, found[0])
        if best is None or rank < best[0]:
            best = (rank, said, found[1])
    if best is None:
        return _quote(tokens, sentences[0])
    _, said, unit = best
    end = _clause_end(said, unit)
    start = max(0, end - 12)
    clause = [k + 1 for k in range(start, unit) if said[k].comma_after]
    start = clause[-1] if clause else start
    while start < unit and said[start].norm in ("and", "but", "so", "which"):
        start += 1
    return " ".join(t.text for t in said[start:end])


def _spans(sentences: Sequence[Sentence]) -> list[float]:
    """Each sentence's share of the answer: until the next sentence starts, or the answer ends."""
    ends = [s.start for s in sentences[1:]] + [sentences[-1].end]
    return [end - s.start for s, end in zip(sentences, ends)]


def _absent() -> dict:
    return {"present": False, "start_s": None, "seconds": 0.0, "quote": None}


# an outcome said mid-sentence: "...onto the cutover we finished eight weeks late", "...in the end we agreed"
_OUTCOME_CLAUSE = re.compile(rf"\b(?:(?:we|they|she|he|it) {_RESULT_VERBS}|{_RESULT_PHRASES})")
# the speaker's role said mid-sentence: "...for a new catalog service, I own the decision record"
_ROLE_CLAUSE = re.compile(r"\b(?:i was (?:responsible|accountable|in charge|asked to|tasked)|i own(?:ed)?|"
                          r"my (?:job|role|task|responsibility|mandate)|it (?:was|fell) (?:on|to) me)\b")
MIN_CLAUSE_WORDS = 4


def _split_at(sentence: Sentence, tokens: Sequence[Token], clause: re.Pattern[str]) -> list[Sentence]:
    """The sentence cut where `clause` (an outcome, the speaker's role) starts after MIN_CLAUSE_WORDS words of
    something else.

    Whisper often runs two sentences together with no full stop (fast or synthetic speech): the context and the
    role, the last action and the result; the later part would then start a sentence early. The text keeps the
    sentence's words (fillers left out): each token's words are matched in order, and a token whose words do not
    come next was a filler.
    """
    words = sentence.text.split()
    m = clause.search(sentence.text)
    cut = len(sentence.text[:m.start()].split()) if m else 0
    if cut < MIN_CLAUSE_WORDS:
        return [sentence]
    at = 0
    for token in tokens[sentence.first:sentence.last + 1]:
        form = match_form(token.norm).split()
        if form and words[at:at + len(form)] == form:
            if at == cut:
                head = Sentence(sentence.first, token.index - 1, sentence.start, tokens[token.index - 1].end,
                                " ".join(words[:cut]))
                tail = Sentence(token.index, sentence.last, token.start, sentence.end, " ".join(words[cut:]))
                return [head] + _split_at(tail, tokens, clause)
            at += len(form)
    return [sentence]


def _star(sentences: Sequence[Sentence], tokens: Sequence[Token]) -> Structure:
    for clause in (_OUTCOME_CLAUSE, _ROLE_CLAUSE):
        sentences = [piece for s in sentences for piece in _split_at(s, tokens, clause)]
    begin, finish = sentences[0].start, sentences[-1].end
    length = max(finish - begin, 1e-6)
    labels = _star_labels(sentences, begin, length)
    firsts = {}
    for sentence, label in zip(sentences, labels):
        if label and label not in firsts:
            firsts[label] = sentence
    order = tuple(sorted(firsts, key=lambda part: firsts[part].start))
    starts = [firsts[part].start for part in order[1:]] + [finish]
    parts = {part: _absent() for part in STAR_PARTS}
    texts = {part: " ".join(s.text for s, label in zip(sentences, labels) if label == part) for part in order}
    for part, until in zip(order, starts):
        mine = [s for s, label in zip(sentences, labels) if label == part]
        quote = _result_quote(tokens, mine) if part == "result" else _quote(tokens, mine[0])
        parts[part] = {"present": True, "start_s": round(firsts[part].start, 2),
                       "seconds": round(until - firsts[part].start, 2), "quote": quote}
    missing = tuple(part for part in STAR_PARTS if part not in firsts)
    return Structure("star", parts, missing, order, texts)


def _framework_labels(hits: list[dict[str, int]]) -> list[str | None]:
    """Each sentence's main part: the most mentioned; on a tie, a part not yet talked about (a new topic), then the
    guide's order."""
    seen: set[str] = set()
    labels: list[str | None] = []
    for h in hits:
        if not any(h.values()):
            labels.append(None)
            continue
        label = max(FRAMEWORK_PARTS, key=lambda p: (h[p], p not in seen, -FRAMEWORK_PARTS.index(p)))
        labels.append(label)
        seen.add(label)
    return labels


def _framework(sentences: Sequence[Sentence], tokens: Sequence[Token]) -> Structure:
    hits = [{part: len(p.findall(s.text)) for part, p in _FRAMEWORK_CUES.items()} for s in sentences]
    labels = _fill_gaps(_framework_labels(hits))
    parts = {part: _absent() for part in FRAMEWORK_PARTS}
    texts = {}
    for part in FRAMEWORK_PARTS:
        mentions = [s for s, h in zip(sentences, hits) if h[part]]
        if not mentions:
            continue
        seconds = sum((span for span, label in zip(_spans(sentences), labels) if label == part), 0.0)
        # where the part is the main topic, else its first passing mention ("watch it on a dashboard")
        first = next((s for s, label, h in zip(sentences, labels, hits) if label == part and h[part]), mentions[0])
        parts[part] = {"present": True, "start_s": round(first.start, 2), "seconds": round(seconds, 2),
                       "quote": _quote(tokens, first)}
        texts[part] = " ".join(s.text for s in mentions)
    order = tuple(sorted(texts, key=lambda part: (parts[part]["start_s"], FRAMEWORK_PARTS.index(part))))
    missing = tuple(part for part in FRAMEWORK_PARTS if part not in texts)
    return Structure("framework", parts, missing, order, texts)


def empty_structure(kind: str) -> Structure:
    """The structure of an answer with no words: every part of the kind missing."""
    names = {"star": STAR_PARTS, "framework": FRAMEWORK_PARTS}.get(kind, ())
    return Structure(kind, {part: _absent() for part in names}, tuple(names))


def analyze_structure(kind: str, sentences: Sequence[Sentence], tokens: Sequence[Token]) -> Structure:
    if not sentences:
        return empty_structure(kind)
    if kind == "star":
        return _star(sentences, tokens)
    if kind == "framework":
        return _framework(sentences, tokens)
    return Structure("none")


def infer_kind(sentences: Sequence[Sentence], tokens: Sequence[Token]) -> tuple[str, int]:
    """The kind of an answer given without its question, and how many parts of the best kind it has.

    A story (past tense, first person, at least three times, with a situation or a result) is star; a plan
    ("I would", "first", "then" at least twice, with at least two framework parts) is framework; the more
    frequent of the two voices wins when both fit.
    """
    if not sentences:
        return "none", 0
    text = " ".join(s.text for s in sentences)
    star, plan = _star(sentences, tokens), _framework(sentences, tokens)
    star_count, plan_count = len(star.order), len(plan.order)
    past, future = len(_PAST_FIRST_PERSON.findall(text)), len(_PLAN.findall(text))
    story = past >= 3 and star_count >= 2 and bool({"situation", "result"} & set(star.order))
    program = future >= 2 and plan_count >= 2
    if story and (not program or past >= future):
        return "star", star_count
    if program:
        return "framework", plan_count
    return "none", max(star_count, plan_count)
