"""What every command shares: the Typer app, the two consoles, the option types and small checks."""

from __future__ import annotations

import functools
import inspect
import sys
import threading
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

try:  # typer 0.26+ carries its own copy of click; older typer uses click itself
    from typer._click import exceptions as click_errors  # noqa: F401 - main() catches these
except ImportError:
    from click import exceptions as click_errors  # noqa: F401
from voice_interviewer.content.personas import STAGES
from voice_interviewer.errors import UsageError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Offline, voice-driven mock interviewer for technical program manager interviews.")
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)

StageOpt = Annotated[str, typer.Option("--stage", help=f"one of {', '.join(STAGES)}, or loop for all five")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", help="sessions dir (default $VOICE_INTERVIEWER_HOME/sessions)")]
MuteOpt = Annotated[bool, typer.Option("--mute", help="do not play audio; write the interviewer's WAVs only")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")]
# Our own checks name the problem and what is allowed; click's "is not readable" does not.
AudioArg = Annotated[Path, typer.Argument(help="an audio file (WAV, FLAC, OGG, MP3 or M4A)", readable=False)]
ModelOpt = Annotated[Optional[str], typer.Option(
    "--model", help="Whisper model folder or name: tiny.en (bundled, the default), base (from the base extra's "
                    "packages when installed), or a name such as small.en that faster-whisper downloads (needs the "
                    "network)")]


@dataclass(frozen=True)
class OptIns:
    """The opt-in options of interview, demo and score, as given: the network helpers (integrations/llm.py,
    speech/remote_stt.py) and job tailoring (content/job.py). Without them nothing leaves the machine."""

    llm: Optional[str] = None
    llm_model: str = "llama3.2"
    llm_timeout: float = 8.0
    llm_stream: bool = True
    stt: Optional[str] = None
    stt_model: str = "whisper-1"
    stt_timeout: float = 30.0
    job: Optional[Path] = None

    def checked(self) -> dict:
        """The checked options; a bad value fails here, before anything starts (integrations.extras.opt_ins)."""
        from voice_interviewer.integrations.extras import opt_ins

        return opt_ins(**{f.name: getattr(self, f.name) for f in fields(self)})


# Declared once, here; with_opt_ins puts them on each command that takes `opt_in: OptIns`.
_OPT_IN_OPTIONS = {
    "llm": Annotated[Optional[str], typer.Option("--llm", help="OpenAI-compatible base URL for follow-ups and "
                     "critique, e.g. http://127.0.0.1:11434/v1; key from $VOICE_INTERVIEWER_LLM_KEY or "
                     "$OPENAI_API_KEY")],
    "llm_model": Annotated[str, typer.Option("--llm-model", help="model name on the --llm server")],
    "llm_timeout": Annotated[float, typer.Option("--llm-timeout", help="longest wait for the LLM per answer, "
                             "seconds")],
    "llm_stream": Annotated[bool, typer.Option("--llm-stream/--no-llm-stream", help="stream the LLM's reply")],
    "stt": Annotated[Optional[str], typer.Option("--stt", help="OpenAI-compatible base URL for final transcripts "
                     "(/v1/audio/transcriptions); the local model stays the fallback")],
    "stt_model": Annotated[str, typer.Option("--stt-model", help="model name on the --stt server")],
    "stt_timeout": Annotated[float, typer.Option("--stt-timeout", help="longest wait for a transcript, seconds")],
    "job": Annotated[Optional[Path], typer.Option("--job", help="job description (text or Markdown) to tailor to")],
}


def with_opt_ins(command):
    """A command's `opt_in: OptIns` parameter becomes the eight opt-in options, in its place in --help; the command
    still receives one OptIns."""
    names = [f.name for f in fields(OptIns)]
    defaults = OptIns()
    signature = inspect.signature(command, eval_str=True)
    params: list[inspect.Parameter] = []
    for param in signature.parameters.values():
        if param.name != "opt_in":
            params.append(param)
            continue
        params += [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=getattr(defaults, name),
                                     annotation=_OPT_IN_OPTIONS[name]) for name in names]

    @functools.wraps(command)
    def with_flags(**kwargs):
        given = OptIns(**{name: kwargs.pop(name) for name in names})
        return command(**kwargs, opt_in=given)

    with_flags.__signature__ = signature.replace(parameters=params)
    with_flags.__annotations__ = {p.name: p.annotation for p in params} | {"return": signature.return_annotation}
    return with_flags


def print_notice(text: str) -> None:
    err.print(f"notice: {text}", soft_wrap=True)


def parse_stages(stage: str) -> list[str]:
    if stage == "loop":
        return list(STAGES)
    if stage not in STAGES:
        raise UsageError(f"unknown stage {stage!r}; allowed: {', '.join(STAGES)}, loop")
    return [stage]


def check_range(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise UsageError(f"{name} {value:g} is out of range; allowed {low:g} to {high:g}")


def write_page(target: Path, text: str, flag: str) -> None:
    if target.is_dir():
        raise UsageError(f"{flag} {target} is a directory; give a file name such as {target / 'progress.html'}")
    try:
        target.write_text(text, encoding="utf-8")
        target.chmod(0o600)
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror}; choose another {flag} path") from None


def watch_enter(end_requested: threading.Event) -> None:
    """Each Enter on the terminal ends the answer being recorded, or skips the rest of what the interviewer says."""
    for _ in sys.stdin:
        end_requested.set()
