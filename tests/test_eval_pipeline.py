"""The real pipeline on labelled evaluation answers: what the feedback says, checked against the labels.

The bundled model, the interview's transcription path (AnswerListener with the filler pass) and analyze(), on a few
answers from audio_fixtures/eval; benchmarks/accuracy.py measures the whole set.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from voice_interviewer.audio.sources import WavFileSource
from voice_interviewer.config import TranscribeOptions
from voice_interviewer.content.personas import find_question, load_personas
from voice_interviewer.feedback import analyze
from voice_interviewer.speech.transcribe import load_model, resolve_model, transcribe_frames

pytestmark = pytest.mark.model

EVAL = Path(__file__).resolve().parent.parent / "audio_fixtures" / "eval"
LABELS = {a["id"]: a for a in json.loads((EVAL / "labels.json").read_text())["answers"]}
FAMILY = {"er": "uh"}


@lru_cache(maxsize=None)
def scored(answer_id: str) -> dict:
    entry = LABELS[answer_id]
    resolved = resolve_model(None)
    options = TranscribeOptions(partial_every_s=None)
    model = load_model(resolved.source, options.compute_type, options.cpu_threads)
    transcript = transcribe_frames(WavFileSource((EVAL / entry["file"]).resolve()).frames(), model, options)
    return analyze(transcript, find_question(load_personas(), entry["question_id"])[1])


def test_nervous_answer_fillers_found_where_they_were_said():
    entry, doc = LABELS["ev-nervous-star"], scored("ev-nervous-star")
    found = list(doc["fillers"]["at"])
    hits = 0
    for label in entry["fillers"]:
        kind = FAMILY.get(label["text"], label["text"])
        match = next((f for f in found if FAMILY.get(f["text"], f["text"]) == kind
                      and label["start_s"] - 0.5 <= f["start_s"] <= label["end_s"] + 0.5), None)
        if match:
            hits += 1
            found.remove(match)
    assert hits >= 0.8 * len(entry["fillers"])  # recall
    assert len(found) <= 0.2 * len(entry["fillers"])  # what is left over was not labelled: precision
    assert "many-fillers" in {f["kind"] for f in doc["findings"]}
    # the fix states the real numbers: one filler said N times, or the total when several kinds were said
    top, count = next(iter(doc["fillers"]["counts"].items()))
    total = doc["fillers"]["total"]
    said = f"You said {top} {count} times" if count == total else f"You used {total} filler words"
    assert said in doc["spoken_feedback"], doc["spoken_feedback"]


def test_complete_story_has_its_four_parts_near_their_labels():
    entry, doc = LABELS["ev-star-alignment"], scored("ev-star-alignment")
    parts = doc["structure"]["parts"]
    for label in entry["parts"]:
        assert parts[label["part"]]["present"]
        assert abs(parts[label["part"]]["start_s"] - label["start_s"]) <= 2.5, label
    assert doc["timing"]["duration_s"] == pytest.approx(entry["speech_end_s"] - entry["speech_start_s"], abs=0.5)
    assert doc["pace"]["wpm"] == pytest.approx(entry["wpm"], rel=0.1)


def test_long_situation_is_the_part_that_ran_long():
    doc = scored("ev-star-long-situation")
    long = [f for f in doc["findings"] if f["kind"] == "star-part-long"]
    assert long and long[0]["message"].startswith("The situation ran")
    assert any(d["kind"] == "star-part-long" and "situation" in d["reason"] for d in doc["deductions"])


@pytest.mark.parametrize("answer_id", ["real-jfk-offtopic", "ev-short-10s"])
def test_off_topic_and_ten_second_answers_score_far_below_a_complete_one(answer_id):
    complete, weak = scored("ev-star-alignment"), scored(answer_id)
    assert weak["score"] <= complete["score"] - 40
    reasons = {d["kind"] for d in weak["deductions"]}
    assert reasons & {"off-topic", "too-short"}
    assert all(d["reason"] for d in weak["deductions"])
    assert sum(d["points"] for d in weak["deductions"]) == 100 - weak["score_unclamped"]


def test_an_answer_drowned_in_noise_is_said_to_be_hard_to_hear(tmp_path):
    """The same flite answer clean and in pink noise at 10 dB SNR (benchmarks/microphones.py, the benchmark's own
    rendering): clean, tiny.en hears it almost word for word and the feedback trusts it; in the noise it gets about
    a third of the words wrong and the feedback says so."""
    import sys

    import soundfile as sf

    from voice_interviewer.audio.files import read_audio
    from voice_interviewer.speech.wer import word_error_rate

    sys.path.insert(0, str(EVAL.parent.parent / "benchmarks"))
    from microphones import render

    entry = LABELS["flite-slt--ev-screen-motivation"]
    clean = scored(entry["id"])
    noisy_wav = tmp_path / "noisy.wav"
    pcm = read_audio((EVAL / entry["file"]).resolve())
    sf.write(noisy_wav, render(pcm, "noise-snr10", (entry["speech_start_s"], entry["speech_end_s"]), entry["id"]),
             16000, subtype="PCM_16")
    options = TranscribeOptions(partial_every_s=None)
    model = load_model(resolve_model(None).source, options.compute_type, options.cpu_threads)
    noisy = analyze(transcribe_frames(WavFileSource(noisy_wav).frames(), model, options),
                    find_question(load_personas(), entry["question_id"])[1])
    assert word_error_rate(entry["transcript"], clean["transcript"]) < 0.1
    assert clean["hearing"]["clear"] is True
    assert word_error_rate(entry["transcript"], noisy["transcript"]) > 0.2
    assert noisy["hearing"]["clear"] is False
    assert "hard-to-hear" in {f["kind"] for f in noisy["findings"]}
