"""Endpointer: real speech (slices of the JFK clip) and synthetic quiet room noise, fed as 30 ms frames.

Pure tier: webrtcvad only. Within the JFK clip webrtcvad (mode 3) hears speech from about 0.1 s to 4.5 s, 5.05 s to
7.65 s and 8.2 s to 11 s; the slices below stay inside those stretches.
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import numpy as np
import pytest

from voice_interviewer.audio.sources import FRAME_SAMPLES, WavFileSource
from voice_interviewer.config import EndpointOptions
from voice_interviewer.records import FRAME_MS, SAMPLE_RATE_HZ, AudioFrame
from voice_interviewer.speech.endpointing import AnswerEnded, Endpointer, PauseStarted, SpeechStarted, State

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "voice_interviewer" / "data" / "demo"
FRAME_S = FRAME_MS / 1000


def seconds(value: float) -> int:
    return int(round(value * SAMPLE_RATE_HZ))


def quiet(duration_s: float, seed: int = 0) -> np.ndarray:
    """A quiet room: low Gaussian noise (about -60 dBFS), which webrtcvad does not call speech."""
    return np.random.default_rng(seed).normal(0, 30, seconds(duration_s)).astype(np.int16)


@pytest.fixture(scope="module")
def speech_a(jfk_pcm) -> np.ndarray:
    """2.5 s of continuous speech: '... ask not what your country can do for you'."""
    return jfk_pcm[seconds(5.1): seconds(7.6)]


@pytest.fixture(scope="module")
def speech_b(jfk_pcm) -> np.ndarray:
    """2.7 s of continuous speech: '... ask what you can do for your country'."""
    return jfk_pcm[seconds(8.25): seconds(10.95)]


@pytest.fixture(scope="module")
def speech_long(jfk_pcm) -> np.ndarray:
    """4.3 s of continuous voiced audio from the clip's opening."""
    return jfk_pcm[seconds(0.15): seconds(4.45)]


def frames_of(samples: np.ndarray, start_s: float = 0.0):
    """30 ms AudioFrames, zero-padding the last one, as every source yields them."""
    count = math.ceil(len(samples) / FRAME_SAMPLES)
    padded = np.zeros(count * FRAME_SAMPLES, dtype=np.int16)
    padded[: len(samples)] = samples
    for index in range(count):
        block = padded[index * FRAME_SAMPLES: (index + 1) * FRAME_SAMPLES]
        yield AudioFrame(block.astype("<i2").tobytes(), SAMPLE_RATE_HZ, start_s + index * FRAME_S)


def run(endpointer: Endpointer, samples: np.ndarray) -> list:
    """Feed every frame; stop at the end event like the interview loop does."""
    events = []
    for frame in frames_of(samples):
        events += endpointer.accept(frame)
        if endpointer.ended is not None:
            break
    return events


def of(kind, events):
    return [e for e in events if isinstance(e, kind)]


def test_speech_slices_are_speech_to_webrtcvad(speech_a, speech_b, speech_long):
    """Guard for the slices: the tests below rely on them being (almost) all voiced."""
    for piece in (speech_a, speech_b, speech_long):
        detector = Endpointer()  # webrtcvad adapts to what it heard: let it hear the quiet room first, as in use
        lead = [detector.is_speech(f) for f in frames_of(quiet(1.0))]
        decisions = [detector.is_speech(f) for f in frames_of(piece[: len(piece) // FRAME_SAMPLES * FRAME_SAMPLES])]
        assert not any(lead[7:])  # its first few decisions are unreliable: that is what ignore_initial_s is for
        assert sum(decisions) / len(decisions) > 0.95


def test_answer_starts_within_300ms_of_first_speech(speech_a):
    audio = np.concatenate([quiet(1.5), speech_a, quiet(1.0)])
    events = run(Endpointer(), audio)
    started = of(SpeechStarted, events)
    assert len(started) == 1
    assert abs(started[0].at_s - 1.5) <= 0.3
    assert not of(AnswerEnded, events)


def test_three_second_thinking_pause_does_not_end_the_answer(speech_a, speech_b):
    endpointer = Endpointer()
    audio = np.concatenate([quiet(0.5), speech_a, quiet(3.0, seed=1), speech_b])
    events = run(endpointer, audio)
    assert not of(AnswerEnded, events)
    assert endpointer.state is State.SPEAKING
    assert len(of(SpeechStarted, events)) == 1  # the pause does not start a second answer


def test_answer_ends_after_end_silence(speech_a, speech_b):
    options = EndpointOptions()
    end_of_speech_s = 0.5 + len(speech_a) / SAMPLE_RATE_HZ + 3.0 + len(speech_b) / SAMPLE_RATE_HZ
    audio = np.concatenate([quiet(0.5), speech_a, quiet(3.0, seed=1), speech_b, quiet(6.0, seed=2)])
    events = run(Endpointer(options), audio)
    ended = of(AnswerEnded, events)
    assert len(ended) == 1
    end = ended[0]
    assert end.reason == "silence"
    assert abs(end.speech_end_s - end_of_speech_s) <= 0.3
    assert end.at_s - end.speech_end_s == pytest.approx(options.end_silence_s, abs=0.1)
    assert events[-1] is end  # nothing after the end


@pytest.mark.parametrize("end_silence_s", [1.0, 2.0, 6.0])
def test_end_silence_option_is_honoured(speech_a, end_silence_s):
    audio = np.concatenate([quiet(0.3), speech_a, quiet(end_silence_s + 2.0)])
    end = of(AnswerEnded, run(Endpointer(EndpointOptions(end_silence_s=end_silence_s)), audio))[0]
    assert end.reason == "silence"
    assert end.at_s - end.speech_end_s == pytest.approx(end_silence_s, abs=0.1)


def test_max_answer_ends_a_long_answer(speech_a, speech_b, speech_long):
    options = EndpointOptions(max_answer_s=6.0)
    audio = np.concatenate([quiet(0.4), speech_long, quiet(0.5), speech_a, quiet(0.5), speech_b])  # ~11 s
    endpointer = Endpointer(options)
    events = run(endpointer, audio)
    end = of(AnswerEnded, events)[0]
    assert end.reason == "max-length"
    assert end.at_s - endpointer.speech_start_s == pytest.approx(6.0, abs=FRAME_S + 1e-9)
    assert end.speech_end_s is not None and end.speech_end_s <= end.at_s


def test_no_speech_gives_no_answer():
    options = EndpointOptions()
    endpointer = Endpointer(options)
    events = run(endpointer, quiet(options.no_answer_s + 2.0))
    assert events == [AnswerEnded("no-answer", None, pytest.approx(options.no_answer_s, abs=FRAME_S))]
    assert endpointer.speech_start_s is None


def test_pause_started_is_emitted_at_each_pause(speech_a, speech_b):
    first_end_s = 0.5 + len(speech_a) / SAMPLE_RATE_HZ
    second_end_s = first_end_s + 1.0 + len(speech_b) / SAMPLE_RATE_HZ
    audio = np.concatenate([quiet(0.5), speech_a, quiet(1.0, seed=1), speech_b, quiet(1.0, seed=2)])
    pauses = of(PauseStarted, run(Endpointer(), audio))
    assert len(pauses) == 2
    assert abs(pauses[0].at_s - first_end_s) <= 0.3
    assert abs(pauses[1].at_s - second_end_s) <= 0.3


def test_state_moves_quiet_speaking_trailing(speech_a):
    endpointer = Endpointer()
    seen = []
    for frame in frames_of(np.concatenate([quiet(0.5), speech_a, quiet(1.0)])):
        endpointer.accept(frame)
        if not seen or seen[-1] is not endpointer.state:
            seen.append(endpointer.state)
    assert seen == [State.QUIET, State.SPEAKING, State.TRAILING]


def test_ignore_initial_ignores_a_burst_at_the_start(jfk_pcm, speech_a):
    """E.g. the tail of the interviewer's voice or a click as the microphone opens: 0.2 s of loud voiced sound."""
    burst = jfk_pcm[seconds(0.6): seconds(0.8)]  # voiced from webrtcvad's very first frame
    audio = np.concatenate([burst, quiet(3.0)])
    assert of(SpeechStarted, run(Endpointer(EndpointOptions(ignore_initial_s=0.0)), audio)), \
        "without ignore_initial_s the burst should open an answer (else this test proves nothing)"
    events = run(Endpointer(EndpointOptions()), audio)
    assert not of(SpeechStarted, events)
    assert not of(AnswerEnded, events)


def test_speech_after_the_ignored_burst_still_starts_the_answer(jfk_pcm, speech_a):
    audio = np.concatenate([jfk_pcm[seconds(0.6): seconds(0.8)], quiet(1.0), speech_a, quiet(0.5)])
    started = of(SpeechStarted, run(Endpointer(), audio))
    assert len(started) == 1
    assert abs(started[0].at_s - 1.2) <= 0.3


def test_finish_on_exhausted_input(speech_a):
    endpointer = Endpointer()
    audio = np.concatenate([quiet(0.5), speech_a, quiet(0.5)])
    events = run(endpointer, audio)
    assert not of(AnswerEnded, events)
    end = endpointer.finish()
    frames = math.ceil(len(audio) / FRAME_SAMPLES)
    assert end.reason == "input-ended"
    assert end.at_s == pytest.approx(frames * FRAME_S)
    assert abs(end.speech_end_s - (0.5 + len(speech_a) / SAMPLE_RATE_HZ)) <= 0.3
    assert endpointer.ended is end and endpointer.state is State.ENDED
    assert endpointer.finish() is end  # idempotent
    assert endpointer.accept(next(frames_of(speech_a))) == []


def test_finish_without_speech_has_no_speech_end():
    endpointer = Endpointer()
    run(endpointer, quiet(1.0))
    end = endpointer.finish("stopped", at_s=0.9)
    assert end == AnswerEnded("stopped", None, 0.9)


def test_reset_allows_reuse(speech_a):
    endpointer = Endpointer(EndpointOptions(end_silence_s=1.0))
    audio = np.concatenate([quiet(0.5), speech_a, quiet(2.0)])
    first = run(endpointer, audio)
    assert endpointer.state is State.ENDED
    endpointer.reset()
    assert endpointer.state is State.QUIET and endpointer.ended is None and endpointer.speech_start_s is None
    second = run(endpointer, audio)
    assert first == second
    assert of(AnswerEnded, second)[0].reason == "silence"


def test_whole_file_never_ends_on_silence(speech_a):
    endpointer = Endpointer(EndpointOptions.whole_file())
    events = run(endpointer, np.concatenate([quiet(40.0), speech_a, quiet(60.0, seed=3), speech_a, quiet(30.0)]))
    assert not of(AnswerEnded, events)
    assert len(of(SpeechStarted, events)) == 1
    assert len(of(PauseStarted, events)) == 2  # pauses still split the audio
    assert endpointer.finish().reason == "input-ended"


def test_wrong_frame_shape_is_rejected():
    endpointer = Endpointer()
    with pytest.raises(ValueError, match="30 ms frames at 16000 Hz"):
        endpointer.accept(AudioFrame(b"\x00" * 640, SAMPLE_RATE_HZ, 0.0))
    with pytest.raises(ValueError, match="30 ms frames at 16000 Hz"):
        endpointer.accept(AudioFrame(b"\x00" * 960, 8000, 0.0))


# --- fixture answers: why end_silence_s defaults to 4.0 -------------------------------------------------------------

def _pauses_and_end(path: Path, options: EndpointOptions) -> tuple[list[float], AnswerEnded, float]:
    """Feed a whole recording; return the pause lengths the endpointer saw, its end event and the file length."""
    endpointer = Endpointer(options)
    pauses: list[float] = []
    open_pause: float | None = None
    last_end_s = 0.0
    for frame in WavFileSource(path).frames():
        last_end_s = frame.end_s
        previous = endpointer.state
        for event in endpointer.accept(frame):
            if isinstance(event, PauseStarted):
                open_pause = event.at_s
        if previous is State.TRAILING and endpointer.state is State.SPEAKING and open_pause is not None:
            pauses.append(frame.end_s - open_pause)
            open_pause = None
        if endpointer.ended is not None:
            break
    end = endpointer.finish()
    return pauses, end, last_end_s


def test_no_fixture_answer_is_ended_early_by_a_pause(manifest):
    answers = [a for a in manifest.get("answers", []) if (DEMO / a["file"]).is_file()]
    if not answers:
        pytest.skip("the demo manifest lists no recorded answers yet")
    options = EndpointOptions()
    everything: list[float] = []
    print(f"\npauses >= {options.pause_s} s seen by the endpointer (end_silence_s={options.end_silence_s}):")
    for answer in answers:
        pauses, end, length_s = _pauses_and_end(DEMO / answer["file"], options)
        everything += pauses
        scripted = [p["seconds"] for p in answer.get("pauses", [])]
        print(f"  {answer['file']:<36} {len(pauses):3d} pauses, longest {max(pauses, default=0):4.2f} s "
              f"(scripted {scripted}); end {end.reason} at {end.at_s:.2f} of {length_s:.2f} s")
        # the files end ~0.5 s after the last word: the answer must run to the end of the file
        assert end.reason == "input-ended", f"{answer['file']}: ended by {end.reason} at {end.at_s:.2f} s"
        assert abs(end.speech_end_s - answer["speech_end_s"]) <= 0.5
        for scripted_s in scripted:  # a scripted thinking pause is seen, at about its length
            assert any(abs(p - scripted_s) <= 0.4 for p in pauses), (answer["file"], scripted_s, pauses)
    if everything:
        ordered = sorted(everything)
        quantiles = {q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] for q in (0.5, 0.9, 0.99)}
        print(f"  all answers: {len(ordered)} pauses; median {quantiles[0.5]:.2f} s, p90 {quantiles[0.9]:.2f} s, "
              f"p99 {quantiles[0.99]:.2f} s, max {ordered[-1]:.2f} s, mean {statistics.fmean(ordered):.2f} s; "
              f"margin to end_silence_s {options.end_silence_s - ordered[-1]:.2f} s")
        assert ordered[-1] < options.end_silence_s


def _words(text: str):
    from voice_interviewer.records import Word

    return tuple(Word(t, i * 0.4, i * 0.4 + 0.3) for i, t in enumerate(text.split()))


def test_closing_phrase_is_found_only_at_the_end():
    from voice_interviewer.speech.endpointing import closing_phrase_at

    assert closing_phrase_at(_words("We shipped two weeks early. That's my answer.")) == 5
    assert closing_phrase_at(_words("and cut costs by half, I'm done")) == 5
    assert closing_phrase_at(_words("That is my answer")) == 0
    assert closing_phrase_at(_words("I'm done with the plan when the teams agree")) is None
    assert closing_phrase_at(_words("that's my answer to the first part, and then")) is None
    assert closing_phrase_at(()) is None
