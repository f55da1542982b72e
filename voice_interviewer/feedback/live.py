"""What the candidate sees while answering: pace over the last seconds, a running filler count, and quiet cues.

Pure functions of the live transcript (words with times on the answer's clock) and the answer's clock; the screen
draws them. Pace counts non-filler words that ended in the last PACE_WINDOW_S, over the time actually covered (from
the first word, when the answer is younger than the window), against the feedback's band (timing.PACE_BAND_WPM).

Cues: "pace" when every pace reading of the last CUE_HOLD_S was out of band on the same side (and the readings
cover that long), "fillers" when FILLER_CLUSTER fillers started within FILLER_CLUSTER_S.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from voice_interviewer.feedback.fillers import filler_indices, find_fillers
from voice_interviewer.feedback.timing import PACE_BAND_WPM, tokenize
from voice_interviewer.records import Word

__all__ = ["PACE_WINDOW_S", "CUE_HOLD_S", "FILLER_CLUSTER", "FILLER_CLUSTER_S", "LiveStats", "live_stats",
           "window_pace", "pace_side", "CueState", "next_cues"]

PACE_WINDOW_S = 20.0
MIN_PACE_SPAN_S = 5.0   # under this much speech the rate is noise: no reading
CUE_HOLD_S = 15.0
FILLER_CLUSTER = 3
FILLER_CLUSTER_S = 10.0


@dataclass(frozen=True)
class LiveStats:
    wpm: float | None            # over the last PACE_WINDOW_S; None until MIN_PACE_SPAN_S of speech
    fillers: int                 # in the whole answer so far
    filler_starts: tuple[float, ...]


def window_pace(word_times: Sequence[tuple[float, float]], now_s: float,
                window_s: float = PACE_WINDOW_S) -> float | None:
    """Words a minute over the window ending at now_s; word_times are (start, end) of the words that count.

    The span is the window, or less at the start of the answer (from the first word's start). A word counts when it
    ended inside the window.
    """
    if not word_times:
        return None
    begin = max(now_s - window_s, min(start for start, _ in word_times))
    span = now_s - begin
    if span < MIN_PACE_SPAN_S:
        return None
    count = sum(1 for _, end in word_times if begin <= end <= now_s)
    return count * 60.0 / span


def live_stats(words: Sequence[Word], now_s: float) -> LiveStats:
    tokens = tokenize(words)
    hits = find_fillers(tokens)
    skip = filler_indices(hits)
    said = [(t.start, t.end) for t in tokens if t.index not in skip]
    return LiveStats(window_pace(said, now_s), len(hits), tuple(h.start for h in hits))


def pace_side(wpm: float | None) -> str | None:
    """'slow', 'fast', or None (in band, or no reading)."""
    if wpm is None:
        return None
    low, high = PACE_BAND_WPM
    return "slow" if wpm < low else "fast" if wpm > high else None


@dataclass(frozen=True)
class CueState:
    """Since when pace has been out of band on one side (None: in band or no reading)."""

    side: str | None = None
    since_s: float | None = None
    cues: tuple[str, ...] = field(default=())


def next_cues(state: CueState, now_s: float, stats: LiveStats) -> CueState:
    """The cue state after one reading at now_s; state.cues is what to show now (empty: nothing)."""
    side = pace_side(stats.wpm)
    since = state.since_s if side is not None and side == state.side else (now_s if side else None)
    cues = []
    if side is not None and now_s - since >= CUE_HOLD_S:
        cues.append("slow down a little" if side == "fast" else "a little faster")
    recent = [s for s in stats.filler_starts if now_s - FILLER_CLUSTER_S <= s <= now_s]
    if len(recent) >= FILLER_CLUSTER:
        cues.append("fillers: pause silently instead")
    return CueState(side, since, tuple(cues))
