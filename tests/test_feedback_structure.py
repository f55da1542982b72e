"""STAR segmentation, framework parts and structure inference."""

from __future__ import annotations

import pytest
from test_feedback_fixtures import (
    ALIGNMENT,
    COMPLETE_STORY,
    JFK_SPEECH,
    MIGRATION,
    MIGRATION_PLAN,
    NO_RESULT_STORY,
    SCREEN,
    SHORT_ANSWER,
    STORY_OPENERS,
    spoken,
    start_of,
)

from voice_interviewer.feedback import analyze
from voice_interviewer.feedback.structure import analyze_structure, first_person_actions, infer_kind
from voice_interviewer.feedback.timing import split_sentences, tokenize


def structure_of(text: str, kind: str):
    tokens = tokenize(spoken(text).words)
    return analyze_structure(kind, split_sentences(tokens), tokens)


def test_star_parts_start_where_the_story_moves_on():
    structure = structure_of(COMPLETE_STORY, "star")
    assert structure.order == ("situation", "task", "action", "result")
    assert structure.missing == ()
    for part, opener in STORY_OPENERS.items():
        assert structure.parts[part]["present"] is True
        assert structure.parts[part]["start_s"] == pytest.approx(start_of(COMPLETE_STORY, opener), abs=0.01)


def test_star_part_lasts_until_the_next_part_starts():
    transcript = spoken(COMPLETE_STORY)
    parts = structure_of(COMPLETE_STORY, "star").parts
    starts = [parts[p]["start_s"] for p in ("situation", "task", "action", "result")]
    assert [parts[p]["seconds"] for p in ("situation", "task", "action")] == pytest.approx(
        [b - a for a, b in zip(starts, starts[1:])], abs=0.01)
    assert parts["result"]["seconds"] == pytest.approx(transcript.words[-1].end - starts[-1], abs=0.01)


def test_star_without_result():
    structure = structure_of(NO_RESULT_STORY, "star")
    assert structure.missing == ("result",)
    assert structure.parts["result"] == {"present": False, "start_s": None, "seconds": 0.0, "quote": None}


def test_result_quote_holds_its_best_quantity():
    # two result sentences have quantities ("nine days", "18 percent"); the percentage wins, quoted from its clause
    quote = structure_of(COMPLETE_STORY, "star").parts["result"]["quote"]
    assert quote == "it reduced our infrastructure cost by 18 percent"
    days = structure_of("I owned the launch. As a result, we shipped it three weeks early, before the freeze.",
                        "star").parts["result"]["quote"]
    assert days == "we shipped it three weeks early"


@pytest.mark.parametrize(("result", "quote"), [
    ("So, the two weeks were real.", "the two weeks were real"),  # not "the two weeks were"
    ("We went live nine days before the deadline, with zero downtime.", "We went live nine days before the deadline"),
    ("All six teams moved over in five weeks, one week before the audit.", "All six teams moved over in five weeks"),
    ("Revenue rose by two percent and churn fell.", "Revenue rose by two percent"),
    # a clause too long to quote whole ends after the quantity and its comparison
    ("We launched two weeks later than the first plan on the revised date everyone agreed to in the review.",
     "We launched two weeks later"),
])
def test_result_quote_ends_with_its_clause(result, quote):
    story = f"I owned the launch plan for the payments team. I set up a daily review with the leads. {result}"
    assert structure_of(story, "star").parts["result"]["quote"] == quote


def test_position_breaks_ties_between_situation_and_result():
    # the same numeric sentence reads as context when it opens the story and as the outcome when it closes it
    opening = "Our error rate was 12 percent. I owned the reliability program. I set up a weekly review."
    closing = "I owned the reliability program. I set up a weekly review. Our error rate was 2 percent."
    assert structure_of(opening, "star").order[0] == "situation"
    assert structure_of(closing, "star").order[-1] == "result"


def test_sentences_without_cues_continue_the_part_before():
    text = ("I owned the launch plan for the payments team. I set up a daily review with the leads. "
            "Everyone came prepared with their numbers. As a result we launched a week early.")
    structure = structure_of(text, "star")
    assert structure.order == ("task", "action", "result")
    assert structure.parts["action"]["seconds"] == pytest.approx(
        structure.parts["result"]["start_s"] - structure.parts["action"]["start_s"], abs=0.01)


def test_short_answer_has_only_an_action():
    structure = structure_of(SHORT_ANSWER, "star")
    assert structure.order == ("action",)
    assert set(structure.missing) == {"situation", "task", "result"}


def test_framework_parts_all_present_charter_first():
    structure = structure_of(MIGRATION_PLAN, "framework")
    assert structure.missing == ()
    assert structure.order[0] == "charter"
    assert set(structure.order) == {"charter", "workstreams", "dependencies", "milestones", "risks", "cadence"}
    assert structure.parts["cadence"]["start_s"] == pytest.approx(start_of(MIGRATION_PLAN, "Finally,"), abs=0.01)


def test_framework_seconds_follow_the_main_topic_of_each_sentence():
    parts = structure_of(MIGRATION_PLAN, "framework").parts
    transcript = spoken(MIGRATION_PLAN)
    total = transcript.words[-1].end - transcript.words[0].start
    assert sum(p["seconds"] for p in parts.values()) == pytest.approx(total, abs=0.05)
    assert all(p["seconds"] > 0 for p in parts.values())


def test_framework_missing_parts():
    plan = ("I would start with the objective and success metrics, then split the work into workstreams by team "
            "ownership. I would run a weekly sync and send a status report every Friday.")
    structure = structure_of(plan, "framework")
    assert set(structure.missing) == {"dependencies", "milestones", "risks"}
    assert structure.order == ("charter", "workstreams", "cadence")


def test_kind_comes_from_the_question():
    assert analyze(spoken(MIGRATION_PLAN), MIGRATION)["structure"]["kind"] == "framework"
    assert analyze(spoken(COMPLETE_STORY), ALIGNMENT)["structure"]["kind"] == "star"
    screen = analyze(spoken(COMPLETE_STORY), SCREEN)["structure"]
    assert screen == {"kind": "none", "parts": {}, "missing": [], "order": []}


@pytest.mark.parametrize("text, kind", [
    (COMPLETE_STORY, "star"),
    (NO_RESULT_STORY, "star"),
    (MIGRATION_PLAN, "framework"),
    (JFK_SPEECH, "none"),
    ("I enjoy building programs that span many teams and I like hard problems.", "none"),
])
def test_kind_inferred_without_a_question(text, kind):
    tokens = tokenize(spoken(text).words)
    assert infer_kind(split_sentences(tokens), tokens)[0] == kind
    assert analyze(spoken(text))["structure"]["kind"] == kind


def test_first_person_actions():
    assert first_person_actions("i set up a review then i proposed a benchmark and i quickly gathered data") == 3
    assert first_person_actions("i was the lead and i needed to decide and i learned a lot") == 0
    assert first_person_actions("i worked at acme but i worked with both leads") == 1


# Stories told the way candidates tell them: no part is named, the parts come from what each sentence does.
UNNAMED_STORY = (
    "Actually, the clearest example is our move to usage based pricing, which touched engineering, finance and "
    "sales. My role was to land it by the start of the fiscal year. I set up one plan with four tracks, and I held "
    "a thirty minute review every Tuesday. When legal and sales disagreed, I wrote a one page summary and took it "
    "to the general counsel. We switched pricing on the first day of the year, and revenue from small customers "
    "rose eighteen percent in six months."
)


def test_star_parts_from_meaning_without_their_names():
    structure = structure_of(UNNAMED_STORY, "star")
    assert structure.order == ("situation", "task", "action", "result")
    for part, opener in {"situation": "Actually,", "task": "My role", "action": "I set up",
                         "result": "We switched"}.items():
        assert structure.parts[part]["start_s"] == pytest.approx(start_of(UNNAMED_STORY, opener), abs=0.01)


def test_a_number_among_the_actions_does_not_make_a_result():
    text = ("Last year our two teams disagreed on the data model. I owned the decision. I met both leads, I asked "
            "for two weeks of measurements, and I ran one review. Then I wrote down the decision. As a result the "
            "teams shipped the new model and errors fell by twenty percent.")
    structure = structure_of(text, "star")
    assert structure.order == ("situation", "task", "action", "result")
    assert structure.parts["result"]["start_s"] == pytest.approx(start_of(text, "As a result"), abs=0.01)


def test_no_cues_no_parts():
    assert structure_of("And so my fellow Americans, ask not what your country can do for you.", "star").order == ()


@pytest.mark.parametrize("sentence, part", [
    ("I'd start by agreeing why the teams are doing this and how we will know it worked.", "charter"),
    ("Then I'd carve the program into a discovery track and a delivery track.", "workstreams"),
    ("Next I map who waits on whom, and which handoff matters most.", "dependencies"),
    ("I'd set dated checkpoints before each phase.", "milestones"),
    ("Then I'd be honest about what it puts in danger: the date or the team.", "risks"),
    ("Every Tuesday the leads meet for thirty minutes.", "cadence"),
])
def test_framework_parts_from_paraphrase(sentence, part):
    structure = structure_of(sentence, "framework")
    assert structure.order == (part,)


def test_we_are_back_on_track_is_not_a_workstream():
    assert "workstreams" not in structure_of("I'd review it until we're back on track.", "framework").order


# Issue 13: rules for answers Whisper writes with few full stops and misheard words, across voices.
WAVES = ("Last spring our billing and ledger teams were fighting over who owns refunds. My job was to get them to "
         "one owner. I mapped every report the finance team used. I split the move into four waves. Do you know how "
         "many reports nobody used? Almost half. As a result we finished a month early.")


def test_an_uncued_sentence_after_the_actions_stays_with_them():
    # "Do you know how many reports nobody used?" has no cue for any part: the result starts at "As a result"
    parts = structure_of(WAVES, "star").parts
    assert parts["result"]["start_s"] == pytest.approx(start_of(WAVES, "As a result"), abs=0.01)
    assert parts["action"]["start_s"] == pytest.approx(start_of(WAVES, "I mapped"), abs=0.01)


def test_what_others_did_after_the_actions_is_the_result():
    story = ("Our mobile and web teams had each built their own login flow. I was asked to get them to one design "
             "in a month. I agreed criteria with both leads. I reviewed the numbers with both of them. The web team "
             "chose the event stream, and nobody left the team that quarter.")
    parts = structure_of(story, "star").parts
    assert parts["result"]["start_s"] == pytest.approx(start_of(story, "The web team"), abs=0.01)
    ship = structure_of("Last quarter my team was burning out. I had to keep both dates. I moved the smaller "
                        "launch by two weeks. Both launches ship, and nobody left the team.", "star")
    assert ship.parts["result"]["start_s"] == pytest.approx(start_of(
        "Last quarter my team was burning out. I had to keep both dates. I moved the smaller launch by two weeks. "
        "Both launches ship, and nobody left the team.", "Both launches"), abs=0.01)


def test_a_reduced_feature_is_a_choice_not_an_outcome():
    story = ("Two months before a launch our load tests showed the search service could not handle peak traffic. "
             "I had to choose between slipping the launch and shipping with a reduced search feature.")
    structure = structure_of(story, "star")
    assert structure.missing == ("action", "result")
    assert structure.parts["task"]["start_s"] == pytest.approx(start_of(story, "I had to"), abs=0.01)


@pytest.mark.parametrize("said", ["a go or no go call before we launch", "two check points before launch"])
def test_milestones_said_in_other_words(said):
    plan = f"I'd start with the objective and success metrics. Then {said}. I keep a list of risks."
    assert structure_of(plan, "framework").parts["milestones"]["present"] is True


RUN_ON = {
    # no full stop between the last action and the outcome, as Whisper often writes fast speech
    "outcome": ("Early in my career I ran a data center exit that slipped. I was the program owner. I took the network "
                "team's estimate without asking how they got it. I moved two engineers from a lower priority project "
                "onto the cutover we finished eight weeks late instead of twelve. I learned to ask for the reasoning.",
                {"action": "I took", "result": "we finished"}),
    # a comma between the context and the role (as Whisper wrote one held-out voice), the role in the present tense
    "role": ("We had to choose between a relational database and a document store for a new catalog service, I own "
             "the decision record and had to get the architects to agree. I wrote down the read and write patterns. "
             "Then I set up a review with the three architects.",
             {"situation": "We had", "task": "I own", "action": "I wrote"}),
}


@pytest.mark.parametrize("case", RUN_ON)
def test_a_sentence_run_on_into_the_next_part_is_cut_where_that_part_starts(case):
    story, openers = RUN_ON[case]
    parts = structure_of(story, "star").parts
    for part, opener in openers.items():
        assert parts[part]["start_s"] == pytest.approx(start_of(story, opener), abs=0.01), part


@pytest.mark.parametrize("role", ["I have to choose between slipping the launch and a smaller search feature",
                                  "I own the launch checklist, which says no region goes live without a review",
                                  "I was a program owner for the cleanup and its dates",
                                  "Now I am accountable for the whole migration and for reporting to the regulator"])
def test_the_role_said_in_other_words_is_the_task(role):
    # the present tense a story is often told in (or tiny.en hears: "I have to choose", "I own"), an article other
    # than "the", and "accountable for" as "responsible for" is
    story = (f"Last spring our two billing systems kept disagreeing. {role}. I set up a weekly review with both "
             f"teams. As a result the totals matched within a month.")
    structure = structure_of(story, "star")
    assert structure.order == ("situation", "task", "action", "result")
    assert structure.parts["task"]["start_s"] == pytest.approx(start_of(story, role.split(",")[0]), abs=0.01)


def test_a_part_only_mentioned_in_another_parts_sentence_has_float_seconds():
    # "risk weekly": both parts in one sentence, which is the risks'; cadence gets no time, as a float (schema)
    tokens = tokenize(spoken("risk weekly").words)
    parts = analyze_structure("framework", split_sentences(tokens), tokens).parts
    assert parts["cadence"]["present"] is True
    assert parts["cadence"]["seconds"] == 0.0 and isinstance(parts["cadence"]["seconds"], float)


def test_an_uncued_opener_before_the_task_sets_the_scene():
    # the opener misheard past every situation cue ("six teams had to adopt a new logging library")
    story = ("Last pretty big steam and turned up a new logging library. I owned the deadline for the audit. "
             "I started with the two teams most likely to say yes. As a result all six teams moved in five weeks.")
    structure = structure_of(story, "star")
    assert structure.order == ("situation", "task", "action", "result")
    assert structure.parts["situation"]["start_s"] == pytest.approx(start_of(story, "Last pretty"), abs=0.01)
    no_situation = structure_of("I owned the deadline for the audit. I started with the two teams most likely to "
                                "say yes. As a result all six teams moved in five weeks.", "star")
    assert no_situation.missing == ("situation",)


@pytest.mark.parametrize("opener", ["Last three six teams have taught a new logging library and none of them "
                                    "reported to me.",
                                    "The uncalled rotations were thin and the old pager kept ringing."])
def test_a_misheard_opener_is_not_taken_for_what_others_achieved(opener):
    # "none of them reported to me" and "the uncalled rotations" are context, not someone else's outcome
    story = (f"{opener} I owned the deadline for the security audit. I paired an engineer with each team. "
             "As a result all six teams moved over in five weeks.")
    assert structure_of(story, "star").order == ("situation", "task", "action", "result")


def test_part_quote_cut_short_ends_on_a_word_that_closes_a_phrase():
    story = ("Last spring we were running two billing systems side by side and the ledger team kept losing refunds. "
             "I owned the migration plan. I set up a weekly review with both leads. As a result we shipped early.")
    assert structure_of(story, "star").parts["situation"]["quote"] == (
        "Last spring we were running two billing systems side by side")  # 12 words would end on "and"
