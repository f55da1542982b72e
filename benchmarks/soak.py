"""Start-up time and a long in-process soak: does one Interview stay flat in memory and latency over many answers?

Start-up: `python -m voice_interviewer interview --stage panel --questions 1 --input <panel answer> --fast --out TMP`
runs as a subprocess. first_audio_s = launch until the opening WAV (panel-opening.wav) is complete on disk: the
moment its first words could be heard. Without --mute the Speaker also plays it when an output device exists; on a
machine without one (no sound server) the WAV appearing is the proxy. exit_s = launch until the process exits.
--fast feeds the answer as fast as possible, so exit_s is the whole one-question session's work, not the 85 s of
the recording; the opening is spoken before any answer is fed, so first_audio_s does not depend on it.

Soak: one Interview, one model, N main answers from voice_interviewer/data/demo/manifest.json (follow-ups skipped) in
manifest order, cycling; the plan asks each recording's own question, consecutive answers of a stage under one persona (so
each stage group has its opening and closing). Live transcription path (TranscribeOptions(partial_every_s=2.0)),
but the audio is FED AS FAST AS POSSIBLE (RecordedCandidate(realtime=False)): latency_s is not the speaking-speed
figure of latency.py. Speaker(mute=True) still renders every utterance in the pyttsx3 worker child, which is
replaced at each voice change (each stage group here).
After each answer (on the Scored event) it reads VmRSS and VmHWM of this process, VmRSS of its child processes
(the pyttsx3 worker), and the answer's latency.end_of_speech_to_feedback_s.

The last line is machine-readable:
    soak answers=N rss_start_mb=A rss_end_mb=B p50_first10_s=C p50_last10_s=D
rss_start_mb is the RSS after answer 10 (warm), rss_end_mb after the last answer.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "voice_interviewer" / "data" / "demo"  # the demo's recorded candidate
sys.path.insert(0, str(ROOT))

from voice_interviewer.audio.sources import has_output_device  # noqa: E402
from voice_interviewer.config import TranscribeOptions  # noqa: E402
from voice_interviewer.content.personas import find_question, load_personas  # noqa: E402
from voice_interviewer.session.candidates import RecordedCandidate  # noqa: E402
from voice_interviewer.session.interview import Interview, Plan, Scored  # noqa: E402
from voice_interviewer.session.store import create_session  # noqa: E402
from voice_interviewer.voice.speaker import Speaker  # noqa: E402

LIVE = TranscribeOptions(partial_every_s=2.0)
STARTUP_ANSWER = FIXTURES / "panel-alignment.ogg"  # the first panel question's recording
WINDOW = 10


def main_answers() -> list[dict]:
    manifest = json.loads((FIXTURES / "manifest.json").read_text())
    return [a for a in manifest["answers"] if not a.get("follow_up")]


def status_kb(pid: int | str, field: str) -> int:
    """A VmRSS/VmHWM line of /proc/<pid>/status in kB (0 when the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def worker_pids(pid: int) -> list[int]:
    """Children started by multiprocessing spawn (the pyttsx3 worker; not its resource tracker)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            kids = [int(c) for c in (task / "children").read_text().split()]
            found += [k for k in kids if b"spawn_main" in Path(f"/proc/{k}/cmdline").read_bytes()]
        except FileNotFoundError:
            pass
    return found


def complete_wav(path: Path) -> bool:
    try:
        with wave.open(str(path), "rb") as handle:
            size = handle.getnframes() * handle.getsampwidth() * handle.getnchannels()
            return handle.getnframes() > 0 and path.stat().st_size >= size + 44
    except (FileNotFoundError, EOFError, wave.Error):
        return False


def startup_once() -> tuple[float, float]:
    """(first_audio_s, exit_s) of one subprocess interview."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "voice_interviewer", "interview", "--stage", "panel", "--questions", "1",
                   "--input", str(STARTUP_ANSWER), "--fast", "--out", tmp]
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        first = None
        while process.poll() is None:
            if first is None and any(complete_wav(p) for p in Path(tmp).glob("*/panel-opening.wav")):
                first = time.monotonic() - started
            time.sleep(0.005)
        exit_s = time.monotonic() - started
        if process.returncode != 0:
            raise SystemExit(f"start-up run failed ({process.returncode}): {process.stderr.read().decode()[-500:]}")
        return (first if first is not None else float("nan")), exit_s


def startup(runs: int) -> None:
    device = "an output device exists (it also plays)" if has_output_device() else "no output device: WAV only"
    print(f"# start-up: interview --stage panel --questions 1 --fast, {runs} run(s); {device}")
    results = [startup_once() for _ in range(runs)]
    for i, (first, exit_s) in enumerate(results, start=1):
        print(f"{'run ' + str(i):<8} first_audio_s={first:.2f} exit_s={exit_s:.2f}", flush=True)
    print(f"{'median':<8} first_audio_s={statistics.median(r[0] for r in results):.2f} "
          f"exit_s={statistics.median(r[1] for r in results):.2f}")


def soak_plan(personas, chosen: list[dict]) -> tuple[Plan, list[Path]]:
    """Each answer's own question; consecutive answers of one stage share a persona."""
    stages: list[tuple] = []
    for answer in chosen:
        persona, question = find_question(personas, answer["question_id"])
        if stages and stages[-1][0] is persona:
            stages[-1] = (persona, stages[-1][1] + (question,))
        else:
            stages.append((persona, (question,)))
    return Plan(tuple(stages)), [FIXTURES / a["file"] for a in chosen]


ROW = "{:>6} {:>8} {:>8} {:>10} {:>10}"


class Sampler:
    """on_event: on each Scored event, read /proc (nothing heavier) and keep one sample."""

    def __init__(self, report_every: int, total: int) -> None:
        self.samples: list[dict] = []
        self.report_every, self.total = report_every, total

    def __call__(self, event: object) -> None:
        if not isinstance(event, Scored):
            return
        kids = worker_pids(os.getpid())
        sample = {"index": event.index, "rss_mb": status_kb("self", "VmRSS") / 1024,
                  "peak_mb": status_kb("self", "VmHWM") / 1024,
                  "worker_mb": sum(status_kb(k, "VmRSS") for k in kids) / 1024,
                  "worker_peak_mb": sum(status_kb(k, "VmHWM") for k in kids) / 1024,
                  "worker_pids": tuple(kids), "latency_s": event.record["latency"]["end_of_speech_to_feedback_s"]}
        self.samples.append(sample)
        if event.index == 1 or event.index % self.report_every == 0 or event.index == self.total:
            print(ROW.format(event.index, f"{sample['rss_mb']:.1f}", f"{sample['peak_mb']:.1f}",
                             f"{sample['worker_mb']:.1f}", f"{sample['latency_s']:.3f}"), flush=True)


def soak(count: int) -> list[dict]:
    cycle = main_answers()
    chosen = [cycle[i % len(cycle)] for i in range(count)]
    plan, recordings = soak_plan(load_personas(), chosen)
    audio_s = sum(a["duration_s"] for a in chosen)
    print(f"\n# soak: {count} answers ({audio_s / 60:.1f} min of audio) in one Interview; live path "
          f"(partial_every_s=2.0) but audio FED AS FAST AS POSSIBLE, not at speaking speed; follow-ups off; muted")
    print(ROW.format("answer", "rss_mb", "peak_mb", "worker_mb", "latency_s"))
    sampler = Sampler(WINDOW, count)
    with tempfile.TemporaryDirectory() as tmp:
        folder = create_session(Path(tmp), plan.stage_label)
        started = time.monotonic()
        Interview(plan, RecordedCandidate(recordings, realtime=False), Speaker(mute=True), folder, sampler,
                  transcribe=LIVE, follow_ups=False).run()
        print(f"# wall {time.monotonic() - started:.1f} s; load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    workers = {pid for sample in sampler.samples for pid in sample["worker_pids"]}
    print(f"# pyttsx3 workers seen at the samples: {len(workers)} for {len(plan.stages)} stage groups (a new worker "
          "per voice change; more: replaced after a failed render or at its utterance limit)")
    return sampler.samples


def summary(samples: list[dict]) -> str:
    first, last = samples[:WINDOW], samples[-WINDOW:]
    warm = samples[WINDOW - 1]
    main_peak = warm["peak_mb"]
    worker_peak = max(s["worker_peak_mb"] for s in first)
    print(f"# peak RSS of the first {WINDOW} answers (a 10-question session): main {main_peak:.1f} MB "
          f"(goal <= 450), main+worker {main_peak + worker_peak:.1f} MB")
    after = samples[WINDOW - 1:]
    if len(after) >= 2:
        slope = statistics.linear_regression([s["index"] for s in after], [s["rss_mb"] for s in after]).slope
        print(f"# RSS slope from answer {WINDOW} to {samples[-1]['index']}: {slope:+.3f} MB/answer; "
              f"peak at the end {samples[-1]['peak_mb']:.1f} MB; worker now {samples[-1]['worker_mb']:.1f} MB")
    return (f"soak answers={len(samples)} rss_start_mb={warm['rss_mb']:.1f} rss_end_mb={samples[-1]['rss_mb']:.1f} "
            f"p50_first10_s={statistics.median(s['latency_s'] for s in first):.3f} "
            f"p50_last10_s={statistics.median(s['latency_s'] for s in last):.3f}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Start-up to first interviewer audio (3 subprocess runs) and an in-process soak of many "
                    "answers: RSS, peak, pyttsx3 worker RSS and end-of-speech-to-feedback latency. "
                    "Goal: peak RSS of the first 10 answers <= 450 MB; RSS and latency flat afterwards.")
    parser.add_argument("--answers", type=int, default=50, help="answers in the soak (default 50, at least 10)")
    parser.add_argument("--quick", action="store_true", help="12 answers and one start-up run")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    count = 12 if args.quick else args.answers
    if count < WINDOW:
        raise SystemExit(f"error: --answers must be at least {WINDOW}")
    print(f"# cores {os.cpu_count()}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    startup(1 if args.quick else 3)
    print(summary(soak(count)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
