"""feedback.hearing: an answer the recogniser was unsure of is said to be hard to hear, and nothing else moves."""

from __future__ import annotations

from dataclasses import replace

from test_feedback_fixtures import ALIGNMENT, spoken

from voice_interviewer.content.personas import find_question, load_personas
from voice_interviewer.feedback import analyze
from voice_interviewer.feedback.hearing import MIN_MEAN_PROBABILITY, hearing, quote_doubted
from voice_interviewer.feedback.summary import HARD_TO_HEAR, heard_warning
from voice_interviewer.feedback.timing import tokenize
from voice_interviewer.records import Transcript, Word

STORY = ("Two teams disagreed on the login design, and I was asked to bring them to one flow in a month. "
         "I ran a working session where both leads agreed on three criteria, then each team measured its flow "
         "against them for two weeks. The web flow won, the mobile team adopted it, and failures fell by 22 percent.")


def unsure(transcript: Transcript, probability: float) -> Transcript:
    """The same words, each given `probability`."""
    words = tuple(replace(w, probability=probability) for w in transcript.words)
    return Transcript(words, transcript.audio_duration_s, transcript.model)


def test_a_clear_answer_is_heard_clearly():
    doc = analyze(spoken(STORY), ALIGNMENT)
    assert doc["hearing"]["clear"] is True
    assert doc["hearing"]["mean_probability"] == 0.9
    assert "hard-to-hear" not in [f["kind"] for f in doc["findings"]]
    assert HARD_TO_HEAR not in doc["spoken_feedback"]


def test_an_answer_heard_with_doubt_says_so_and_scores_the_same():
    clear = analyze(spoken(STORY), ALIGNMENT)
    doubtful = analyze(unsure(spoken(STORY), 0.45), ALIGNMENT)
    assert doubtful["hearing"]["clear"] is False
    assert doubtful["hearing"]["unsure_share"] == 1.0
    finding = next(f for f in doubtful["findings"] if f["kind"] == "hard-to-hear")
    assert finding["severity"] == "info"
    assert finding["message"].startswith("Parts of this answer were hard to make out (most words unsure)")
    assert "a part or key point reported missing may have been said" in finding["message"]
    assert doubtful["score"] == clear["score"] and doubtful["deductions"] == clear["deductions"]
    # said before the fixes, which rest on the doubtful words (here key points reported missing), never cut
    assert any(f["kind"] == "missing-key-point" for f in doubtful["findings"])
    strength, rest = doubtful["spoken_feedback"].split(HARD_TO_HEAR)
    assert strength.strip() == doubtful["strength"] and rest.strip()
    # every word doubted: the result is praised, not said back
    assert clear["strength"] == "You closed with a concrete result: failures fell by 22 percent."
    assert doubtful["strength"] == "You closed with a concrete result."


def test_the_line_is_the_mean_probability_of_the_words_said():
    words = spoken(STORY)
    just_under = analyze(unsure(words, MIN_MEAN_PROBABILITY - 0.01), ALIGNMENT)["hearing"]
    at_the_line = analyze(unsure(words, MIN_MEAN_PROBABILITY), ALIGNMENT)["hearing"]
    assert (just_under["clear"], at_the_line["clear"]) == (False, True)


def test_fillers_do_not_count():
    """The filler pass writes the hesitations it hears at 0.5, and Whisper doubts a prompted "um": the words said
    decide."""
    text = "Um, uh, " + STORY.replace(", and I was", ", um, and I was").replace("then each", "uh, then each")
    doc = analyze(_hesitations_unsure(spoken(text)), ALIGNMENT)
    assert doc["fillers"]["total"] >= 4
    assert doc["hearing"]["clear"] is True and doc["hearing"]["mean_probability"] == 0.9


def _hesitations_unsure(transcript: Transcript) -> Transcript:
    words = tuple(replace(w, probability=0.05) if w.text.strip(" ,").lower() in ("um", "uh") else w
                  for w in transcript.words)
    return Transcript(words, transcript.audio_duration_s, transcript.model)


def test_a_few_words_are_not_judged():
    doc = analyze(unsure(spoken("We shipped it on time in the end."), 0.2), ALIGNMENT)
    assert doc["hearing"]["clear"] is None
    assert "hard-to-hear" not in [f["kind"] for f in doc["findings"]]


def test_no_speech_and_typed_text():
    assert analyze(Transcript(()), ALIGNMENT)["hearing"] == {"words": 0, "mean_probability": None,
                                                             "unsure_share": None, "clear": None}
    typed = Transcript(tuple(Word(w, i * 0.4, i * 0.4 + 0.3) for i, w in enumerate(STORY.split())))
    assert analyze(typed, ALIGNMENT)["hearing"]["clear"] is True  # no probabilities: taken as heard


def test_a_word_in_pieces_is_as_sure_as_its_least_sure_piece():
    tokens = tokenize([Word(" $40", 0.0, 0.3, 0.9), Word(",000", 0.3, 0.5, 0.2), Word(" saved.", 0.5, 0.9, 0.8)])
    assert [t.probability for t in tokens] == [0.2, 0.8]
    assert hearing(tokens)["words"] == 2


def test_the_warning_is_spoken_only_where_a_misheard_word_could_hide_something():
    unclear = {"hearing": {"clear": False}}
    assert heard_warning(unclear | {"findings": [{"kind": "missing-result"}]}) == [HARD_TO_HEAR]
    assert heard_warning(unclear | {"findings": [{"kind": "no-numbers-in-result"}]}) == [HARD_TO_HEAR]
    assert heard_warning(unclear | {"findings": [{"kind": "off-topic"}]}) == [HARD_TO_HEAR]
    assert heard_warning(unclear | {"findings": [{"kind": "pace-fast"}, {"kind": "hard-to-hear"}]}) == []
    assert heard_warning({"hearing": {"clear": True}, "findings": [{"kind": "missing-result"}]}) == []
    assert heard_warning({"findings": [{"kind": "missing-result"}]}) == []  # saved before hearing was measured


def test_the_report_marks_the_words_the_recogniser_doubted():
    from voice_interviewer.review.report import render_html

    words = list(spoken("Um, we moved the payment ledger to the new cluster in six weeks.").words)
    words[0] = replace(words[0], probability=0.1)  # a doubted filler is marked as a filler
    words[5] = replace(words[5], probability=0.2)  # "ledger"
    doc = analyze(Transcript(tuple(words), 8.0, "test"), ALIGNMENT)
    assert [w["text"] for w in doc["words"] if w["unsure"]] == ["ledger"]
    answer = doc | {"index": 1, "stage": "panel", "question_text": ALIGNMENT.text, "interrupted": False}
    page = render_html({"stage": "panel", "answers": [answer], "personas": []})
    assert page.count('class="w unsure"') == 1
    assert '">ledger</span>' in page.split('class="w unsure"')[1][:60]
    assert "a word the recogniser doubted" in page


def test_a_quote_with_a_doubted_word_is_not_said_back():
    text = ("Our mobile and web teams each had their own login flow and disagreed on which to keep. I was asked to "
            "bring them to one design in a month. I ran a working session where both leads agreed on criteria, and "
            "each team measured its flow for two weeks. The web flow won, the mobile team adopted it, and login "
            "failures fell by 22 percent.")
    question = find_question(load_personas(), "panel-alignment")[1]  # rated on influence: evidence quotes
    words = list(spoken(text).words)
    clear = analyze(Transcript(tuple(words), 60.0, "test"), question)
    assert clear["strength"] == "You closed with a concrete result: login failures fell by 22 percent."
    at = next(i for i, w in enumerate(words) if w.text.strip() == "failures")
    words[at] = replace(words[at], probability=0.3)  # "failures" doubted: perhaps it was not said
    doubted = analyze(Transcript(tuple(words), 60.0, "test"), question)
    # the clause with the doubted word is not said back; the outcome without it is
    assert doubted["strength"] == "You closed with a concrete result: fell by 22 percent."
    evidence = [e for d in doubted["dimensions"].values() for e in d["evidence"] if e["quote"]]
    assert evidence and all(e["doubted"] == ("failures" in e["quote"]) for e in evidence)
    assert any(e["doubted"] for e in evidence)


def test_quote_doubted_finds_the_quote_nearest_its_time():
    words = [{"text": t, "start": float(i), "unsure": i == 4} for i, t in enumerate("we shipped it and we shipped it".split())]
    assert quote_doubted(words, "we shipped", at_s=4.0) and not quote_doubted(words, "we shipped", at_s=0.0)
    assert not quote_doubted(words, "nothing like this")
