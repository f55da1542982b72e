"""Practice commands: interview, demo and exercise."""

from __future__ import annotations

import contextlib
import sys
import threading
from pathlib import Path
from typing import Annotated, Optional

import typer

from voice_interviewer.cli.common import (
    ModelOpt,
    MuteOpt,
    OptIns,
    OutOpt,
    StageOpt,
    app,
    check_range,
    err,
    out,
    parse_stages,
    print_notice,
    watch_enter,
    with_opt_ins,
)
from voice_interviewer.cli.documents import print_exercise, print_questions_back
from voice_interviewer.cli.screen import Screen, ask_typed, without_portaudio_noise
from voice_interviewer.config import EndpointOptions, TranscribeOptions, sessions_home
from voice_interviewer.errors import InterviewerError, UsageError
from voice_interviewer.integrations.extras import job_question_ids, make_helpers
from voice_interviewer.review.report import scored


@app.command()
@with_opt_ins
def interview(
    stage: StageOpt = "hiring-manager",
    questions: Annotated[int, typer.Option("--questions", help="questions per stage (1-8)")] = 3,
    input_: Annotated[Optional[list[str]], typer.Option("--input", help="mic, or recordings / a folder (one per question)")] = None,
    fast: Annotated[bool, typer.Option("--fast", help="feed recordings as fast as possible")] = False,
    device: Annotated[Optional[str], typer.Option("--device", help="input device index or name")] = None,
    typed: Annotated[bool, typer.Option("--type", help="type answers instead of speaking")] = False,
    mute: MuteOpt = False,
    out_dir: OutOpt = None,
    end_silence: Annotated[float, typer.Option(
        "--end-silence", help="seconds of silence that end an answer that may go on (a complete one: 1.2 s)")] = 4.0,
    max_answer: Annotated[float, typer.Option("--max-answer", help="longest answer in seconds")] = 240.0,
    model: ModelOpt = None,
    no_follow_ups: Annotated[bool, typer.Option("--no-follow-ups", help="never ask a follow-up")] = False,
    continue_: Annotated[Optional[str], typer.Option(
        "--continue", help="a saved session (folder, name or latest): ask its remaining and interrupted questions "
                           "into the same folder")] = None,
    opt_in: OptIns = OptIns(),
    resume: Annotated[Optional[Path], typer.Option("--resume", help="your resume (.txt, .md, .pdf): the hiring "
                                                   "manager and panel deep-dive into its program bullets")] = None,
    no_questions_back: Annotated[bool, typer.Option("--no-questions-back", help="skip 'what would you like to "
                                                    "ask me?' at each stage's end")] = False,
) -> None:
    """The live interview: questions spoken, answers heard, feedback after each."""
    from voice_interviewer.content.personas import load_personas
    from voice_interviewer.session.candidates import MicCandidate, RecordedCandidate, TypedCandidate, recordings_from
    from voice_interviewer.session.interview import plan_for

    check_range("--questions", questions, 1, 8)
    check_range("--end-silence", end_silence, 0.5, 30)
    check_range("--max-answer", max_answer, 5, 3600)
    extras = opt_in.checked()
    if continue_ is not None:
        plan, folder, existing = _continued(continue_, out_dir)
    else:
        personas_ = load_personas()
        plan = plan_for(personas_, parse_stages(stage), questions,
                        only=job_question_ids(extras, personas_, parse_stages(stage), questions))
        folder, existing = None, None
    review = None
    if resume is not None:
        plan, review = _with_resume(plan, resume, questions)
    sources = input_ or ["mic"]
    if typed:
        candidate = TypedCandidate(ask_typed)
    elif sources == ["mic"]:
        candidate = MicCandidate(int(device) if device and device.isdigit() else device)
    else:
        candidate = RecordedCandidate(recordings_from([Path(s) for s in sources]), realtime=not fast)
    endpoint = EndpointOptions(end_silence_s=end_silence, max_answer_s=max_answer)
    transcribe = TranscribeOptions(model=model, partial_every_s=None if fast else 2.0)
    _run_interview(plan, candidate, mute=mute, out_dir=out_dir, endpoint=endpoint, transcribe=transcribe,
                   follow_ups=not no_follow_ups, enter_ends_answer=candidate.kind == "mic", folder=folder,
                   existing=existing, extras=extras, review=review,
                   questions_back=not no_questions_back)


def _continued(value: str, out_dir: Path | None):
    """The plan of what a saved session has left to ask, its folder, and its document."""
    from voice_interviewer.content.personas import load_personas
    from voice_interviewer.session.interview import plan_remaining
    from voice_interviewer.session.store import load_session, resolve_session

    folder = resolve_session(value, sessions_home(out_dir))
    existing = load_session(folder)
    plan = plan_remaining(load_personas(), existing)
    if not plan.stages:
        raise UsageError(f"session {folder} has every question answered; nothing to continue "
                         "(start a new interview, or `replay` it)")
    return plan, folder, existing


def _with_resume(plan, resume: Path, per_stage: int):
    """The plan with resume deep-dives for the hiring manager and the panel, and the answer reviewer."""
    from voice_interviewer.practice.resume import RESUME_STAGES, read_resume, resume_plan
    from voice_interviewer.session.interview import Plan

    stages, deep = resume_plan(read_resume(resume), resume.name, plan.stages, per_stage)
    if not any(p.stage in RESUME_STAGES for p, _ in stages):
        print_notice(f"--resume is used by the {' and '.join(RESUME_STAGES)} stages only; this stage asks its own")
    out.print(f"[dim]Resume: {len(deep.bullets)} program bullet(s) found in {resume.name}.[/]")
    return Plan(stages), deep.review


@app.command()
@with_opt_ins
def demo(
    stage: StageOpt = "loop",
    questions: Annotated[int, typer.Option("--questions", help="questions per stage (1-2)")] = 1,
    out_dir: OutOpt = None,
    mute: Annotated[bool, typer.Option("--mute", help="no audio; feed recordings as fast as possible (tests)")] = False,
    opt_in: OptIns = OptIns(),
) -> None:
    """A real interview end to end with the recorded candidate shipped with the package (--job: feedback only)."""
    from voice_interviewer.content.personas import load_personas
    from voice_interviewer.session.candidates import RecordedCandidate
    from voice_interviewer.session.fixtures import demo_plan

    check_range("--questions", questions, 1, 2)  # the recorded candidate has two answers per stage
    extras = opt_in.checked()
    plan, recordings = demo_plan(load_personas(), parse_stages(stage), questions)
    candidate = RecordedCandidate(recordings, realtime=not mute)  # <stage>.asks.ogg lies beside the answers
    transcribe = TranscribeOptions(partial_every_s=None if mute else 2.0)
    _run_interview(plan, candidate, mute=mute, out_dir=out_dir, endpoint=EndpointOptions(),
                   transcribe=transcribe, follow_ups=True, extras=extras, questions_back=True)


def _run_interview(plan, candidate, *, mute, out_dir, endpoint, transcribe, follow_ups,
                   enter_ends_answer=False, folder=None, existing=None, extras=None, review=None,
                   questions_back=False) -> None:
    from voice_interviewer.practice.questions_back import ask_questions_back
    from voice_interviewer.session.interview import Interview, Notice
    from voice_interviewer.session.store import create_session
    from voice_interviewer.voice.speaker import Speaker

    speaker = Speaker(mute=mute, on_notice=print_notice)
    folder = folder or create_session(sessions_home(out_dir), plan.stage_label)
    screen = Screen(out, err)
    session = Interview(plan, candidate, speaker, folder, screen.on_event, endpoint, transcribe, follow_ups,
                        session=existing or {}, review=review,
                        stage_end=ask_questions_back if questions_back else None,
                        **make_helpers(extras or {}, lambda text: screen.on_event(Notice(text))))
    if enter_ends_answer and sys.stdin is not None and sys.stdin.isatty():
        threading.Thread(target=watch_enter, args=(session.end_requested,), daemon=True).start()
        out.print("[dim]Press Enter, or say \"that's my answer\", to end an answer early; Enter while the "
                  "interviewer talks skips the rest.[/]")
    try:
        with without_portaudio_noise() if candidate.kind == "mic" else contextlib.nullcontext():
            session.run()
    except KeyboardInterrupt:
        screen.stop()
        out.print(f"\nInterview stopped. Everything recorded so far is saved in {folder}\n"
                  f"Continue it: voice-interviewer interview --continue {folder}")
        raise typer.Exit(0) from None
    except InterviewerError as exc:  # a lost microphone, a full disk: one error line that says what was kept
        screen.stop()
        raise type(exc)(f"{exc}; what was recorded is kept in {folder} "
                        f"(continue with `voice-interviewer interview --continue {folder}`)") from None
    screen.stop()
    answers = scored(session.session["answers"])
    if answers:
        mean = sum(a["score"] for a in answers) / len(answers)
        waits = ", ".join(f"{a['latency']['end_of_speech_to_feedback_s']:.2f}" for a in answers)
        out.print(f"\n[bold]Session saved:[/] {folder}\nAverage score {mean:.0f} over {len(answers)} answer(s); "
                  f"feedback ready {waits} s after each answer ended.")
    if session.session.get("job"):
        never = session.session["job"]["never"]
        out.print(f"Job terms never mentioned: {', '.join(never) if never else 'none'}")
    for asked in session.session.get("questions_back", []):
        print_questions_back(out, asked)
    out.print(f"Replay it: voice-interviewer replay {folder}\nReport:    voice-interviewer report {folder}")


@app.command()
def exercise(
    scenario: Annotated[Optional[str], typer.Argument(help="scenario id or number (see --list); default the first")] = None,
    minutes: Annotated[float, typer.Option("--minutes", help="length of the clock in minutes (1-60)")] = 30,
    input_: Annotated[Optional[list[str]], typer.Option("--input", help="mic, or recordings (one per turn)")] = None,
    fast: Annotated[bool, typer.Option("--fast", help="feed recordings as fast as possible")] = False,
    device: Annotated[Optional[str], typer.Option("--device", help="input device index or name")] = None,
    mute: MuteOpt = False,
    out_dir: OutOpt = None,
    end_silence: Annotated[float, typer.Option("--end-silence", help="seconds of silence that end a turn")] = 4.0,
    model: ModelOpt = None,
    list_: Annotated[bool, typer.Option("--list", help="list the scenarios and exit")] = False,
) -> None:
    """The timed program-structuring exercise: a scenario read aloud, think aloud in turns, framework feedback."""
    from voice_interviewer.content.personas import load_personas
    from voice_interviewer.practice.exercise import SCENARIOS, Exercise, exercise_plan, find_scenario
    from voice_interviewer.session.candidates import MicCandidate, RecordedCandidate, recordings_from
    from voice_interviewer.session.store import create_session
    from voice_interviewer.voice.speaker import Speaker

    if list_:
        for number, item in enumerate(SCENARIOS, start=1):
            out.print(f"{number}. [cyan]{item.id}[/] [dim]({item.source})[/]  {item.title}")
        return
    chosen = find_scenario(scenario)
    check_range("--minutes", minutes, 1, 60)
    check_range("--end-silence", end_silence, 0.5, 30)
    persona = load_personas()["hiring-manager"]
    sources = input_ or ["mic"]
    if sources == ["mic"]:
        candidate = MicCandidate(int(device) if device and device.isdigit() else device)
    else:
        candidate = RecordedCandidate(recordings_from([Path(s) for s in sources]), realtime=not fast)
    speaker = Speaker(mute=mute, on_notice=print_notice)
    folder = create_session(sessions_home(out_dir), "exercise")
    screen = Screen(out, err)
    session = Exercise(exercise_plan(persona), candidate, speaker, folder, screen.on_event,
                       EndpointOptions(end_silence_s=end_silence),
                       TranscribeOptions(model=model, partial_every_s=None if fast else 2.0),
                       follow_ups=False, scenario=chosen, minutes=minutes)
    if candidate.kind == "mic" and sys.stdin is not None and sys.stdin.isatty():
        threading.Thread(target=watch_enter, args=(session.end_requested,), daemon=True).start()
    try:
        session.run()
    except KeyboardInterrupt:
        screen.stop()
        out.print(f"\nExercise stopped. Everything recorded so far is saved in {folder}")
        raise typer.Exit(0) from None
    screen.stop()
    print_exercise(out, session.session["exercise"])
    out.print(f"\n[bold]Session saved:[/] {folder}\nReplay it: voice-interviewer replay {folder}")
