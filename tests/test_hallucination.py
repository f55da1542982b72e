"""Words no voiced audio supports are dropped (speech/hallucination.py): pure rules, no model (fast)."""

from __future__ import annotations

from voice_interviewer.records import Word
from voice_interviewer.speech.hallucination import closing_phrase, drop_unsupported, voiced_share


def _words(*items):
    return [Word(t, s, e, p) for t, s, e, p in items]


def test_thank_you_in_the_closing_silence_is_dropped():
    words = _words(("We", 0.5, 0.7, 0.9), ("shipped.", 0.7, 1.2, 0.9), ("Thank", 2.5, 2.7, 0.8),
                   ("you.", 2.7, 2.9, 0.8))
    kept = drop_unsupported(words, [(0.45, 1.25)])
    assert [w.text for w in kept] == ["We", "shipped."]


def test_a_spoken_thank_you_at_the_end_is_kept():
    words = _words(("We", 0.5, 0.7, 0.9), ("shipped.", 0.7, 1.2, 0.9), ("Thank", 1.5, 1.7, 0.8),
                   ("you.", 1.7, 1.9, 0.8))
    kept = drop_unsupported(words, [(0.45, 1.25), (1.45, 1.95)])
    assert [w.text for w in kept] == ["We", "shipped.", "Thank", "you."]


def test_thank_you_between_two_sentences_of_a_list_is_dropped_even_when_voiced():
    words = _words(("data", 0.0, 0.3, 0.9), ("migration.", 0.3, 0.8, 0.9), ("Thank", 0.8, 0.9, 0.7),
                   ("you.", 0.9, 1.0, 0.7), ("API", 1.0, 1.3, 0.9), ("migration.", 1.3, 1.8, 0.9))
    kept = drop_unsupported(words, [(0.0, 1.8)], answer_start=False, answer_end=False)
    assert "Thank" not in [w.text for w in kept] and len(kept) == 4


def test_a_word_far_from_any_voice_is_dropped_but_drifting_times_are_not():
    words = _words(("so", 0.0, 0.2, 0.9), ("we", 0.95, 1.1, 0.9), ("left", 5.0, 5.3, 0.9))
    kept = drop_unsupported(words, [(0.1, 0.85)])
    assert [w.text for w in kept] == ["so", "we"]


def test_ordinary_you_and_low_probability_words_inside_speech_stay():
    words = _words(("do", 0.0, 0.2, 0.3), ("you", 0.2, 0.3, 0.2), ("know", 0.3, 0.5, 0.3), ("why?", 0.5, 0.8, 0.3))
    assert drop_unsupported(words, [(0.0, 0.8)]) == words


def test_a_loop_keeps_two_copies():
    words = _words(*[(t, i * 0.2, i * 0.2 + 0.2, 0.9) for i, t in enumerate(
        "a little bit of a little bit of a little bit of a little bit of rest".split())])
    kept = [w.text for w in drop_unsupported(words, [(0.0, 10.0)])]
    assert kept == "a little bit of a little bit of rest".split()


def test_no_spans_means_no_evidence_only_loops_apply():
    words = _words(("Thank", 2.5, 2.7, 0.8), ("you.", 2.7, 2.9, 0.8))
    assert drop_unsupported(words, None) == words


def test_voiced_share():
    assert voiced_share(0.0, 1.0, [(0.0, 0.25), (0.5, 0.75)]) == 0.5
    assert voiced_share(1.0, 1.0, [(0.5, 1.5)]) == 1.0


def test_thank_you_squeezed_into_the_last_instant_is_dropped():
    """Seen on a flite answer: "Friday. Thank you." with "Thank" 0.02 probability and no duration."""
    words = _words(("on", 30.36, 30.74, 0.99), ("Friday.", 30.74, 31.04, 0.97), ("Thank", 31.04, 31.04, 0.021),
                   ("you.", 31.04, 31.12, 0.98))
    kept = drop_unsupported(words, [(29.46, 31.29)], answer_start=False)
    assert [w.text for w in kept] == ["on", "Friday."]


def test_a_squeezed_improbable_closing_phrase_is_dropped_but_a_clear_ending_stays():
    """Seen on a flite answer: "it went fine. And then we'll see you next time." in the last 0.2 s."""
    said = [("it", 7.58, 7.78, 0.95), ("went", 7.78, 8.08, 0.95), ("fine.", 8.08, 8.5, 0.997)]
    made_up = [("And", 8.5, 8.52, 0.002), ("then", 8.52, 8.72, 0.103), ("we'll", 8.72, 8.72, 0.244),
               ("see", 8.72, 8.72, 0.113), ("you", 8.72, 8.72, 0.268), ("next", 8.72, 8.72, 0.342),
               ("time.", 8.72, 8.72, 0.725)]
    spans = [(0.66, 7.26), (7.47, 8.65)]
    assert [w.text for w in drop_unsupported(_words(*said, *made_up), spans)] == ["it", "went", "fine."]
    assert drop_unsupported(_words(*said), spans) == _words(*said)
    unsure_but_spoken = _words(*said[:2], ("fine.", 8.08, 8.5, 0.3))
    assert drop_unsupported(unsure_but_spoken, spans) == unsure_but_spoken


def test_a_made_up_closing_sentence_with_one_confident_word_is_dropped():
    """Seen on a flite answer: "no findings. I'm going to see." ("to" at 0.975, the rest squeezed or unsure)."""
    said = [("no", 35.74, 36.08, 0.987), ("findings.", 36.08, 36.42, 0.974)]
    made_up = [("I'm", 36.42, 36.42, 0.16), ("going", 36.42, 36.42, 0.161), ("to", 36.42, 36.52, 0.975),
               ("see.", 36.52, 36.72, 0.12)]
    kept = drop_unsupported(_words(*said, *made_up), [(29.93, 36.76)], answer_start=False)
    assert [w.text for w in kept] == ["no", "findings."]
    clear = [("It", 36.42, 36.6, 0.9), ("went", 36.6, 36.8, 0.95), ("fine.", 36.8, 37.1, 0.97)]
    assert drop_unsupported(_words(*said, *clear), [(29.93, 37.2)]) == _words(*said, *clear)


def test_a_closing_sentence_given_no_time_is_dropped_however_sure():
    """Seen on an espeak-ng answer: "early. We'll see you later." with four words in 0.04 s (mean probability 0.53)."""
    said = [("about", 22.93, 23.35, 0.97), ("it", 23.35, 23.59, 0.99), ("early.", 23.59, 23.87, 0.99)]
    made_up = [("We'll", 23.87, 23.87, 0.2), ("see", 23.87, 23.91, 0.69), ("you", 23.91, 23.91, 0.79),
               ("later.", 23.91, 23.91, 0.44)]
    spans = [(21.5, 23.98)]
    assert drop_unsupported(_words(*said, *made_up), spans, answer_start=False) == _words(*said)
    assert drop_unsupported([], spans) == []
    quick = [("We", 23.87, 23.95, 0.9), ("won.", 23.95, 24.2, 0.9)]  # short words, but said
    assert drop_unsupported(_words(*said, *quick), spans, answer_start=False) == _words(*said, *quick)


def test_a_closing_phrase_is_a_sentence_of_its_own_after_another():
    said = _words(("a", 0.0, 0.2, 0.9), ("mitigation.", 0.2, 0.8, 0.9), ("Thank", 0.9, 1.0, 0.5),
                  ("you.", 1.0, 1.2, 0.9))
    assert closing_phrase(said) == 2
    assert closing_phrase(said[2:]) is None  # nothing before it: the window is the phrase
    assert closing_phrase(said[:2]) is None
    inside = _words(("I", 0.0, 0.1, 0.9), ("thank", 0.1, 0.3, 0.9), ("you.", 0.3, 0.5, 0.9))
    assert closing_phrase(inside) is None
    alone = _words(("done.", 0.0, 0.4, 0.9), ("Thanks.", 0.5, 0.9, 0.9))
    assert closing_phrase(alone) == 1
    two_words = _words(("done.", 0.0, 0.4, 0.9), ("Bye", 0.5, 0.7, 0.9), ("bye.", 0.7, 0.9, 0.9))
    assert closing_phrase(two_words) == 1  # the longest phrase: "Bye bye.", not "bye." alone


def test_an_unbelieved_bye_bye_over_noise_is_dropped_whole():
    words = _words(("We", 0.5, 0.7, 0.9), ("shipped.", 0.7, 1.2, 0.9), ("Bye", 1.5, 1.7, 0.3),
                   ("bye.", 1.7, 1.9, 0.3))
    assert [w.text for w in drop_unsupported(words, [(0.45, 1.95)])] == ["We", "shipped."]


def test_a_run_of_squeezed_unbelieved_words_inside_the_window_is_dropped_but_its_last_word():
    """Seen on a festival voice through reverb: "instead I was a part of a flat note" for "instead of a flat no",
    "I was a part" at one instant, probabilities 0.01-0.10; the run's last word stays (see the next test)."""
    before = [("instead", 22.78, 23.22, 0.945)]
    made_up = [("I", 23.22, 23.22, 0.07), ("was", 23.22, 23.22, 0.011), ("a", 23.22, 23.22, 0.1),
               ("part", 23.22, 23.22, 0.068)]
    after = [("of", 23.22, 23.36, 0.938), ("a", 23.36, 23.58, 0.767), ("flat", 23.58, 23.8, 0.859),
             ("note,", 23.8, 24.16, 0.358), ("and", 24.3, 24.5, 0.9), ("it", 24.5, 24.7, 0.9), ("held.", 24.7, 25.0, 0.9)]
    spans = [(22.5, 25.1)]
    kept = drop_unsupported(_words(*before, *made_up, *after), spans, answer_start=False, answer_end=False)
    assert kept == _words(*before, made_up[-1], *after)


def test_the_real_word_squeezed_in_at_the_end_of_a_made_up_run_stays():
    """Seen on an espeak-ng voice in noise: "morning. I mean, I was kind of tiring" for "morning. Kind of tiring":
    "mean, I was kind" at one instant (0.01-0.14), then "of" with time; "kind" was said and starts a filler."""
    words = _words(("morning.", 26.28, 26.62, 0.99), ("I", 26.94, 27.4, 0.09), ("mean,", 27.4, 27.4, 0.01),
                   ("I", 27.4, 27.4, 0.14), ("was", 27.4, 27.4, 0.03), ("kind", 27.4, 27.4, 0.06),
                   ("of", 27.4, 27.92, 0.92), ("tiring,", 27.92, 28.3, 0.59), ("but", 28.3, 28.5, 0.9),
                   ("it", 28.7, 28.92, 0.93), ("worked.", 28.92, 29.42, 0.48))
    kept = drop_unsupported(words, [(26.2, 29.5)], answer_start=False, answer_end=False)
    assert [w.text for w in kept] == ["morning.", "I", "kind", "of", "tiring,", "but", "it", "worked."]


def test_squeezed_words_whisper_believes_or_two_unbelieved_ones_stay():
    """Fast speech gets squeezed word times too; only three or more in a row that Whisper barely believed go."""
    sure = _words(("we", 1.0, 1.2, 0.9), ("did", 1.2, 1.2, 0.8), ("it", 1.2, 1.2, 0.7), ("all", 1.2, 1.22, 0.6),
                  ("again", 1.22, 1.6, 0.9), ("then.", 1.6, 1.9, 0.9))
    assert drop_unsupported(sure, [(0.9, 2.0)], answer_start=False, answer_end=False) == sure
    two = _words(("we", 1.0, 1.2, 0.9), ("did", 1.2, 1.2, 0.1), ("it", 1.2, 1.2, 0.1), ("again", 1.2, 1.6, 0.9),
                 ("then.", 1.6, 1.9, 0.9))
    assert drop_unsupported(two, [(0.9, 2.0)], answer_start=False, answer_end=False) == two


def test_a_made_up_closing_sentence_goes_whole_though_its_end_is_a_squeezed_run():
    """Seen on a flite answer: "This is the first one." after the last said word, "the first one." at one instant;
    the closing-sentence rule takes all five words before the squeezed-run rule could leave "This is"."""
    said = [("later.", 17.4, 17.9, 0.95)]
    made_up = [("This", 18.0, 18.2, 0.3), ("is", 18.2, 18.3, 0.4), ("the", 18.3, 18.3, 0.2), ("first", 18.3, 18.3, 0.1),
               ("one.", 18.3, 18.3, 0.1)]
    kept = drop_unsupported(_words(*said, *made_up), [(16.0, 18.4)], answer_start=False)
    assert kept == _words(*said)
