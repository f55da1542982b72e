"""Shared test material for the feedback tests: spoken-word timing from text, questions and answers.

Other test_feedback_* modules import from here (pytest puts tests/ on sys.path); the tests at the bottom check the
helper itself.
"""

from __future__ import annotations

import re

import pytest

from voice_interviewer.content.personas import KeyPoint, Question
from voice_interviewer.records import Transcript, Word

WPM = 150
PAUSE_S = 2.0


def spoken(text: str, *, start: float = 0.5, wpm: float = WPM, pause_s: float = PAUSE_S) -> Transcript:
    """Words of `text` at `wpm`, as Whisper gives them (leading space, punctuation attached).

    "[pause]" adds `pause_s` of silence, "[pause=3.2]" adds 3.2 s. Each word sounds for 80 % of its slot.
    """
    step = 60.0 / wpm
    now, words = start, []
    for piece in text.split():
        marker = re.fullmatch(r"\[pause(?:=([\d.]+))?\]", piece)
        if marker:
            now += float(marker.group(1) or pause_s)
            continue
        words.append(Word(" " + piece, round(now, 3), round(now + step * 0.8, 3), 0.9))
        now += step
    return Transcript(tuple(words), audio_duration_s=round(now + 0.5, 3), model="test")


def key_point(point_id: str, label: str, *synonyms: str) -> KeyPoint:
    return KeyPoint(id=point_id, label=label, synonyms=synonyms)


ALIGNMENT = Question(
    id="panel-alignment",
    text="Tell me about a time you had to drive alignment between teams that disagreed on a technical approach.",
    kind="behavioral",
    tests="influence without authority, conflict resolution",
    key_points=(
        key_point("data", "decided with data", "data", "benchmark", "numbers"),
        key_point("common-ground", "shared objective", "shared goal", "common ground", "both teams agreed"),
        key_point("facilitate", "facilitated the discussion", "working session", "facilitate", "workshop"),
    ),
    follow_ups={"result": "What changed because of it, in numbers?", "task": "What exactly was your role?",
                "data": "What data did you bring to the table?"},
    budget_s=120,
)

MIGRATION = Question(
    id="hm-migration",
    text="You are managing a platform migration involving six teams in three time zones. How would you structure it?",
    kind="scenario",
    tests="program structuring",
    key_points=(
        key_point("raci", "a RACI matrix", "raci", "responsibility matrix"),
        key_point("phase-gates", "phase gates with go/no-go", "go/no-go", "phase gate", "gate"),
        key_point("timezones", "cross time zone coordination", "time zone", "rotate meeting", "async"),
    ),
    follow_ups={"risks": "What are the biggest risks and how would you handle them?",
                "charter": "What is the objective of the program?"},
    budget_s=180,
)

FAILURE = Question(
    id="panel-failure",
    text="Describe a program that didn't go as planned. What happened and what did you learn?",
    kind="behavioral",
    tests="self-awareness, learning from failure, accountability",
    key_points=(
        key_point("own-role", "your role in it", "my mistake", "i should have", "my part"),
        key_point("changed", "what you changed", "i changed", "since then", "started requiring"),
    ),
    budget_s=150,
)

SCREEN = Question(
    id="recruiter-why",
    text="Why are you interested in this technical program manager role?",
    kind="screen",
    tests="motivation and fit",
    key_points=(
        key_point("impact", "impact at scale", "impact", "scale"),
        key_point("programs", "cross-team programs", "cross team", "programs"),
    ),
    budget_s=60,
)

COMPLETE_STORY = (
    "At my previous company, we were migrating our payments platform to a new cloud provider, and two teams "
    "disagreed on the database approach. The launch was at risk. "
    "I was the TPM responsible for the migration, and my goal was to get a decision within two weeks without "
    "slipping the launch. "
    "First, I gathered the requirements from both teams and set up a working session. I asked each lead to write a "
    "one page proposal with latency and cost numbers. Then I brought in a staff engineer to review the tradeoffs, "
    "and I proposed a small benchmark to settle the question with data. "
    "As a result, both teams agreed on the managed database within nine days. We shipped the migration on time, "
    "and it reduced our infrastructure cost by 18 percent. I learned to put disagreements on data early."
)
# how each STAR part of COMPLETE_STORY opens
STORY_OPENERS = {"situation": "At my previous company", "task": "I was the TPM", "action": "First, I gathered",
                 "result": "As a result"}


def word_offset(text: str, phrase: str) -> int:
    """How many words of `text` come before `phrase`."""
    return len(text[:text.index(phrase)].split())


def start_of(text: str, phrase: str, *, start: float = 0.5, wpm: float = WPM) -> float:
    """When `spoken(text)` starts saying `phrase` (text without pause markers)."""
    return start + word_offset(text, phrase) * 60.0 / wpm

NO_RESULT_STORY = COMPLETE_STORY.split(" As a result,")[0]

SHORT_ANSWER = "I led the database decision and it went fine."

# Public domain: John F. Kennedy, inaugural address, 20 January 1961.
JFK_SPEECH = (
    "Let the word go forth from this time and place, to friend and foe alike, that the torch has been passed to "
    "a new generation of Americans, born in this century, tempered by war, disciplined by a hard and bitter peace, "
    "proud of our ancient heritage. Let every nation know, whether it wishes us well or ill, that we shall pay any "
    "price, bear any burden, meet any hardship, support any friend, oppose any foe, to assure the survival and the "
    "success of liberty. And so, my fellow Americans: ask not what your country can do for you, ask what you can "
    "do for your country. My fellow citizens of the world: ask not what America will do for you, but what "
    "together we can do for the freedom of man."
)

MIGRATION_PLAN = (
    "I would start with a charter: the objective, success metrics, scope and an executive sponsor. "
    "Then I would break the migration into workstreams aligned with team ownership: data migration, API "
    "migration, testing and rollback planning. I would set up a RACI so every team knows what it owns, and map "
    "the dependencies and the critical path between the six teams. "
    "Next I would define phase gates with go/no-go criteria for dev complete, staging and the production cutover. "
    "I would create a risk register on day one, with a mitigation and a rollback plan for each major risk. "
    "Finally, the cadence: weekly workstream syncs, a biweekly dependency review, a monthly steering review, and "
    "async status reports and a shared dashboard so the three time zones stay in sync."
)

# COMPLETE_STORY as people say it: fillers, a thinking pause, and one key point (the shared objective) left out
HUMAN_STORY = (
    "Um, so at my previous company we were migrating our payments platform to a new cloud provider, and two "
    "teams disagreed on the database approach. I was the TPM responsible for the migration, and, uh, my goal was "
    "to get a decision within two weeks. [pause=1.8] First, I gathered the requirements from both teams and set "
    "up a working session. I asked each lead to write a one page proposal with, like, latency and cost numbers. "
    "Then I brought in a staff engineer to review the tradeoffs, and I proposed a small benchmark. "
    "As a result, we picked the managed database within nine days. We shipped the migration on time, and it "
    "reduced our infrastructure cost by 18 percent."
)

# Answers that make (or avoid) one of the guide's mistakes
NO_DEPTH = (
    "At my last company we were moving search to a new cluster and the launch was at risk. I was the program "
    "manager responsible for the launch. I set up the plan and I let the engineers handle the technical decisions, "
    "since I am not technical. As a result we launched two weeks late."
)
PROCESS_ONLY = (
    "At my previous company our team had a big platform program. I was responsible for coordination. I set up "
    "daily standups and a weekly sync with every team. I sent status reports every Friday, ran the meetings, kept "
    "the tickets in Jira current and held a retro after each sprint. Everyone knew the agenda and the tracker."
)
PROCESS_AND_OUTCOME = PROCESS_ONLY + " In the end we shipped two weeks early and cut incidents by 30 percent."
MANAGER_SOLVED = (
    "Last year two teams disagreed on the API design for weeks and the launch was slipping. It was getting "
    "heated, so my director stepped in and decided on the REST approach. After that the teams followed her "
    "decision and the work moved on. In the end the launch went out a month late."
)
SELF_SOLVED = (
    "Last year two teams disagreed on the API design and the launch was slipping. I gathered latency data from "
    "both teams, I set up a design review and I proposed a benchmark. My director decided to back the result. "
    "In the end we launched on time."
)
WE_STORY = (
    "Last year we were late on the payments launch. We met with the teams, we agreed on a new plan, we cut "
    "scope, we moved the date and we shipped it. We learned a lot and I helped where I could."
)
BLAME_STORY = (
    "The program slipped by two months. The vendor missed every deadline and the other team didn't deliver "
    "their API on time. They never told us about the delays, so the launch failed and leadership was unhappy."
)
OWNED_STORY = BLAME_STORY + (" In hindsight I should have asked for weekly checkpoints with the vendor. Since "
                             "then I started requiring written dependency agreements on every program.")
RAMBLE = (
    "Alignment is really important in any organization and good communication matters a lot. People should "
    "listen to each other and be open and honest about what everyone wants. When everyone is on the same page "
    "things are easier and the work gets better for everybody involved in it."
)


def test_spoken_words_run_at_about_150_wpm():
    transcript = spoken("one two three four five six seven eight nine ten")
    words = transcript.words
    assert len(words) == 10
    assert words[0].start == 0.5 and words[0].text == " one"
    minutes = (words[-1].end - words[0].start) / 60
    assert 140 <= len(words) / minutes <= 160


def test_pause_markers_add_silence():
    words = spoken("before [pause] after [pause=3.5] end").words
    assert [w.text.strip() for w in words] == ["before", "after", "end"]
    assert words[1].start - words[0].end == pytest.approx(0.08 + 2.0, abs=0.01)
    assert words[2].start - words[1].end == pytest.approx(0.08 + 3.5, abs=0.01)


def test_start_of_points_at_the_phrase():
    transcript = spoken(COMPLETE_STORY)
    for phrase in STORY_OPENERS.values():
        word = next(w for w in transcript.words if w.start == pytest.approx(start_of(COMPLETE_STORY, phrase)))
        assert word.text.strip() == phrase.split()[0]
