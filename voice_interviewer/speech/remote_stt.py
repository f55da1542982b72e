"""Final transcripts from a shared OpenAI-compatible /v1/audio/transcriptions server (faster-whisper server, vLLM).

Live partials stay local; after the end of speech the answer's WAV is sent once, asking for verbose JSON with word
times. A server that gives only segment times gets its words spread over each segment by length; one that gives
neither gets them spread over the audio. Any failure gives one notice, and the local transcript stands.
"""

from __future__ import annotations

import io
import re
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from voice_interviewer.records import SAMPLE_RATE_HZ, Transcript, Word
from voice_interviewer.remote import bounded_call, describe_failure, make_client

__all__ = ["SttOptions", "RemoteStt", "words_from_reply", "wav_bytes"]


@dataclass(frozen=True)
class SttOptions:
    url: str
    model: str = "whisper-1"     # faster-whisper-server and vLLM accept their own model names here
    timeout_s: float = 30.0


def wav_bytes(samples) -> bytes:
    """16 kHz mono int16 samples as a WAV file in memory (what the server receives for any input format)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(SAMPLE_RATE_HZ)
        handle.writeframes(samples.astype("<i2").tobytes())
    return buffer.getvalue()


def _field(item, name: str, default=None):
    return item.get(name, default) if isinstance(item, dict) else getattr(item, name, default)


def _spread(text: str, start: float, end: float) -> list[Word]:
    """Words of text over [start, end], each given time in proportion to its length."""
    tokens = text.split()
    total = sum(len(t) for t in tokens)
    words, at = [], start
    for token in tokens:
        step = (end - start) * len(token) / total if total else 0.0
        words.append(Word(token, round(at, 3), round(at + step, 3)))
        at += step
    return words


def words_from_reply(reply, duration_s: float) -> tuple[list[Word], str]:
    """(words with times, how they were timed: server-words | spread-over-segments | spread-over-audio)."""
    server_words = _field(reply, "words") or []
    words = [Word(str(_field(w, "word", "")).strip(), round(float(_field(w, "start", 0.0)), 3),
                  round(float(_field(w, "end", 0.0)), 3)) for w in server_words]
    words = [w for w in words if w.text]
    if words:
        return words, "server-words"
    segments = _field(reply, "segments") or []
    if segments:
        spread = [w for s in segments for w in _spread(str(_field(s, "text", "")), float(_field(s, "start", 0.0)),
                                                       float(_field(s, "end", 0.0)))]
        return spread, "spread-over-segments"
    text = str(_field(reply, "text", "") or "")
    return _spread(text, 0.0, duration_s), "spread-over-audio"


class RemoteStt:
    """transcribe(wav, duration_s, label) -> (Transcript, info) or None after a notice."""

    def __init__(self, options: SttOptions, on_notice: Callable[[str], None]) -> None:
        self.options = options
        self._notice = on_notice
        self._client = make_client(options.url, options.timeout_s)

    def transcribe(self, wav: bytes, duration_s: float, fallback: str = "the local model") -> Transcript | None:
        started = time.monotonic()
        try:
            reply = bounded_call(lambda: self._request(wav), self.options.timeout_s)
            words, timed = words_from_reply(reply, duration_s)
        except Exception as exc:  # noqa: BLE001 - any failure of the shared server means: transcribe locally
            self._notice(f"speech server at {self.options.url} failed ({describe_failure(exc, self.options.timeout_s)}); "
                         f"using {fallback}")
            return None
        words = [Word(w.text, w.start, w.end) for w in words if not re.fullmatch(r"\W*", w.text)]
        info = {"url": self.options.url, "model": self.options.model, "word_times": timed,
                "seconds": round(time.monotonic() - started, 3)}
        return Transcript(tuple(words), round(duration_s, 3), f"{self.options.model} (remote)", {"stt": info})

    def _request(self, wav: bytes):
        return self._client.audio.transcriptions.create(
            file=("answer.wav", wav, "audio/wav"), model=self.options.model, language="en",
            response_format="verbose_json", timestamp_granularities=["word"])

    def transcribe_file(self, path: Path, local: Callable[[], Transcript]) -> Transcript:
        """A recording sent as 16 kHz WAV; on failure the local transcript from local()."""
        from voice_interviewer.audio.files import check_audio_file, read_audio

        check_audio_file(path)
        samples = read_audio(path)
        remote = self.transcribe(wav_bytes(samples), samples.size / SAMPLE_RATE_HZ)
        return remote if remote is not None else local()
