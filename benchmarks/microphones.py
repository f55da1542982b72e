"""Microphone conditions for benchmarks/accuracy.py: an answer's audio as a room or a headset would give it.

Pure rendering (sox for the filters and the pink noise, numpy for the level): 16 kHz int16 samples in, float samples
in [-1, 1] out. accuracy.py caches each rendering as a WAV.
"""

from __future__ import annotations

import subprocess
import zlib

import numpy as np

CONDITIONS = {
    "clean": None,
    "reverb-snr20": "room reverb (sox reverb 50 50 80) plus pink noise at 20 dB SNR",
    "noise-snr10": "pink noise at 10 dB SNR",
    "headset": "300-3400 Hz band (sox sinc), 18 dB quieter",
    "phone-band": "300-3400 Hz band at the speaker's own level (a Bluetooth headset in call mode, a phone line)",
}
# Held out: never used to choose a rule or a threshold, only to check that one chosen on CONDITIONS holds elsewhere
# (accuracy.py runs them only when asked, `--conditions white-snr15 ...`).
HELD_OUT = {
    "white-snr15": "white noise at 15 dB SNR (a fan, an air conditioner, line hiss)",
    "brown-snr5": "brown noise at 5 dB SNR (traffic, a rumbling room)",
    "band-pink-snr15": "200-5000 Hz band (a laptop's microphone) plus pink noise at 15 dB SNR",
}
# condition -> (sox effects, or None for the samples as they are; SNR in dB of added noise, or None; sox noise type)
_RENDER = {
    "reverb-snr20": (["reverb", "50", "50", "80"], 20.0, "pinknoise"),
    "noise-snr10": (None, 10.0, "pinknoise"),
    "headset": (["sinc", "300-3400", "gain", "-18"], None, None),
    "phone-band": (["sinc", "300-3400"], None, None),
    "white-snr15": (None, 15.0, "whitenoise"),
    "brown-snr5": (None, 5.0, "brownnoise"),
    "band-pink-snr15": (["sinc", "200-5000"], 15.0, "pinknoise"),
}


def _sox(args: list[str], pcm: np.ndarray) -> np.ndarray:
    raw = subprocess.run(["sox", "-R", "-t", "raw", "-e", "signed", "-b", "16", "-c", "1", "-r", "16000", "-",
                          "-t", "raw", "-e", "floating-point", "-b", "32", "-"] + args,
                         input=pcm.astype("<i2").tobytes(), capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype="<f4").astype(np.float64)[:pcm.size]


def _noise(samples: int, seed: str, colour: str) -> np.ndarray:
    raw = subprocess.run(["sox", "-R", "-n", "-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1",
                          "-r", "16000", "-", "synth", f"{samples / 16000 + 0.1:.3f}", colour],
                         capture_output=True, check=True).stdout
    noise = np.frombuffer(raw, dtype="<f4").astype(np.float64)[:samples]
    shift = zlib.crc32(seed.encode()) % max(1, noise.size // 2)
    return np.roll(noise, shift)  # same noise for the same answer, a different stretch for each answer


def render(pcm: np.ndarray, condition: str, speech: tuple[float, float], seed: str) -> np.ndarray:
    """`pcm` (16 kHz int16) through `condition`; noise is set against the power of the `speech` span (seconds) and
    drawn from a stretch of noise chosen by `seed` (the answer's id)."""
    if condition not in _RENDER:
        allowed = ", ".join(_RENDER)
        raise ValueError(f"unknown condition {condition!r}; allowed: {allowed}")
    effects, snr_db, colour = _RENDER[condition]
    signal = pcm.astype(np.float64) / 32768.0
    first, last = (round(s * 16000) for s in speech)
    speech_power = float(np.mean(signal[first:last] ** 2)) if last > first else float(np.mean(signal ** 2))
    if effects is not None:
        signal = _sox(effects, pcm)
    if snr_db is not None:
        noise = _noise(signal.size, seed, colour)
        noise *= np.sqrt(speech_power / 10 ** (snr_db / 10) / max(float(np.mean(noise ** 2)), 1e-12))
        signal = signal + noise
    return np.clip(signal, -1, 1 - 1 / 32768)
