"""Terminal presentation of a running interview and of feedback; used by the cli/ commands only."""

from __future__ import annotations

import os
import re
import select
import sys
import threading
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.live import Live
from rich.text import Text

from voice_interviewer.cli.documents import print_debrief, print_feedback
from voice_interviewer.records import join_words
from voice_interviewer.wording import clock

__all__ = ["Screen", "LIVE_LINES", "tail_lines", "pace_meter", "status_line", "ask_typed", "progress_bar",
           "without_portaudio_noise"]

# PortAudio's ALSA backend reports a vanished device on fd 2 itself, several lines per failure:
#   Expression 'alsa_snd_pcm_poll_descriptors_revents( ... )' failed in 'src/hostapi/alsa/pa_linux_alsa.c', line: 3665
_PORTAUDIO_NOISE = re.compile(rb"^(Expression '.*' failed in 'src/|ALSA lib |PaAlsaStream)")



@contextmanager
def progress_bar(err: Console, label: str, total: int):
    """Yields advance(); draws a bar on stderr only when stderr is a terminal and there is more than one step."""
    if not err.is_terminal or total <= 1:
        yield lambda: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda: progress.advance(task)


def ask_typed(question, follow_up: bool) -> str | None:
    try:
        text = typer.prompt("Your answer (empty line to stop)", default="", show_default=False)
    except (typer.Abort, EOFError):  # typer 0.26's own click copy has no exceptions.Abort; typer.Abort is both
        return None
    return text or None


LIVE_LINES = 4  # the latest words: this many wrapped lines, older text scrolls away
_PLAIN_STATUS_EVERY_S = 15.0  # a non-terminal gets a status line this often, not a redraw every tick


def tail_lines(text: str, width: int, count: int = LIVE_LINES) -> list[str]:
    """The last `count` lines of text wrapped to width (words longer than a line are broken)."""
    import textwrap

    return textwrap.wrap(text, max(10, width), break_on_hyphens=False)[-count:] if text.strip() else []


def pace_meter(wpm: float | None, width: int = 17) -> str:
    """A gauge from 60 to 220 wpm with the band in brackets and the reading as '●': '··[··●·]···'."""
    from voice_interviewer.feedback.timing import PACE_BAND_WPM

    low, high = 60.0, 220.0
    cells = ["·"] * width

    def at(value: float) -> int:
        return min(width - 1, max(0, round((value - low) / (high - low) * (width - 1))))

    band_low, band_high = at(PACE_BAND_WPM[0]), at(PACE_BAND_WPM[1])
    cells[band_low], cells[band_high] = "[", "]"
    if wpm is not None:
        cells[at(wpm)] = "●"
    return "".join(cells)


def status_line(elapsed_s: float, budget_s: float, speaking: bool, stats) -> str:
    """One line: clock, countdown, pace gauge and reading, filler count (plain text, fits 80 columns)."""
    from voice_interviewer.feedback.timing import PACE_BAND_WPM

    elapsed_s = round(elapsed_s, 1)  # 14.99999 s of frames is 0:15, not 0:14
    left = budget_s - elapsed_s
    budget = f"{clock(left)} left" if left >= 0 else f"{int(-left)} s over"
    if not speaking:
        return f"● {clock(elapsed_s)}  {budget}  (waiting for you to start)"
    reading = "--- wpm" if stats is None or stats.wpm is None else f"{stats.wpm:3.0f} wpm"
    fillers = 0 if stats is None else stats.fillers
    low, high = PACE_BAND_WPM
    return (f"● {clock(elapsed_s)}  {budget}  pace {pace_meter(None if stats is None else stats.wpm)} {reading} "
            f"({low}-{high})  fillers {fillers}")


class Screen:
    """Turns interview events into terminal output: spoken lines, the live answer view, feedback.

    On a terminal the live view is redrawn in place: a status line (clock, countdown, pace gauge over the last 20 s,
    filler count), a quiet cue line, and the last LIVE_LINES wrapped lines of the answer. Anywhere else (a pipe, a
    file) it is plain lines with no escape codes: the answer's final words as they are committed, a status line every
    _PLAIN_STATUS_EVERY_S, and each cue once when it appears.
    """

    def __init__(self, out: Console, err: Console) -> None:
        self.out, self.err = out, err
        self._live: Live | None = None
        self._reset()

    def _reset(self) -> None:
        from voice_interviewer.feedback.live import CueState

        self._listening = None
        self._words: tuple = ()
        self._committed_count = 0
        self._printed = 0            # plain mode: committed words already printed
        self._until_s: float | None = None
        self._stats = None
        self._cues = CueState()
        self._shown_cues: tuple[str, ...] = ()
        self._last_plain_status_s = -_PLAIN_STATUS_EVERY_S

    @property
    def _plain(self) -> bool:
        return not self.out.is_terminal

    def on_event(self, event) -> None:
        from voice_interviewer.session import interview as iv

        if isinstance(event, iv.Spoke):
            self.stop()
            style = {"question": "bold cyan", "follow-up": "cyan", "feedback": "green"}.get(event.kind, "white")
            self.out.print(f"\n[bold]{event.persona.name}[/] [dim]({event.kind})[/]: [{style}]{event.text}[/]")
        elif isinstance(event, iv.Listening):
            self._listening = event
            self._update_stats(event.elapsed_s)
            self._show()
        elif isinstance(event, iv.Heard):
            update = event.update
            self._words = tuple(update.committed) + tuple(update.tentative)
            self._committed_count = len(update.committed)
            self._until_s = update.until_s
            if self._listening is not None:
                self._update_stats(self._listening.elapsed_s)
            self._show()
        elif isinstance(event, iv.Scored):
            self.stop()
            print_feedback(self.out, event.record, event.moved)
        elif isinstance(event, iv.Debriefed):
            self.stop()
            print_debrief(self.out, event.debrief, None if event.loop else event.stage)
        elif isinstance(event, iv.Notice):
            self.err.print(f"notice: {event.text}")

    def _update_stats(self, elapsed_s: float) -> None:
        from voice_interviewer.feedback.live import live_stats, next_cues

        if not self._words:
            return
        # pace up to where the transcript reaches: the words of the last second or two are not decoded yet
        now_s = elapsed_s if self._until_s is None else min(elapsed_s, max(self._until_s, self._words[-1].end))
        self._stats = live_stats(self._words, now_s)
        self._cues = next_cues(self._cues, now_s, self._stats)

    def _show(self) -> None:
        if self._plain:
            self._show_plain()
            return
        if self._live is None:
            self._live = Live(console=self.out, auto_refresh=False, transient=False)
            self._live.start()
        self._live.update(self._render(self.out.width), refresh=True)

    def _render(self, width: int) -> Text:
        event = self._listening
        view = Text()
        if event is not None:
            over = event.elapsed_s > event.budget_s
            view.append(status_line(event.elapsed_s, event.budget_s, event.speaking, self._stats),
                        style="red" if over else "yellow")
        view.append("\n")
        view.append(" · ".join(self._cues.cues), style="italic magenta")
        committed = join_words(w.text for w in self._words[:self._committed_count])
        tentative = join_words(w.text for w in self._words[self._committed_count:])
        lines = tail_lines(f"{committed} {tentative}".strip(), width - 1)
        for _ in range(LIVE_LINES - len(lines)):
            lines.insert(0, "")
        for line in lines:
            view.append("\n" + line)
        return view

    def _show_plain(self) -> None:
        event = self._listening
        if event is not None and event.elapsed_s - self._last_plain_status_s >= _PLAIN_STATUS_EVERY_S:
            self._last_plain_status_s = event.elapsed_s
            self._plain_print(status_line(event.elapsed_s, event.budget_s, event.speaking, self._stats))
        for cue in self._cues.cues:
            if cue not in self._shown_cues:
                self._plain_print(f"  cue: {cue}")
        self._shown_cues = self._cues.cues
        self._print_committed(self._committed_count)

    def _print_committed(self, upto: int) -> None:
        if upto > self._printed:
            text = join_words(w.text for w in self._words[self._printed:upto])
            for line in tail_lines(text, self.out.width - 3, count=10 ** 6):
                self._plain_print(f"  {line}")
            self._printed = upto

    def _plain_print(self, line: str) -> None:
        self.out.print(line, markup=False, highlight=False, soft_wrap=True)

    def stop(self) -> None:
        """The answer is over: leave its last view on screen (a terminal) or print the words not printed yet."""
        if self._live is not None:
            self._live.stop()
            self._live = None
            self.out.print()
        elif self._plain and self._words:
            self._print_committed(len(self._words))
        self._reset()


@contextmanager
def without_portaudio_noise():
    """While a microphone is open, pass everything written to fd 2 through except PortAudio's own diagnostics.

    When the microphone disappears mid-answer, our one `error:` line says what happened and what was kept; the C
    library's lines around it would only bury it. Python's own output (and any traceback) still comes through.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
        reader, writer = os.pipe()
    except OSError:  # no stderr to filter (e.g. closed): nothing to do
        yield
        return
    os.dup2(writer, 2)
    os.close(writer)
    stop = threading.Event()
    thread = threading.Thread(target=_pump, args=(reader, saved, stop), daemon=True, name="stderr-filter")
    thread.start()
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)  # child processes may still hold the pipe: stop by flag, not by end of file
        stop.set()
        thread.join(timeout=5)
        os.close(saved)
        os.close(reader)


def _pump(reader: int, target: int, stop: threading.Event) -> None:
    pending = b""
    while True:
        ready, _, _ = select.select([reader], [], [], 0.05)
        if not ready:
            if stop.is_set():
                break
            continue
        chunk = os.read(reader, 65536)
        if not chunk:
            break
        pending += chunk
        *lines, pending = pending.split(b"\n")
        _forward([line + b"\n" for line in lines], target)
    _forward([pending] if pending else [], target)


def _forward(lines: list[bytes], target: int) -> None:
    for line in lines:
        if not _PORTAUDIO_NOISE.match(line):
            os.write(target, line)
