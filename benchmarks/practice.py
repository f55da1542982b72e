"""How well the practice analyzers agree with what the practice candidate really said.

Each recording in audio_fixtures/practice/ is transcribed by the bundled model (whole file, as `transcribe` does);
the analyzers then run twice, on the exact script (manifest transcript) and on what the model heard, and the
benchmark prints where they agree: the resume check's mismatches and matched numbers, the questions-back count and
judgements, and the framework parts of the structuring exercise (turns joined). Plus the word error rate per file and
the seconds each analyzer takes (pure code: these should be milliseconds).

The last line is machine-readable:
    practice wer_mean=A resume_agree=B asks_agree=C exercise_parts_agree=D analyzers_ms=E
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRACTICE = ROOT / "audio_fixtures" / "practice"
DEMO = ROOT / "voice_interviewer" / "data" / "demo"  # the candidate's questions for the interviewer live here
sys.path.insert(0, str(ROOT))

from voice_interviewer.audio.sources import WavFileSource  # noqa: E402
from voice_interviewer.config import TranscribeOptions  # noqa: E402
from voice_interviewer.feedback.asks import analyze_asks  # noqa: E402
from voice_interviewer.feedback.resume_match import match_resume  # noqa: E402
from voice_interviewer.feedback.structure import analyze_structure  # noqa: E402
from voice_interviewer.feedback.timing import split_sentences, tokenize  # noqa: E402
from voice_interviewer.practice.exercise import framework_feedback  # noqa: E402
from voice_interviewer.practice.resume import program_bullets, read_resume  # noqa: E402
from voice_interviewer.session.interview import typed_transcript  # noqa: E402
from voice_interviewer.speech.transcribe import load_model, resolve_model, transcribe_frames  # noqa: E402
from voice_interviewer.speech.wer import word_error_rate  # noqa: E402


def _framework(text: str) -> dict:
    tokens = tokenize(typed_transcript(text).words)
    structure = analyze_structure("framework", split_sentences(tokens), tokens).as_doc()
    return framework_feedback(structure, 0.0)


def main() -> int:
    manifest = {e["file"]: e for e in json.loads((PRACTICE / "manifest.json").read_text())["recordings"]}
    manifest.update({e["file"]: e for e in json.loads((DEMO / "manifest.json").read_text())["asks"]})
    resolved = resolve_model(None)
    options = TranscribeOptions(partial_every_s=None)
    model = load_model(resolved.source, options.compute_type, options.cpu_threads)
    heard, wers = {}, []
    print(f"{'file':28} {'seconds':>8} {'decode_s':>9} {'wer':>6}")
    for name, entry in manifest.items():
        started = time.perf_counter()
        transcript = transcribe_frames(WavFileSource((DEMO if ".asks." in name else PRACTICE) / name).frames(), model, options, resolved.label)
        heard[name] = transcript.text
        wer = word_error_rate(entry["transcript"], transcript.text)
        wers.append(wer)
        print(f"{name:28} {entry['duration_s']:8.1f} {time.perf_counter() - started:9.2f} {wer:6.3f}")

    timer = time.perf_counter()
    bullet = program_bullets(read_resume(PRACTICE / "sample_resume.txt"))[0]
    truth, _ = match_resume(manifest["resume-objective.wav"]["transcript"], bullet.dive, "objective")
    got, _ = match_resume(heard["resume-objective.wav"], bullet.dive, "objective")
    resume_checks = [
        [m["said"] for m in truth["mismatches"]] == [m["said"] for m in got["mismatches"]],
        set(truth["scale"]["matched"]) == set(got["scale"]["matched"]),
        set(truth["outcome"]["matched"]) == set(got["outcome"]["matched"]),
        truth["objective"]["said"] == got["objective"]["said"],
    ]
    asks_truth = analyze_asks(manifest["hiring-manager.asks.ogg"]["transcript"])
    asks_got = analyze_asks(heard["hiring-manager.asks.ogg"])
    asks_checks = [asks_truth[k] == asks_got[k] for k in ("count", "specific", "searchable", "verdict")]
    turns = [f"exercise-turn{n}.wav" for n in (1, 2, 3)]
    ex_truth = _framework(" ".join(manifest[t]["transcript"] for t in turns))
    ex_got = _framework(" ".join(heard[t] for t in turns))
    parts_checks = [ex_truth["parts"][p]["present"] == ex_got["parts"][p]["present"] for p in ex_truth["parts"]]
    analyzers_ms = (time.perf_counter() - timer) * 1000

    print(f"\nresume check: mismatches script={[m['said'] for m in truth['mismatches']]} "
          f"heard={[m['said'] for m in got['mismatches']]}; scale matched script={truth['scale']['matched']} "
          f"heard={got['scale']['matched']}; outcome matched heard={got['outcome']['matched']}")
    print(f"questions back: script count={asks_truth['count']} specific={asks_truth['specific']} "
          f"searchable={asks_truth['searchable']}; heard count={asks_got['count']} specific={asks_got['specific']} "
          f"searchable={asks_got['searchable']}")
    print(f"exercise: script covered={ex_truth['covered']} order={ex_truth['order']} "
          f"out_of_order={ex_truth['out_of_order']}; heard covered={ex_got['covered']} order={ex_got['order']} "
          f"out_of_order={ex_got['out_of_order']}")
    print(f"practice wer_mean={sum(wers) / len(wers):.3f} resume_agree={sum(resume_checks)}/{len(resume_checks)} "
          f"asks_agree={sum(asks_checks)}/{len(asks_checks)} "
          f"exercise_parts_agree={sum(parts_checks)}/{len(parts_checks)} analyzers_ms={analyzers_ms:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
