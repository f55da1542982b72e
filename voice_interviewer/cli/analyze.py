"""One-shot commands: transcribe, score, personas, devices and say."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from voice_interviewer.cli.common import (
    AudioArg,
    JsonOpt,
    ModelOpt,
    MuteOpt,
    OptIns,
    app,
    out,
    parse_stages,
    print_notice,
    with_opt_ins,
)
from voice_interviewer.cli.documents import print_feedback
from voice_interviewer.config import TranscribeOptions
from voice_interviewer.errors import UsageError
from voice_interviewer.integrations.extras import make_helpers, score_extras


@app.command()
def transcribe(audio: AudioArg, as_json: JsonOpt = False, model: ModelOpt = None) -> None:
    """Transcript of a recording, with word times."""
    transcript = _with_speech(transcribe_file(audio, model), audio)
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


def transcribe_file(audio: Path, model: str | None):
    from voice_interviewer.audio.sources import WavFileSource
    from voice_interviewer.speech.transcribe import load_model, resolve_model, transcribe_frames

    source = WavFileSource(audio)
    resolved = resolve_model(model)
    options = TranscribeOptions(model=model, partial_every_s=None)
    loaded = load_model(resolved.source, options.compute_type, options.cpu_threads)
    return transcribe_frames(source.frames(), loaded, options, resolved.label)


@app.command()
@with_opt_ins
def score(
    audio: AudioArg,
    question: Annotated[Optional[str], typer.Option("--question", help="question id (see `personas`)")] = None,
    as_json: JsonOpt = False,
    model: ModelOpt = None,
    opt_in: OptIns = OptIns(),
) -> None:
    """Feedback for one recorded answer (schema-1 score document with --json)."""
    from voice_interviewer.content.personas import find_question, load_personas
    from voice_interviewer.feedback import analyze

    if opt_in.llm is not None and not question:
        raise UsageError("--llm needs --question ID: the critique is against that question's key points")
    extras = opt_in.checked()
    found = find_question(load_personas(), question) if question else None
    chosen = found[1] if found else None
    helpers = make_helpers(extras, print_notice)
    if "stt" in helpers:
        transcript = helpers["stt"].transcribe_file(audio, lambda: transcribe_file(audio, model))
    else:
        transcript = transcribe_file(audio, model)
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
    from voice_interviewer.content.personas import load_personas

    chosen = load_personas()
    if stage is not None:
        chosen = {s: chosen[s] for s in parse_stages(stage)}
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
    from voice_interviewer.audio.sources import list_devices

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

    from voice_interviewer.content.personas import load_personas
    from voice_interviewer.voice.speaker import Speaker

    if not text.strip():
        raise UsageError("nothing to say: TEXT is empty")
    persona = load_personas()[parse_stages(stage)[0]]
    speaker = Speaker(mute=mute, on_notice=print_notice)
    target = out_file or Path(tempfile.mkdtemp(prefix="voice-interviewer-")) / "say.wav"
    duration = speaker.speak(text, target, persona.voice)
    out.print(f"{duration:.1f} s of speech written to {target}")
