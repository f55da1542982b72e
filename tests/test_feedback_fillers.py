"""Filler words in context: each rule of feedback/fillers.py with sentences where the word is and is not a filler."""

from __future__ import annotations

import pytest
from test_feedback_fixtures import spoken

from voice_interviewer.feedback import analyze
from voice_interviewer.feedback.fillers import filler_report, find_fillers
from voice_interviewer.feedback.timing import tokenize


def fillers_in(text: str) -> list[str]:
    return [hit.text for hit in find_fillers(tokenize(spoken(text).words))]


@pytest.mark.parametrize("text, expected", [
    ("Um, I started. Uh, then we moved.", ["um", "uh"]),
    ("Umm, Uhh, Ummm, Hmmm, Erm, er, ahh, Mm.", ["um", "uh", "um", "hmm", "erm", "er", "ah", "mm"]),
    ("We used an umbrella term for the hummus vendor.", []),
])
def test_hesitations_normalised(text, expected):
    assert fillers_in(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("So, we started the migration.", ["so"]),
    ("So we started the migration.", ["so"]),
    ("Um, so we cut scope.", ["um", "so"]),
    ("We were late. So, um, we cut scope.", ["so", "um"]),
    ("We were late. So um we cut scope.", ["so", "um"]),
    ("We were late. So [pause=0.6] we cut scope.", ["so"]),
    ("We were late. So. We cut scope.", ["so"]),
    ("We cut scope so we could ship.", []),
    ("So that the teams could ship, we cut scope.", []),
    ("So far the plan held.", []),
    ("So many teams were blocked.", []),
    ("So much depended on the vendor.", []),
])
def test_so_opens_the_answer_or_is_held(text, expected):
    assert fillers_in(text) == expected


@pytest.mark.parametrize("text", [
    "We were late. So we cut scope.",
    "We were late. So, we cut scope.",
    "We were late [pause=0.6] so we cut scope.",
    "Um, we were late. Um, so we cut scope.",
])
def test_so_running_into_its_clause_later_is_the_conjunction(text):
    assert "so" not in fillers_in(text)


@pytest.mark.parametrize("text", [
    "I'd like to talk about the migration.",
    "We would like more time for testing.",
    "Teams like billing and search were late.",
    "It looks like a risk to the launch.",
    "We needed something like that for every team.",
    "It felt like a win for both teams.",
    "It went just like the last launch.",
    "I like the phased approach.",
    "We did it like this for every service.",
    "I like detailed plans for every phase.",
    "We like automated tests.",
    "They like used hardware because it is cheap.",
    "I like red the most.",
])
def test_like_as_verb_or_preposition_is_not_a_filler(text):
    assert fillers_in(text) == []


@pytest.mark.parametrize("text", [
    "It took like three weeks to decide.",
    "And like, we tried everything.",
    "Like, the vendor never called back.",
    "We were like, [pause=0.6] this will slip.",
    "I like mapped every report the finance team used.",
    "We like built the whole pipeline twice.",
    "She like told them the date had moved.",
    "I like cut the scope in half.",
    "We like bought a second license.",
])
def test_like_as_filler(text):
    assert fillers_in(text) == ["like"]


@pytest.mark.parametrize("text, expected", [
    ("You know, the launch was close.", ["you know"]),
    ("The launch was close, you know.", ["you know"]),
    ("It was, you know, a hard call.", ["you know"]),
    ("Do you know the answer?", []),
    ("Did you know the vendor was late?", []),
    ("Pick the tools you know best.", []),
    ("As you know, we shipped in March.", []),
    ("I will let you know the date.", []),
])
def test_you_know(text, expected):
    assert fillers_in(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("I mean, it slipped by a month.", ["i mean"]),
    ("What I mean is we slipped.", ["i mean"]),
    ("I mean that as a compliment.", []),
    ("I mean it when I say ownership.", []),
    ("I mean to fix the process.", []),
])
def test_i_mean(text, expected):
    assert fillers_in(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("What kind of database did you pick?", []),
    ("This sort of problem happens often.", []),
    ("We wrote a sort of report for the leads.", []),  # determiner first: read as "type of"
    ("It was kind of late for that.", ["kind of"]),
    ("We sort of agreed on the plan.", ["sort of"]),
    ("I met each of them alone first, kind of, to hear both sides.", ["kind of"]),  # the comma parts "first"
    ("I met each of them alone first kind of to hear both sides.", ["kind of"]),  # a verb follows: a hedge
    ("It was the first kind of outage we had seen.", []),
])
def test_kind_of_and_sort_of(text, expected):
    assert fillers_in(text) == expected


def test_light_fillers_always_count_at_half_weight():
    hits = find_fillers(tokenize(spoken("Actually we basically shipped it literally overnight.").words))
    assert [h.text for h in hits] == ["actually", "basically", "literally"]
    assert all(h.light for h in hits)
    report = filler_report(hits, 60.0)
    assert report["per_minute"] == 3.0
    assert report["weighted_per_minute"] == 1.5


def test_report_counts_lower_case_keys_and_times():
    text = "Um, so I, umm, set it up. You know, it was, like, late. Um."
    doc = analyze(spoken(text))
    fillers = doc["fillers"]
    assert fillers["counts"] == {"um": 3, "like": 1, "so": 1, "you know": 1}
    assert fillers["total"] == 6
    assert [a["text"] for a in fillers["at"]] == ["um", "so", "um", "you know", "like", "um"]
    assert fillers["at"][0]["start_s"] == 0.5
    minutes = doc["timing"]["duration_s"] / 60
    assert fillers["per_minute"] == round(6 / minutes, 2)


def test_words_carry_the_filler_flag():
    doc = analyze(spoken("So, you know, I like the plan."))
    flags = {w["text"]: w["filler"] for w in doc["words"]}
    assert flags == {"So": True, "you": True, "know": True, "I": False, "like": False, "the": False, "plan": False}


def test_pace_leaves_fillers_out():
    plain = analyze(spoken("We shipped the migration on time and it cut cost by a third for the whole platform team."))
    padded = analyze(spoken("Um, we shipped the migration, uh, on time and it, um, cut cost by a third for the whole "
                            "platform team."))
    words_per_second = len(plain["words"]) / plain["timing"]["duration_s"]
    assert plain["pace"]["wpm"] == pytest.approx(words_per_second * 60, abs=0.01)
    padded_rate = (len(padded["words"]) - 3) / padded["timing"]["duration_s"] * 60
    assert padded["pace"]["wpm"] == pytest.approx(padded_rate, abs=0.01)


@pytest.mark.parametrize("text, fillers", [
    ("I mean, it when I say I've outgrown the role.", []),
    ("And I mean, it. Nobody owned the plan.", []),
    ("I mean, it slipped by two weeks.", ["i mean"]),
])
def test_i_mean_it_survives_whisper_commas(text, fillers):
    from test_feedback_fixtures import spoken

    from voice_interviewer.feedback.fillers import find_fillers
    from voice_interviewer.feedback.timing import tokenize

    assert [hit.text for hit in find_fillers(tokenize(spoken(text).words))] == fillers
