"""Key point coverage: synonyms, inflections, word boundaries, and where each point was said."""

from __future__ import annotations

import pytest
from test_feedback_fixtures import ALIGNMENT, COMPLETE_STORY, MIGRATION, MIGRATION_PLAN, key_point, spoken

from voice_interviewer.feedback import analyze
from voice_interviewer.feedback.fillers import filler_indices, find_fillers
from voice_interviewer.feedback.keypoints import PhraseIndex, inflections, key_points, phrase_pattern
from voice_interviewer.feedback.timing import tokenize


def index_of(text: str) -> PhraseIndex:
    tokens = tokenize(spoken(text).words)
    return PhraseIndex(tokens, filler_indices(find_fillers(tokens)))


def covers(text: str, synonym: str) -> bool:
    return index_of(text).find(phrase_pattern(synonym)) is not None


@pytest.mark.parametrize("synonym, text", [
    ("escalate", "I escalated it with data."),
    ("escalate", "We kept escalating."),
    ("dependency", "We mapped the dependencies."),
    ("plan", "We planned the cutover."),
    ("plan", "Planning took a week."),
    ("metric", "We agreed on success metrics."),
    ("success metrics", "The success metric was latency."),
    ("prioritize", "I prioritized the work."),
    ("go/no-go", "Each phase had a go no go review."),
    ("go/no-go", "Each phase had a go/no-go review."),
    ("risk register", "I kept a Risk Register."),
    ("escalate with data", "I would escalate, um, with data."),
    ("percent", "We cut the vendor cost by 60%."),  # Whisper writes "sixty percent" either way
    ("percent", "Errors fell by 18.5%, then held."),
    ("percent", "Tickets fell by 12 per cent."),
    ("burning out", "The team was burnin' out."),  # fast speech, as Whisper writes it
    ("cut scope", "We were cuttin' scope."),
])
def test_synonym_matches_inflections(synonym, text):
    assert covers(text, synonym)


@pytest.mark.parametrize("synonym, text", [
    ("risk", "We moved at a brisk pace."),
    ("data", "We picked a database."),
    ("raci", "The team was racing the deadline."),
    ("plan", "The plant was closed."),
    ("success metrics", "Success was measured by metrics later."),
    ("percent", "The 60 % share."),
    ("the wrong thing", "We got the wrong thin slice."),
])
def test_synonym_needs_whole_words(synonym, text):
    assert not covers(text, synonym)


def test_inflections_of_common_forms():
    assert {"escalate", "escalated", "escalates", "escalating"} <= inflections("escalate")
    assert {"dependency", "dependencies"} <= inflections("dependency")
    assert {"plan", "plans", "planned", "planning"} <= inflections("plan")
    assert {"metrics", "metric"} <= inflections("metrics")
    assert inflections("5") == {"5"}
    assert {"escalatin", "plannin"} <= inflections("escalate") | inflections("plan")  # Whisper: "plannin'"
    assert "thin" not in inflections("thing")


def test_coverage_uses_labels_in_question_order():
    result = key_points(index_of("We ran a workshop and used a benchmark."), ALIGNMENT.key_points)
    assert result["covered"] == ["decided with data", "facilitated the discussion"]
    assert result["missing"] == ["shared objective"]
    assert {a["label"]: a["text"] for a in result["at"]} == {"decided with data": "benchmark",
                                                             "facilitated the discussion": "workshop"}


def test_first_mention_time():
    doc = analyze(spoken(COMPLETE_STORY), ALIGNMENT)
    at = {a["label"]: a for a in doc["key_points"]["at"]}
    first_data_word = next(w for w in doc["words"] if w["text"].lower() in ("data", "benchmark", "numbers"))
    assert at["decided with data"]["start_s"] == first_data_word["start"]


def test_plan_covers_all_migration_key_points():
    doc = analyze(spoken(MIGRATION_PLAN), MIGRATION)
    assert doc["key_points"]["covered"] == [p.label for p in MIGRATION.key_points]
    assert doc["key_points"]["missing"] == []


def test_no_question_means_no_key_points():
    assert analyze(spoken(COMPLETE_STORY))["key_points"] == {"covered": [], "missing": [], "at": []}


def test_multi_word_synonym_with_inflected_words():
    point = key_point("dep-review", "dependency reviews", "dependency review")
    assert key_points(index_of("We held dependency reviews weekly."), [point])["covered"] == ["dependency reviews"]


@pytest.mark.parametrize("synonym, said", [
    ("risk mitigations", "a risk mitigation plan"),
    ("mitigate risk", "I mitigated risks early"),
    ("cut scope", "we cut the scope"),
    ("estimation", "the estimates were wrong"),
])
def test_near_matches_by_stem(synonym, said):
    from test_feedback_fixtures import spoken

    from voice_interviewer.content.personas import KeyPoint
    from voice_interviewer.feedback.keypoints import PhraseIndex, key_points
    from voice_interviewer.feedback.timing import tokenize

    index = PhraseIndex(tokenize(spoken(said).words))
    point = KeyPoint(id="p", label="the point", synonyms=(synonym,))
    assert key_points(index, [point])["covered"] == ["the point"]


def test_stems_do_not_match_other_words():
    from test_feedback_fixtures import spoken

    from voice_interviewer.content.personas import KeyPoint
    from voice_interviewer.feedback.keypoints import PhraseIndex, key_points
    from voice_interviewer.feedback.timing import tokenize

    index = PhraseIndex(tokenize(spoken("we scoped the launch and planned the teams").words))
    point = KeyPoint(id="p", label="the point", synonyms=("risk register", "cut scope"))
    assert key_points(index, [point])["missing"] == ["the point"]


@pytest.mark.parametrize("text, phrase, after, quote", [
    # cut short mid-clause, a quote does not end on a word that leads into the next one
    ("I asked the teams what they would need from us.", "asked the teams", 3, "asked the teams"),
    ("The first step is writing down the goal in one line.", "first step", 4, "first step is writing down"),
    ("We ran a pilot at the end of the quarter with two teams.", "pilot", 5, "pilot at the end"),
    ("Database replication could fall behind under peak load.", "replication", 4, "replication could fall behind"),
    ("We cut our release lead time from two weeks to two days.", "cut our release", 6,
     "cut our release lead time from two weeks"),
    # a quote that reaches the end of what was said ends as said
    ("In the end both teams adopted it.", "adopted", 3, "adopted it"),
    ("I met both leads separately, and I wrote down what each needed.", "met both leads", 1,
     "met both leads separately"),
])
def test_quote_ends_where_a_phrase_can_end(text, phrase, after, quote):
    index = index_of(text)
    match = index.find(phrase_pattern(phrase))
    assert index.quote(match, after=after) == quote
