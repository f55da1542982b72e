"""Turn-taking verdicts (feedback/turns.py) on typed answers: short wait when the answer is over, long otherwise."""

from __future__ import annotations

import pytest
from conftest import espeak_speech

from voice_interviewer.feedback.turns import judge_turn
from voice_interviewer.session.interview import typed_transcript

STORY_SO_FAR = ("Last year I was the TPM for our billing migration, and the finance team and the platform team "
                "disagreed on the cutover date. My job was to get them to one date within a week. I met each lead "
                "one on one and I pulled the incident history for the old system.")
STORY_END = " We launched on the agreed date and billing errors fell by thirty percent in the first quarter."
PLAN_SO_FAR = ("I would start with a charter: the objective, the success metrics, the scope and an executive "
               "sponsor. Then I would split the work into workstreams with one owner each, map the dependencies "
               "between teams, and set milestones with phase gates.")
PLAN_END = " Finally the cadence: a weekly sync per workstream and a monthly steering review with the sponsor."


def verdict(text: str, kind: str, budget_s: float | None = 180):
    return judge_turn(typed_transcript(text).words, kind, budget_s)


def test_a_story_is_over_once_its_result_is_said():
    assert verdict(STORY_SO_FAR + STORY_END, "star").complete
    assert verdict(STORY_SO_FAR + STORY_END, "star").reason == "result"


def test_a_story_without_its_result_is_not_over():
    turn = verdict(STORY_SO_FAR, "star")
    assert not turn.complete and turn.reason == "mid-story"


@pytest.mark.parametrize("trailing", ["and", "so", "because", "um", "and, uh,"])
def test_a_trailing_conjunction_or_hesitation_keeps_the_turn(trailing):
    text = STORY_SO_FAR + STORY_END[:-1] + ", " + trailing
    turn = verdict(text, "star")
    assert not turn.complete and turn.reason == "trailing-word"


def test_a_sentence_still_open_keeps_the_turn():
    assert verdict(STORY_SO_FAR + " We launched on the agreed date", "star").reason == "open-sentence"


def test_a_plan_is_over_at_its_cadence_not_before():
    assert not verdict(PLAN_SO_FAR, "framework").complete
    turn = verdict(PLAN_SO_FAR + PLAN_END, "framework")
    assert turn.complete and turn.reason == "cadence"


def test_a_plan_that_mentions_risks_early_is_not_over():
    early = "I would write a charter. Then I would start a risk register with owners for each risk."
    assert not verdict(early, "framework").complete


@pytest.mark.parametrize("closing", ["So that's how we got both teams to one date.",
                                     "In the end, the program shipped a week early.",
                                     "Looking back, I would involve finance sooner."])
def test_a_closing_line_ends_any_answer(closing):
    turn = verdict(STORY_SO_FAR + " " + closing, "star")
    assert turn.complete and turn.reason in ("closing-line", "result")
    assert verdict("I like the scale of the work here. " + closing, "none").complete


def test_an_answer_with_no_structure_is_over_past_half_its_budget():
    short = "I want to work on infrastructure at scale. Your platform program is exactly that."
    assert not verdict(short, "none", budget_s=90).complete
    long = " ".join([short] * 12)  # about 72 s at the typed pace of 150 wpm
    assert verdict(long, "none", budget_s=90).complete
    assert not verdict(long, "none", budget_s=None).complete


def test_no_words_is_not_an_answer():
    assert not verdict("", "star").complete


# ---- the real pipeline: espeak-ng speech, webrtcvad, tiny.en, the judge -----------------------------------------

def _listen(model, samples):
    """The interview's listening path with a clock that keeps up with the audio (no decode skipped for lag)."""
    from voice_interviewer.config import EndpointOptions, TranscribeOptions
    from voice_interviewer.records import AudioFrame
    from voice_interviewer.speech.transcribe import AnswerListener

    now = [0.0]
    listener = AnswerListener(model, TranscribeOptions(live_cpu_per_s=None), EndpointOptions(), "t",
                              clock=lambda: now[0], judge=lambda words: judge_turn(words, "star", 180).complete)
    step = 480
    for index in range(0, samples.size - step + 1, step):
        frame = AudioFrame(samples[index:index + step].astype("<i2").tobytes(), 16000, index / 16000)
        now[0] = frame.end_s
        _, end = listener.accept(frame)
        if end is not None:
            return end
    return None


STORY = [("Last year two of my teams disagreed about how our app should sync data.", 0.5),
         ("My task was to get them to one design within two weeks.", 0.5),
         ("I ran a workshop, and I brought usage data to the leads.", 0.5)]
RESULT = [("We shipped on the planned date, and support tickets dropped by forty percent.", 0.0)]


@pytest.mark.model
def test_a_finished_story_ends_after_the_short_wait(model, tmp_path):
    end = _listen(model, espeak_speech(tmp_path, STORY + RESULT))
    assert end is not None and end.reason == "silence"
    assert end.at_s - end.speech_end_s < 2.0, end


@pytest.mark.model
def test_thinking_pauses_mid_story_do_not_end_it(model, tmp_path):
    paused = [STORY[0], (STORY[1][0], 3.0), ("I ran a workshop, and", 3.0), ("I brought usage data to the leads.", 0.5)]
    samples = espeak_speech(tmp_path, paused + RESULT)
    end = _listen(model, samples)
    assert end is not None and end.reason == "silence"
    assert end.speech_end_s > samples.size / 16000 - 6.5, end  # the end is the real end, not a pause
