"""The debrief (issue 15): dimension evidence per answer, ratings per stage and loop, where the candidate sees them.

Pure tests on typed transcripts (evenly spaced word times), plus the labelled set's manifest.
"""

from __future__ import annotations

import json
import math

import pytest
from conftest import FIXTURES

from voice_interviewer.content.personas import DIMENSIONS, find_question, load_personas
from voice_interviewer.feedback import analyze
from voice_interviewer.feedback.debrief import build_debrief, spoken_debrief
from voice_interviewer.feedback.dimensions import RATINGS, RATING_VALUE
from voice_interviewer.records import Transcript
from voice_interviewer.session.interview import typed_transcript

SET = FIXTURES / "dimensions"


@pytest.fixture(scope="module")
def personas():
    return load_personas()


def scored(personas, question_id: str, text: str, index: int = 1, stage: str | None = None) -> dict:
    persona, question = find_question(personas, question_id)
    doc = analyze(typed_transcript(text), question)
    return {**doc, "index": index, "stage": stage or persona.stage, "question_text": question.text,
            "interrupted": False}


HANDS_OFF = ("We had to pick a database for the catalog. Honestly I let the engineers handle the technical decisions "
             "because I'm not really technical. I ran the standups and sent the weekly status report, and the "
             "architects picked one after a while.")
STRONG_TECH = ("Take our checkout system. A request goes through the load balancer to a stateless service that writes "
               "orders to a Postgres database and puts each order on a Kafka queue, so a slow email provider never "
               "blocks checkout. The weak point was the write path: at peak the database hit its connection limit "
               "and latency went from two hundred milliseconds to four seconds. The trade-off was sharding versus a "
               "write cache; I asked the team to load test both and we chose sharding, which removed the single "
               "point of failure. That became its own workstream with a rollback plan, and checkout errors fell by "
               "sixty percent at the next peak.")
ALIGNMENT = ("At my last company our mobile and web teams disagreed about the login flow. I was asked to get them to "
             "one design in a month. First I agreed on criteria with both leads: conversion, security and cost. Then "
             "each team measured their flow for two weeks and I reviewed the numbers with both of them in the same "
             "room. The web flow won, the mobile team adopted it, and login failures fell by twenty two percent.")


def test_only_the_dimensions_the_question_tests_are_rated(personas):
    doc = scored(personas, "tech-architecture-tradeoff", HANDS_OFF)
    assert set(doc["dimensions"]) == {"technical-fluency", "influence"}
    assert scored(personas, "rec-salary", "I am looking for a base of one hundred and sixty thousand, "
                  "flexible on the mix, and the whole package matters to me.")["dimensions"] == {}
    assert analyze(typed_transcript(HANDS_OFF))["dimensions"] == {}  # no question, nothing to rate against


def test_evidence_has_the_contract_fields_and_quotes_what_was_said(personas):
    doc = scored(personas, "tech-system-walkthrough", STRONG_TECH)
    for found in doc["dimensions"].values():
        assert found["rating"] in RATINGS
        for item in found["evidence"]:
            assert {"for", "quote", "at_s"} <= set(item) and isinstance(item["for"], bool)
            if item["quote"] is not None:
                first = item["quote"].split()[0].strip(",.:;").lower()
                said = [w for w in doc["words"] if w["start"] == item["at_s"]]
                assert said and said[0]["text"].strip(",.:;").lower() == first, item
    tradeoff = [e for e in doc["dimensions"]["technical-fluency"]["evidence"] if e.get("signal") == "named a trade-off"]
    assert tradeoff and tradeoff[0]["for"] and "trade" in tradeoff[0]["quote"].lower()


def test_letting_the_engineers_decide_counts_against_technical_fluency(personas):
    weak = scored(personas, "tech-architecture-tradeoff", HANDS_OFF)["dimensions"]["technical-fluency"]
    strong = scored(personas, "tech-system-walkthrough", STRONG_TECH)["dimensions"]["technical-fluency"]
    against = [e for e in weak["evidence"] if not e["for"]]
    assert any("let the engineers" in (e["quote"] or "").lower() for e in against)
    assert RATING_VALUE[weak["rating"]] <= RATING_VALUE["no-hire"]
    assert strong["rating"] == "strong-hire"


def test_a_manager_who_solved_it_counts_against_influence(personas):
    text = ("The search team did not report to me and would not take our indexing work. I sent a few emails and "
            "they kept saying no. So I escalated it to my manager, and my director stepped in and told them to do "
            "it. After that they added it to their next sprint.")
    found = scored(personas, "panel-no-authority", text)["dimensions"]["influence"]
    assert RATING_VALUE[found["rating"]] <= RATING_VALUE["no-hire"]
    assert any(not e["for"] and "director" in (e["quote"] or "") for e in found["evidence"])
    good = scored(personas, "panel-alignment", ALIGNMENT)["dimensions"]["influence"]
    assert RATING_VALUE[good["rating"]] >= RATING_VALUE["hire"]


def test_measured_outcomes_are_evidence_for_execution(personas):
    found = scored(personas, "br-ambiguity", ALIGNMENT)["dimensions"]["execution"]
    outcome = [e for e in found["evidence"] if e.get("signal") == "a measured outcome"]
    assert outcome and "twenty two percent" in outcome[0]["quote"] and outcome[0]["at_s"] > 10


def test_a_result_without_a_measured_change_is_told_as_such(personas):
    story = ("I owned the launch checklist. I proposed a two week fast track review and lined up the engineers. "
             "So, the two weeks were real and the customer signed.")
    signals = [e["signal"] for e in scored(personas, "br-principles", story)["dimensions"]["execution"]["evidence"]]
    assert "the result measured no change" in signals and "the result had no number" not in signals
    vague = story.replace("the two weeks were real and ", "")
    signals = [e["signal"] for e in scored(personas, "br-principles", vague)["dimensions"]["execution"]["evidence"]]
    assert "the result had no number" in signals


def test_no_speech_is_strong_no_hire(personas):
    _, question = find_question(personas, "panel-alignment")
    doc = analyze(Transcript((), 5.0), question)
    assert doc["dimensions"]["influence"]["rating"] == "strong-no-hire"


def test_stage_and_loop_ratings_round_down_at_a_half_and_the_bar_raiser_closes_the_loop(personas):
    answers = [scored(personas, "panel-alignment", ALIGNMENT, 1),
               scored(personas, "panel-no-authority", "I escalated it to my manager and my director stepped in "
                      "and told them to do it. That is how it got done eventually after a few months.", 2)]
    values = [RATING_VALUE[a["dimensions"]["influence"]["rating"]] for a in answers]
    debrief = build_debrief(answers)
    assert debrief["stages"]["panel"]["influence"] == RATINGS[math.ceil(sum(values) / 2 - 0.5)]
    assert debrief["stages"]["panel"]["execution"] == "not-assessed"
    assert debrief["recommendation"] is None and debrief["work_on_first"] is None  # no bar raiser yet
    assert {e["answer"] for e in debrief["evidence"]["stages"]["panel"]["influence"]["against"]} == {2}
    closing = scored(personas, "br-influence-leader", "Our VP wanted to launch in twelve regions at once. I pulled "
                     "the load test data, asked for a one on one and proposed an alternative: nine small regions "
                     "first. He agreed, and the phased launch went out on time with zero incidents.", 3)
    debrief = build_debrief(answers + [closing])
    assert debrief["recommendation"] in RATINGS
    assert debrief["work_on_first"] in DIMENSIONS
    assert set(debrief["loop"]) == set(DIMENSIONS)
    for side in debrief["evidence"]["loop"]["influence"].values():
        assert len(side) <= 3


def test_the_same_story_twice_is_evidence_against_execution(personas):
    answers = [scored(personas, "panel-alignment", ALIGNMENT, 1),
               scored(personas, "br-ambiguity", ALIGNMENT, 2),
               scored(personas, "hm-failure", ALIGNMENT, 3)]
    against = build_debrief(answers)["evidence"]["loop"]["execution"]["against"]
    assert any("same story" in e["signal"] for e in against)


def test_old_sessions_are_not_assessed(personas):
    old = scored(personas, "panel-alignment", ALIGNMENT)
    del old["dimensions"]
    debrief = build_debrief([old])
    assert debrief["stages"] == {} and set(debrief["loop"].values()) == {"not-assessed"}
    assert debrief["recommendation"] is None


def test_spoken_debrief_is_under_45_seconds(personas):
    answers = [scored(personas, qid, text, i, None) for i, (qid, text) in enumerate(
        [("hm-platform-migration", STRONG_TECH), ("tech-architecture-tradeoff", HANDS_OFF),
         ("panel-alignment", ALIGNMENT), ("hm-slip-three-weeks", HANDS_OFF),
         ("br-influence-leader", ALIGNMENT)], start=1)]
    debrief = build_debrief(answers)
    for text in [spoken_debrief(debrief)] + [spoken_debrief(debrief, s) for s in debrief["stages"]]:
        assert len(text.split()) / 150 * 60 < 45, text  # the interviewers speak at 150-165 wpm
    assert "recommendation" in spoken_debrief(debrief)


def test_the_debrief_says_when_answers_were_hard_to_hear(personas):
    answers = [scored(personas, qid, text, i, None) for i, (qid, text) in enumerate(
        [("hm-platform-migration", STRONG_TECH), ("hm-slip-three-weeks", HANDS_OFF),
         ("panel-alignment", ALIGNMENT), ("br-influence-leader", ALIGNMENT)], start=1)]
    assert build_debrief(answers)["hearing"]["hiring-manager"] == {"answers": 2, "unclear": []}
    assert "could not hear" not in spoken_debrief(build_debrief(answers))
    answers[1]["hearing"] = answers[1]["hearing"] | {"clear": False}
    answers[2]["hearing"] = answers[2]["hearing"] | {"clear": False}
    debrief = build_debrief(answers)
    assert debrief["hearing"]["hiring-manager"] == {"answers": 2, "unclear": [2]}
    assert "I could not hear one of your two answers clearly" in spoken_debrief(debrief, "hiring-manager")
    assert "I could not hear your answer clearly" in spoken_debrief(debrief, "panel")
    assert "could not hear" not in spoken_debrief(debrief, "bar-raiser")
    loop = spoken_debrief(debrief)
    assert loop.endswith("I could not hear two of your four answers clearly: a quieter room, or a microphone "
                         "closer to you, will make my feedback surer.")
    assert len(loop.split()) / 150 * 60 < 45, loop


def test_the_strongest_moment_is_never_a_quote_the_recogniser_doubted(personas):
    answers = [scored(personas, "panel-alignment", ALIGNMENT, 1)]
    assert "Your strongest moment was when you said" in spoken_debrief(build_debrief(answers), "panel")
    for item in answers[0]["dimensions"]["influence"]["evidence"]:
        item["doubted"] = bool(item["quote"])
    assert "Your strongest moment" not in spoken_debrief(build_debrief(answers), "panel")
    from voice_interviewer.review.report import render_html

    page = render_html({"stage": "panel", "answers": answers, "personas": [], "debrief": build_debrief(answers)})
    assert '<span class="unsure" title="holds a word the recogniser doubted">“' in page


def test_report_draws_the_dimensions_with_clickable_evidence(personas):
    from voice_interviewer.review.report import render_html, render_markdown

    answers = [scored(personas, "panel-alignment", ALIGNMENT, 1),
               scored(personas, "tech-architecture-tradeoff", HANDS_OFF, 2)]
    session = {"stage": "loop", "answers": answers, "personas": [], "debrief": build_debrief(answers)}
    page = render_html(session)
    assert 'class="chart dgrid"' in page and page.count('<g class="cell">') == 5 * 3  # two stages and the loop
    assert 'data-answer="2"' in page and 'href="#a2"' in page
    assert "## Debrief" in render_markdown(session)
    del session["debrief"]
    for answer in answers:
        del answer["dimensions"]
    assert "Not assessed" in render_html(session)


def test_progress_follows_each_dimension_over_sessions(personas):
    from voice_interviewer.review.progress import Session, build_progress

    first = [scored(personas, "tech-architecture-tradeoff", HANDS_OFF, 1)]
    second = [scored(personas, "tech-system-walkthrough", STRONG_TECH, 1)]
    sessions = [Session("a", "2026-01-01T10:00", {"stage": "technical", "answers": first}),
                Session("b", "2026-01-02T10:00", {"stage": "technical", "answers": second})]
    doc = build_progress(sessions)
    verdict = {v["name"]: v for v in doc["dimensions"]["verdicts"]}["technical-fluency"]
    assert verdict["verdict"] == "improved" and verdict["last"] == "strong-hire"
    assert any("technical-fluency rating" in line for line in doc["summary"]["improved"])


# --- the labelled set -------------------------------------------------------------------------------------------

def test_labelled_set_manifest(personas):
    doc = json.loads((SET / "labels.json").read_text())
    answers = {a["id"]: a for a in doc["answers"]}
    assert len(answers) == len(doc["answers"])
    labels = doc["labels"]
    assert len(labels) >= 40
    assert {label["dimension"] for label in labels} == set(DIMENSIONS)
    assert {label["rating"] for label in labels} == set(RATINGS)
    assert len({a["voice"] for a in answers.values()}) >= 5
    assert {a["split"] for a in answers.values()} == {"dev", "held-out"}
    dev_voices = {a["voice"] for a in answers.values() if a["split"] == "dev"}
    held_voices = {a["voice"] for a in answers.values() if a["split"] == "held-out"}
    assert not dev_voices & held_voices  # held out by voice: never tuned on the voices reported
    for label in labels:
        answer = answers[label["answer"]]
        assert (SET / answer["file"]).is_file(), answer["file"]
        _, question = find_question(personas, answer["question_id"])
        assert label["dimension"] in question.dimensions, label
    pairs = [(label["answer"], label["dimension"]) for label in labels]
    assert len(pairs) == len(set(pairs))
