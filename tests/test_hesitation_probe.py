"""speech/hesitation_probe.py: hesitations heard in Whisper's encoder frames, put in as words."""

import json
from pathlib import Path

import numpy as np
import pytest

from voice_interviewer.records import Word
from voice_interviewer.speech.hesitation_probe import (FRAME_S, KINDS, Probe, add_probed_hesitations,
                                                       hesitation_events, load_probe)

EVAL = Path(__file__).resolve().parents[1] / "audio_fixtures" / "eval"


def _probe(threshold: float = 0.5) -> Probe:
    """Four numbers a frame: the first says "hesitation", the last three which kind (um, uh, hmm)."""
    return Probe(mean=np.zeros(4, np.float32), scale=np.ones(4, np.float32),
                 weights=np.array([10.0, 0, 0, 0], np.float32), bias=-5.0,
                 kind_weights=np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], np.float32),
                 kind_bias=np.zeros(3, np.float32), threshold=threshold, fingerprint=np.ones(4, np.float32))


def _frames(runs: list[tuple[float, float, str]], seconds: float = 3.0) -> np.ndarray:
    frames = np.zeros((round(seconds / FRAME_S), 4), np.float32)
    for start, end, kind in runs:
        rows = slice(round(start / FRAME_S), round(end / FRAME_S))
        frames[rows, 0] = 1.0
        frames[rows, 1 + KINDS.index(kind)] = 1.0
    return frames


def test_runs_over_the_threshold_are_hesitations_with_their_kind():
    events = hesitation_events(_frames([(0.5, 0.8, "um"), (1.6, 1.9, "uh"), (2.4, 2.7, "hmm")]), _probe())
    assert [kind for *_, kind in events] == ["um", "uh", "hmm"]
    for (start, end, _), (a, b) in zip(events, [(0.5, 0.8), (1.6, 1.9), (2.4, 2.7)]):
        assert abs(start - a) <= 0.06 and abs(end - b) <= 0.06


def test_a_blip_is_not_a_hesitation_and_close_runs_are_one():
    assert hesitation_events(_frames([(1.0, 1.04, "uh")]), _probe()) == []  # 40 ms, smoothed under the threshold
    merged = hesitation_events(_frames([(1.0, 1.3, "uh"), (1.36, 1.6, "uh")]), _probe())
    assert len(merged) == 1 and merged[0][1] - merged[0][0] >= 0.5
    assert hesitation_events(np.zeros((0, 4), np.float32), _probe()) == []


def test_the_shipped_probe_fits_tiny_en():
    probe = load_probe()
    assert probe.weights.shape == probe.mean.shape == probe.scale.shape == probe.fingerprint.shape == (384,)
    assert probe.kind_weights.shape == (384, len(KINDS)) and 0.5 < probe.threshold < 1.0
    assert np.all(probe.scale > 0)


def _labelled(answer_id: str) -> dict:
    return next(e for e in json.loads((EVAL / "labels.json").read_text())["answers"] if e["id"] == answer_id)


@pytest.mark.model
def test_inline_hesitations_whisper_left_out_are_put_back(model):
    """flite-awb says "we were um running two billing systems" with no pause around the "um": tiny.en writes
    "were running". The probe puts hesitations back where the labels have them, and none where Whisper wrote one."""
    from voice_interviewer.audio.files import read_audio

    entry = _labelled("flite-awb--in-run-migration")
    samples = read_audio(EVAL / entry["file"])
    written = Word("um", 0.0, 0.01)  # a hesitation Whisper wrote at the very start: nothing is added near it
    words = [written, Word("So", 0.5, 0.7)]
    out = add_probed_hesitations(model, samples, 0.0, words)
    added = [w for w in out if w not in words]
    hesitations = [f for f in entry["fillers"] if f["text"] in ("um", "uh", "er", "hmm")]
    assert len(added) >= 2
    for word in added:
        assert word.text.rstrip(",").lower() in KINDS
        assert any(f["start_s"] - 0.3 <= word.start <= f["end_s"] + 0.3 for f in hesitations), word
    assert all(w.start > 0.25 for w in added)


@pytest.mark.model
def test_a_probe_made_for_another_encoder_adds_nothing(model, tmp_path):
    from voice_interviewer.audio.files import read_audio

    entry = _labelled("flite-awb--in-run-migration")
    samples = read_audio(EVAL / entry["file"])
    shipped = load_probe()
    other = Probe(shipped.mean, shipped.scale, shipped.weights, shipped.bias, shipped.kind_weights,
                  shipped.kind_bias, shipped.threshold, -shipped.fingerprint)
    other.save(tmp_path / "other.npz")
    words = [Word("So", 0.5, 0.7)]
    assert add_probed_hesitations(model, samples, 0.0, words, probe_path=str(tmp_path / "other.npz")) == words
