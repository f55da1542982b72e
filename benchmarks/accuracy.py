"""How far the feedback can be trusted: fillers, structure, pace and scores measured against exact labels.

Every answer in audio_fixtures/eval/labels.json goes through the real pipeline: the bundled model (unless --model),
the interview's transcription path (AnswerListener: endpointer, chunked transcriber, the filler strategy in
TranscribeOptions), then feedback.analyze() with the answer's question. The figures:

- fillers: precision and recall per type and overall. A found filler matches a labelled one of the same type whose
  span (widened by MATCH_SLACK_S each side) holds the found filler's start; each label matches once. "er" and "uh"
  are one sound (British and American spellings), so a hesitation spelled either way matches either label in the
  overall figure; the per-type rows are strict.
- structure: for every STAR or framework part of every answer with a structure, whether the part is present agrees
  with the labels and, when both say present, the start is within START_TOLERANCE_S. Also the share of labelled
  STAR time given the right part.
- pace: |wpm - labelled wpm| / labelled wpm (labelled: words without fillers over the exact speech span);
  duration and first-word errors in seconds against the exact speech span.
- scores: complete on-topic answers against off-topic (real speech included) and too-short ones, with the reasons.

--steps runs the set once per filler strategy step (see STEPS) and prints what each adds. The last line is:
    accuracy filler_precision=P filler_recall=R structure_accuracy=S wpm_error_pct=W
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "audio_fixtures" / "eval"
sys.path.insert(0, str(ROOT))

from voice_interviewer.audio.sources import WavFileSource  # noqa: E402
from voice_interviewer.config import TranscribeOptions  # noqa: E402
from voice_interviewer.content.personas import FRAMEWORK_PARTS, STAR_PARTS, find_question, load_personas  # noqa: E402
from voice_interviewer.feedback import analyze  # noqa: E402
from voice_interviewer.records import Transcript, Word  # noqa: E402
from voice_interviewer.speech.transcribe import load_model, resolve_model, transcribe_frames  # noqa: E402

MATCH_SLACK_S = 0.5
START_TOLERANCE_S = 2.5
FAMILY = {"er": "uh", "erm": "um"}
QUICK = ("ev-nervous-star", "ev-nervous-screen", "ev-star-noauth", "ev-star-crossfunc", "ev-fw-payments",
         "ev-screen-motivation", "ev-star-tradeoff", "ev-star-no-result", "ev-short-10s", "real-jfk-offtopic")
# Filler strategy steps, each adding to the one before (TranscribeOptions fields).
STEPS = (
    ("no prompt", {"prompt": "", "filler_pass": ()}),
    ("prompt every window", {"filler_pass": ()}),
    ("+ acoustic detection", {"filler_pass": ("acoustic",)}),
    ("+ second pass", {"filler_pass": ("acoustic", "second-pass")}),
)


def load_labels(quick: bool, only: list[str] | None) -> list[dict]:
    answers = json.loads((EVAL / "labels.json").read_text())["answers"]
    if only:
        return [a for a in answers if a["id"] in only]
    return [a for a in answers if a["id"] in QUICK] if quick else answers


def transcribe(model, label: str, entry: dict, options: TranscribeOptions):
    source = WavFileSource((EVAL / entry["file"]).resolve())
    return transcribe_frames(source.frames(), model, options, label)


def _to_doc(transcript: Transcript) -> dict:
    return {"words": [[w.text, w.start, w.end, w.probability] for w in transcript.words],
            "duration_s": transcript.audio_duration_s, "model": transcript.model, "extra": transcript.extra}


def _from_doc(doc: dict) -> Transcript:
    return Transcript(tuple(Word(*w) for w in doc["words"]), doc["duration_s"], doc["model"],
                      {k: [tuple(s) for s in v] for k, v in doc["extra"].items()})


def judged_question(entry: dict, question):
    """The question, judged for the structure the answer is labelled with when the persona expects none.

    Several scenario questions (a slip, a scope change) expect no framework, yet an answer may still give one; the
    labels say which parts it gave, so those answers measure framework recognition too.
    """
    names = {p["part"] for p in entry["parts"]}
    if question.structure_kind == "none" and names & set(FRAMEWORK_PARTS):
        return question.model_copy(update={"structure": "framework"})
    return question


def match_fillers(labels: list[dict], found: list[dict], family: bool) -> list[tuple[dict, dict]]:
    """(label, found) pairs, one to one, nearest first."""
    def kind(text: str) -> str:
        return FAMILY.get(text, text) if family else text

    pairs, used = [], set()
    candidates = sorted(
        ((abs(f["start_s"] - lab["start_s"]), i, j) for i, lab in enumerate(labels) for j, f in enumerate(found)
         if kind(f["text"]) == kind(lab["text"])
         and lab["start_s"] - MATCH_SLACK_S <= f["start_s"] <= lab["end_s"] + MATCH_SLACK_S))
    taken_labels = set()
    for _, i, j in candidates:
        if i in taken_labels or j in used:
            continue
        taken_labels.add(i)
        used.add(j)
        pairs.append((labels[i], found[j]))
    return pairs


class Tally:
    def __init__(self) -> None:
        self.tp: dict[str, int] = {}
        self.labelled: dict[str, int] = {}
        self.found: dict[str, int] = {}
        self.misses: list[str] = []
        self.extras: list[str] = []

    def add(self, answer_id: str, labels: list[dict], found: list[dict], family: bool) -> None:
        pairs = match_fillers(labels, found, family)
        for lab in labels:
            self.labelled[lab["text"]] = self.labelled.get(lab["text"], 0) + 1
        for f in found:
            self.found[f["text"]] = self.found.get(f["text"], 0) + 1
        for lab, _ in pairs:
            self.tp[lab["text"]] = self.tp.get(lab["text"], 0) + 1
        matched_l = {id(lab) for lab, _ in pairs}
        matched_f = {id(f) for _, f in pairs}
        self.misses += [f"{answer_id}@{lab['start_s']:.1f}:{lab['text']}" for lab in labels if id(lab) not in matched_l]
        self.extras += [f"{answer_id}@{f['start_s']:.1f}:{f['text']}" for f in found if id(f) not in matched_f]

    def overall(self) -> tuple[float, float]:
        tp, lab, found = sum(self.tp.values()), sum(self.labelled.values()), sum(self.found.values())
        return (tp / found if found else 1.0), (tp / lab if lab else 1.0)


def structure_check(entry: dict, doc: dict) -> tuple[int, int, float | None, list[str]]:
    """(correct parts, parts judged, share of labelled STAR seconds labelled right, mistakes)."""
    kind = doc["structure"]["kind"]
    names = {"star": STAR_PARTS, "framework": FRAMEWORK_PARTS}.get(kind)
    if not names:
        return 0, 0, None, []
    labelled = {p["part"]: p for p in entry["parts"]}
    parts = doc["structure"]["parts"]
    correct, wrong = 0, []
    for name in names:
        want, got = labelled.get(name), parts.get(name, {})
        if bool(want) != bool(got.get("present")):
            wrong.append(f"{entry['id']}:{name} {'missed' if want else 'invented'}")
        elif want and abs(got["start_s"] - want["start_s"]) > START_TOLERANCE_S:
            wrong.append(f"{entry['id']}:{name} starts {got['start_s']:.1f} s, labelled {want['start_s']:.1f} s")
        else:
            correct += 1
    return correct, len(names), _time_agreement(entry, doc) if kind == "star" else None, wrong


def _time_agreement(entry: dict, doc: dict) -> float | None:
    """Share of labelled STAR seconds (0.1 s steps) that the analyzer gave to the same part."""
    if not entry["parts"]:
        return None
    got = sorted((info["start_s"], name) for name, info in doc["structure"]["parts"].items() if info["present"])
    total = right = 0
    for part in entry["parts"]:
        t = part["start_s"]
        while t < part["end_s"]:
            current = next((name for start, name in reversed(got) if start <= t + 1e-9), None)
            right += current == part["part"]
            total += 1
            t += 0.1
    return right / total if total else None


def star_budget_note(doc: dict) -> str | None:
    over = [f for f in doc["findings"] if f["kind"] == "star-part-long"]
    return over[0]["message"] if over else None


def run(model, entries: list[dict], options: TranscribeOptions, questions: dict, verbose: bool,
        cache: dict | None = None) -> dict:
    """Every answer through transcription (or `cache`: id -> saved transcript) and analysis."""
    tally, strict = Tally(), Tally()
    parts_ok = parts_all = 0
    agreements, wrong_parts, wpm_err, dur_err, first_err, scores = [], [], [], [], [], []
    started = time.monotonic()
    for entry in entries:
        if cache is not None and entry["id"] in cache:
            transcript = _from_doc(cache[entry["id"]])
        else:
            transcript = transcribe(model, entry["id"], entry, options)
        if cache is not None:
            cache[entry["id"]] = _to_doc(transcript)
        doc = analyze(transcript, judged_question(entry, questions[entry["question_id"]]), audio_name=entry["file"])
        found = doc["fillers"]["at"]
        tally.add(entry["id"], entry["fillers"], found, family=True)
        strict.add(entry["id"], entry["fillers"], found, family=False)
        ok, judged, agreement, wrong = structure_check(entry, doc)
        parts_ok, parts_all = parts_ok + ok, parts_all + judged
        wrong_parts += wrong
        if agreement is not None:
            agreements.append(agreement)
        span = entry["speech_end_s"] - entry["speech_start_s"]
        wpm_err.append(abs(doc["pace"]["wpm"] - entry["wpm"]) / entry["wpm"])
        dur_err.append(abs(doc["timing"]["duration_s"] - span))
        first_err.append(abs(doc["timing"]["first_word_s"] - entry["speech_start_s"]))
        scores.append((entry, doc))
        if verbose:
            print(f"  {entry['id']:<26} score {doc['score']:>3}  fillers {len(entry['fillers']):>2} labelled "
                  f"{len(found):>2} found  parts {ok}/{judged}  wpm {doc['pace']['wpm']:.0f}/{entry['wpm']:.0f}  "
                  f"dur {doc['timing']['duration_s']:.1f}/{span:.1f}", flush=True)
    precision, recall = tally.overall()
    return {"tally": tally, "strict": strict, "precision": precision, "recall": recall,
            "structure": parts_ok / parts_all if parts_all else 1.0, "agreement": agreements,
            "wrong_parts": wrong_parts, "wpm_error": statistics.mean(wpm_err), "dur_error": statistics.mean(dur_err),
            "first_error": statistics.mean(first_err), "scores": scores, "seconds": time.monotonic() - started}


def print_fillers(result: dict) -> None:
    strict = result["strict"]
    print("\nfillers (per type strict; overall treats er/uh as one sound)")
    print(f"  {'type':<10} {'labelled':>8} {'found':>6} {'hit':>4} {'precision':>9} {'recall':>7}")
    for text in sorted(set(strict.labelled) | set(strict.found)):
        lab, found, tp = strict.labelled.get(text, 0), strict.found.get(text, 0), strict.tp.get(text, 0)
        p = f"{tp / found:.2f}" if found else "-"
        r = f"{tp / lab:.2f}" if lab else "-"
        print(f"  {text:<10} {lab:>8} {found:>6} {tp:>4} {p:>9} {r:>7}")
    sp, sr = strict.overall()
    print(f"  overall strict P={sp:.3f} R={sr:.3f}; overall P={result['precision']:.3f} R={result['recall']:.3f}")
    print(f"  missed: {', '.join(result['tally'].misses) or 'none'}")
    print(f"  extra:  {', '.join(result['tally'].extras) or 'none'}")


def print_scores(result: dict) -> None:
    groups: dict[str, list[int]] = {"complete on-topic": [], "off-topic": [], "too short": [], "other": []}
    print("\nscores")
    for entry, doc in result["scores"]:
        features = set(entry["features"])
        group = ("off-topic" if "off-topic" in features else "too short" if "short" in features else
                 "complete on-topic" if features & {"star-complete", "framework-complete"} else "other")
        groups[group].append(doc["score"])
        if group in ("off-topic", "too short"):
            reasons = "; ".join(f"{d['reason']} -{d['points']}" for d in doc["deductions"])
            print(f"  {entry['id']:<26} {doc['score']:>3}  {reasons}")
    for name, values in groups.items():
        if values:
            print(f"  mean {name:<18} {statistics.mean(values):5.1f} over {len(values)}")
    notes = [(entry["id"], star_budget_note(doc)) for entry, doc in result["scores"]]
    for answer_id, note in notes:
        if note:
            print(f"  budget: {answer_id}: {note}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help=f"only {len(QUICK)} answers covering every filler type")
    ap.add_argument("--only", nargs="+", metavar="ID", help="only these answer ids")
    ap.add_argument("--steps", action="store_true", help="run once per filler strategy step and compare")
    ap.add_argument("--model", help="model folder or name (default: the bundled tiny.en)")
    ap.add_argument("-v", "--verbose", action="store_true", help="a line per answer")
    ap.add_argument("--transcripts", type=Path, metavar="JSON",
                    help="reuse the transcripts saved in this file (written when missing): analyzers only")
    args = ap.parse_args(argv)
    entries = load_labels(args.quick, args.only)
    questions = {e["question_id"]: find_question(load_personas(), e["question_id"])[1] for e in entries}
    resolved = resolve_model(args.model)
    base = TranscribeOptions(model=args.model, partial_every_s=None)
    model = load_model(resolved.source, base.compute_type, base.cpu_threads)
    audio_s = sum(e["duration_s"] for e in entries)
    print(f"accuracy: {len(entries)} answers, {audio_s:.0f} s of audio, model {resolved.label}, "
          f"filler strategy {', '.join(base.filler_pass) or 'prompt only'}", flush=True)
    cache = json.loads(args.transcripts.read_text()) if args.transcripts and args.transcripts.exists() else None
    if args.transcripts and cache is None:
        cache = {}
    result = None
    if args.steps:
        for name, change in STEPS:
            options = replace(base, **change)
            same = options == base
            result_step = run(model, entries, options, questions, False, cache if same else None)
            result = result_step if same else result
            strict = result_step["strict"].overall()
            print(f"step {name:<22} filler P={result_step['precision']:.3f} R={result_step['recall']:.3f} "
                  f"(strict P={strict[0]:.3f} R={strict[1]:.3f})  structure {result_step['structure']:.3f}  "
                  f"wpm err {100 * result_step['wpm_error']:.1f}%  {result_step['seconds']:.0f} s", flush=True)
    if result is None:
        result = run(model, entries, base, questions, args.verbose, cache)
    if args.transcripts:
        args.transcripts.write_text(json.dumps(cache))
    print_fillers(result)
    agreement = statistics.mean(result["agreement"]) if result["agreement"] else float("nan")
    print(f"\nstructure: part accuracy {result['structure']:.3f} (start within {START_TOLERANCE_S} s); "
          f"STAR time labelled right {agreement:.3f}")
    for wrong in result["wrong_parts"]:
        print(f"  {wrong}")
    print(f"\npace: wpm error {100 * result['wpm_error']:.1f}%  duration error {result['dur_error']:.2f} s  "
          f"first word error {result['first_error']:.2f} s")
    print_scores(result)
    print(f"\ntranscription and analysis took {result['seconds']:.0f} s for {audio_s:.0f} s of audio")
    print(f"accuracy filler_precision={result['precision']:.3f} filler_recall={result['recall']:.3f} "
          f"structure_accuracy={result['structure']:.3f} wpm_error_pct={100 * result['wpm_error']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
