"""Plain data passed between pipeline stages. No behaviour beyond simple derived values."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["AudioFrame", "Word", "Transcript", "SAMPLE_RATE_HZ", "FRAME_MS", "join_words"]

SAMPLE_RATE_HZ = 16_000
FRAME_MS = 30  # webrtcvad accepts 10, 20 or 30 ms frames; every source yields 30 ms


@dataclass(frozen=True, slots=True)
class AudioFrame:
    """A block of 16-bit little-endian mono PCM and where it starts on the source's clock."""

    pcm: bytes
    sample_rate_hz: int
    start_s: float

    @property
    def duration_s(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate_hz

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word; times in seconds from the start of the answer audio."""

    text: str
    start: float
    end: float
    probability: float = 1.0


@dataclass(frozen=True, slots=True)
class Transcript:
    words: tuple[Word, ...] = ()
    audio_duration_s: float = 0.0
    model: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def text(self) -> str:
        return join_words(w.text for w in self.words)


def join_words(tokens) -> str:
    """Whisper splits some words into pieces that continue the previous one ("$40" ",000", "ill" "-disposed")."""
    text = ""
    for token in tokens:
        text += token if text and token[:1] in _CONTINUES else f" {token}"
    return text.strip()


_CONTINUES = set("-,.%'")
