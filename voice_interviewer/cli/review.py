"""Looking back on saved sessions: replay, report, progress, stories and forget."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from voice_interviewer.cli.analyze import transcribe_file
from voice_interviewer.cli.common import JsonOpt, MuteOpt, OutOpt, app, err, out, print_notice, write_page
from voice_interviewer.cli.documents import print_exercise, print_feedback, print_questions_back
from voice_interviewer.config import sessions_home
from voice_interviewer.content.personas import STAGES
from voice_interviewer.errors import UsageError
from voice_interviewer.review.report import UNSCORED_NOTE


@app.command()
def replay(
    session: Annotated[str, typer.Argument(help="session folder, its name, or latest")],
    answer: Annotated[Optional[int], typer.Option("--answer", help="only answer N")] = None,
    rescore: Annotated[bool, typer.Option("--rescore", help="re-run today's transcription and feedback and "
                                          "compare with the stored feedback")] = False,
    mute: MuteOpt = False,
    out_dir: OutOpt = None,
) -> None:
    """Play a saved session back: the question, the answer with its transcript following along, the feedback."""
    from voice_interviewer.cli.documents import transcript_text
    from voice_interviewer.errors import SessionError
    from voice_interviewer.session.store import load_session, resolve_session
    from voice_interviewer.voice.speaker import Speaker, play_wav

    folder = resolve_session(session, sessions_home(out_dir))
    document = load_session(folder)
    answers = document["answers"]
    if not answers:
        raise SessionError(f"{folder}: the session holds no answers; nothing to replay")
    if answer is not None:
        indexes = sorted(a["index"] for a in answers)
        if answer not in indexes:
            contiguous = indexes == list(range(indexes[0], indexes[-1] + 1))
            allowed = f"{indexes[0]} to {indexes[-1]}" if contiguous else ", ".join(map(str, indexes))
            raise UsageError(f"--answer {answer} is not in this session; allowed: {allowed}")
        answers = [a for a in answers if a["index"] == answer]
    speaker = Speaker(mute=mute, on_notice=print_notice)
    for record in answers:
        out.print(f"\n[bold]{record.get('persona', '')}[/]: [bold cyan]{record['question_text']}[/]")
        _play_if(speaker, folder, record.get("question_audio"), play_wav)
        if "score" not in record:
            _play_if(speaker, folder, record.get("answer_audio"), play_wav)
            out.print(f"[yellow]{UNSCORED_NOTE}[/]")
            if rescore:
                _rescore(folder, record)
            continue
        if not _play_following(speaker, folder, record):
            out.print(transcript_text(record) if record.get("words") else "[dim](no speech)[/]")
        for follow in record.get("follow_ups", []):
            out.print(f"[cyan]Follow-up:[/] {follow['text']}")
            _play_if(speaker, folder, follow.get("question_audio"), play_wav)
            _play_if(speaker, folder, follow.get("answer_audio"), play_wav)
            out.print(follow.get("transcript") or "[dim](no speech)[/]")
        print_feedback(out, record)
        out.print(f"[green]{record['spoken_feedback']}[/]")
        _play_if(speaker, folder, f"fb{record['index']:02d}.wav", play_wav)
        if rescore:
            _rescore(folder, record)
    if answer is None:
        _replay_practice(document, folder, speaker)


def _replay_practice(document: dict, folder: Path, speaker) -> None:
    """The exercise's written feedback and each stage's questions for the interviewer, with their audio."""
    from voice_interviewer.voice.speaker import play_wav

    if "exercise" in document and document["exercise"].get("parts"):
        print_exercise(out, document["exercise"])
    for asked in document.get("questions_back", []):
        out.print(f"\n[bold]{asked.get('persona', '')}[/]: [bold cyan]{asked.get('question_text', '')}[/]")
        for name in (asked.get("question_audio"), asked.get("answer_audio")):
            _play_if(speaker, folder, name, play_wav)
        out.print(asked.get("transcript") or "[dim](no speech)[/]")
        out.print(f"[bold]{asked.get('persona', '')}[/]: {asked.get('reply', '')}")
        _play_if(speaker, folder, asked.get("reply_audio"), play_wav)
        print_questions_back(out, asked)
        _play_if(speaker, folder, asked.get("feedback_audio"), play_wav)


def _play_following(speaker, folder: Path, record: dict) -> bool:
    """Play the answer while its words are printed as their time comes; False when nothing could be played."""
    import time

    from voice_interviewer.cli.documents import follow_along
    from voice_interviewer.voice.speaker import start_wav, wait_for_playback

    name = record.get("answer_audio")
    path = folder / name if name else None
    if path is None or not path.is_file():
        if name:
            err.print(f"notice: {name} is missing from the session; skipped")
        return False
    if not speaker.audible or not record.get("words"):
        return False
    length_s = start_wav(path)
    started = time.monotonic()
    follow_along(out, record, lambda: time.monotonic() - started, time.sleep)
    wait_for_playback(started + length_s + 2.0)  # a stalled device never holds the replay for long
    return True


def _play_if(speaker, folder: Path, name: str | None, play) -> None:
    if not name:
        return
    path = folder / name
    if not path.is_file():
        err.print(f"notice: {path.name} is missing from the session; skipped")
    elif speaker.audible:
        play(path)


def _rescore(folder: Path, record: dict) -> None:
    from voice_interviewer.cli.documents import print_comparison
    from voice_interviewer.content.personas import find_question, load_personas
    from voice_interviewer.feedback import analyze
    from voice_interviewer.review.progress import compare_feedback

    path = folder / (record.get("answer_audio") or "")
    if not record.get("answer_audio") or not path.is_file():
        err.print(f"notice: answer {record['index']} has no audio to rescore")
        return
    question = find_question(load_personas(), record["question_id"])[1] if record.get("question_id") else None
    if err.is_terminal:
        with err.status(f"rescoring answer {record['index']}: transcribing {record['answer_audio']}"):
            transcript = transcribe_file(path, None)
    else:
        transcript = transcribe_file(path, None)
    fresh = analyze(transcript, question, audio_name=record["answer_audio"])
    if "score" not in record:
        out.print(f"[bold]Rescored:[/] {fresh['score']} now (never scored before)")
        print_feedback(out, fresh)
        return
    change = fresh["score"] - record["score"]
    out.print(f"[bold]Rescored:[/] {record['score']} then, {fresh['score']} now ({change:+d})")
    print_comparison(out, compare_feedback(record, fresh))


@app.command()
def report(
    session: Annotated[str, typer.Argument(help="session folder, its name, or latest")],
    html_file: Annotated[Optional[Path], typer.Option("--html", help="where to write the HTML report "
                                                      "(default: report.html in the session folder)")] = None,
    out_dir: OutOpt = None,
) -> None:
    """Written report of a session: Markdown on stdout, and one self-contained HTML page (charts, audio inside)."""
    from voice_interviewer.cli.screen import progress_bar
    from voice_interviewer.review.media import audio_names, embed_audio
    from voice_interviewer.review.report import render_html, render_markdown
    from voice_interviewer.session.store import load_session, resolve_session, write_private_text

    folder = resolve_session(session, sessions_home(out_dir))
    document = load_session(folder)
    target = html_file or folder / "report.html"
    if target.is_dir():
        raise UsageError(f"--html {target} is a directory; give a file name such as {target / 'report.html'}")
    names = audio_names(document)
    with progress_bar(err, "encoding answers", len(names)) as advance:
        audio = embed_audio(folder, names, on_done=advance)
    write_private_text(target, render_html(document, audio=audio))
    print(render_markdown(document))
    err.print(f"HTML report: {target}", soft_wrap=True)


@app.command()
def progress(
    stage: Annotated[Optional[str], typer.Option("--stage", help=f"only this stage: {', '.join(STAGES)}")] = None,
    html_file: Annotated[Optional[Path], typer.Option("--html", help="also write a page with charts here")] = None,
    as_json: JsonOpt = False,
    out_dir: OutOpt = None,
) -> None:
    """Trends across saved sessions: score, pace, fillers, structure and length per stage and per question, and
    the guide's five dimensions per session."""
    from voice_interviewer.cli.documents import print_progress
    from voice_interviewer.errors import SessionError
    from voice_interviewer.review.progress import build_progress, render_progress_html

    if stage is not None and stage not in STAGES:
        raise UsageError(f"unknown stage {stage!r}; allowed: {', '.join(STAGES)}")
    home = sessions_home(out_dir)
    sessions = _saved_sessions(home)
    doc = build_progress(sessions, stage)
    if not doc["sessions"]:
        raise SessionError(f"no scored answers{f' for stage {stage}' if stage else ''} in {home}")
    if html_file is not None:
        write_page(html_file, render_progress_html(doc), "--html")
    if as_json:
        print(json.dumps(doc, ensure_ascii=False))
    else:
        print_progress(out, doc)
    if html_file is not None:
        err.print(f"HTML progress page: {html_file}", soft_wrap=True)


def _saved_sessions(home: Path) -> list[dict]:
    """Every readable session in the sessions dir; damaged ones are named in a notice and skipped."""
    from voice_interviewer.errors import SessionError
    from voice_interviewer.review.progress import saved_sessions

    sessions, skipped = saved_sessions(home)
    for reason in skipped:
        print_notice(f"skipped: {reason}")
    if not sessions:
        raise SessionError(f"no saved sessions in {home}; run `voice-interviewer demo` or `interview` first")
    return sessions


@app.command()
def stories(as_json: JsonOpt = False, out_dir: OutOpt = None) -> None:
    """Your STAR stories from saved sessions: retellings grouped, themes, themes with no story, long stories."""
    from voice_interviewer.cli.documents import print_stories
    from voice_interviewer.review.stories import build_story_bank

    sessions = _saved_sessions(sessions_home(out_dir))
    bank = build_story_bank(sessions)
    if as_json:
        print(json.dumps(bank, ensure_ascii=False))
    else:
        print_stories(out, bank)


@app.command()
def forget(
    session: Annotated[str, typer.Argument(help="session folder, its name, or latest")],
    yes: Annotated[bool, typer.Option("--yes", help="delete without asking")] = False,
    out_dir: OutOpt = None,
) -> None:
    """Delete a saved session completely: its recordings, transcripts, feedback and report."""
    from voice_interviewer.session.store import forget_session, resolve_session

    home = sessions_home(out_dir)
    folder = resolve_session(session, home)
    if not yes:
        if sys.stdin is None or not sys.stdin.isatty():
            raise UsageError(f"forget deletes {folder} for good: confirm on a terminal, or add --yes")
        if not typer.confirm(f"Delete {folder} and every recording in it?", default=False):
            out.print("Nothing deleted.")
            return
    count = forget_session(folder, home)
    out.print(f"Deleted {folder} ({count} files).")
