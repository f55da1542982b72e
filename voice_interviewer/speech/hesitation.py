"""Hesitations Whisper left out or misspelled, found from the audio: the filler pass after each final decode.

Whisper (tiny.en above all) drops "um" and "uh", or writes them as words ("her" for "er", "So" over "hmm, so"),
even with a filler prompt, and its word times drift by up to a second around them. The pass works on voiced islands:
webrtcvad on 10 ms frames, islands split by ISLAND_GAP_S of silence. Short islands (MIN_ISLAND_S..MAX_ISLAND_S)
without a first-pass hesitation nearby are the candidates. Two steps, each optional (TranscribeOptions.filler_pass)
so benchmarks/accuracy.py can measure what each adds:

- "acoustic": what the island sounds like: a hum with no vowel is "hmm", a vowel closing on a hum "um", an open
  vowel "uh" (energy share below NASAL_HZ in each half), and an island with a fricative (energy above FRICATIVE_HZ)
  is a word. The room's noise, measured between the islands, is taken off before the hum test, and an island less
  than MIN_SNR_DB above it is not judged (in pink noise at 10 dB SNR, words cut into islands sounded like hums).
  A hum counts as "hmm" whatever Whisper wrote, unless both passes heard a phrase there; otherwise a vowel island
  counts only where no first-pass word covers it (COVERED_SHARE).
- "second-pass": the candidate islands, each alone, decoded again under the filler prompt without Silero's VAD
  (which drops sounds under 250 ms), laid end to end with SPACER_S of silence so one decode hears many. An island
  heard as a hesitation becomes one (in a noisy room, not over a word the first pass heard there); an island heard
  as a word is not one; an island heard as nothing falls back to the acoustic step, except in a noisy room
  (SURE_SNR_DB), where only what the second pass heard counts.

A found hesitation replaces the first-pass words lying mostly inside its island that the second pass did not hear
there ("her"), and words Whisper stretched over it are moved to its side. `VoicedSpans` also gives the analyzers the
speech start, end and pauses as the audio has them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from voice_interviewer.records import SAMPLE_RATE_HZ, Word

__all__ = ["VoicedSpans", "voiced_spans", "canonical", "noise_floor", "sound_kind", "hesitation_candidates",
           "add_hesitations"]

VAD_FRAME_MS = 10
VAD_MODE = 2
ISLAND_GAP_S = 0.06  # silence this long separates two islands
MIN_ISLAND_S = 0.15
MAX_ISLAND_S = 0.9
MIN_SPAN_S = 0.05  # shorter voiced blips are clicks or breath
COVERED_SHARE = 0.35  # an island this much inside transcribed words is not "without a word"
OWNED_SHARE = 0.5  # a first-pass word this much inside an island belongs to it
SPACER_S = 1.2  # silence between islands in the second-pass window (0.6 s: words landed on the wrong island)
SECOND_PASS_WINDOW_S = 28.0
NASAL_HZ = 400.0
NASAL_SHARE = 0.8
FRICATIVE_HZ = 3000.0
FRICATIVE_SHARE = 0.18  # 90th percentile of 20 ms frames' energy share above FRICATIVE_HZ
FRAME_SAMPLES = 320
MIN_HUM_S = 0.28  # a deliberate hum; the nasal end of a word ("Americans") is shorter
NOISE_FRAME_SAMPLES = 512
NOISE_PAD_S = 0.05  # frames this close to a voiced island are not the room's silence
MIN_NOISE_FRAMES = 10
MIN_SNR_DB = 6.0  # an island this little above the room's noise is the noise itself (a hesitation is voiced)
SURE_SNR_DB = 20.0  # below this the room hides the consonants the sound tests look for: the sound alone decides nothing
EDGE_S = 0.02
_CANONICAL = ((re.compile(r"^u+h*m+$"), "um"), (re.compile(r"^u+h+$"), "uh"), (re.compile(r"^e+r+m+$"), "erm"),
              (re.compile(r"^e+r+$"), "er"), (re.compile(r"^a+h+$"), "ah"), (re.compile(r"^(?:h+m+|m{2,})$"), "hmm"))

Decoder = Callable[[np.ndarray, float], list[Word]]


def _norm(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def canonical(text: str) -> str | None:
    word = _norm(text)
    for pattern, name in _CANONICAL:
        if pattern.match(word):
            return name
    return None


class VoicedSpans:
    """Voiced islands of a stream, kept as it arrives: accept(pcm, start_s); spans(); within(start, end).

    webrtcvad decides every 10 ms frame; islands closer than ISLAND_GAP_S merge. Only the spans are kept (a few
    numbers a second), never the audio.
    """

    def __init__(self) -> None:
        import webrtcvad

        self._vad = webrtcvad.Vad(VAD_MODE)
        self._step = SAMPLE_RATE_HZ * VAD_FRAME_MS // 1000
        self._pending = b""
        self._pending_start_s = 0.0
        self._spans: list[list[float]] = []

    def accept(self, pcm: bytes, start_s: float) -> None:
        if not self._pending:
            self._pending_start_s = start_s
        self._pending += pcm
        size = self._step * 2
        usable = len(self._pending) // size * size
        for k in range(0, usable, size):
            if self._vad.is_speech(self._pending[k:k + size], SAMPLE_RATE_HZ):
                self._voiced(self._pending_start_s + k / 2 / SAMPLE_RATE_HZ)
        self._pending = self._pending[usable:]
        self._pending_start_s += usable / 2 / SAMPLE_RATE_HZ

    def _voiced(self, at_s: float) -> None:
        end = at_s + VAD_FRAME_MS / 1000
        if self._spans and at_s - self._spans[-1][1] < ISLAND_GAP_S:
            self._spans[-1][1] = end
        else:
            self._spans.append([at_s, end])

    def spans(self, until_s: float | None = None) -> list[tuple[float, float]]:
        return [(round(a, 3), round(b, 3)) for a, b in self._spans
                if b - a >= MIN_SPAN_S and (until_s is None or a < until_s)]

    def within(self, start_s: float, end_s: float) -> list[tuple[float, float]]:
        return [(max(a, start_s), min(b, end_s)) for a, b in self.spans() if b > start_s and a < end_s]


def voiced_spans(samples: np.ndarray, offset_s: float = 0.0) -> list[tuple[float, float]]:
    """(start, end) of voiced islands in a block of int16 samples, seconds on the answer's clock."""
    spans = VoicedSpans()
    spans.accept(samples.astype("<i2").tobytes(), offset_s)
    return spans.spans()


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _covered(span: tuple[float, float], words: Sequence[Word]) -> float:
    start, end = span
    return sum(_overlap(start, end, w.start, w.end) for w in words) / max(end - start, 1e-6)


def _power(clip: np.ndarray, noise: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(frequencies, power) of a Hann-windowed clip, the room's noise taken off (noise_floor(): a power spectrum
    of NOISE_FRAME_SAMPLES-long frames, rescaled to this clip's length)."""
    power = np.abs(np.fft.rfft(clip * np.hanning(clip.size))) ** 2
    freqs = np.fft.rfftfreq(clip.size, 1 / SAMPLE_RATE_HZ)
    if noise is not None:
        floor = np.interp(freqs, np.fft.rfftfreq(NOISE_FRAME_SAMPLES, 1 / SAMPLE_RATE_HZ), noise)
        power = np.maximum(power - floor * clip.size / NOISE_FRAME_SAMPLES, 0.0)
    return freqs, power


def _spectrum_shares(clip: np.ndarray, below_hz: float | None, above_hz: float | None,
                     noise: np.ndarray | None = None) -> float:
    freqs, power = _power(clip, noise)
    band = (freqs < below_hz) if below_hz is not None else (freqs > above_hz)
    return float(power[band].sum() / max(power.sum(), 1e-9))


def noise_floor(samples: np.ndarray, offset_s: float, spans: Sequence[tuple[float, float]]) -> np.ndarray | None:
    """The room's noise: the median power spectrum of NOISE_FRAME_SAMPLES-long frames clear of every voiced island,
    or None when the window has fewer than MIN_NOISE_FRAMES of them (then nothing is taken off)."""
    voiced = np.zeros(samples.size, dtype=bool)
    for start, end in spans:
        first = max(0, round((start - NOISE_PAD_S - offset_s) * SAMPLE_RATE_HZ))
        voiced[first:max(first, round((end + NOISE_PAD_S - offset_s) * SAMPLE_RATE_HZ))] = True
    hop = NOISE_FRAME_SAMPLES // 2
    starts = [k for k in range(0, samples.size - NOISE_FRAME_SAMPLES + 1, hop)
              if not voiced[k:k + NOISE_FRAME_SAMPLES].any()]
    if len(starts) < MIN_NOISE_FRAMES:
        return None
    window = np.hanning(NOISE_FRAME_SAMPLES)
    frames = np.stack([samples[k:k + NOISE_FRAME_SAMPLES].astype(np.float64) * window for k in starts])
    return np.median(np.abs(np.fft.rfft(frames, axis=1)) ** 2, axis=0)


def _snr_db(clip: np.ndarray, noise: np.ndarray | None) -> float:
    if noise is None:
        return float("inf")
    window = np.hanning(clip.size)
    signal = float(np.sum((clip * window) ** 2))
    # Parseval: a frame's windowed energy is its spectrum's summed power over its length (both halves of rfft)
    floor = float(2 * noise.sum() - noise[0] - noise[-1]) / NOISE_FRAME_SAMPLES * clip.size / NOISE_FRAME_SAMPLES
    return 10 * np.log10(max(signal, 1e-9) / max(floor, 1e-9))


def _clip(samples: np.ndarray, offset_s: float, span: tuple[float, float]) -> np.ndarray:
    first = max(0, round((span[0] - offset_s) * SAMPLE_RATE_HZ))
    last = round((span[1] - offset_s) * SAMPLE_RATE_HZ)
    return samples[first:max(first, last)].astype(np.float64)


def sound_kind(samples: np.ndarray, offset_s: float, span: tuple[float, float],
               noise: np.ndarray | None = None) -> str | None:
    """What the island sounds like: "hmm" (a hum throughout), "um" (a vowel closing on a hum), "uh" (an open
    vowel), or None when it has a fricative (s, sh, f, t: most words have one; hesitations never do) or stands less
    than MIN_SNR_DB above the room's noise. `noise` (noise_floor()) is taken off before the hum test: pink noise
    alone has most of its power below NASAL_HZ and made words hums. The fricative test keeps the raw spectrum:
    taking the median noise off 20 ms frames leaves a residue in every band (power cannot go below zero), which
    lifted a vowel's high band over FRICATIVE_SHARE in 10 dB noise."""
    clip = _clip(samples, offset_s, span)
    if clip.size < 2 * FRAME_SAMPLES or _snr_db(clip, noise) < MIN_SNR_DB:
        return None
    halves = np.array_split(clip, 2)
    low = [_spectrum_shares(h, NASAL_HZ, None, noise) for h in halves]
    if low[0] >= NASAL_SHARE and low[1] >= NASAL_SHARE:
        return "hmm" if clip.size >= MIN_HUM_S * SAMPLE_RATE_HZ else None
    frames = [clip[i:i + FRAME_SAMPLES] for i in range(0, clip.size - FRAME_SAMPLES, FRAME_SAMPLES // 2)]
    high = np.percentile([_spectrum_shares(f, None, FRICATIVE_HZ) for f in frames], 90)
    if high >= FRICATIVE_SHARE:
        return None
    return "um" if low[1] >= NASAL_SHARE else "uh"


def hesitation_candidates(spans: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Islands short enough to be a hesitation."""
    return [s for s in spans if MIN_ISLAND_S <= s[1] - s[0] <= MAX_ISLAND_S]


def _has_hesitation_near(words: Sequence[Word], span: tuple[float, float], slack_s: float = 0.25) -> bool:
    """Proximity, not overlap: Whisper gives some words no duration at all ("Uh..." at 14.14-14.14)."""
    return any(canonical(w.text) and w.start <= span[1] + slack_s and w.end >= span[0] - slack_s for w in words)


def _second_pass(samples: np.ndarray, offset_s: float, spans: Sequence[tuple[float, float]],
                 decoder: Decoder) -> list[list[str]]:
    """What Whisper hears in each island alone: the islands laid end to end with SPACER_S of silence between,
    as few decodes as fit in Whisper's window. A word goes to the island its time overlaps most, else the nearest
    (Whisper's times drift by up to a second here; the spacer is wider than that drift)."""
    heard: list[list[str]] = [[] for _ in spans]
    group: list[int] = []
    length = SPACER_S
    for k, (start, end) in enumerate(spans):
        size = end - start + 0.06 + SPACER_S
        if group and length + size > SECOND_PASS_WINDOW_S:
            _decode_group(samples, offset_s, spans, group, decoder, heard)
            group, length = [], SPACER_S
        group.append(k)
        length += size
    if group:
        _decode_group(samples, offset_s, spans, group, decoder, heard)
    return heard


def _decode_group(samples: np.ndarray, offset_s: float, spans: Sequence[tuple[float, float]], group: list[int],
                  decoder: Decoder, heard: list[list[str]]) -> None:
    spacer = np.zeros(round(SPACER_S * SAMPLE_RATE_HZ), dtype=np.int16)
    pieces, placed, cursor = [spacer], [], SPACER_S
    for k in group:
        piece = _clip(samples, offset_s, (spans[k][0] - 0.03, spans[k][1] + 0.03)).astype(np.int16)
        placed.append((cursor, cursor + piece.size / SAMPLE_RATE_HZ))
        pieces += [piece, spacer]
        cursor += (piece.size + spacer.size) / SAMPLE_RATE_HZ
    for word in decoder(np.concatenate(pieces), 0.0):
        overlaps = [_overlap(a, b, word.start, word.end) for a, b in placed]
        middle = (word.start + word.end) / 2
        best = max(range(len(placed)), key=lambda i: (overlaps[i], -abs((placed[i][0] + placed[i][1]) / 2 - middle)))
        heard[group[best]].append(word.text)


def _decide(span: tuple[float, float], sound: str | None, texts: list[str] | None, words: Sequence[Word],
            steps: Sequence[str], snr_db: float = float("inf")) -> str | None:
    """The hesitation an island holds, or None.

    A hum is a hum whatever Whisper makes of it ("So", "Good", "I'm"), unless both passes heard speech there: the
    first pass covers it and the second heard two words or more, and no hesitation, in it alone. A hum is one sound;
    a phrase heard in it is a nasal filler phrase ("You know") or a word whose consonants were lost. Otherwise the
    second pass decides when it heard anything (a hesitation, or a word: then not a hesitation); when it heard
    nothing, or did not run, the sound decides, and without the second pass only for islands no first-pass word
    covers.

    In a noisy room (the island less than SURE_SNR_DB above the noise) only a hesitation the second pass heard
    counts: the noise hides the consonants the sound tests look for, and a word cut into islands sounds like a hum
    ("Two months" in pink noise) or a vowel. Over the evaluation set, the islands under SURE_SNR_DB that the sound
    alone decided held 1 hesitation and 29 pieces of words, on 8 voices. For the same reason, there the second pass
    does not overrule a first-pass word that covers the island: heard alone, a noisy piece of a word is "uh".
    """
    heard = next((c for c in map(canonical, texts or ()) if c), None)
    noisy = snr_db < SURE_SNR_DB
    if noisy and heard is None:
        return None
    if sound == "hmm" and "acoustic" in steps:
        speech = len(texts or ()) >= 2 and heard is None and _covered(span, words) >= COVERED_SHARE
        return None if speech else "hmm"
    if texts:
        if noisy and _covered(span, words) >= COVERED_SHARE:
            return None  # the first pass heard a word here; cut out alone, a noisy piece of a word sounds like "uh"
        # a hesitation has no fricative: "sort of" heard as "um" is still "sort of"
        return heard if sound is not None or "acoustic" not in steps else None
    if "acoustic" not in steps or sound is None:
        return None
    if _covered(span, words) >= COVERED_SHARE:
        return None  # the first pass has words here and the second heard nothing to contradict them
    return sound


def _hums(samples: np.ndarray, offset_s: float, spans: Sequence[tuple[float, float]],
          words: list[Word], noise: np.ndarray | None) -> list[Word]:
    """A hesitation the first pass wrote ("Um") where the audio is a closed-mouth hum is "hmm"."""
    out = list(words)
    for span in spans:
        near = [i for i, w in enumerate(out) if canonical(w.text) in ("um", "uh", "er", "erm")
                and _overlap(span[0] - 0.3, span[1] + 0.3, w.start, w.end) > 0]
        if near and sound_kind(samples, offset_s, span, noise) == "hmm":
            i = near[0]
            out[i] = Word("Hmm,", span[0], span[1], out[i].probability)
    return out


def _outside(word: Word, span: tuple[float, float]) -> Word:
    """A word Whisper stretched over a hesitation, moved to the side of it where most of the word lies."""
    if _overlap(span[0], span[1], word.start, word.end) <= 0:
        return word
    before, after = span[0] - word.start, word.end - span[1]
    if after >= before and after > 0:
        return Word(word.text, span[1], word.end, word.probability)
    if before > 0:
        return Word(word.text, word.start, span[0], word.probability)
    return word


def add_hesitations(samples: np.ndarray, offset_s: float, words: list[Word], steps: Sequence[str],
                    decoder: Decoder, spans: Sequence[tuple[float, float]] | None = None) -> list[Word]:
    """The words with the hesitations the steps find added (or swapped in), in time order."""
    if not steps or samples.size == 0:
        return words
    spans = voiced_spans(samples, offset_s) if spans is None else spans
    words = list(words)
    window = (offset_s + EDGE_S, offset_s + samples.size / SAMPLE_RATE_HZ - EDGE_S)
    short = [s for s in hesitation_candidates(spans)
             if s[0] > window[0] and s[1] < window[1]]  # an island cut by the window's edge is not whole
    noise = noise_floor(samples, offset_s, spans)
    if "acoustic" in steps:
        words = _hums(samples, offset_s, short, words, noise)
    candidates = [s for s in short if not _has_hesitation_near(words, s)]
    sounds = [sound_kind(samples, offset_s, s, noise) for s in candidates]
    if "second-pass" in steps and candidates:
        heard = _second_pass(samples, offset_s, candidates, decoder)
    else:
        heard = [None] * len(candidates)
    for span, sound, texts in zip(candidates, sounds, heard):
        kind = _decide(span, sound, texts, words, steps, _snr_db(_clip(samples, offset_s, span), noise))
        if kind is None:
            continue
        spoken = {_norm(t) for t in texts or ()}
        words = [_outside(w, span) for w in words if _norm(w.text) in spoken
                 or _overlap(span[0], span[1], w.start, w.end) < OWNED_SHARE * max(w.end - w.start, 1e-6)]
        words.append(Word(kind.capitalize() + ",", span[0], span[1], 0.5))
    return sorted(words, key=lambda w: (w.start, w.end))
