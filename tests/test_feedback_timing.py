"""Word normalisation, sentences, timing, pace and pauses."""

from __future__ import annotations

import pytest
from test_feedback_fixtures import spoken

from voice_interviewer.feedback.timing import match_form, pace, pauses, split_sentences, timing, tokenize
from voice_interviewer.records import Word


def words(*specs: tuple[str, float, float]) -> list[Word]:
    return [Word(text, start, end) for text, start, end in specs]


def test_whisper_words_are_normalised():
    tokens = tokenize(words(("  So,", 0.2, 0.4), (" Um...", 0.5, 0.7), (" I’m", 0.8, 0.9), (' "done."', 1.0, 1.3)))
    assert [t.text for t in tokens] == ["So", "Um", "I'm", "done"]
    assert [t.norm for t in tokens] == ["so", "um", "i'm", "done"]
    assert [t.comma_after for t in tokens] == [True, False, False, False]
    assert [t.ends_sentence for t in tokens] == [False, True, False, True]


def test_punctuation_only_words_mark_the_word_before():
    tokens = tokenize(words((" We", 0.0, 0.2), (" shipped", 0.3, 0.6), (" .", 0.6, 0.6), (" ", 0.7, 0.7)))
    assert [t.text for t in tokens] == ["We", "shipped"]
    assert tokens[1].ends_sentence


def test_gaps_between_words():
    tokens = tokenize(words(("a", 0.0, 0.5), ("b", 2.0, 2.4), ("c", 2.3, 2.6)))
    assert [t.gap_before for t in tokens] == [0.0, 1.5, 0.0]


def test_match_form_keeps_numbers_and_drops_symbols():
    assert match_form("go/no-go") == "go no go"
    assert match_form("18%") == "18%"
    assert match_form("3.5") == "3.5"
    assert match_form("end.") == "end"
    assert match_form("(raci)") == "raci"


def test_timing_from_first_word_to_last():
    tokens = tokenize(words(("We", 1.4, 1.6), ("shipped", 1.7, 2.0), ("it", 95.0, 96.6)))
    assert timing(tokens, 120) == {"duration_s": 95.2, "first_word_s": 1.4, "budget_s": 120, "over_budget": False}
    assert timing(tokens, 90)["over_budget"] is True
    assert timing(tokens, None)["budget_s"] is None and timing(tokens, None)["over_budget"] is False


def test_pace_band_and_verdicts():
    assert pace(141, 60.0) == {"wpm": 141.0, "band": [120, 160], "verdict": "ok"}
    assert pace(100, 60.0)["verdict"] == "slow"
    assert pace(200, 60.0)["verdict"] == "fast"
    assert pace(30, 9.0)["verdict"] == "n/a"  # too short to judge
    assert pace(0, 0.0) == {"wpm": 0.0, "band": [120, 160], "verdict": "n/a"}


def test_pauses_at_or_over_threshold():
    tokens = tokenize(words(("a", 0.0, 1.0), ("b", 2.5, 3.0), ("c", 4.49, 5.0), ("d", 8.25, 9.0)))
    result = pauses(tokens)
    assert result["count"] == 2
    assert result["longest_s"] == 3.25
    assert result["threshold_s"] == 1.5
    assert result["list"] == [{"start_s": 1.0, "seconds": 1.5}, {"start_s": 5.0, "seconds": 3.25}]


def test_helper_pauses_are_found():
    result = pauses(tokenize(spoken("We planned it. [pause=2.5] Then we shipped it.").words))
    assert result["count"] == 1
    assert result["list"][0]["seconds"] == pytest.approx(2.58, abs=0.01)


def test_sentences_split_at_punctuation_and_silence():
    tokens = tokenize(spoken("We were late. I owned the plan [pause=0.8] and then I cut scope").words)
    sentences = split_sentences(tokens)
    assert [s.text for s in sentences] == ["we were late", "i owned the plan", "and then i cut scope"]
    assert sentences[1].start == tokens[3].start


def test_long_run_on_sentences_split_at_commas():
    text = ("we had six teams, three time zones and one deadline, the vendor was late, the data was messy, "
            "nobody owned the cutover, and the launch date was fixed by marketing months before we started")
    sentences = split_sentences(tokenize(spoken(text).words))
    assert len(sentences) > 1
    assert " ".join(s.text for s in sentences) == match_form(text.replace(",", ""))


def test_sentence_text_leaves_fillers_out():
    tokens = tokenize(spoken("I, um, set up the review.").words)
    assert split_sentences(tokens, skip={1})[0].text == "i set up the review"


def test_voiced_islands_time_the_speech_when_whisper_drifts():
    from voice_interviewer.feedback import analyze
    from voice_interviewer.records import Transcript, Word

    # Whisper puts the first word 0.3 s early and stretches the last into the silence; the VAD heard 1.0-4.0 s
    words = (Word(" We", 0.7, 1.2), Word(" shipped", 1.2, 2.0), Word(" it", 2.0, 2.5), Word(" early.", 2.5, 4.4))
    plain = analyze(Transcript(words, 6.0))
    timed = analyze(Transcript(words, 6.0, extra={"voiced": [(1.0, 2.4), (2.5, 4.0)]}))
    assert plain["timing"]["first_word_s"] == 0.7 and plain["timing"]["duration_s"] == 3.7
    assert timed["timing"]["first_word_s"] == 1.0 and timed["timing"]["duration_s"] == 3.0


def test_pauses_from_voiced_islands():
    from voice_interviewer.feedback import analyze
    from voice_interviewer.records import Transcript, Word

    # the words touch (Whisper often closes gaps), yet the audio was silent for 2 s between the islands
    words = (Word(" I", 0.5, 0.8), Word(" decided.", 0.8, 3.0), Word(" Then", 3.0, 3.5), Word(" I", 3.5, 3.8))
    doc = analyze(Transcript(words, 5.0, extra={"voiced": [(0.5, 1.2), (3.2, 3.8)]}))
    assert doc["pauses"]["count"] == 1 and doc["pauses"]["list"][0] == {"start_s": 1.2, "seconds": 2.0}


def test_word_pieces_join_the_word_before():
    from voice_interviewer.feedback import analyze
    from voice_interviewer.records import Transcript, Word

    words = (Word("a", 0.0, 0.2), Word("read", 0.2, 0.45), Word("-um", 0.45, 0.65), Word("-out", 0.65, 0.95),
             Word("of", 1.0, 1.2), Word("$40", 1.2, 1.6), Word(",000.", 1.6, 2.0))
    doc = analyze(Transcript(words, 2.5))
    assert [w["text"] for w in doc["words"]] == ["a", "read-um-out", "of", "$40,000"]
    assert doc["fillers"]["total"] == 0
