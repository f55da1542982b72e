"""One Whisper call on one window of an answer: words with times on the answer's clock.

Final decodes (commits, pauses, the end) use Whisper's own 30 s window, decode again any voiced stretch the first
decode left without words, and get the filler pass of hesitation.py and hesitation_probe.py;
live decodes (tentative text) give the encoder a window a little longer than the audio and cap the tokens, so they
cost a third of a final one. speech/transcribe.py decides what to decode and when.
"""

from __future__ import annotations

import contextvars
import math

import numpy as np

from voice_interviewer.config import TranscribeOptions
from voice_interviewer.records import SAMPLE_RATE_HZ, Word
from voice_interviewer.speech.hallucination import timeless_sentences, voiced_share
from voice_interviewer.speech.hesitation import add_hesitations, voiced_spans
from voice_interviewer.speech.hesitation_probe import add_probed_hesitations

__all__ = ["decode"]

_LOOP_COMPRESSION_RATIO = 2.4  # Whisper's compression_ratio_threshold
_SPLIT_MIN_S = 4.0  # a looping window at least this long is decoded in two halves
_FRAMES_PER_S = 100  # Whisper's mel frames
_LIVE_TOKENS_PER_S = 6  # fast speech is about 4 words (5 tokens) a second
_LIVE_WINDOW_STEP_S = 6  # live decodes give the encoder the window rounded up to this, not Whisper's padded 30 s
_LOST_VOICED_S = 1.5  # this much voiced audio between two words, with none in it, was lost by the decoder
_LOST_MARGIN_S = 0.15  # a word decoded again counts only this far inside the gap (neighbours' times drift)


def decode(model, samples: np.ndarray, offset_s: float, options: TranscribeOptions,
           spans: list[tuple[float, float]] | None = None, *, live: bool = False) -> list[Word]:
    """Words with times on the answer's clock.

    Temperature fallback is off (it costs 2 s spikes), so Whisper's own guard against repetition loops never runs;
    we apply it here: a segment whose text compresses more than _LOOP_COMPRESSION_RATIO ("a little bit of a little
    bit of ...") is dropped, the window is decoded again without the prompt, and if it still loops it is split at
    its quietest point near the middle and each half decoded. Speech must never vanish with a dropped segment
    (seen: a 21 s window lost whole when the prompt also carried the previous words).

    Voiced stretches the decode left without words are decoded again (_recover_lost). Then options.filler_pass
    adds the hesitations Whisper dropped (hesitation.py); `spans` are the window's voiced islands when the caller
    already has them (else webrtcvad finds them here).

    live: tentative text only. The encoder gets the window rounded up to _LIVE_WINDOW_STEP_S instead of Whisper's
    30 s of padding (benchmarks/README.md: half the CPU for a 6 s window, the same words but for one in seven).
    """
    if live:
        return _decode_live(model, samples, offset_s, options)
    spans = voiced_spans(samples, offset_s) if spans is None else spans
    words = _decode_words(model, samples, offset_s, options)
    words = _recover_lost(model, samples, offset_s, options, words, spans)
    if options.filler_pass and words:
        words = add_hesitations(samples, offset_s, words, options.filler_pass,
                                lambda pcm, at_s: _second_pass_decode(model, pcm, at_s, options), spans)
    if "encoder-probe" in options.filler_pass and words:
        words = add_probed_hesitations(model, samples, offset_s, words, spans, options.hesitation_probe)
    return words


def _decode_live(model, samples: np.ndarray, offset_s: float, options: TranscribeOptions) -> list[Word]:
    """Tentative words, cheaply: the encoder gets the window rounded up to _LIVE_WINDOW_STEP_S, the decoder at most
    _LIVE_TOKENS_PER_S tokens a second of audio (a short window sometimes sets Whisper repeating itself until its
    448-token limit: 2.5 CPU-s instead of 0.4), and a looping segment is dropped, not decoded again: the final
    decode of the same audio recovers it."""
    if samples.size < SAMPLE_RATE_HZ // 10:
        return []
    seconds = samples.size / SAMPLE_RATE_HZ
    frames = min(30, _LIVE_WINDOW_STEP_S * math.ceil(seconds / _LIVE_WINDOW_STEP_S))
    token = _ENCODER_FRAMES.set(max(frames, _LIVE_WINDOW_STEP_S) * _FRAMES_PER_S)
    try:
        words, _ = _decode_once(model, samples, offset_s, options, options.prompt or None,
                                max_tokens=math.ceil(seconds * _LIVE_TOKENS_PER_S) + 8)
    finally:
        _ENCODER_FRAMES.reset(token)
    return words


def _second_pass_decode(model, samples: np.ndarray, offset_s: float, options: TranscribeOptions) -> list[Word]:
    """Short islands decoded alone: no VAD filter (Silero drops sounds under 250 ms, which is most hesitations)."""
    words, looped = _decode_once(model, samples, offset_s, options, options.prompt or None, vad=False)
    return [] if looped else words


def _decode_words(model, samples: np.ndarray, offset_s: float, options: TranscribeOptions) -> list[Word]:
    if samples.size < SAMPLE_RATE_HZ // 10:
        return []
    words, looped = _decode_once(model, samples, offset_s, options, options.prompt or None)
    if looped:
        words, looped = _decode_once(model, samples, offset_s, options, None)
    if looped and samples.size >= _SPLIT_MIN_S * SAMPLE_RATE_HZ:
        cut = _quietest_near_middle(samples)
        return _decode_words(model, samples[:cut], offset_s, options) + \
            _decode_words(model, samples[cut:], offset_s + cut / SAMPLE_RATE_HZ, options)
    return words


def _recover_lost(model, samples: np.ndarray, offset_s: float, options: TranscribeOptions, words: list[Word],
                  spans: list[tuple[float, float]]) -> list[Word]:
    """The words, with voiced stretches the decode left without any decoded again, each alone.

    Whisper sometimes skips whole sentences of a window, or sums them up in one invented line it gives no time
    (seen through a headset and in noise: "I think that's a good thing to say." in no time over 12 s of an answer,
    and 20 s of another with no word at all). A gap between two words that take time (or a window edge and a word;
    a sentence whose words mostly take none does not count) holding at least _LOST_VOICED_S of webrtcvad's voiced
    audio was speech, not a pause: it is decoded again, once, without the filler prompt (under it Whisper wrote the
    invented line again for the same 12 s) and without faster-whisper's Silero VAD (webrtcvad heard speech there;
    Silero hears less of telephone-band speech, 300-3400 Hz, the louder it is, and none in a whole 13 s window of a
    quiet headset turned up), and the timed words it hears there (their middle inside the gap; a lone "." is not a
    word) replace the timeless sentences in it.
    """
    end_s = offset_s + samples.size / SAMPLE_RATE_HZ
    timeless = timeless_sentences(words)
    timed = sorted((w.start, w.end) for k, w in enumerate(words) if k not in timeless)
    edges = [offset_s] + [t for pair in timed for t in pair] + [end_s]
    found: list[Word] = []
    redone: list[tuple[float, float]] = []
    for start, end in zip(edges[::2], edges[1::2]):
        if voiced_share(start, end, spans) * (end - start) < _LOST_VOICED_S:
            continue
        first = max(0, round((start - offset_s) * SAMPLE_RATE_HZ))
        last = round((end - offset_s) * SAMPLE_RATE_HZ)
        again, looped = _decode_once(model, samples[first:last], offset_s + first / SAMPLE_RATE_HZ, options, None,
                                     vad=False)
        invented = timeless_sentences(again)
        inside = [w for k, w in enumerate(again) if k not in invented and not looped and _spoken(w.text)
                  and start + _LOST_MARGIN_S < (w.start + w.end) / 2 < end - _LOST_MARGIN_S]
        if inside:
            found += inside
            redone.append((start, end))
    if not found:
        return words
    kept = [w for k, w in enumerate(words)
            if not (k in timeless and any(a - _LOST_MARGIN_S <= (w.start + w.end) / 2 <= b for a, b in redone))]
    return sorted(kept + found, key=lambda w: (w.start, w.end))


def _spoken(text: str) -> bool:
    """A word ("18", "%" after it), not a lone stop: without its VAD Whisper answers loud noise with "."."""
    return any(ch.isalnum() or ch in "%$&" for ch in text)


def _quietest_near_middle(samples: np.ndarray) -> int:
    """Index of the quietest 100 ms in the middle third: a split there is least likely to cut a word."""
    step = SAMPLE_RATE_HZ // 10
    third = samples.size // 3
    middle = samples[third:2 * third].astype(np.float32)
    energies = [float(np.mean(middle[i:i + step] ** 2)) for i in range(0, middle.size - step, step)]
    return third + step * int(np.argmin(energies)) + step // 2 if energies else samples.size // 2


_ENCODER_FRAMES: contextvars.ContextVar[int | None] = contextvars.ContextVar("encoder_frames", default=None)


def _short_encoder(model) -> None:
    """Let decode(live=True) hand the encoder fewer mel frames than the 3000 faster-whisper pads every window to.

    faster-whisper has no option for it: its window is always padded to 30 s before WhisperModel.encode. The
    model's encode is wrapped once, and the wrapper trims the padding only while _ENCODER_FRAMES is set (a live
    decode in this thread); every other decode is unchanged.
    """
    if getattr(model, "_vi_short_encoder", False) or not hasattr(model, "encode"):
        return
    full = model.encode

    def encode(features):
        frames = _ENCODER_FRAMES.get()
        if frames is not None and features.shape[-1] > frames:
            features = features[..., :frames]
        return full(features)

    model.encode = encode
    model._vi_short_encoder = True


def _decode_once(model, samples: np.ndarray, offset_s: float, options: TranscribeOptions,
                 prompt: str | None, vad: bool = True, max_tokens: int | None = None) -> tuple[list[Word], bool]:
    """One faster-whisper call on 16-bit samples: (words, whether a segment looped and was dropped)."""
    _short_encoder(model)
    segments, _ = model.transcribe(
        samples.astype(np.float32) / 32768.0, language="en", beam_size=options.beam_size, temperature=0.0,
        word_timestamps=True, initial_prompt=prompt, condition_on_previous_text=False, vad_filter=vad,
        max_new_tokens=max_tokens,
        vad_parameters={"min_silence_duration_ms": 500, "speech_pad_ms": 200})
    words: list[Word] = []
    looped = False
    for segment in segments:
        if segment.no_speech_prob > 0.6 and segment.avg_logprob < -1.0:
            continue
        if segment.compression_ratio > _LOOP_COMPRESSION_RATIO:
            looped = True
            continue
        for w in segment.words or ():
            text = w.word.strip()
            if text:
                words.append(Word(text, round(float(w.start) + offset_s, 3), round(float(w.end) + offset_s, 3),
                                  round(float(w.probability), 3)))
    return words, looped
