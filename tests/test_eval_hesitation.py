"""The filler pass: voiced islands from webrtcvad, what an island sounds like, hesitations Whisper left out."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from voice_interviewer.audio.files import read_audio
from voice_interviewer.config import TranscribeOptions
from voice_interviewer.records import SAMPLE_RATE_HZ, Word
from voice_interviewer.speech.hesitation import (VoicedSpans, add_hesitations, canonical, noise_floor, sound_kind,
                                                 voiced_spans)
from voice_interviewer.speech.transcribe import decode

EVAL = Path(__file__).resolve().parent.parent / "audio_fixtures" / "eval"
LABELS = {a["id"]: a for a in json.loads((EVAL / "labels.json").read_text())["answers"]}


def _buzz(seconds: float, top_hz: float, f0: float = 140.0) -> np.ndarray:
    """A voiced sound: harmonics of f0 up to top_hz, as a vowel (top 3 kHz) or a hum (top 350 Hz) has."""
    t = np.arange(round(seconds * SAMPLE_RATE_HZ)) / SAMPLE_RATE_HZ
    wave = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, int(top_hz // f0) + 1))
    return (wave / np.max(np.abs(wave)) * 12000).astype(np.int16)


def _hiss(seconds: float) -> np.ndarray:
    rng = np.random.default_rng(1)
    noise = rng.normal(0, 1, round(seconds * SAMPLE_RATE_HZ))
    high = np.diff(noise, prepend=0.0)  # tilted to high frequencies, as an s is
    return (high / np.max(np.abs(high)) * 8000).astype(np.int16)


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * SAMPLE_RATE_HZ), dtype=np.int16)


def test_voiced_islands_are_found_between_silences():
    pcm = np.concatenate([_silence(0.5), _buzz(0.4, 3000), _silence(0.3), _buzz(0.8, 3000), _silence(0.5)])
    spans = voiced_spans(pcm, offset_s=10.0)
    assert len(spans) == 2
    # starts are sharp; webrtcvad holds on about 0.1 s after a voice stops
    assert spans[0][0] == pytest.approx(10.5, abs=0.03) and 10.9 <= spans[0][1] <= 11.05
    assert spans[1][0] == pytest.approx(11.2, abs=0.03) and 12.0 <= spans[1][1] <= 12.15


def test_streaming_spans_match_the_whole_block():
    pcm = np.concatenate([_silence(0.3), _buzz(0.5, 3000), _silence(0.4), _buzz(0.3, 3000), _silence(0.2)])
    stream = VoicedSpans()
    for k in range(0, pcm.size, 480):  # 30 ms frames, as the sources deliver them
        stream.accept(pcm[k:k + 480].tobytes(), k / SAMPLE_RATE_HZ)
    assert stream.spans() == voiced_spans(pcm)
    first = stream.within(0.5, 1.0)
    assert len(first) == 1 and first[0][0] == 0.5 and 0.8 <= first[0][1] <= 0.95


def test_sound_kind_tells_a_hum_a_vowel_and_a_fricative_apart():
    hum, vowel = _buzz(0.4, 350), _buzz(0.4, 3000)
    vowel_then_hum = np.concatenate([_buzz(0.25, 3000), _buzz(0.25, 350)])
    hissy = np.concatenate([_hiss(0.2), _buzz(0.2, 3000)])
    assert sound_kind(hum, 0.0, (0.0, 0.4)) == "hmm"
    assert sound_kind(vowel, 0.0, (0.0, 0.4)) == "uh"
    assert sound_kind(vowel_then_hum, 0.0, (0.0, 0.5)) == "um"
    assert sound_kind(hissy, 0.0, (0.0, 0.4)) is None


def _pink(seconds: float, rms: float, seed: int = 2) -> np.ndarray:
    """Pink noise (power falling 3 dB an octave, most of it below 400 Hz), as a room or a fan gives."""
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.normal(0, 1, round(seconds * SAMPLE_RATE_HZ)))
    spectrum /= np.sqrt(np.maximum(np.fft.rfftfreq(round(seconds * SAMPLE_RATE_HZ), 1 / SAMPLE_RATE_HZ), 20.0))
    noise = np.fft.irfft(spectrum, round(seconds * SAMPLE_RATE_HZ))
    return noise / np.sqrt(np.mean(noise ** 2)) * rms


def test_the_rooms_noise_is_taken_off_before_a_sound_is_judged():
    # 1 s of room, a vowel 10 dB above the room, 1 s of room: the vowel is still a vowel, and the room alone is
    # no hesitation
    room = _pink(2.4, 400.0)
    vowel = _buzz(0.4, 3000).astype(np.float64)
    vowel *= 400.0 * 10 ** (10 / 20) / np.sqrt(np.mean(vowel ** 2))
    pcm = room.copy()
    pcm[16000:22400] += vowel
    pcm = pcm.astype(np.int16)
    floor = noise_floor(pcm, 0.0, [(1.0, 1.4)])
    assert floor is not None
    assert sound_kind(pcm, 0.0, (1.0, 1.4), floor) == "uh"
    assert sound_kind(pcm, 0.0, (0.3, 0.7), floor) is None
    assert noise_floor(pcm[:4000], 0.0, [(0.0, 0.25)]) is None  # too little room to measure


@pytest.mark.parametrize("text, kind", [("Um,", "um"), ("uhh", "uh"), ("Hmm.", "hmm"), ("er", "er"),
                                        ("erm", "erm"), ("umbrella", None), ("her", None), ("so", None)])
def test_canonical_hesitations(text, kind):
    assert canonical(text) == kind


def test_no_steps_changes_nothing():
    words = [Word("So", 0.1, 0.3)]
    assert add_hesitations(_buzz(1.0, 3000), 0.0, words, (), decode) == words


@pytest.mark.parametrize("heard, hum", [(["Good."], True), (["Two", "months."], False), (["Mm,", "so"], True)])
def test_a_hum_is_one_sound_and_a_phrase_heard_in_it_is_speech(heard, hum):
    """A hum counts whatever Whisper writes over it, unless both passes heard speech there: the first pass covers
    it and the second pass, hearing the island alone, wrote two words or more and no hesitation."""
    pcm = np.concatenate([_silence(0.6), _buzz(0.45, 700), _silence(0.6)])  # webrtcvad misses a pure 350 Hz hum
    first_pass = [Word("Two", 0.55, 0.8), Word("months.", 0.8, 1.1)]

    def second_pass(window: np.ndarray, at_s: float) -> list[Word]:
        step = 0.3 / len(heard)
        return [Word(text, 1.25 + k * step, 1.25 + (k + 1) * step) for k, text in enumerate(heard)]

    words = add_hesitations(pcm, 0.0, first_pass, ("acoustic", "second-pass"), second_pass)
    assert any(canonical(w.text) == "hmm" for w in words) == hum


def _island_in_a_room(top_hz: float, snr_db: float, first_pass: list[Word], heard: str) -> list[Word]:
    """The filler pass over a 0.45 s voiced island (harmonics up to top_hz) at 0.6 s in pink room noise snr_db
    under it, the first pass's words given and the second pass hearing `heard` in the island alone ("": nothing)."""
    voice = _buzz(0.45, top_hz).astype(np.float64)
    room = _pink(1.65, np.sqrt(np.mean(voice ** 2)) / 10 ** (snr_db / 20))
    pcm = room.copy()
    pcm[9600:9600 + voice.size] += voice

    def second_pass(window: np.ndarray, at_s: float) -> list[Word]:
        return [Word(heard, 1.25, 1.55)] if heard else []

    return add_hesitations(pcm.astype(np.int16), 0.0, first_pass, ("acoustic", "second-pass"), second_pass,
                           spans=[(0.6, 1.05)])


@pytest.mark.parametrize("snr_db, hum", [(40.0, True), (12.0, False)])
def test_in_a_noisy_room_one_word_heard_in_a_hum_makes_it_speech(snr_db, hum):
    """The same hum with "Good." heard in it alone: a hum in a quiet room, speech whose consonants the noise hid in a
    room 12 dB under it."""
    words = _island_in_a_room(700, snr_db, [Word("Good.", 0.55, 1.1)], "Good.")
    assert any(canonical(w.text) == "hmm" for w in words) == hum


@pytest.mark.parametrize("snr_db, hesitation", [(40.0, True), (12.0, False)])
def test_in_a_noisy_room_a_lone_uh_does_not_overrule_a_word_the_first_pass_heard(snr_db, hesitation):
    """A vowel the first pass heard as a word and the second pass, hearing it alone, as "uh": a hesitation in a
    quiet room ("her" for "er"), a piece of the word in a room 12 dB under it."""
    words = _island_in_a_room(3000, snr_db, [Word("her", 0.6, 1.05)], "Uh,")
    assert any(canonical(w.text) == "uh" for w in words) == hesitation


@pytest.mark.model
def test_second_pass_finds_the_hesitations_the_first_pass_dropped(model):
    """ev-nervous-screen opens "Hmm, so, I've run, er, about ten programs. Like, ... with, uh, eight teams":
    the first pass writes none of hmm, er and uh; the filler pass finds all three where they were said."""
    entry = LABELS["ev-nervous-screen"]
    pcm = read_audio(EVAL / entry["file"])[:16 * SAMPLE_RATE_HZ]
    plain = TranscribeOptions(filler_pass=())
    first = decode(model, pcm, 0.0, plain)
    found = decode(model, pcm, 0.0, TranscribeOptions(filler_pass=("acoustic", "second-pass")))
    labelled = [f for f in entry["fillers"] if f["text"] in ("hmm", "er", "uh") and f["end_s"] < 16]
    assert len(labelled) == 3
    hesitations = [(canonical(w.text), w.start) for w in found if canonical(w.text)]
    assert sum(1 for w in first if canonical(w.text)) < len(hesitations)
    for label in labelled:
        family = {"er": {"er", "uh"}, "uh": {"uh", "er"}, "hmm": {"hmm"}}[label["text"]]
        assert any(kind in family and label["start_s"] - 0.5 <= at <= label["end_s"] + 0.5
                   for kind, at in hesitations), label
    said = " ".join(w.text.lower() for w in found)
    assert "like" in said and "actually" in said  # words the second pass heard as words stay words


@pytest.mark.parametrize("top_hz, kind", [(700, "hmm"), (3000, "uh")])
@pytest.mark.parametrize("snr_db, hesitation", [(40.0, True), (12.0, False)])
def test_in_a_noisy_room_the_sound_alone_finds_no_hesitation(top_hz, kind, snr_db, hesitation):
    """An island no word covers, in which the second pass heard nothing: the sound decides in a quiet room; in a
    room 12 dB under it a piece of a word sounds like a hum or a vowel, so nothing is added."""
    words = _island_in_a_room(top_hz, snr_db, [], "")
    assert [canonical(w.text) for w in words] == ([kind] if hesitation else [])


@pytest.mark.parametrize("top_hz, heard", [(700, "Hmm."), (3000, "Uh,")])
def test_in_a_noisy_room_a_hesitation_the_second_pass_heard_still_counts(top_hz, heard):
    words = _island_in_a_room(top_hz, 12.0, [], heard)
    assert [canonical(w.text) for w in words] == [canonical(heard)]
