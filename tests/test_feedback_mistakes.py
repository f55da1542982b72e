"""Each finding triggered by an answer that makes the mistake, and not by one that avoids it."""

from __future__ import annotations

import pytest
from test_feedback_fixtures import (
    ALIGNMENT,
    BLAME_STORY,
    COMPLETE_STORY,
    FAILURE,
    JFK_SPEECH,
    MANAGER_SOLVED,
    MIGRATION,
    MIGRATION_PLAN,
    NO_DEPTH,
    NO_RESULT_STORY,
    OWNED_STORY,
    PROCESS_AND_OUTCOME,
    PROCESS_ONLY,
    RAMBLE,
    SCREEN,
    SELF_SOLVED,
    SHORT_ANSWER,
    WE_STORY,
    key_point,
    spoken,
)

from voice_interviewer.content.personas import Question
from voice_interviewer.feedback import analyze
from voice_interviewer.feedback.mistakes import is_failure_question


def kinds(text: str, question=ALIGNMENT) -> dict[str, dict]:
    return {f["kind"]: f for f in analyze(spoken(text), question)["findings"]}


def test_no_technical_depth_quotes_the_words():
    finding = kinds(NO_DEPTH)["no-technical-depth"]
    assert finding["severity"] == "high"
    assert "let the engineers handle" in finding["evidence"]
    assert finding["at_s"] == pytest.approx(next(w["start"] for w in analyze(spoken(NO_DEPTH))["words"]
                                                 if w["text"] == "let"), abs=0.01)
    assert "no-technical-depth" not in kinds(COMPLETE_STORY)


def test_process_over_outcomes():
    finding = kinds(PROCESS_ONLY)["process-over-outcomes"]
    assert "standups" in finding["evidence"]
    assert "process-over-outcomes" not in kinds(PROCESS_AND_OUTCOME)
    assert "process-over-outcomes" not in kinds(COMPLETE_STORY)


def test_no_influence_when_the_manager_solves_it():
    finding = kinds(MANAGER_SOLVED)["no-influence"]
    assert "my director stepped in" in finding["evidence"]
    assert "no-influence" not in kinds(SELF_SOLVED)  # the director only backed what the speaker drove
    assert "no-influence" not in kinds(COMPLETE_STORY)


def test_we_not_i():
    finding = kinds(WE_STORY)["we-not-i"]
    assert finding["evidence"] == "we 7 times, I 2 times"
    assert "we-not-i" not in kinds(COMPLETE_STORY)
    assert "we-not-i" not in kinds(WE_STORY, MIGRATION)  # only stories are judged on "I"


def test_failure_without_ownership():
    finding = kinds(BLAME_STORY, FAILURE)["failure-without-ownership"]
    assert finding["severity"] == "high"
    assert "vendor missed" in finding["evidence"]
    assert "failure-without-ownership" not in kinds(OWNED_STORY, FAILURE)
    assert "failure-without-ownership" not in kinds(BLAME_STORY, ALIGNMENT)  # not a failure question


def test_everything_went_great_is_not_a_failure_story():
    text = ("The migration was hard but everything went great in the end and the teams were happy with the "
            "result, the launch was smooth and nobody complained about anything at all.")
    assert "failure-without-ownership" in kinds(text, FAILURE)


def test_failure_question_detection():
    assert is_failure_question(FAILURE)
    assert not is_failure_question(ALIGNMENT)
    assert not is_failure_question(None)


def test_vague_no_structure():
    assert "vague-no-structure" in kinds(RAMBLE)
    assert "vague-no-structure" not in kinds(COMPLETE_STORY)
    assert "vague-no-structure" not in kinds(SHORT_ANSWER)  # too short to judge structure
    assert "vague-no-structure" not in kinds(RAMBLE, SCREEN)  # screen questions expect no structure


def test_missing_result_and_numbers():
    assert kinds(NO_RESULT_STORY)["missing-result"]["severity"] == "warn"
    assert "missing-result" not in kinds(COMPLETE_STORY)
    vague_result = COMPLETE_STORY.split(" As a result,")[0] + (
        " As a result, both teams agreed on the managed database and we shipped the migration on time.")
    finding = kinds(vague_result)["no-numbers-in-result"]
    assert finding["evidence"].startswith("As a result")
    assert "no-numbers-in-result" not in kinds(COMPLETE_STORY)


def test_over_budget():
    tight = ALIGNMENT.model_copy(update={"budget_s": 40})
    doc = analyze(spoken(COMPLETE_STORY), tight)
    finding = next(f for f in doc["findings"] if f["kind"] == "over-budget")
    assert finding["at_s"] == pytest.approx(doc["timing"]["first_word_s"] + 40)
    assert doc["timing"]["over_budget"] is True
    assert "over-budget" not in kinds(COMPLETE_STORY)


def test_too_short():
    assert kinds(SHORT_ANSWER)["too-short"]["severity"] == "high"
    assert "too-short" in kinds(SHORT_ANSWER, SCREEN)  # budget 60
    quick = SCREEN.model_copy(update={"budget_s": 30})
    assert "too-short" not in kinds(SHORT_ANSWER, quick)
    assert "too-short" not in kinds(COMPLETE_STORY)


def test_off_topic():
    assert "off-topic" in kinds(JFK_SPEECH)
    assert "off-topic" in kinds(JFK_SPEECH, MIGRATION)
    assert "off-topic" in kinds(JFK_SPEECH, None)  # not about work at all
    assert "off-topic" not in kinds(COMPLETE_STORY)
    assert "off-topic" not in kinds(COMPLETE_STORY, None)


STATUS = Question(
    id="panel-status", text="How do you report program status to executives?", kind="scenario", structure="none",
    tests="executive communication", budget_s=120,
    key_points=(key_point("asks", "specific asks", "ask", "decision needed"),
                key_point("headline", "a headline status", "status", "on track"),
                key_point("audience", "layered for the audience", "audience", "executives")))


def test_off_topic_despite_a_chance_synonym():
    doc = analyze(spoken(JFK_SPEECH), STATUS)
    assert doc["key_points"]["covered"] == ["specific asks"]  # "ask not what your country..."
    assert "off-topic" in {f["kind"] for f in doc["findings"]}
    on_topic = ("Every Friday I send the leadership team a one page update. It opens with the program status, "
                "green or at risk, then the milestones we hit and the decisions we need from them this week.")
    assert "off-topic" not in kinds(on_topic, STATUS)


def test_pace_fast_and_slow():
    fast = analyze(spoken(COMPLETE_STORY, wpm=210), ALIGNMENT)
    assert fast["pace"]["verdict"] == "fast"
    assert {f["kind"] for f in fast["findings"]} >= {"pace-fast"}
    slow = analyze(spoken(COMPLETE_STORY, wpm=95), ALIGNMENT)
    assert slow["pace"]["verdict"] == "slow" and "pace-slow" in {f["kind"] for f in slow["findings"]}
    assert not {"pace-fast", "pace-slow"} & set(kinds(COMPLETE_STORY))


def test_many_fillers():
    um_story = " ".join(f"um, {w}" if i % 6 == 0 else w for i, w in enumerate(COMPLETE_STORY.split()))
    finding = kinds(um_story)["many-fillers"]
    assert finding["evidence"].startswith("um ")
    assert not {"many-fillers", "some-fillers"} & set(kinds(COMPLETE_STORY))


def test_long_pauses():
    paused = COMPLETE_STORY.replace(" First,", " [pause=4] First,")
    finding = kinds(paused)["long-pauses"]
    assert finding["severity"] == "info"
    assert "long-pauses" not in kinds(COMPLETE_STORY)


def test_charter_late():
    late = ("I would break the work into workstreams by team ownership and map the dependencies. Then I would "
            "write the charter with the objective and success metrics, and set phase gates for the cutover.")
    assert kinds(late, MIGRATION)["charter-late"]["evidence"].startswith("Then I would write the charter")
    assert "charter-late" not in kinds(MIGRATION_PLAN, MIGRATION)
