"""The live answer view: pure parts (pace over a window, wrapping, the gauge, cues) and a real terminal under tmux.

The terminal tests run tests/live_view_driver.py (the real Screen fed a 90 s answer's events) in a tmux pane of 80
and 120 columns and read what the pane shows with `tmux capture-pane`; marked `terminal` (they need tmux).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from voice_interviewer.cli.screen import LIVE_LINES, pace_meter, status_line, tail_lines
from voice_interviewer.feedback.live import (CUE_HOLD_S, CueState, LiveStats, live_stats, next_cues, pace_side,
                                             window_pace)
from voice_interviewer.records import Word

ROOT = Path(__file__).resolve().parent.parent
DRIVER = Path(__file__).with_name("live_view_driver.py")


def _words(count: int, wpm: float, start: float = 0.0, text: str = "word") -> list[Word]:
    step = 60.0 / wpm
    return [Word(f"{text}{i}", start + i * step, start + i * step + step * 0.8) for i in range(count)]


def test_pace_over_the_last_20_seconds_only():
    slow_then_fast = [(w.start, w.end) for w in _words(60, 90)] + \
        [(w.start, w.end) for w in _words(60, 180, start=40.0)]
    assert window_pace(slow_then_fast, 60.0) == pytest.approx(180, abs=6)
    assert window_pace(slow_then_fast, 39.0) == pytest.approx(90, abs=6)


def test_pace_at_the_start_uses_the_time_covered_and_waits_for_enough_speech():
    words = [(w.start, w.end) for w in _words(20, 150, start=2.0)]
    assert window_pace(words, 4.0) is None  # 2 s of speech: no reading yet
    assert window_pace(words, 2.0 + 8.0) == pytest.approx(150, abs=8)
    assert window_pace([], 30.0) is None


def test_live_stats_leave_fillers_out_of_the_pace_and_count_them():
    words = [Word("um", 0.0, 0.3)] + _words(30, 150, start=0.4) + [Word("uh,", 12.5, 12.8)]
    stats = live_stats(words, 13.0)
    assert stats.fillers == 2 and stats.filler_starts == (0.0, 12.5)
    assert stats.wpm == pytest.approx(30 * 60 / 12.6, abs=1)  # from the first word that is not a filler


def test_pace_cue_only_after_15_seconds_out_of_band_on_one_side():
    state = CueState()
    for t in range(0, 15):
        state = next_cues(state, float(t), LiveStats(190.0, 0, ()))
        assert state.cues == ()
    state = next_cues(state, 15.0, LiveStats(190.0, 0, ()))
    assert state.cues == ("slow down a little",)
    state = next_cues(state, 16.0, LiveStats(140.0, 0, ()))  # back in band: the cue goes at once
    assert state.cues == () and state.since_s is None


def test_pace_cue_restarts_when_the_side_changes():
    state = CueState()
    for t in range(0, 10):
        state = next_cues(state, float(t), LiveStats(190.0, 0, ()))
    for t in range(10, 10 + int(CUE_HOLD_S)):
        state = next_cues(state, float(t), LiveStats(100.0, 0, ()))
        assert state.cues == ()
    assert next_cues(state, 10 + CUE_HOLD_S, LiveStats(100.0, 0, ())).cues == ("a little faster",)


def test_filler_cue_when_three_fillers_fall_within_10_seconds():
    spread = LiveStats(140.0, 3, (1.0, 12.0, 24.0))
    assert next_cues(CueState(), 25.0, spread).cues == ()
    cluster = LiveStats(140.0, 4, (1.0, 20.0, 23.0, 27.5))
    assert next_cues(CueState(), 28.0, cluster).cues == ("fillers: pause silently instead",)
    assert next_cues(CueState(), 40.0, cluster).cues == ()  # the cluster is over


def test_pace_side():
    assert pace_side(None) is None and pace_side(140) is None
    assert pace_side(119.9) == "slow" and pace_side(160.1) == "fast"


def test_tail_lines_keeps_the_latest_wrapped_lines():
    text = " ".join(f"w{i:03d}" for i in range(200))
    lines = tail_lines(text, 40)
    assert len(lines) == LIVE_LINES and all(len(line) <= 40 for line in lines)
    assert lines[-1].endswith("w199") and "w000" not in " ".join(lines)
    assert tail_lines("", 40) == [] and tail_lines("short answer", 40) == ["short answer"]


def test_pace_meter_marks_the_band_and_the_reading():
    empty = pace_meter(None)
    assert empty.count("[") == 1 and empty.count("]") == 1 and "●" not in empty
    inside, fast = pace_meter(140), pace_meter(200)
    assert inside.index("[") < inside.index("●") < inside.index("]")
    assert fast.index("●") > fast.index("]")
    assert pace_meter(20).index("●") == 0 and pace_meter(400).index("●") == len(pace_meter(400)) - 1


def test_status_line_fits_80_columns():
    line = status_line(754.0, 90.0, True, LiveStats(188.4, 123, ()))
    assert len(line) <= 79 and "over" in line and "188 wpm" in line and "fillers 123" in line
    assert "waiting" in status_line(3.0, 90.0, False, None)


# ---- a real terminal ------------------------------------------------------------------------------------------

def _tmux(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=30, check=check)


@pytest.fixture()
def tmux_pane(tmp_path):
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed; `make test` installs it (Makefile APT_PACKAGES)")
    name = f"vi-live-{uuid.uuid4().hex[:8]}"
    socket = str(tmp_path / "tmux.sock")

    def run(width: int) -> str:
        done = tmp_path / f"done-{width}"
        command = f"{sys.executable} {DRIVER} --done {done}"
        subprocess.run(["tmux", "-S", socket, "new-session", "-d", "-s", f"{name}-{width}", "-x", str(width),
                        "-y", "30", command], check=True, timeout=30, cwd=ROOT,
                       env={"PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "HOME": str(tmp_path),
                            "PYTHONPATH": str(ROOT)})
        deadline = time.monotonic() + 60
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert done.exists(), "the driver did not finish"
        time.sleep(0.3)
        shown = subprocess.run(["tmux", "-S", socket, "capture-pane", "-p", "-t", f"{name}-{width}"],
                               capture_output=True, text=True, check=True, timeout=30).stdout
        return shown

    yield run
    subprocess.run(["tmux", "-S", socket, "kill-server"], capture_output=True, timeout=30)


@pytest.mark.terminal
@pytest.mark.parametrize("width", [80, 120])
def test_the_terminal_shows_the_latest_words_pace_and_fillers(tmux_pane, width):
    shown = tmux_pane(width)
    lines = [line.rstrip() for line in shown.splitlines()]
    status = next(line for line in lines if line.startswith("●"))
    assert "1:30" in status and "over" in status and "wpm (120-160)" in status and "fillers 6" in status, shown
    text = " ".join(lines)
    assert "w0299" in text, shown                 # the latest words are on screen ...
    assert "w0000" not in text, shown             # ... the oldest scrolled away
    view = lines[lines.index(status) + 2:]
    answer_lines = [line for line in view if line.strip()]
    assert 3 <= len(answer_lines) <= 4, shown
    assert all(len(line) <= width for line in lines)
    assert "slow down a little" in text, shown    # 200 wpm for far longer than 15 s


def test_a_pipe_gets_plain_lines_without_escape_codes(tmp_path):
    result = subprocess.run([sys.executable, str(DRIVER), "--done", str(tmp_path / "done")], capture_output=True,
                            text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    lines = result.stdout.splitlines()
    assert any(line.startswith("●") and "fillers" in line for line in lines)
    assert any("cue: slow down a little" in line for line in lines)
    said = " ".join(lines)
    assert "w0000" in said and "w0299" in said  # every word once, in order
    assert said.index("w0000") < said.index("w0150") < said.index("w0299")
    assert said.count("w0150") == 1
