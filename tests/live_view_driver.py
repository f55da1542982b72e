"""Feeds the real Screen the events of a 90 s answer at 200 wpm with fillers, as Interview does, then waits.

Used by tests/test_live_view.py in a tmux pane (a real terminal) and through a pipe. --done FILE is created once
everything is drawn; the process then stays (a terminal) so the pane can be captured, or exits (a pipe).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rich.console import Console

from voice_interviewer.cli.screen import Screen
from voice_interviewer.content.personas import load_personas
from voice_interviewer.records import Word
from voice_interviewer.session.interview import Heard, Listening
from voice_interviewer.speech.transcribe import TranscriptUpdate


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--done", type=Path, required=True)
    args = parser.parse_args()
    question = load_personas()["hiring-manager"].questions[0]
    out = Console()
    screen = Screen(out, Console(stderr=True))
    step = 60.0 / 200
    words = []
    for i in range(300):  # 90 s at 200 wpm; an "um" every 50th word
        text = "um," if i % 50 == 25 else f"w{i:04d}"
        words.append(Word(text if i % 10 else text + ".", i * step, i * step + step * 0.8))
    committed = 0
    for tick in range(1, 301):
        now = tick * 0.3
        screen.on_event(Listening(question, now, 60.0, True))
        if tick % 7 == 0 or tick == 300:
            heard = [w for w in words if w.end <= now]
            if now - (committed and heard[committed - 1].end) > 12:  # a chunk commits every ~12 s
                committed = len(heard)
            screen.on_event(Heard(TranscriptUpdate(tuple(heard[:committed]), tuple(heard[committed:]), now)))
        time.sleep(0.002)
    screen.on_event(Heard(TranscriptUpdate(tuple(words), (), 90.0)))
    if not out.is_terminal:
        screen.stop()
    args.done.touch()
    if out.is_terminal:
        time.sleep(60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
