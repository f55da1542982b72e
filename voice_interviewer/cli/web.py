"""`voice-interviewer web`: the interview in a browser page served on this machine (voice_interviewer/web/)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from voice_interviewer.cli.common import (
    ModelOpt,
    OptIns,
    OutOpt,
    StageOpt,
    app,
    check_range,
    err,
    parse_stages,
    print_notice,
    with_opt_ins,
)
from voice_interviewer.config import EndpointOptions, TranscribeOptions


@app.command()
@with_opt_ins
def web(
    host: Annotated[str, typer.Option("--host", help="address to listen on; anything but loopback lets other "
                                      "machines reach the page (with its token)")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="port to listen on (0 picks a free one)")] = 8765,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="print the URL only; do not open a browser")] = False,
    certfile: Annotated[Optional[Path], typer.Option("--certfile", help="TLS certificate (PEM): serve https, so a "
                                                     "phone on your network may use its microphone")] = None,
    keyfile: Annotated[Optional[Path], typer.Option("--keyfile", help="the certificate's private key (PEM)")] = None,
    out_dir: OutOpt = None,
    stage: StageOpt = "hiring-manager",
    questions: Annotated[int, typer.Option("--questions", help="questions per stage the page starts with (1-8)")] = 3,
    end_silence: Annotated[float, typer.Option("--end-silence", help="seconds of silence that end an answer")] = 4.0,
    max_answer: Annotated[float, typer.Option("--max-answer", help="longest answer in seconds")] = 240.0,
    model: ModelOpt = None,
    no_follow_ups: Annotated[bool, typer.Option("--no-follow-ups", help="never ask a follow-up")] = False,
    no_questions_back: Annotated[bool, typer.Option("--no-questions-back", help="skip 'what would you like to "
                                                    "ask me?' at each stage's end")] = False,
    resume: Annotated[Optional[Path], typer.Option("--resume", help="your resume (.txt, .md, .pdf): the hiring "
                                                   "manager and panel deep-dive into its program bullets")] = None,
    opt_in: OptIns = OptIns(),
) -> None:
    """The interview in your browser: the same engine and sessions, a page instead of a terminal.

    Prints the page's URL (with this run's access token) as the first line, opens it, and serves until Ctrl-C.
    Add autostart=1&stage=ID&questions=N to the URL to start without a click.
    """
    from voice_interviewer.web.engine import MAX_QUESTIONS, WebOptions
    from voice_interviewer.web.server import WebServer, is_loopback

    check_range("--port", port, 0, 65535)
    check_range("--questions", questions, 1, MAX_QUESTIONS)
    check_range("--end-silence", end_silence, 0.5, 30)
    check_range("--max-answer", max_answer, 5, 3600)
    parse_stages(stage)
    extras = opt_in.checked()
    resume_text = None
    if resume is not None:
        from voice_interviewer.practice.resume import read_resume, resume_plan

        resume_text = read_resume(resume)
        resume_plan(resume_text, resume.name, (), questions)  # a resume without program bullets fails now
    options = WebOptions(out_dir=out_dir, stage=stage, questions=questions,
                         endpoint=EndpointOptions(end_silence_s=end_silence, max_answer_s=max_answer),
                         transcribe=TranscribeOptions(model=model), follow_ups=not no_follow_ups,
                         questions_back=not no_questions_back, extras=extras, resume_text=resume_text,
                         resume_name=resume.name if resume else "")
    server = WebServer(options, host, port, print_notice, _tls(certfile, keyfile))
    print(server.url, flush=True)  # the first line on stdout, for scripts and tests
    if not is_loopback(host):
        print_notice(f"listening on {host}, not loopback: anyone who can reach this machine and has the URL can "
                     "use the interviewer and hear your answers" + (
                         "" if certfile else "; traffic is not encrypted, and browsers allow the microphone on "
                         "plain http only for localhost (give --certfile and --keyfile for https)"))
    err.print(f"Serving the interview page; sessions are saved in {options.home}. Ctrl-C stops.", soft_wrap=True)
    if not no_browser and not _open_browser(server.url):
        print_notice("no browser could be opened here; open the URL above yourself")
    try:
        server.serve()
    except KeyboardInterrupt:  # uvicorn shuts down on Ctrl-C, then raises it again for us
        pass
    err.print("Stopped.")


def _open_browser(url: str) -> bool:
    """The desktop's browser. Without a display, Python's webbrowser would run a text browser in this terminal."""
    import os
    import sys
    import webbrowser

    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False
    try:
        return webbrowser.open(url)
    except webbrowser.Error:
        return False


def _tls(certfile: Path | None, keyfile: Path | None) -> tuple[Path, Path] | None:
    """Both files or neither; each must be a readable PEM file (checked now, not when the first page connects)."""
    import ssl

    from voice_interviewer.errors import UsageError

    if certfile is None and keyfile is None:
        return None
    if certfile is None or keyfile is None:
        raise UsageError("--certfile and --keyfile go together: give both PEM files, or neither for plain http")
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(certfile, keyfile)
    except (OSError, ssl.SSLError) as exc:
        raise UsageError(f"cannot use --certfile {certfile} with --keyfile {keyfile}: "
                         f"{getattr(exc, 'strerror', None) or exc}; give a PEM certificate and its private key") from None
    return certfile, keyfile
