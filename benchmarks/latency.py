"""Seconds from the end of an answer to its feedback: streaming (live) path against a one-call batch baseline.

Both paths run on the same recorded answers in one process, one after the other per answer, with one loaded model.

Streaming: the answer is fed at speaking speed (WavFileSource realtime=True), then silence, as a microphone goes on
after the candidate stops, through Endpointer and a live ChunkedTranscriber with the turn judge, exactly as
Interview.listen drives them, until the endpointer ends the answer (1.2 s of silence after an answer that sounds
complete, 4 s otherwise). Its latency is the wall time from that moment until transcriber.finish() and analyze()
have returned. The end-of-answer silence is not counted in it: end_wait_s gives it.

Batch: what most tools do. Nothing happens until the answer is over, then one faster-whisper call transcribes the
whole answer, then analyze(). Its latency is that call plus analyze(). The answer is not replayed a second time at
speaking speed for it: a batch tool does no work while it waits, so the pacing cannot change its latency; sleeping
through the audio again would only double the run time.

The last line is machine-readable:
    latency stream_p50_s=X batch_p50_s=Y ratio=Z wer_stream=A wer_batch=B peak_rss_mb=M
Timings depend on the machine and on whatever else runs on it; the header prints the load average to show that.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "voice_interviewer" / "data" / "demo"  # the demo's recorded candidate
sys.path.insert(0, str(ROOT))

from voice_interviewer.audio.files import read_audio
from voice_interviewer.audio.sources import WavFileSource  # noqa: E402
from voice_interviewer.config import FILLER_PROMPT, EndpointOptions, TranscribeOptions  # noqa: E402
from voice_interviewer.content.personas import find_question, load_personas  # noqa: E402
from voice_interviewer.feedback import analyze  # noqa: E402
from voice_interviewer.feedback.turns import judge_turn  # noqa: E402
from voice_interviewer.records import SAMPLE_RATE_HZ, AudioFrame, Transcript, Word  # noqa: E402
from voice_interviewer.speech.endpointing import AnswerEnded  # noqa: E402
from voice_interviewer.speech.transcribe import AnswerListener, load_model, resolve_model  # noqa: E402
from voice_interviewer.speech.wer import word_error_rate  # noqa: E402

LIVE = TranscribeOptions(partial_every_s=2.0)
MIN_STREAM_S = 0.001  # ratio guard: a p50 below this is counted as this


def answers(quick: bool) -> list[dict]:
    """Main answers from the manifest (follow-ups skipped); --quick keeps the shortest (within a minute)."""
    manifest = json.loads((FIXTURES / "manifest.json").read_text())
    main = [a for a in manifest["answers"] if not a.get("follow_up")]
    return sorted(main, key=lambda a: a["duration_s"])[:1] if quick else main


def run_stream(model, path: Path, question, realtime: bool) -> dict:
    """One answer through the live path; the timer starts when the source has run out and the end is declared.

    Also measured: CPU seconds of the whole process (all threads) from the first frame to the final transcript, and
    how late each final word first appeared in the live text (the first update reaching its end, against the moment
    its audio was fed).
    """
    endpoint = EndpointOptions()
    listener = AnswerListener(model, LIVE, endpoint, "stream",
                              judge=lambda words: judge_turn(words, question.structure_kind, question.budget_s).complete)
    transcriber = listener.transcriber
    end: AnswerEnded | None = None
    cpu0, wall0 = time.process_time(), time.monotonic()
    shown: list[tuple[float, float]] = []  # (wall time, how far the live text reaches on the audio clock)
    fed_at: list[float] = []  # wall time each frame was fed, by frame index
    for frame in then_silence(WavFileSource(path, realtime=realtime).frames(), endpoint.end_silence_s + 1.0,
                              realtime):
        fed_at.append(time.monotonic())
        updates, end = listener.accept(frame)
        for update in updates:
            words = update.committed + update.tentative
            if words:
                shown.append((time.monotonic(), words[-1].end))
        if end is not None:
            break
    else:
        end = listener.endpointer.finish("input-ended")
    ended_at, feed_cpu_s = time.monotonic(), time.process_time() - cpu0
    audio_s = transcriber.audio_end_s  # before finish: the speech and the silence that ended it
    transcript = listener.finish(end.speech_end_s)
    analyze(transcript, question)
    cpu_s = time.process_time() - cpu0
    speech_s = end.speech_end_s or audio_s
    return {"seconds": time.monotonic() - ended_at, "text": transcript.text, "audio_s": speech_s,
            "decodes": transcriber.decode_calls, "reused": transcriber.reused_pause_decode,
            "cpu_rtf": feed_cpu_s / audio_s, "cpu_per_speech_s": cpu_s / speech_s,
            "live_lags": live_lags(transcript.words, shown, fed_at),
            "behind_s": ended_at - (wall0 + audio_s), "end": end.reason,
            "end_wait_s": round(end.at_s - end.speech_end_s, 2) if end.speech_end_s is not None else None}


def then_silence(frames, seconds: float, realtime: bool):
    """The file's frames, then `seconds` of digital silence at the same pace: the microphone after the answer."""
    last = None
    for last in frames:
        yield last
    if last is None:
        return
    started = time.monotonic() - last.end_s
    at_s, silence = last.end_s, bytes(len(last.pcm))
    while at_s < last.end_s + seconds:
        if realtime:
            time.sleep(max(0.0, started + at_s - time.monotonic()))
        frame = AudioFrame(silence, SAMPLE_RATE_HZ, at_s)
        yield frame
        at_s = frame.end_s


def live_lags(words, shown: list[tuple[float, float]], fed_at: list[float]) -> list[float]:
    """Per final word: seconds from feeding its last frame to the first live update that reached it (0.25 s of
    slack for word times that differ between decodes). Words never shown live are left out."""
    from voice_interviewer.records import FRAME_MS

    lags = []
    for word in words:
        frame = min(len(fed_at) - 1, int(word.end * 1000 // FRAME_MS))
        first = next((wall for wall, reach in shown if reach >= word.end - 0.25 and wall >= fed_at[0]), None)
        if first is not None and frame >= 0:
            lags.append(max(0.0, first - fed_at[frame]))
    return lags


def run_batch(model, path: Path, question) -> dict:
    """One faster-whisper call on the whole answer, then analyze(); both are timed."""
    audio = read_audio(path).astype(np.float32) / 32768.0
    started = time.monotonic()
    segments, _ = model.transcribe(
        audio, language="en", beam_size=1, temperature=0.0, word_timestamps=True, initial_prompt=FILLER_PROMPT,
        condition_on_previous_text=False, vad_filter=True)
    words = tuple(Word(w.word.strip(), float(w.start), float(w.end), float(w.probability))
                  for segment in segments for w in (segment.words or ()) if w.word.strip())
    transcript = Transcript(words, audio.size / SAMPLE_RATE_HZ, "batch")
    analyze(transcript, question)
    return {"seconds": time.monotonic() - started, "text": transcript.text}


ROW = "{:<24} {:>7} {:>8} {:>9} {:>8} {:>9} {:>8} {:>7} {:>6} {:>8} {:>8} {:>8} {:>8}"


def quantiles(values: list[float]) -> tuple[float, float]:
    """(p50, p90); NaN for no values."""
    if not values:
        return float("nan"), float("nan")
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]


def print_row(*cells) -> None:
    print(ROW.format(*cells), flush=True)


def header(args, label: str, count: int) -> None:
    feed = "FAST FEED (not the real measure: no speaking-speed pacing)" if args.fast_feed else "speaking speed"
    feed += "; ONE CORE KEPT BUSY by another process" if args.busy_core else ""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"# model {label}; {count} answers fed at {feed}; cores {os.cpu_count()}; load average {load}")
    print("# stream_s/batch_s: seconds from the end of the answer to final transcript + feedback; end_wait: the "
          "silence that ended it; behind_s: how late the live loop finished after the audio did")
    print_row("answer", "audio_s", "end_wait", "stream_s", "batch_s", "wer_strm", "wer_bat", "decodes", "reused",
              "cpu/sp_s", "behind_s", "live_p50", "live_p90")


def measure(model, question_of, answer: dict, wer, realtime: bool) -> tuple[dict, dict]:
    path = FIXTURES / answer["file"]
    question = question_of(answer["question_id"])
    stream = run_stream(model, path, question, realtime)
    batch = run_batch(model, path, question)
    stream["wer"] = wer(answer["transcript"], stream["text"])
    batch["wer"] = wer(answer["transcript"], batch["text"])
    behind = f"{stream['behind_s']:.3f}" if realtime else "-"  # without pacing the loop runs ahead of the clock
    print_row(answer["question_id"], f"{stream['audio_s']:.1f}", f"{stream['end_wait_s']}", f"{stream['seconds']:.3f}",
              f"{batch['seconds']:.3f}", f"{stream['wer']:.3f}", f"{batch['wer']:.3f}", stream["decodes"],
              "yes" if stream["reused"] else "no", f"{stream['cpu_per_speech_s']:.2f}", behind,
              *(f"{q:.2f}" for q in quantiles(stream["live_lags"])))
    return stream, batch


def summary(streams: list[dict], batches: list[dict], wall_s: float, realtime: bool) -> str:
    stream_p50 = statistics.median(s["seconds"] for s in streams)
    batch_p50 = statistics.median(b["seconds"] for b in batches)
    guarded = max(stream_p50, MIN_STREAM_S)
    if guarded != stream_p50:
        print(f"# stream p50 {stream_p50:.6f} s is below {MIN_STREAM_S} s; the ratio uses {MIN_STREAM_S} s")
    if realtime:  # what the headline leaves out: the silence that ended the answer
        from_speech_end = statistics.median((s["end_wait_s"] or 0.0) + s["seconds"] for s in streams)
        print(f"# from the last word to the feedback (end_wait + stream_s), p50: {from_speech_end:.3f} s")
    reasons = sorted({s["end"] for s in streams})
    print(f"# wall {wall_s:.1f} s; answers ended by: {', '.join(reasons)}; WER columns are means over answers; "
          f"mean stream cpu_rtf {statistics.mean(s['cpu_rtf'] for s in streams):.2f}; "
          f"load average now {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    speech_s = sum(s["audio_s"] for s in streams)
    cpu_per_speech = sum(s["cpu_per_speech_s"] * s["audio_s"] for s in streams) / speech_s
    live_p50, live_p90 = quantiles([lag for s in streams for lag in s["live_lags"]])
    return (f"latency stream_p50_s={stream_p50:.3f} batch_p50_s={batch_p50:.3f} ratio={batch_p50 / guarded:.2f} "
            f"wer_stream={statistics.mean(s['wer'] for s in streams):.3f} "
            f"wer_batch={statistics.mean(b['wer'] for b in batches):.3f} peak_rss_mb={peak_rss_mb:.0f} "
            f"cpu_per_speech_s={cpu_per_speech:.3f} live_p50_s={live_p50:.2f} live_p90_s={live_p90:.2f}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="End-of-speech to feedback latency, streaming vs one-call batch, on the recorded answers. "
                    "Default: all 10 main answers at speaking speed (about 11 minutes of audio, ~12 minutes "
                    "wall). Goal: ratio >= 4 and stream_p50_s <= 0.5.")
    parser.add_argument("--quick", action="store_true",
                        help="only the shortest answer (about 38 s of audio, under a minute at speaking speed)")
    parser.add_argument("--fast-feed", action="store_true",
                        help="feed the audio as fast as possible: a quick look, NOT the real measure")
    parser.add_argument("--model", default=None, help="model folder or name (default: the bundled tiny.en)")
    parser.add_argument("--busy-core", action="store_true",
                        help="keep one core busy with another process (a spinning Python) for the whole run")
    parser.add_argument("--partial-every", type=float, default=LIVE.partial_every_s,
                        help=f"seconds between live (tentative) decodes (default {LIVE.partial_every_s})")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    global LIVE
    LIVE = TranscribeOptions(partial_every_s=args.partial_every)
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if args.busy_core else None
    try:
        return _run(args)
    finally:
        if busy is not None:
            busy.kill()
            busy.wait()


def _run(args) -> int:
    resolved = resolve_model(args.model)
    model = load_model(resolved.source)
    personas = load_personas()
    wer = word_error_rate
    chosen = answers(args.quick)
    header(args, resolved.label, len(chosen))
    started = time.monotonic()
    results = [measure(model, lambda qid: find_question(personas, qid)[1], a, wer, not args.fast_feed)
               for a in chosen]
    print(summary([s for s, _ in results], [b for _, b in results], time.monotonic() - started,
                  not args.fast_feed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
