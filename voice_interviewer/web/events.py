"""Interview events as the JSON messages the page shows; the live meters (pace, fillers) from the words so far.

Pure functions: an event record in, a plain dict out. Unknown events give None (the page ignores what it does not
know, and the engine may grow new events before the page does).
"""

from __future__ import annotations

from collections.abc import Sequence

from voice_interviewer.feedback.fillers import find_fillers
from voice_interviewer.feedback.timing import PACE_BAND_WPM, tokenize
from voice_interviewer.records import Word, join_words

__all__ = ["event_message", "live_meters", "PACE_WINDOW_S"]

PACE_WINDOW_S = 20.0
_MIN_PACE_SPAN_S = 5.0  # under this much speech the rate is noise


def live_meters(words: Sequence[Word]) -> dict:
    """Words a minute over the last PACE_WINDOW_S of speech (None until there is enough) and the filler count."""
    tokens = tokenize(words)
    wpm = None
    if tokens:
        end = tokens[-1].end
        recent = [t for t in tokens if t.start >= end - PACE_WINDOW_S]
        span = end - recent[0].start
        if span >= _MIN_PACE_SPAN_S:
            wpm = round(len(recent) / span * 60)
    return {"wpm": wpm, "band_wpm": list(PACE_BAND_WPM), "fillers": len(find_fillers(tokens))}


def event_message(event) -> dict | None:
    """The page's message for one interview event (session/interview.py's records), or None."""
    from voice_interviewer.session import interview as iv

    if isinstance(event, iv.Spoke):
        persona = event.persona
        return {"type": "spoke", "kind": event.kind, "text": event.text,
                "persona": {"name": persona.name, "role": persona.role, "stage": persona.stage}}
    if isinstance(event, iv.Listening):
        return {"type": "listening", "elapsed_s": round(event.elapsed_s, 2), "budget_s": event.budget_s,
                "speaking": event.speaking, "question_id": event.question.id}
    if isinstance(event, iv.Heard):
        committed, tentative = event.update.committed, event.update.tentative
        return {"type": "heard", "committed": join_words(w.text for w in committed),
                "tentative": join_words(w.text for w in tentative)} | live_meters(committed + tentative)
    if isinstance(event, iv.Scored):
        return {"type": "scored", "index": event.index, "record": event.record}
    if isinstance(event, iv.Notice):
        return {"type": "notice", "text": event.text}
    return None
