"""Command line: the only place that prints, prompts or exits.

Bad input raises InterviewerError somewhere below; main() turns it into one `error: ` line and exit code 2.
The commands live by group (run, analyze, review, plan); importing them registers them on the one app, in the order
`--help` lists them.
"""

from __future__ import annotations

import importlib
import sys

import typer

from voice_interviewer.cli.common import app, click_errors, err
from voice_interviewer.errors import InterviewerError

__all__ = ["app", "main"]

for _group in ("run", "web", "analyze", "review", "plan"):  # registers the commands, in the order --help lists them
    importlib.import_module(f"voice_interviewer.cli.{_group}")


def main() -> None:
    import os

    os.umask(0o077)  # every file we (and our speech workers) create is the candidate's alone: recordings, reports
    try:
        app(standalone_mode=False)
    except InterviewerError as exc:
        err.print(f"error: {exc}", soft_wrap=True)
        sys.exit(2)
    except click_errors.NoSuchOption as exc:
        err.print(f"error: {exc.format_message()}; see --help for the allowed options", soft_wrap=True)
        sys.exit(2)
    except click_errors.UsageError as exc:
        err.print(f"error: {exc.format_message()}", soft_wrap=True)
        sys.exit(2)
    except typer.Abort:
        err.print("stopped")
        sys.exit(0)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:  # `voice-interviewer ... | head`: the reader left; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
