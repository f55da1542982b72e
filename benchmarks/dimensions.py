"""How far the debrief's ratings agree with a human rater: the guide's five dimensions on labelled answers.

audio_fixtures/dimensions/labels.json holds (answer, dimension, rating) triples written by hand against the guide.
Every labelled answer goes through the real pipeline: its recording is transcribed by the bundled model (unless
--model) and analysed with its question (feedback.analyze), and the rating of each labelled dimension is compared
with the label on the four-point scale (strong-no-hire, no-hire, hire, strong-hire).

The set is split by voice: `dev` answers (three espeak-ng voices and the real clips) are the ones the analyzer's
signals and cuts were tuned on; `held-out` answers (two other eval voices and three voices only this set uses) were
never looked at while tuning, and they are what the last line reports. Figures per split, per voice and per
dimension are printed above it, with every disagreement. --typed skips the audio and analyses the written
transcripts (a quick check of the analyzer alone; its figures are not the benchmark's).

The last line is:
    dimensions agree_within_one=W exact=E n=N strong_hire_on_no_hire=V  (held-out answers, from audio)
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SET = ROOT / "audio_fixtures" / "dimensions"
sys.path.insert(0, str(ROOT))

from voice_interviewer.audio.sources import WavFileSource  # noqa: E402
from voice_interviewer.config import TranscribeOptions  # noqa: E402
from voice_interviewer.content.personas import find_question, load_personas  # noqa: E402
from voice_interviewer.feedback import analyze  # noqa: E402
from voice_interviewer.feedback.dimensions import RATING_CUTS, RATING_VALUE, RATINGS  # noqa: E402
from voice_interviewer.records import Transcript, Word  # noqa: E402
from voice_interviewer.session.interview import typed_transcript  # noqa: E402

QUICK = ("ev-star-billing", "ev-fw-slip", "ev-short-10s", "dm-let-engineers", "dm-tech-walkthrough",
         "dm-hide-slip", "fx-br-influence-leader", "real-jfk-offtopic")


def load_set() -> tuple[dict, list[dict]]:
    doc = json.loads((SET / "labels.json").read_text())
    return {a["id"]: a for a in doc["answers"]}, doc["labels"]


def written_transcript(answer: dict) -> str | None:
    if "transcript" in answer:
        return answer["transcript"]
    eval_labels = json.loads((ROOT / "audio_fixtures" / "eval" / "labels.json").read_text())["answers"]
    return next((e.get("transcript") for e in eval_labels if e["id"] == answer["id"]), None)


def transcripts(answers: dict, typed: bool, model_name: str | None) -> dict:
    if typed:
        return {aid: typed_transcript(written_transcript(a) or "") for aid, a in answers.items()}
    from voice_interviewer.speech.transcribe import load_model, resolve_model, transcribe_frames

    resolved = resolve_model(model_name)
    options = TranscribeOptions(model=model_name, partial_every_s=None)
    model = load_model(resolved.source, options.compute_type, options.cpu_threads)
    out = {}
    for aid, answer in answers.items():
        source = WavFileSource((SET / answer["file"]).resolve())
        out[aid] = transcribe_frames(source.frames(), model, options, resolved.label)
    return out


def _to_doc(transcript: Transcript) -> dict:
    return {"words": [[w.text, w.start, w.end, w.probability] for w in transcript.words],
            "duration_s": transcript.audio_duration_s, "model": transcript.model, "extra": transcript.extra}


def cached(path: Path, answers: dict) -> dict:
    """Transcripts saved by an earlier run (--cache) of these answers; the rest are transcribed again."""
    doc = json.loads(path.read_text())
    return {aid: Transcript(tuple(Word(*w) for w in doc[aid]["words"]), doc[aid]["duration_s"], doc[aid]["model"],
                            {k: [tuple(s) for s in v] for k, v in doc[aid]["extra"].items()})
            for aid in answers if aid in doc}


def rate(answers: dict, labels: list[dict], said: dict) -> list[dict]:
    personas = load_personas()
    docs = {}
    for aid in {label["answer"] for label in labels}:
        _, question = find_question(personas, answers[aid]["question_id"])
        docs[aid] = analyze(said[aid], question)
    rows = []
    for label in labels:
        answer, doc = answers[label["answer"]], docs[label["answer"]]
        found = doc["dimensions"].get(label["dimension"], {})
        got = found.get("rating", "not-assessed")
        net = sum(e["weight"] if e["for"] else -e["weight"] for e in found.get("evidence", []))
        rows.append({"answer": label["answer"], "dimension": label["dimension"], "label": label["rating"],
                     "got": got, "split": answer["split"], "voice": answer["voice"], "net": net,
                     "capped": got == "no-hire" and _cut(net, RATING_CUTS) not in ("strong-no-hire", "no-hire"),
                     "fixed": any(e.get("signal", "").startswith("No speech") for e in found.get("evidence", []))})
    return rows


def _cut(net: float, cuts) -> str:
    for cut, rating in cuts:
        if net < cut:
            return rating
    return "strong-hire"


def _rated(row: dict, cuts) -> str:
    """The row's rating under other cuts: the same evidence, the same cap at no-hire, no speech stays strong-no-hire."""
    if row["fixed"]:
        return "strong-no-hire"
    rating = _cut(row["net"], cuts)
    return "no-hire" if row["capped"] and RATING_VALUE[rating] > 1 else rating


_GRID = [x / 4 for x in range(-24, 33)]  # -6 .. 8 in quarter steps


def fit_cuts(rows: list[dict]):
    """The three cuts that agree best with these rows' labels (exact plus within one), never giving strong-hire to
    a no-hire label; ties go to the cuts nearest the shipped RATING_CUTS."""
    shipped = [c for c, _ in RATING_CUTS]
    best, best_key = None, None
    for low in _GRID:
        for mid in (m for m in _GRID if m > low):
            for high in (h for h in _GRID if h > mid):
                cuts = ((low, RATINGS[0]), (mid, RATINGS[1]), (high, RATINGS[2]))
                got = [(_rated(r, cuts), r["label"]) for r in rows]
                if any(g == "strong-hire" and RATING_VALUE[lab] <= 1 for g, lab in got):
                    continue
                exact = sum(g == lab for g, lab in got)
                near = sum(abs(RATING_VALUE[g] - RATING_VALUE[lab]) <= 1 for g, lab in got)
                key = (exact + near, -sum(abs(a - b) for a, b in zip((low, mid, high), shipped)))
                if best_key is None or key > best_key:
                    best, best_key = cuts, key
    return best


def leave_one_voice_out(rows: list[dict]) -> list[dict]:
    """Each voice's rows rated with cuts fitted on every other voice's rows."""
    out = []
    for voice in sorted({r["voice"] for r in rows}):
        cuts = fit_cuts([r for r in rows if r["voice"] != voice])
        print(f"  cuts without {voice:<20} {', '.join(f'{c:g}' for c, _ in cuts)}")
        out += [{**r, "got": _rated(r, cuts)} for r in rows if r["voice"] == voice]
    return out


def figures(rows: list[dict]) -> dict:
    n = len(rows)
    if not n:
        return {"n": 0, "within_one": 0.0, "exact": 0.0, "violations": 0}
    gaps = [abs(RATING_VALUE.get(r["got"], -9) - RATING_VALUE[r["label"]]) for r in rows]
    violations = sum(1 for r in rows if r["got"] == "strong-hire" and RATING_VALUE[r["label"]] <= 1)
    return {"n": n, "within_one": sum(g <= 1 for g in gaps) / n, "exact": sum(g == 0 for g in gaps) / n,
            "violations": violations}


def _line(name: str, f: dict) -> str:
    return (f"  {name:<28} n={f['n']:>3}  within one {f['within_one']:.3f}  exact {f['exact']:.3f}  "
            f"strong hire on no hire {f['violations']}")


def report(rows: list[dict], show_held_out: bool) -> dict:
    for split in ("dev", "held-out") if show_held_out else ("dev",):
        mine = [r for r in rows if r["split"] == split]
        print(f"\n{split} answers")
        print(_line("all", figures(mine)))
        for key in ("voice", "dimension"):
            groups = collections.defaultdict(list)
            for r in mine:
                groups[r[key]].append(r)
            for name in sorted(groups):
                print(_line(f"{key} {name}", figures(groups[name])))
    confusion = collections.Counter((r["label"], r["got"]) for r in rows if r["split"] == "held-out")
    print("\nheld-out confusion (label -> rating: count)" if show_held_out else "")
    for (label, got), count in sorted(confusion.items(), key=lambda kv: (RATING_VALUE[kv[0][0]], kv[0][1])):
        print(f"  {label:>15} -> {got:<15} {count}")
    print("\ndisagreements" + ("" if show_held_out else " (dev only; --show-held-out for all)"))
    for r in rows:
        if r["got"] != r["label"] and (show_held_out or r["split"] == "dev"):
            print(f"  [{r['split']}] {r['answer']:<24} {r['dimension']:<23} label {r['label']:<15} got {r['got']}")
    return figures([r for r in rows if r["split"] == "held-out"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--typed", action="store_true", help="analyse the written transcripts, no audio")
    parser.add_argument("--quick", action="store_true", help=f"only {len(QUICK)} answers")
    parser.add_argument("--model", help="speech model (default: the bundled one)")
    parser.add_argument("--show-held-out", action="store_true",
                        help="list held-out disagreements too (not while tuning)")
    parser.add_argument("--cache", type=Path, help="keep the transcripts in this JSON file and reuse them")
    args = parser.parse_args(argv)
    answers, labels = load_set()
    if args.quick:
        answers = {k: v for k, v in answers.items() if k in QUICK}
        labels = [label for label in labels if label["answer"] in answers]
    began = time.monotonic()
    said = cached(args.cache, answers) if args.cache and args.cache.exists() and not args.typed else {}
    missing = {k: v for k, v in answers.items() if k not in said}
    if missing:
        said |= transcripts(missing, args.typed, args.model)
        if args.cache and not args.typed:
            args.cache.write_text(json.dumps({k: _to_doc(t) for k, t in said.items()}))
    rows = rate(answers, labels, said)
    print(f"dimensions: {len(answers)} answers, {len(rows)} labelled triples, "
          f"{'written transcripts' if args.typed else 'transcribed from audio'}, "
          f"{time.monotonic() - began:.0f} s")
    held = report(rows, args.show_held_out)
    print(f"\nshipped cuts {', '.join(f'{c:g}' for c, _ in RATING_CUTS)}; held-out answers with them: "
          f"within one {held['within_one']:.3f}, exact {held['exact']:.3f}, n={held['n']}")
    print("\nleave one voice out (cuts fitted on the other voices; signals were written on dev voices only)")
    lovo = leave_one_voice_out(rows)
    print(_line("all voices", figures(lovo)))
    for split in ("dev", "held-out"):
        print(_line(f"{split} voices", figures([r for r in lovo if r["split"] == split])))
    for voice in sorted({r["voice"] for r in lovo}):
        print(_line(f"voice {voice}", figures([r for r in lovo if r["voice"] == voice])))
    dev_cuts = fit_cuts([r for r in rows if r["split"] == "dev"])
    print(f"  cuts fitted on the dev voices (what RATING_CUTS should hold): {', '.join(f'{c:g}' for c, _ in dev_cuts)}")
    final = figures([r for r in lovo if r["split"] == "held-out"])
    print(f"dimensions agree_within_one={final['within_one']:.3f} exact={final['exact']:.3f} n={final['n']} "
          f"strong_hire_on_no_hire={final['violations']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
