"""Command line: the only place that prints, prompts or exits.

Bad input raises InterviewerError somewhere below; main() turns it into one `error: ` line and exit code 2.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
from pathlib import Path
from typing import Annotated, Optional

import typer

try:  # typer 0.26+ carries its own copy of click; older typer uses click itself
    from typer._click import exceptions as click_errors
except ImportError:
    from click import exceptions as click_errors
from rich.console import Console
from rich.table import Table

from voice_interviewer.config import EndpointOptions, TranscribeOptions, sessions_home
from voice_interviewer.errors import InterviewerError, UsageError
from voice_interviewer.extras import job_question_ids, make_helpers, opt_ins, score_extras
from voice_interviewer.personas import STAGES
from voice_interviewer.report import UNSCORED_NOTE, scored
from voice_interviewer.screen import (Screen, ask_typed, print_exercise, print_feedback, print_questions_back,
                                     without_portaudio_noise)

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
ModelOpt = Annotated[Optional[str], typer.Option("--model", help="model folder or name (default: bundled tiny.en)")]
# Opt-in network helpers (see llm.py, remote_stt.py) and job tailoring (job.py); without them nothing leaves the machine.
LlmOpt = Annotated[Optional[str], typer.Option("--llm", help="OpenAI-compatible base URL for follow-ups and critique, "
                   "e.g. http://127.0.0.1:11434/v1; key from $VOICE_INTERVIEWER_LLM_KEY or $OPENAI_API_KEY")]
LlmModelOpt = Annotated[str, typer.Option("--llm-model", help="model name on the --llm server")]
LlmTimeoutOpt = Annotated[float, typer.Option("--llm-timeout", help="longest wait for the LLM per answer, seconds")]
LlmStreamOpt = Annotated[bool, typer.Option("--llm-stream/--no-llm-stream", help="stream the LLM's reply")]
SttOpt = Annotated[Optional[str], typer.Option("--stt", help="OpenAI-compatible base URL for final transcripts "
                   "(/v1/audio/transcriptions); the local model stays the fallback")]
SttModelOpt = Annotated[str, typer.Option("--stt-model", help="model name on the --stt server")]
SttTimeoutOpt = Annotated[float, typer.Option("--stt-timeout", help="longest wait for a transcript, seconds")]
JobOpt = Annotated[Optional[Path], typer.Option("--job", help="job description (text or Markdown) to tailor to")]


def _notice(text: str) -> None:
    err.print(f"notice: {text}", soft_wrap=True)


def _stages(stage: str) -> list[str]:
    if stage == "loop":
        return list(STAGES)
    if stage not in STAGES:
        raise UsageError(f"unknown stage {stage!r}; allowed: {', '.join(STAGES)}, loop")
    return [stage]


def _in_range(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise UsageError(f"{name} {value:g} is out of range; allowed {low:g} to {high:g}")


@app.command()
def interview(
    stage: StageOpt = "hiring-manager",
    questions: Annotated[int, typer.Option("--questions", help="questions per stage (1-8)")] = 3,
    input_: Annotated[Optional[list[str]], typer.Option("--input", help="mic, or recordings / a folder (one per question)")] = None,
    fast: Annotated[bool, typer.Option("--fast", help="feed recordings as fast as possible")] = False,
    device: Annotated[Optional[str], typer.Option("--device", help="input device index or name")] = None,
    typed: Annotated[bool, typer.Option("--type", help="type answers instead of speaking")] = False,
    mute: MuteOpt = False,
    out_dir: OutOpt = None,
    end_silence: Annotated[float, typer.Option("--end-silence", help="seconds of silence that end an answer")] = 4.0,
    max_answer: Annotated[float, typer.Option("--max-answer", help="longest answer in seconds")] = 240.0,
    model: ModelOpt = None,
    no_follow_ups: Annotated[bool, typer.Option("--no-follow-ups", help="never ask a follow-up")] = False,
    continue_: Annotated[Optional[str], typer.Option(
        "--continue", help="a saved session (folder, name or latest): ask its remaining and interrupted questions "
                           "into the same folder")] = None,
    llm: LlmOpt = None, llm_model: LlmModelOpt = "llama3.2", llm_timeout: LlmTimeoutOpt = 8.0,
    llm_stream: LlmStreamOpt = True, stt: SttOpt = None, stt_model: SttModelOpt = "whisper-1",
    stt_timeout: SttTimeoutOpt = 30.0, job: JobOpt = None,
    resume: Annotated[Optional[Path], typer.Option("--resume", help="your resume (.txt, .md, .pdf): the hiring "
                                                   "manager and panel deep-dive into its program bullets")] = None,
    no_questions_back: Annotated[bool, typer.Option("--no-questions-back", help="skip 'what would you like to "
                                                    "ask me?' at each stage's end")] = False,
) -> None:
    """The live interview: questions spoken, answers heard, feedback after each."""
    from voice_interviewer.candidates import MicCandidate, RecordedCandidate, TypedCandidate, recordings_from
    from voice_interviewer.interview import plan_for
    from voice_interviewer.personas import load_personas

    _in_range("--questions", questions, 1, 8)
    _in_range("--end-silence", end_silence, 0.5, 30)
    _in_range("--max-answer", max_answer, 5, 3600)
    extras = opt_ins(llm, llm_model, llm_timeout, llm_stream, stt, stt_model, stt_timeout, job)
    if continue_ is not None:
        plan, folder, existing = _continued(continue_, out_dir)
    else:
        personas_ = load_personas()
        plan = plan_for(personas_, _stages(stage), questions,
                        only=job_question_ids(extras, personas_, _stages(stage), questions))
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
    from voice_interviewer.interview import plan_remaining
    from voice_interviewer.personas import load_personas
    from voice_interviewer.store import load_session, resolve_session

    folder = resolve_session(value, sessions_home(out_dir))
    existing = load_session(folder)
    plan = plan_remaining(load_personas(), existing)
    if not plan.stages:
        raise UsageError(f"session {folder} has every question answered; nothing to continue "
                         "(start a new interview, or `replay` it)")
    return plan, folder, existing


def _with_resume(plan, resume: Path, per_stage: int):
    """The plan with resume deep-dives for the hiring manager and the panel, and the answer reviewer."""
    from voice_interviewer.interview import Plan
    from voice_interviewer.resume import RESUME_STAGES, read_resume, resume_plan

    stages, deep = resume_plan(read_resume(resume), resume.name, plan.stages, per_stage)
    if not any(p.stage in RESUME_STAGES for p, _ in stages):
        _notice(f"--resume is used by the {' and '.join(RESUME_STAGES)} stages only; this stage asks its own")
    out.print(f"[dim]Resume: {len(deep.bullets)} program bullet(s) found in {resume.name}.[/]")
    return Plan(stages), deep.review


@app.command()
def demo(
    stage: StageOpt = "loop",
    questions: Annotated[int, typer.Option("--questions", help="questions per stage (1-2)")] = 1,
    out_dir: OutOpt = None,
    mute: Annotated[bool, typer.Option("--mute", help="no audio; feed recordings as fast as possible (tests)")] = False,
    llm: LlmOpt = None, llm_model: LlmModelOpt = "llama3.2", llm_timeout: LlmTimeoutOpt = 8.0,
    llm_stream: LlmStreamOpt = True, stt: SttOpt = None, stt_model: SttModelOpt = "whisper-1",
    stt_timeout: SttTimeoutOpt = 30.0, job: JobOpt = None,
) -> None:
    """A real interview end to end with the recorded candidate from audio_fixtures (--job: feedback only)."""
    from voice_interviewer.candidates import RecordedCandidate
    from voice_interviewer.fixtures import demo_plan, fixtures_dir
    from voice_interviewer.personas import load_personas

    _in_range("--questions", questions, 1, 2)  # the recorded candidate has two answers per stage
    extras = opt_ins(llm, llm_model, llm_timeout, llm_stream, stt, stt_model, stt_timeout, job)
    plan, recordings = demo_plan(load_personas(), _stages(stage), questions)
    candidate = RecordedCandidate(recordings, realtime=not mute, asks_dirs=[fixtures_dir() / "practice"])
    transcribe = TranscribeOptions(partial_every_s=None if mute else 2.0)
    _run_interview(plan, candidate, mute=mute, out_dir=out_dir, endpoint=EndpointOptions(),
                   transcribe=transcribe, follow_ups=True, extras=extras, questions_back=True)


def _run_interview(plan, candidate, *, mute, out_dir, endpoint, transcribe, follow_ups,
                   enter_ends_answer=False, folder=None, existing=None, extras=None, review=None,
                   questions_back=False) -> None:
    from voice_interviewer.interview import Interview, Notice
    from voice_interviewer.store import create_session
    from voice_interviewer.voice import Speaker

    speaker = Speaker(mute=mute, on_notice=_notice)
    folder = folder or create_session(sessions_home(out_dir), plan.stage_label)
    screen = Screen(out, err)
    session = Interview(plan, candidate, speaker, folder, screen.on_event, endpoint, transcribe, follow_ups,
                        session=existing or {}, review=review, questions_back=questions_back,
                        **make_helpers(extras or {}, lambda text: screen.on_event(Notice(text))))
    if enter_ends_answer and sys.stdin is not None and sys.stdin.isatty():
        threading.Thread(target=_watch_enter, args=(session.end_requested,), daemon=True).start()
        out.print("[dim]Press Enter, or say \"that's my answer\", to end an answer early.[/]")
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
    from voice_interviewer.candidates import MicCandidate, RecordedCandidate, recordings_from
    from voice_interviewer.exercise import SCENARIOS, Exercise, exercise_plan, find_scenario
    from voice_interviewer.personas import load_personas
    from voice_interviewer.store import create_session
    from voice_interviewer.voice import Speaker

    if list_:
        for number, item in enumerate(SCENARIOS, start=1):
            out.print(f"{number}. [cyan]{item.id}[/] [dim]({item.source})[/]  {item.title}")
        return
    chosen = find_scenario(scenario)
    _in_range("--minutes", minutes, 1, 60)
    _in_range("--end-silence", end_silence, 0.5, 30)
    persona = load_personas()["hiring-manager"]
    sources = input_ or ["mic"]
    if sources == ["mic"]:
        candidate = MicCandidate(int(device) if device and device.isdigit() else device)
    else:
        candidate = RecordedCandidate(recordings_from([Path(s) for s in sources]), realtime=not fast)
    speaker = Speaker(mute=mute, on_notice=_notice)
    folder = create_session(sessions_home(out_dir), "exercise")
    screen = Screen(out, err)
    session = Exercise(exercise_plan(persona), candidate, speaker, folder, screen.on_event,
                       EndpointOptions(end_silence_s=end_silence),
                       TranscribeOptions(model=model, partial_every_s=None if fast else 2.0),
                       follow_ups=False, scenario=chosen, minutes=minutes)
    if candidate.kind == "mic" and sys.stdin is not None and sys.stdin.isatty():
        threading.Thread(target=_watch_enter, args=(session.end_requested,), daemon=True).start()
    try:
        session.run()
    except KeyboardInterrupt:
        screen.stop()
        out.print(f"\nExercise stopped. Everything recorded so far is saved in {folder}")
        raise typer.Exit(0) from None
    screen.stop()
    print_exercise(out, session.session["exercise"])
    out.print(f"\n[bold]Session saved:[/] {folder}\nReplay it: voice-interviewer replay {folder}")


@app.command()
def transcribe(audio: AudioArg, as_json: JsonOpt = False, model: ModelOpt = None) -> None:
    """Transcript of a recording, with word times."""
    transcript = _with_speech(_transcribe_file(audio, model), audio)
    if as_json:
        doc = {"schema": 1, "audio": str(audio), "model": transcript.model, "duration_s": transcript.audio_duration_s,
               "text": transcript.text,
               "words": [{"text": w.text, "start": w.start, "end": w.end} for w in transcript.words]}
        print(json.dumps(doc, ensure_ascii=False))
    else:
        out.print(transcript.text or "[dim](no speech)[/]")


def _with_speech(transcript, audio: Path):
    """A file with no words in it (silence, noise, music) is not an answer."""
    from voice_interviewer.errors import AudioInputError

    if not transcript.words:
        raise AudioInputError(f"{audio}: no speech found in {transcript.audio_duration_s:.1f} s of audio "
                              "(silence or noise only); give a recording of a spoken answer")
    return transcript


def _watch_enter(end_requested: threading.Event) -> None:
    """Each Enter on the terminal ends the answer being recorded."""
    for _ in sys.stdin:
        end_requested.set()


def _transcribe_file(audio: Path, model: str | None):
    from voice_interviewer.audio import WavFileSource
    from voice_interviewer.transcribe import load_model, resolve_model, transcribe_frames

    source = WavFileSource(audio)
    resolved = resolve_model(model)
    options = TranscribeOptions(model=model, partial_every_s=None)
    loaded = load_model(resolved.source, options.compute_type, options.cpu_threads)
    return transcribe_frames(source.frames(), loaded, options, resolved.label)


@app.command()
def score(
    audio: AudioArg,
    question: Annotated[Optional[str], typer.Option("--question", help="question id (see `personas`)")] = None,
    as_json: JsonOpt = False,
    model: ModelOpt = None,
    llm: LlmOpt = None, llm_model: LlmModelOpt = "llama3.2", llm_timeout: LlmTimeoutOpt = 8.0,
    llm_stream: LlmStreamOpt = True, stt: SttOpt = None, stt_model: SttModelOpt = "whisper-1",
    stt_timeout: SttTimeoutOpt = 30.0, job: JobOpt = None,
) -> None:
    """Feedback for one recorded answer (schema-1 score document with --json)."""
    from voice_interviewer.feedback import analyze
    from voice_interviewer.personas import find_question, load_personas

    if llm is not None and not question:
        raise UsageError("--llm needs --question ID: the critique is against that question's key points")
    extras = opt_ins(llm, llm_model, llm_timeout, llm_stream, stt, stt_model, stt_timeout, job)
    found = find_question(load_personas(), question) if question else None
    chosen = found[1] if found else None
    helpers = make_helpers(extras, _notice)
    if "stt" in helpers:
        transcript = helpers["stt"].transcribe_file(audio, lambda: _transcribe_file(audio, model))
    else:
        transcript = _transcribe_file(audio, model)
    doc = analyze(_with_speech(transcript, audio), chosen, audio_name=str(audio))
    score_extras(doc, transcript, found, helpers)
    if as_json:
        print(json.dumps(doc, ensure_ascii=False))
        return
    out.print(f"[bold]{chosen.text if chosen else 'Answer'}[/]\n{doc['transcript']}\n")
    print_feedback(out, doc)
    if "job_terms" in doc:
        out.print(f"  job terms used: {', '.join(doc['job_terms']['used']) or 'none'}; "
                  f"never: {', '.join(doc['job_terms']['missing']) or 'none'}")
    if "llm" in doc:
        out.print(f"  [bold]{doc['llm']['model']}:[/] {doc['llm']['critique'] or ''}\n  "
                  f"[dim]a follow-up it would ask: {doc['llm']['follow_up'] or '(none)'}[/]")
    out.print(f"\n[green]{doc['spoken_feedback']}[/]")


@app.command()
def personas(stage: Annotated[Optional[str], typer.Option("--stage")] = None, as_json: JsonOpt = False) -> None:
    """Stages, personas and their questions."""
    from voice_interviewer.personas import load_personas

    chosen = load_personas()
    if stage is not None:
        chosen = {s: chosen[s] for s in _stages(stage)}
    if as_json:
        print(json.dumps({s: p.model_dump(mode="json") for s, p in chosen.items()}, ensure_ascii=False))
        return
    for persona in chosen.values():
        low, high = persona.stage_minutes
        out.print(f"\n[bold]{persona.stage}[/]: {persona.name}, {persona.role} ({low}-{high} min)\n  {persona.focus}")
        for q in persona.questions:
            out.print(f"  [cyan]{q.id}[/] [dim]{q.kind}, {q.budget_s} s[/]  {q.text}")


@app.command()
def devices() -> None:
    """Audio input and output devices."""
    from voice_interviewer.audio import list_devices

    table = Table("#", "name", "in", "out", "rate", "default")
    for d in list_devices():
        mark = " ".join(m for m, on in (("input", d["default_input"]), ("output", d["default_output"])) if on)
        table.add_row(str(d["index"]), d["name"], str(d["inputs"]), str(d["outputs"]), f"{d['default_rate_hz']:.0f}", mark)
    out.print(table)


@app.command()
def say(
    text: str,
    out_file: Annotated[Optional[Path], typer.Option("--out", help="WAV file to write")] = None,
    stage: Annotated[str, typer.Option("--stage", help="whose voice")] = "hiring-manager",
    mute: MuteOpt = False,
) -> None:
    """Speak TEXT with an interviewer's voice (and keep a WAV copy)."""
    import tempfile

    from voice_interviewer.personas import load_personas
    from voice_interviewer.voice import Speaker

    if not text.strip():
        raise UsageError("nothing to say: TEXT is empty")
    persona = load_personas()[_stages(stage)[0]]
    speaker = Speaker(mute=mute, on_notice=_notice)
    target = out_file or Path(tempfile.mkdtemp(prefix="voice-interviewer-")) / "say.wav"
    duration = speaker.speak(text, target, persona.voice)
    out.print(f"{duration:.1f} s of speech written to {target}")


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
    from voice_interviewer.errors import SessionError
    from voice_interviewer.screen import transcript_text
    from voice_interviewer.store import load_session, resolve_session
    from voice_interviewer.voice import Speaker, play_wav

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
    speaker = Speaker(mute=mute, on_notice=_notice)
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
    from voice_interviewer.voice import play_wav

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

    from voice_interviewer.screen import follow_along
    from voice_interviewer.voice import start_wav, wait_for_playback

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
    from voice_interviewer.feedback import analyze
    from voice_interviewer.personas import find_question, load_personas
    from voice_interviewer.progress import compare_feedback
    from voice_interviewer.screen import print_comparison

    path = folder / (record.get("answer_audio") or "")
    if not record.get("answer_audio") or not path.is_file():
        err.print(f"notice: answer {record['index']} has no audio to rescore")
        return
    question = find_question(load_personas(), record["question_id"])[1] if record.get("question_id") else None
    if err.is_terminal:
        with err.status(f"rescoring answer {record['index']}: transcribing {record['answer_audio']}"):
            transcript = _transcribe_file(path, None)
    else:
        transcript = _transcribe_file(path, None)
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
    from voice_interviewer.report import render_html, render_markdown
    from voice_interviewer.report_media import audio_names, embed_audio
    from voice_interviewer.screen import progress_bar
    from voice_interviewer.store import load_session, resolve_session, write_private_text

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
    """Trends across saved sessions: score, pace, fillers, structure and length per stage and per question."""
    from voice_interviewer.errors import SessionError
    from voice_interviewer.progress import build_progress, render_progress_html
    from voice_interviewer.screen import print_progress

    if stage is not None and stage not in STAGES:
        raise UsageError(f"unknown stage {stage!r}; allowed: {', '.join(STAGES)}")
    home = sessions_home(out_dir)
    sessions = _saved_sessions(home)
    doc = build_progress(sessions, stage)
    if not doc["sessions"]:
        raise SessionError(f"no scored answers{f' for stage {stage}' if stage else ''} in {home}")
    if html_file is not None:
        _write_page(html_file, render_progress_html(doc), "--html")
    if as_json:
        print(json.dumps(doc, ensure_ascii=False))
    else:
        print_progress(out, doc)
    if html_file is not None:
        err.print(f"HTML progress page: {html_file}", soft_wrap=True)


def _saved_sessions(home: Path) -> list[dict]:
    """Every readable session in the sessions dir; damaged ones are named in a notice and skipped."""
    from voice_interviewer.errors import SessionError
    from voice_interviewer.progress import saved_sessions

    sessions, skipped = saved_sessions(home)
    for reason in skipped:
        _notice(f"skipped: {reason}")
    if not sessions:
        raise SessionError(f"no saved sessions in {home}; run `voice-interviewer demo` or `interview` first")
    return sessions


@app.command()
def stories(as_json: JsonOpt = False, out_dir: OutOpt = None) -> None:
    """Your STAR stories from saved sessions: retellings grouped, themes, themes with no story, long stories."""
    from voice_interviewer.screen import print_stories
    from voice_interviewer.stories import build_story_bank

    sessions = _saved_sessions(sessions_home(out_dir))
    bank = build_story_bank(sessions)
    if as_json:
        print(json.dumps(bank, ensure_ascii=False))
    else:
        print_stories(out, bank)


def _write_page(target: Path, text: str, flag: str) -> None:
    if target.is_dir():
        raise UsageError(f"{flag} {target} is a directory; give a file name such as {target / 'progress.html'}")
    try:
        target.write_text(text, encoding="utf-8")
        target.chmod(0o600)
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror}; choose another {flag} path") from None


@app.command()
def forget(
    session: Annotated[str, typer.Argument(help="session folder, its name, or latest")],
    yes: Annotated[bool, typer.Option("--yes", help="delete without asking")] = False,
    out_dir: OutOpt = None,
) -> None:
    """Delete a saved session completely: its recordings, transcripts, feedback and report."""
    from voice_interviewer.store import forget_session, resolve_session

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


@app.command()
def plan(
    start: Annotated[Optional[str], typer.Option("--start", help="first day YYYY-MM-DD: makes a new plan")] = None,
    on: Annotated[Optional[str], typer.Option("--on", help="show the plan as of this day (default today)")] = None,
    resume: Annotated[Optional[Path], typer.Option("--resume", help="resume for the plan's deep-dive days")] = None,
    today: Annotated[bool, typer.Option("--today", help="run today's practice items one after another")] = False,
    input_: Annotated[Optional[list[str]], typer.Option("--input", help="with --today: recordings for the items")] = None,
    fast: Annotated[bool, typer.Option("--fast", help="with --today: feed recordings as fast as possible")] = False,
    mute: MuteOpt = False,
    out_dir: OutOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The guide's two-week plan: what is done, what is due today (as commands), which story themes lack a story."""
    import datetime as dt
    import subprocess

    from voice_interviewer import plan as plans
    from voice_interviewer.progress import saved_sessions

    home = sessions_home(out_dir)
    day = plans.parse_date(on, "--on") if on is not None else dt.date.today()
    current = plans.load_plan(home)
    if resume is not None:
        from voice_interviewer.resume import read_resume

        read_resume(resume)
    if start is not None or current is None:
        first = plans.parse_date(start) if start is not None else day
        current = plans.build_plan(first, str(resume.resolve()) if resume else None)
        _notice(f"new two-week plan from {first.isoformat()} saved in {plans.save_plan(home, current)}")
    elif resume is not None:
        current["resume"] = str(resume.resolve())
        plans.save_plan(home, current)
    sessions, skipped = saved_sessions(home)
    for reason in skipped:
        _notice(f"skipped: {reason}")
    status = plans.plan_status(current, sessions, day)
    if as_json:
        print(json.dumps(status, ensure_ascii=False))
        return
    _print_plan(status)
    if not today:
        return
    from voice_interviewer.personas import load_personas
    from voice_interviewer.voice import Speaker

    speaker = Speaker(mute=mute, on_notice=_notice)
    summary = plans.day_summary(status)
    out.print(f"\n[green]{summary}[/]")
    speaker.speak(summary, home / "plan-today.wav", load_personas()["hiring-manager"].voice)
    extra = [a for s in (input_ or []) for a in ("--input", s)] + (["--fast"] if fast else []) + \
        (["--mute"] if mute else []) + (["--out", str(out_dir)] if out_dir else [])
    for item in status["due_today"]:
        args = plans.item_args(item, current.get("resume"), placeholder=False)
        if args is None:
            continue
        if item.get("resume") and not current.get("resume"):
            _notice("no resume in the plan, so no deep-dives today; add one with `plan --resume FILE`")
        out.print(f"\n[bold]Now: {item['what']}[/]  [dim]voice-interviewer {' '.join(args)}[/]")
        done = subprocess.run([sys.executable, "-m", "voice_interviewer", *args, *extra], check=False)
        if done.returncode != 0:
            raise UsageError(f"{item['what']!r} stopped with exit code {done.returncode}; fix it and run "
                             "`plan --today` again")
    after = plans.plan_status(current, saved_sessions(home)[0], day)
    before = [i for i in status["due_today"] if i["state"] == "due"]
    left = [i for i in after["due_today"] if i["state"] == "due"]
    out.print(f"\nToday's practice sessions: {len(before) - len(left)} done now, {len(left)} still due.")


def _print_plan(status: dict) -> None:
    marks = {"done": "[green]✓[/]", "due": "[yellow]•[/]", "today": "[yellow]-[/]", "missed": "[red]✗[/]",
             "past": "[dim]-[/]", "upcoming": "[dim]·[/]"}
    table = Table("day", "date", "focus", "items")
    for entry in status["days"]:
        style = "bold" if entry["day"] == status["today_day"] else ""
        items = "\n".join(f"{marks[i['state']]} {i['what']}" for i in entry["items"])
        table.add_row(str(entry["day"]), entry["date"], entry["focus"], items, style=style)
    out.print(table)
    out.print(f"{status['done']} of {status['tracked']} practice sessions done "
              "(✓ done, • due today, ✗ missed, - study on your own, · upcoming).")
    if status["today_day"] is None:
        out.print(f"Today ({status['today']}) is outside the plan ({status['days'][0]['date']} to "
                  f"{status['days'][-1]['date']}).")
    elif status["due_today"]:
        out.print(f"\n[bold]Due today (day {status['today_day']}):[/]")
        for item in status["due_today"]:
            out.print(f"  {item['what']}" + (f"\n    [cyan]{item['command']}[/]" if item["command"] else ""))
        if any(item["command"] for item in status["due_today"]):
            out.print("  Or run them all by voice: [cyan]voice-interviewer plan --today[/]")
    else:
        out.print(f"\nNothing left for today (day {status['today_day']}).")
    gaps = status["themes_without_story"]
    out.print("\nSTAR themes without a story yet: " + (", ".join(gaps) if gaps else "none, every theme has one"))


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
