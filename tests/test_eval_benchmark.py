"""benchmarks/accuracy.py's own measures (microphone conditions, invented phrases, paired answers) and one answer
through a rendered microphone."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from voice_interviewer.audio.files import read_audio
from voice_interviewer.records import Transcript, Word

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def accuracy(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("accuracy_bench", ROOT / "benchmarks" / "accuracy.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["accuracy_bench"] = module
    spec.loader.exec_module(module)
    module.CACHE = tmp_path_factory.mktemp("eval-cache")
    return module


def _entry(answer_id: str) -> dict:
    answers = json.loads((ROOT / "audio_fixtures" / "eval" / "labels.json").read_text())["answers"]
    return next(a for a in answers if a["id"] == answer_id)


def _power(x: np.ndarray) -> float:
    return float(np.mean(x.astype(np.float64) ** 2))


def _out_of_band_share(x: np.ndarray) -> float:
    """Share of the signal's power below 200 Hz or above 4500 Hz (a 300-3400 Hz band keeps almost none there)."""
    spectrum = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(x.size, 1 / 16000)
    return float(spectrum[(freqs < 200) | (freqs > 4500)].sum() / spectrum.sum())


def _added_noise(accuracy, condition: str) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
    entry = _entry("flite-rms--in-so-like")
    clean = read_audio(accuracy.condition_audio(entry, "clean"))
    noisy = read_audio(accuracy.condition_audio(entry, condition))
    assert noisy.size == clean.size
    assert accuracy.condition_audio(entry, condition).exists()  # cached
    span = round(entry["speech_start_s"] * 16000), round(entry["speech_end_s"] * 16000)
    return clean, noisy.astype(np.float64) - clean, span


@pytest.mark.parametrize("condition, snr_db", [("noise-snr10", 10.0), ("white-snr15", 15.0), ("brown-snr5", 5.0)])
def test_noise_conditions_hit_their_signal_to_noise_ratio(accuracy, condition, snr_db):
    clean, noise, (first, last) = _added_noise(accuracy, condition)
    snr = 10 * np.log10(_power(clean[first:last]) / _power(noise[first:last]))
    assert snr == pytest.approx(snr_db, abs=0.7)


@pytest.mark.parametrize("condition, low, high", [("white-snr15", 0.6, 0.9), ("noise-snr10", 0.1, 0.4),
                                                  ("brown-snr5", 0.0, 0.05)])
def test_each_noise_has_its_colour(accuracy, condition, low, high):
    """Share of the added noise's power above 2 kHz: flat for white noise (3/4 of the band), about a quarter for
    pink (equal power per octave), almost none for brown."""
    _, noise, _ = _added_noise(accuracy, condition)
    spectrum = np.abs(np.fft.rfft(noise)) ** 2
    share = spectrum[np.fft.rfftfreq(noise.size, 1 / 16000) > 2000].sum() / spectrum.sum()
    assert low < share < high


def test_headset_condition_is_band_limited_and_quiet(accuracy):
    entry = _entry("flite-rms--in-so-like")
    clean = read_audio(accuracy.condition_audio(entry, "clean")).astype(np.float64)
    headset = read_audio(accuracy.condition_audio(entry, "headset")).astype(np.float64)
    assert 10 * np.log10(_power(clean) / _power(headset)) > 15
    assert _out_of_band_share(headset) < 0.02


def test_phone_band_condition_keeps_the_speakers_level(accuracy):
    entry = _entry("flite-rms--in-so-like")
    clean = read_audio(accuracy.condition_audio(entry, "clean")).astype(np.float64)
    phone = read_audio(accuracy.condition_audio(entry, "phone-band")).astype(np.float64)
    assert 10 * np.log10(_power(clean) / _power(phone)) < 10  # only what lies outside the band is lost
    assert _out_of_band_share(phone) < 0.02


def test_invented_phrases_are_counted_and_real_words_are_not(accuracy):
    entry = {"transcript": "We shipped on time.", "speech_start_s": 0.5, "speech_end_s": 2.0}
    said = [Word("We", 0.5, 0.7), Word("shipped", 0.7, 1.2), Word("on", 1.2, 1.4), Word("time.", 1.4, 2.0)]
    assert accuracy.invented_phrases(entry, Transcript(tuple(said), 3.0, "m")) == []
    tail = said + [Word("Thank", 2.9, 3.0), Word("you.", 3.0, 3.1)]
    assert accuracy.invented_phrases(entry, Transcript(tuple(tail), 3.2, "m")) == ["Thank you."]
    inserted = said[:2] + [Word(t, 1.2, 1.3) for t in ("and", "then", "we'll", "see")] + said[2:]
    assert accuracy.invented_phrases(entry, Transcript(tuple(inserted), 3.2, "m")) == ["and then we'll see"]


def test_a_mishearing_is_not_invented_but_words_beyond_those_said_are(accuracy):
    entry = {"transcript": "Then the sponsor signed the plan and we shipped it.", "speech_start_s": 0.0,
             "speech_end_s": 4.0}

    def heard(text: str) -> Transcript:
        return Transcript(tuple(Word(t, 0.3 * i, 0.3 * i + 0.25) for i, t in enumerate(text.split())), 4.5, "m")

    assert accuracy.invented_phrases(entry, heard("Then you sponsor signed the plan and we shipped it.")) == []
    assert accuracy.invented_phrases(entry, heard("Then the sponsor signed the plan and we chipped hit.")) == []
    assert accuracy.invented_phrases(entry, heard("Then the sponsor signed the plan, thank you, and we shipped it.")) \
        == ["thank you,"]
    assert accuracy.invented_phrases(entry, heard("Then the sponsor so I'm going to go to the plan and we shipped "
                                                  "it.")) == ["so I'm going to go to"]


def test_pairs_need_eight_points_for_a_missing_part(accuracy):
    full = {"id": "a", "features": []}
    rows = [{"condition": "clean", "entry": full, "doc": {"score": 80}},
            {"condition": "clean", "entry": {"id": "b", "pair_of": "a", "change": "no-result"}, "doc": {"score": 73}},
            {"condition": "clean", "entry": {"id": "c", "pair_of": "a", "change": "many-fillers"},
             "doc": {"score": 79}}]
    right, total, _ = accuracy.pair_check(rows)
    assert (right, total) == (1, 2)


def test_missing_parts_found_counts_only_parts_the_labels_lack(accuracy):
    entry = {"parts": [{"part": "situation"}, {"part": "action"}]}
    doc = {"structure": {"kind": "star", "missing": ["task", "situation"]}}
    assert accuracy.missing_parts(entry, doc) == (2, 1)  # task and result labelled missing; task found
    assert accuracy.missing_parts(entry, {"structure": {"kind": "none", "missing": []}}) == (0, 0)


def test_quick_held_out_run_hears_each_held_out_voice_say_the_quick_scripts(accuracy):
    """--quick --held-out-voices: the held-out voices' answers of QUICK's scripts, not every held-out answer."""
    quick = accuracy.load_labels(True, None, held_out=True)
    every = accuracy.load_labels(False, None, held_out=True)
    scripts = {answer_id.split("--")[-1] for answer_id in accuracy.QUICK if not answer_id.startswith("real-")}
    assert 0 < len(quick) < len(every)
    for voice in {a["voice"] for a in every}:
        assert {a["source_answer"] for a in quick if a["voice"] == voice} == scripts, voice


def test_key_points_heard_counts_points_said_but_misheard(accuracy):
    from voice_interviewer.content.personas import find_question, load_personas
    from voice_interviewer.feedback import analyze

    question = find_question(load_personas(), "hm-ambiguous-charter")[1]
    entry = {"transcript": "I'd set the metrics first, then run a pilot."}
    misheard = [Word(w, 0.3 * i, 0.3 * i + 0.25) for i, w in
                enumerate("I'd set the metrics first, then run a pylon with the sponsor.".split())]
    doc = analyze(Transcript(tuple(misheard), 4.0, "m"), question)
    assert accuracy.key_points_heard(entry, doc, question) == (2, 1, 1)  # pilot lost, sponsor only heard


@pytest.mark.model
def test_speech_whisper_skipped_is_decoded_again(accuracy, model):
    """Through the headset microphone Whisper turned 12 s of this answer (13-25 s: "the two teams most likely to say
    yes ... So I published a table") into "I think that's a good thing to say.", its words given no time; the
    stretch is decoded again and its words replace that line."""
    from voice_interviewer.audio.sources import WavFileSource
    from voice_interviewer.config import TranscribeOptions
    from voice_interviewer.speech.transcribe import transcribe_frames
    from voice_interviewer.speech.wer import word_error_rate

    entry = _entry("flite-rms--ev-star-noauth")
    audio = accuracy.condition_audio(entry, "headset")
    transcript = transcribe_frames(WavFileSource(audio).frames(), model, TranscribeOptions(partial_every_s=None))
    said = [w for w in transcript.words if 14.0 <= w.start <= 25.0]
    assert len(said) >= 20, transcript.text
    assert "good thing to say" not in transcript.text, transcript.text  # the invented line is replaced
    assert word_error_rate(entry["transcript"], transcript.text) <= 0.25


@pytest.mark.model
def test_band_limited_speech_the_decoders_vad_drops_is_decoded_again(accuracy, model, tmp_path):
    """The headset microphone turned up in software (its band, 18 dB of its quantisation noise, peak 0.89): there
    faster-whisper's Silero VAD heard no speech in a whole 13 s window of this answer (12.7-25.8 s: "teams like
    billing ... when legal and sales") and Whisper returned nothing; webrtcvad heard 11.8 s of voice there, so the
    stretch is decoded again without that VAD."""
    import soundfile as sf

    from voice_interviewer.audio.sources import WavFileSource
    from voice_interviewer.config import TranscribeOptions
    from voice_interviewer.speech.transcribe import transcribe_frames

    entry = _entry("festival-kal--ev-star-crossfunc")
    quiet = read_audio(accuracy.condition_audio(entry, "headset")).astype(np.float64)
    loud = tmp_path / "loud.wav"
    sf.write(loud, quiet * (0.89 / np.abs(quiet).max()), 16000, subtype="PCM_16")
    transcript = transcribe_frames(WavFileSource(loud).frames(), model, TranscribeOptions(partial_every_s=None))
    said = [w for w in transcript.words if 13.0 <= w.start <= 25.0]
    assert len(said) >= 20, transcript.text
