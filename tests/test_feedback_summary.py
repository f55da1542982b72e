"""Spoken feedback (one strength, at most two fixes, evidence and numbers, plain speech) and the follow-up choice."""

from __future__ import annotations

import re

import pytest
from test_feedback_fixtures import (
    ALIGNMENT,
    BLAME_STORY,
    COMPLETE_STORY,
    HUMAN_STORY,
    JFK_SPEECH,
    MANAGER_SOLVED,
    MIGRATION,
    MIGRATION_PLAN,
    NO_DEPTH,
    NO_RESULT_STORY,
    PROCESS_ONLY,
    SHORT_ANSWER,
    WE_STORY,
    key_point,
    spoken,
)

from voice_interviewer.content.personas import Question
from voice_interviewer.feedback import analyze, choose_follow_up, spoken_summary
from voice_interviewer.feedback.summary import MAX_WORDS, strength_sentence
from voice_interviewer.records import Transcript

WE_LONG = (
    "Last year at my previous company, our checkout team was missing every release date and the launch of the new "
    "payments flow was at risk. I was the program manager for the launch. We ran a working session with the four "
    "leads, we looked at the data and we mapped every dependency. We found common ground on a new plan, we cut "
    "scope to the two flows customers used most, we moved the date by a week and we brought in a second QA team. "
    "In the end we shipped the new flow three weeks later and conversion went up 4 percent."
)
UM_STORY = " ".join(f"um, {w}" if i % 6 == 0 and i < 70 else w for i, w in enumerate(COMPLETE_STORY.split()))
ANSWERS = [COMPLETE_STORY, HUMAN_STORY, NO_RESULT_STORY, SHORT_ANSWER, JFK_SPEECH, NO_DEPTH, PROCESS_ONLY,
           MANAGER_SOLVED, WE_STORY, WE_LONG, BLAME_STORY, UM_STORY]


def feedback(text: str, question=ALIGNMENT) -> str:
    return analyze(spoken(text), question)["spoken_feedback"]


@pytest.mark.parametrize("text", ANSWERS)
def test_short_plain_speech(text):
    said = feedback(text)
    assert len(said.split()) <= MAX_WORDS <= 55
    assert not re.search(r"[()\[\]{}%/&*#\"<>$@;_|]", said)
    assert not re.search(r"^\s*[-*\d]+[.)]\s", said, re.M)  # no list items
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", said) if s]
    assert 1 <= len(sentences) <= 3


def test_complete_answer_gets_specific_praise():
    said = feedback(COMPLETE_STORY)
    assert said.startswith("You closed with a concrete result: it reduced our infrastructure cost by 18 percent.")


def test_missing_result_fix_asks_for_numbers():
    said = feedback(NO_RESULT_STORY)
    assert "Your story had no result: close with what changed, in numbers." in said


def test_result_without_number():
    vague = NO_RESULT_STORY + " As a result, both teams agreed and we shipped the migration on time."
    assert "Your result had no number: close with what changed, for example the percentage or weeks saved." in (
        feedback(vague))


def test_a_number_that_measures_no_change_is_not_praised():
    # "two weeks" is a number, but the story says what it cost, not what changed: no "concrete result" praise
    story = ("Sales wanted to launch in a new region before any security review. I owned the launch checklist. "
             "I proposed a two week fast track review and lined up the security engineers myself. "
             "So, the two weeks were real. The review found one encryption gap and the customer signed.")
    assert "concrete result" not in feedback(story)
    measured = story.replace("the customer signed.", "the customer renewal came in three weeks early.")
    assert "You closed with a concrete result: the customer renewal came in three weeks early." in feedback(measured)


def test_filler_fix_counts_and_places_them():
    said = feedback(UM_STORY)
    doc = analyze(spoken(UM_STORY), ALIGNMENT)
    count = doc["fillers"]["counts"]["um"]
    assert f"You said um {count} times, mostly in the first half" in said


@pytest.mark.parametrize("text, evidence", [
    (NO_DEPTH, "let the engineers handle the technical decisions"),
    (MANAGER_SOLVED, "my director stepped in"),
    (WE_LONG, "You said we 8 times and I only once: say what you did yourself."),
    (WE_LONG.replace("I was the program manager", "The program manager was me"),
     "You said we 8 times and I not once: say what you did yourself."),
])
def test_top_fix_quotes_the_evidence(text, evidence):
    assert evidence in feedback(text)


def test_filler_fix_writes_fillers_as_said():
    text = "I mean, " + COMPLETE_STORY.replace(". ", ". I mean, ", 3)
    assert "You said I mean 4 times" in feedback(text)


def test_too_short_names_the_length_and_the_target():
    said = feedback(SHORT_ANSWER)
    doc = analyze(spoken(SHORT_ANSWER), ALIGNMENT)
    assert f"Your answer lasted only {doc['timing']['duration_s']:.0f} seconds: aim for about 90 seconds" in said


def test_off_topic_names_missing_key_points():
    said = feedback(JFK_SPEECH)
    assert "did not address the question: decided with data and shared objective" in said


def test_a_label_with_a_comma_gets_a_serial_comma():
    status = Question(
        id="tech-status", text="How would you report the status of a slipping program to executives?",
        kind="scenario", tests="communication", budget_s=120,
        key_points=(key_point("outcomes", "lead with outcomes, not activity", "outcome"),
                    key_point("asks", "name the risks and specific asks", "specific ask")))
    said = feedback(JFK_SPEECH, status)
    assert "lead with outcomes, not activity, and name the risks and specific asks" in said


def test_process_fix_names_the_process():
    coordination = Question(
        id="panel-coordination", text="Tell me about a program you coordinated across many teams.",
        kind="behavioral", tests="execution and accountability", budget_s=120,
        key_points=(key_point("regular-cadence", "a regular cadence", "weekly sync", "standup"),
                    key_point("written", "written status", "status report")))
    doc = analyze(spoken(PROCESS_ONLY), coordination)
    assert [d["kind"] for d in doc["deductions"]] == ["missing-result", "process-over-outcomes"]
    assert "You talked about standups, sync and status reports but no outcome" in doc["spoken_feedback"]


def test_no_speech_feedback():
    doc = analyze(Transcript(()), ALIGNMENT)
    assert spoken_summary(doc) == doc["spoken_feedback"]
    assert "did not hear an answer" in doc["spoken_feedback"]


def test_summary_rebuilt_from_a_stored_document():
    doc = analyze(spoken(HUMAN_STORY), ALIGNMENT)
    stored = {k: v for k, v in doc.items() if k not in ("strength", "spoken_feedback")}
    assert spoken_summary(stored, ALIGNMENT) == doc["spoken_feedback"]
    assert strength_sentence(stored) == doc["strength"]


def test_strength_is_one_specific_sentence():
    for text in ANSWERS:
        strength = analyze(spoken(text), ALIGNMENT)["strength"]
        assert strength.endswith(".") and strength.count(". ") == 0
        assert not re.search(r"\b(great job|well done|good answer)\b", strength, re.I)


def _question(follow_ups: dict[str, str], kind: str = "behavioral", base: Question = ALIGNMENT) -> Question:
    return base.model_copy(update={"follow_ups": follow_ups, "kind": kind})


def test_follow_up_for_the_missing_result_first():
    doc = analyze(spoken(SHORT_ANSWER), ALIGNMENT)  # missing situation, task and result, and every key point
    assert choose_follow_up(doc, ALIGNMENT) == ("result", "What changed because of it, in numbers?")
    no_result = _question({"task": "What was your role?", "situation": "What was the context?",
                           "data": "What data?"})
    assert choose_follow_up(doc, no_result) == ("task", "What was your role?")


def test_follow_up_for_a_missing_key_point_after_parts():
    doc = analyze(spoken(NO_RESULT_STORY), ALIGNMENT)  # missing result and "shared objective"
    only_points = _question({"common-ground": "Where did the teams agree?", "data": "What data?"})
    assert choose_follow_up(doc, only_points) == ("common-ground", "Where did the teams agree?")


def test_framework_follow_up_order():
    plan = ("I would break the work into workstreams by team ownership, map the dependencies, and run a weekly "
            "sync with a status report.")
    doc = analyze(spoken(plan), MIGRATION)
    assert set(doc["structure"]["missing"]) == {"charter", "milestones", "risks"}
    assert choose_follow_up(doc, MIGRATION) == ("charter", "What is the objective of the program?")
    no_charter = MIGRATION.model_copy(update={"follow_ups": {"risks": "Which risks?", "milestones": "When?"}})
    assert choose_follow_up(doc, no_charter) == ("risks", "Which risks?")


def test_no_follow_up_when_nothing_missing_has_one():
    assert choose_follow_up(analyze(spoken(COMPLETE_STORY), ALIGNMENT), ALIGNMENT) is None
    assert choose_follow_up(analyze(spoken(MIGRATION_PLAN), MIGRATION), MIGRATION) is None
    assert choose_follow_up(analyze(spoken(NO_RESULT_STORY), ALIGNMENT), _question({})) is None
    assert choose_follow_up(analyze(Transcript(()), ALIGNMENT), ALIGNMENT) is None  # ask again instead


def test_filler_fix_names_the_part_they_cluster_in():
    story = ("Last year our two teams disagreed on the data model and the launch was at risk. I owned the decision. "
             "Um, so, um, I met both leads, um, and I asked for data. I ran one review and I wrote the decision "
             "down. As a result we shipped on time and errors fell by twenty percent.")
    doc = analyze(spoken(story), ALIGNMENT)
    assert doc["fillers"]["counts"]["um"] == 3
    total = doc["fillers"]["total"]  # the three ums and the "so" after the first one
    assert f"You used {total} filler words, um 3 times, mostly while starting the action part" in (
        doc["spoken_feedback"])


def test_one_fix_only():
    doc = analyze(spoken(NO_RESULT_STORY + " um um um um um um"), ALIGNMENT)
    fixes = [s for s in re.split(r"(?<=[.!?])\s+", doc["spoken_feedback"]) if s][1:]
    assert len(fixes) == 1
