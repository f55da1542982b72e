"""Hesitations found in what Whisper's encoder heard: a linear probe on tiny.en's encoder frames.

tiny.en's decoder leaves most hesitations said inside running speech unwritten ("was um running" comes back as
"was running"), even under the filler prompt, and the island steps of hesitation.py cannot see a hesitation with no
pause around it. Its encoder hears them all the same: a logistic regression on the encoder's 384 numbers per 20 ms
frame tells hesitation frames from speech frames on voices it was never trained on (benchmarks/README.md, "the
encoder probe": frame AUC 0.93-1.00 with each voice and every script it said left out of training), and a softmax
on the same frames tells um from uh from hmm.

After each final decode the window is encoded again as Whisper sees it (30 s windows, padded), the frame
probabilities are smoothed over 100 ms, and a run of at least 60 ms over the probe's threshold is a hesitation. One
with a hesitation already written within 0.25 s adds nothing, nor does one on a short voiced island with a pause
around it: hesitation.py's island steps judged those. A found one is put in as a word ("Um,") with its times.

The probe belongs to one encoder. Its file carries the encoder's output for a fixed tone, and a model whose encoder
answers differently (`--model base`, a hub model) is not probed: the other filler steps still run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from voice_interviewer.records import SAMPLE_RATE_HZ, Word
from voice_interviewer.speech.hesitation import canonical, hesitation_candidates, voiced_spans

__all__ = ["Probe", "load_probe", "encoder_frames", "hesitation_events", "add_probed_hesitations", "KINDS",
           "FRAME_S", "fingerprint_of", "SHIPPED"]

SHIPPED = "hesitation_probe.npz"  # in voice_interviewer/data, trained on every labelled voice (benchmarks/)
KINDS = ("um", "uh", "hmm")
FRAME_S = 0.02  # one encoder frame
FRAME_SAMPLES = round(FRAME_S * SAMPLE_RATE_HZ)
WINDOW_S = 30  # Whisper's window: the probe was trained on frames of 30 s windows, padded as Whisper pads them
MEL_FRAMES_PER_S = 100  # the feature extractor's frames: two to an encoder frame
SMOOTH_FRAMES = 5
MIN_FRAMES = 3  # 60 ms over the threshold
MERGE_GAP_S = 0.1  # two runs this close are one hesitation
NEAR_WRITTEN_S = 0.25  # a hesitation already written this close is the same one
FINGERPRINT_MATCH = 0.99  # cosine between the model's tone fingerprint and the probe's
ISLAND_SHARE = 0.5  # a hesitation this much on a short voiced island is the island steps' to judge


@dataclass(frozen=True)
class Probe:
    mean: np.ndarray        # (D,) frame normalisation
    scale: np.ndarray       # (D,)
    weights: np.ndarray     # (D,) hesitation or not
    bias: float
    kind_weights: np.ndarray  # (D, 3) um, uh, hmm
    kind_bias: np.ndarray     # (3,)
    threshold: float
    fingerprint: np.ndarray   # (D,) the encoder's mean frame for the fixed tone

    def frame_probabilities(self, frames: np.ndarray) -> np.ndarray:
        z = ((frames - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))

    def kind(self, frames: np.ndarray) -> str:
        z = ((frames - self.mean) / self.scale) @ self.kind_weights + self.kind_bias
        return KINDS[int(z.mean(axis=0).argmax())]

    def save(self, path: Path) -> None:
        np.savez(path, mean=self.mean, scale=self.scale, weights=self.weights, bias=self.bias,
                 kind_weights=self.kind_weights, kind_bias=self.kind_bias, threshold=self.threshold,
                 fingerprint=self.fingerprint)


@lru_cache(maxsize=16)
def load_probe(path: str | None = None) -> Probe:
    """The probe in `path`, else the one shipped with the package."""
    source = Path(path) if path else resources.files("voice_interviewer") / "data" / SHIPPED
    with source.open("rb") as handle, np.load(handle) as data:
        arrays = {name: data[name].astype(np.float32) for name in data.files}
    return Probe(arrays["mean"], arrays["scale"], arrays["weights"], float(arrays["bias"]), arrays["kind_weights"],
                 arrays["kind_bias"], float(arrays["threshold"]), arrays["fingerprint"])


def encoder_frames(model, samples: np.ndarray) -> np.ndarray:
    """(frames, D): the encoder's output for 16-bit samples, 20 ms a frame, in 30 s windows padded as Whisper
    pads them (the frames past the audio are dropped)."""
    audio = samples.astype(np.float32) / 32768.0
    step = WINDOW_S * SAMPLE_RATE_HZ
    out = []
    for start in range(0, audio.size, step):
        chunk = audio[start:start + step]
        mel = model.feature_extractor(chunk)
        full = WINDOW_S * MEL_FRAMES_PER_S
        mel = np.pad(mel, ((0, 0), (0, max(0, full - mel.shape[1]))))[:, :full]
        encoded = np.asarray(model.encode(mel))[0]
        out.append(encoded[:min(len(encoded), -(-chunk.size // FRAME_SAMPLES))])
    return np.concatenate(out).astype(np.float32) if out else np.zeros((0, 0), np.float32)


def _tone() -> np.ndarray:
    t = np.arange(SAMPLE_RATE_HZ) / SAMPLE_RATE_HZ
    wave = sum(np.sin(2 * np.pi * 220 * k * t) / k for k in range(1, 6))
    return (wave / np.abs(wave).max() * 8000).astype(np.int16)


def fingerprint_of(model) -> np.ndarray:
    """The encoder's mean frame for a fixed one-second tone: tells one encoder from another."""
    cached = getattr(model, "_vi_encoder_fingerprint", None)
    if cached is None:
        cached = encoder_frames(model, _tone()).mean(axis=0)
        try:
            model._vi_encoder_fingerprint = cached
        except AttributeError:  # a model that takes no attributes is fingerprinted again next time
            pass
    return cached


def _fits(model, probe: Probe) -> bool:
    mine = fingerprint_of(model)
    if mine.shape != probe.fingerprint.shape:
        return False
    cosine = float(mine @ probe.fingerprint / (np.linalg.norm(mine) * np.linalg.norm(probe.fingerprint) + 1e-9))
    return cosine >= FINGERPRINT_MATCH


def hesitation_events(frames: np.ndarray, probe: Probe) -> list[tuple[float, float, str]]:
    """(start, end, kind) of each hesitation the probe hears, seconds from the first frame."""
    if len(frames) == 0:
        return []
    smooth = np.convolve(probe.frame_probabilities(frames), np.ones(SMOOTH_FRAMES) / SMOOTH_FRAMES, mode="same")
    over = np.flatnonzero(np.diff(np.concatenate(([0], (smooth > probe.threshold).astype(np.int8), [0]))))
    runs = [(a, b) for a, b in zip(over[::2], over[1::2]) if b - a >= MIN_FRAMES]
    merged: list[list[int]] = []
    for a, b in runs:
        if merged and (a - merged[-1][1]) * FRAME_S < MERGE_GAP_S:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    return [(a * FRAME_S, b * FRAME_S, probe.kind(frames[a:b])) for a, b in merged]


def _islanded(start: float, end: float, islands: Sequence[tuple[float, float]]) -> bool:
    """Mostly one of the short islands hesitation.py already judged (a sound with a pause around it)."""
    return any(min(end, b) - max(start, a) >= ISLAND_SHARE * min(end - start, b - a) for a, b in islands)


def add_probed_hesitations(model, samples: np.ndarray, offset_s: float, words: list[Word],
                           spans: Sequence[tuple[float, float]] | None = None,
                           probe_path: str | None = None) -> list[Word]:
    """The words with the hesitations the probe hears inside running speech, in time order: not where one is
    written near, nor on a short voiced island with a pause around it (hesitation.py's steps judged those, and the
    second decode there knows better: on the espeak-ng voices, whose hesitations all have pauses around them, the
    probe's were mostly false)."""
    probe = load_probe(probe_path)
    if samples.size == 0 or not _fits(model, probe):
        return words
    islands = hesitation_candidates(voiced_spans(samples, offset_s) if spans is None else spans)
    found = []
    for start, end, kind in hesitation_events(encoder_frames(model, samples), probe):
        start, end = round(start + offset_s, 3), round(end + offset_s, 3)
        if _islanded(start, end, islands) or any(
                canonical(w.text) and w.start <= end + NEAR_WRITTEN_S and w.end >= start - NEAR_WRITTEN_S
                for w in words):
            continue
        found.append(Word(kind.capitalize() + ",", start, end, 0.5))
    return sorted([*words, *found], key=lambda w: (w.start, w.end)) if found else words
