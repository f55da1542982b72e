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
  STAR time given the right part, and of the parts the labels say are missing, how many the analyzer calls missing.
- pace: |wpm - labelled wpm| / labelled wpm (labelled: words without fillers over the exact speech span);
  duration and first-word errors in seconds against the exact speech span. WER: the transcript against the
  labelled one (speech/wer.py), a mean per group: what the recogniser itself heard.
- scores: complete on-topic answers against off-topic (real speech included) and too-short ones, with the reasons.

- conditions: every answer clean; the first --per-voice answers of each voice also through four microphones
  rendered with sox (benchmarks/microphones.py, cached under $EVAL_CACHE). Tables per voice, per condition, and
  voice x condition. Three more (microphones.HELD_OUT) run only when named: they check a rule, never choose one.
- invented phrases: runs of words outside the labelled speech, classic Whisper phrases added where the labels lack
  them, or stretches holding 3+ more words than were said there (and twice as many); and every word
  speech/hallucination.py dropped. A mishearing of about as many words as were said is not invented.
- key points heard: of the question's key points the labelled transcript covers, the share the recognised one
  covers too (a point said but misheard, "program charger" for "program charter", is reported missing), and the
  points covered only in what was recognised.
- hard-to-hear warning (feedback.hearing): of the answers heard with a word error rate over BADLY_HEARD_WER, the share
  the feedback warns of; of the others, the share warned of for nothing; and of the answers whose feedback reports a
  part or key point missing that was said, the share warned of.
- paired answers: the complete answer must outscore its copy with a part removed by PAIR_MARGIN, or with a key
  point cut or many fillers added by 1 (per condition); a tally per kind of pair.

The filler pass's encoder probe (speech/hesitation_probe.py) was trained on these voices, so by default each voice is
heard by a probe trained without it and without any answer whose script it says (benchmarks/hesitation_probe.py
--folds, made on first use under $EVAL_CACHE): the figures are those of a voice the probe never heard.
--held-out-voices runs the held-out voices instead (audio_fixtures/eval/held_out: two speakers no rule, threshold or
probe was chosen on, every script of the set) with the shipped probe, which never heard them: what a new voice gets.

--steps runs the set once per filler strategy step (see STEPS) and prints what each adds. The last line is:
    accuracy filler_precision=P filler_recall=R structure_accuracy=S wpm_error_pct=W worst_voice_filler_recall=V
    worst_condition_filler_recall=C pairs_ranked_right=F invented_phrases=N key_points_heard=K
    hard_to_hear_warned=H warned_for_nothing=X
(the first four and key_points_heard on clean audio; the worst voice pools its conditions, the worst condition its
voices; the last two over every answer run).
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import statistics
import sys
import re
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "audio_fixtures" / "eval"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import soundfile as sf  # noqa: E402

from voice_interviewer.audio.files import read_audio  # noqa: E402
from voice_interviewer.audio.sources import WavFileSource  # noqa: E402
from voice_interviewer.config import TranscribeOptions  # noqa: E402
from voice_interviewer.content.personas import FRAMEWORK_PARTS, STAR_PARTS, find_question, load_personas  # noqa: E402
from voice_interviewer.feedback import analyze  # noqa: E402
from voice_interviewer.records import Transcript, Word  # noqa: E402
from voice_interviewer.speech.transcribe import load_model, resolve_model, transcribe_frames  # noqa: E402
from voice_interviewer.speech.wer import word_error_rate  # noqa: E402
from microphones import CONDITIONS, HELD_OUT, render  # noqa: E402

MATCH_SLACK_S = 0.5
START_TOLERANCE_S = 2.5
FAMILY = {"er": "uh", "erm": "um"}
QUICK = ("ev-nervous-star", "ev-nervous-screen", "ev-star-noauth", "ev-fw-payments", "ev-screen-motivation",
         "ev-short-10s", "real-jfk-offtopic", "flite-rms--in-so-like", "festival-kal--in-so-like",
         "flite-slt--in-run-migration", "festival-slt-hts--ev-nervous-screen", "flite-awb--ev-star-no-task")
OFF_TOPIC_MAX, SHORT_MAX = 20, 30
# Filler strategy steps, each adding to the one before (TranscribeOptions fields).
STEPS = (
    ("no prompt", {"prompt": "", "filler_pass": ()}),
    ("prompt every window", {"filler_pass": ()}),
    ("+ acoustic detection", {"filler_pass": ("acoustic",)}),
    ("+ second pass", {"filler_pass": ("acoustic", "second-pass")}),
    ("+ encoder probe", {"filler_pass": ("acoustic", "second-pass", "encoder-probe")}),
)


def load_labels(quick: bool, only: list[str] | None, held_out: bool = False) -> list[dict]:
    """The set's answers (QUICK ones with quick, the ids in only), or the held-out voices' (never tuned on; with
    quick, their answers of QUICK's scripts)."""
    answers = json.loads((EVAL / ("held_out/labels.json" if held_out else "labels.json")).read_text())["answers"]
    if only:
        return [a for a in answers if a["id"] in only]
    if not quick:
        return answers
    if held_out:  # each held-out answer names the script it says; QUICK's ids end with theirs
        scripts = {answer_id.split("--")[-1] for answer_id in QUICK}
        return [a for a in answers if a["source_answer"] in scripts]
    return [a for a in answers if a["id"] in QUICK]


CACHE = Path(os.environ.get("EVAL_CACHE", "/tmp/eval-cache"))  # microphone renderings, made on first use
RENDER_SOURCE = Path(render.__code__.co_filename).read_bytes()  # a rendering made by other code is made again


def condition_audio(entry: dict, condition: str) -> Path:
    """The answer's audio as that microphone would give it: a WAV in CACHE (the clean file itself for clean)."""
    source = (EVAL / entry["file"]).resolve()
    if condition == "clean":
        return source
    key = hashlib.sha1(source.read_bytes() + condition.encode() + RENDER_SOURCE).hexdigest()[:12]
    out = CACHE / condition / f"{entry['id']}-{key}.wav"
    if out.exists():
        return out
    signal = render(read_audio(source), condition, (entry["speech_start_s"], entry["speech_end_s"]), entry["id"])
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".{os.getpid()}.tmp.wav")  # two runs at once each write their own, then one replaces
    sf.write(tmp, signal, 16000, subtype="PCM_16")
    tmp.replace(out)
    return out


PROBE_FOLDS = CACHE / "probe-folds"  # benchmarks/hesitation_probe.py --folds: one encoder probe per voice left out


def fold_path(voice: str) -> Path:
    return PROBE_FOLDS / f"{voice}.npz"


DROPPED: list[str] = []  # words speech/hallucination.py dropped during the current transcription


def _watch_filter() -> None:
    """Record what the no-invented-words filter drops (final decodes only), to show what it costs and saves."""
    import voice_interviewer.speech.transcribe as transcribe_module

    real = transcribe_module.drop_unsupported

    def watched(words, spans, **kw):
        kept = real(words, spans, **kw)
        left = list(kept)
        for w in words:
            if w in left:
                left.remove(w)
            else:
                DROPPED.append(f"{w.text}@{w.start:.1f}")
        return kept

    transcribe_module.drop_unsupported = watched


def transcribe(model, label: str, entry: dict, options: TranscribeOptions, condition: str = "clean"):
    source = WavFileSource(condition_audio(entry, condition))
    DROPPED.clear()
    transcript = transcribe_frames(source.frames(), model, options, label)
    if DROPPED:
        transcript.extra["dropped"] = [(w,) for w in DROPPED]
    return transcript


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


def missing_parts(entry: dict, doc: dict) -> tuple[int, int]:
    """(parts the labels say are missing, how many of those the analyzer also calls missing), for an answer judged
    as STAR or framework: issue 13 wants >= 0.9 of missing parts found (what the feedback asks the candidate for)."""
    names = {"star": STAR_PARTS, "framework": FRAMEWORK_PARTS}.get(doc["structure"]["kind"], ())
    labelled = {p["part"] for p in entry["parts"]}
    missing = [name for name in names if name not in labelled]
    return len(missing), sum(name in doc["structure"]["missing"] for name in missing)


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


INVENTED = ("thank you", "thanks for watching", "thank you for watching", "subscribe", "bye", "you")
MIN_INSERTED_RUN = 3  # this many heard words more than were said in one stretch (and twice as many) are made up
MIN_AGREEING_RUN = 2  # this many words heard as said end a stretch of disagreement
SPEECH_SLACK_S = (0.3, 0.6)  # a word may start this much before the labelled speech and end this much after


def invented_phrases(entry: dict, transcript: Transcript) -> list[str]:
    """Runs of words no speech supports: outside the labelled speech span, a classic Whisper phrase ("thank
    you", "thanks for watching", a lone "you") added where the labelled transcript does not hold it, or a stretch
    holding MIN_INSERTED_RUN or more words than were said there, and at least twice as many ("and then we'll see you
    next time"). A stretch is where the heard words disagree with the labelled ones, up to MIN_AGREEING_RUN words
    heard as said. A mishearing puts about as many words in a stretch as were said ("tell my sprinting on the data"
    for "tell the vice president that the date"): the audio supports it, and the word error rate counts it."""
    ref_words = _norm_words(entry["transcript"])
    lo, hi = entry["speech_start_s"] - SPEECH_SLACK_S[0], entry["speech_end_s"] + SPEECH_SLACK_S[1]
    words = transcript.words
    bad = [w.end < lo or w.start > hi for w in words]
    normed = [" ".join(_norm_words(w.text)) for w in words]
    added = _added_words(ref_words, [n.replace(" ", "") for n in normed])
    ref = " " + " ".join(ref_words) + " "
    for phrase in INVENTED:
        n = len(phrase.split())
        if f" {phrase} " in ref:
            continue
        for i in range(len(words) - n + 1):
            if " ".join(normed[i:i + n]) == phrase and min(added[i:i + n]) >= n:
                for k in range(i, i + n):
                    bad[k] = True
    for k, extra in enumerate(added):
        if extra >= MIN_INSERTED_RUN:
            bad[k] = True
    runs, current = [], []
    for w, b in zip(words, bad):
        if b:
            current.append(w.text)
        elif current:
            runs.append(" ".join(current))
            current = []
    if current:
        runs.append(" ".join(current))
    return runs


def _added_words(said: list[str], heard: list[str]) -> list[int]:
    """Per heard word, how many words more than were said its stretch holds (0 where it is heard as said, or where
    the stretch holds under twice the words said)."""
    ops = difflib.SequenceMatcher(None, said, heard, autojunk=False).get_opcodes()
    added = [0] * len(heard)
    stretch: list[tuple] = []

    def close() -> None:
        said_n = sum(i2 - i1 for _, i1, i2, _, _ in stretch)
        heard_n = sum(j2 - j1 for _, _, _, j1, j2 in stretch)
        if heard_n - said_n > 0 and heard_n >= 2 * said_n:
            for op, _, _, j1, j2 in stretch:
                if op != "equal":
                    added[j1:j2] = [heard_n - said_n] * (j2 - j1)
        stretch.clear()

    for op in ops:
        if op[0] == "equal" and op[2] - op[1] >= MIN_AGREEING_RUN:
            close()
        else:
            stretch.append(op)
    close()
    return added


def key_points_heard(entry: dict, doc: dict, question) -> tuple[int, int, int]:
    """(key points the labelled transcript covers, how many of them the recognised words cover too, points only
    the recognised words cover). The labelled words get even times: key points do not depend on them."""
    words = tuple(Word(w, 0.3 * i, 0.3 * i + 0.25, 1.0) for i, w in enumerate(entry["transcript"].split()))
    said = set(analyze(Transcript(words), question)["key_points"]["covered"])
    heard = set(doc["key_points"]["covered"])
    return len(said), len(said & heard), len(heard - said)


def _norm_words(text: str) -> list[str]:
    return [w for w in (re.sub(r"[^a-z']", "", t.lower()) for t in text.split()) if w]


def voice_of(entry: dict) -> str:
    return entry["voice"] or "real"


def family_of(entry: dict) -> str:
    return entry.get("family") or ("real" if entry["kind"] == "real" else "espeak-ng")


def run(model, entries: list[dict], options: TranscribeOptions, questions: dict, verbose: bool,
        cache: dict | None = None, condition: str = "clean", folds: bool = False) -> dict:
    """Every answer through transcription (or `cache`: condition/id -> saved transcript) and analysis; `folds`:
    each voice heard by the encoder probe trained without it (benchmarks/hesitation_probe.py --folds)."""
    rows = []
    started = time.monotonic()
    for entry in entries:
        key = entry["id"] if condition == "clean" else f"{condition}/{entry['id']}"
        if cache is not None and key in cache:
            transcript = _from_doc(cache[key])
        else:
            heard_with = replace(options, hesitation_probe=str(fold_path(voice_of(entry)))) if folds else options
            transcript = transcribe(model, entry["id"], entry, heard_with, condition)
        if cache is not None:
            cache[key] = _to_doc(transcript)
        question = judged_question(entry, questions[entry["question_id"]])
        doc = analyze(transcript, question, audio_name=entry["file"])
        ok, judged, agreement, wrong = structure_check(entry, doc)
        span = entry["speech_end_s"] - entry["speech_start_s"]
        invented = invented_phrases(entry, transcript)
        dropped = [d[0] for d in transcript.extra.get("dropped", ())]
        points = key_points_heard(entry, doc, question)
        wer = word_error_rate(entry["transcript"], transcript.text)
        warned = doc["hearing"]["clear"] is False
        said_reported_missing = any(w.endswith(" missed") for w in wrong) or points[1] < points[0]
        rows.append({"dropped": dropped, "entry": entry, "doc": doc, "condition": condition, "ok": ok, "judged": judged,
                     "missing": missing_parts(entry, doc),
                     "agreement": agreement, "wrong": wrong, "invented": invented,
                     "key_points": points,
                     "hearing": {"bad": wer > BADLY_HEARD_WER, "warned": warned, "wrong": said_reported_missing},
                     "wpm_err": abs(doc["pace"]["wpm"] - entry["wpm"]) / entry["wpm"],
                     "wer": wer,
                     "dur_err": abs(doc["timing"]["duration_s"] - span),
                     "first_err": abs(doc["timing"]["first_word_s"] - entry["speech_start_s"])})
        if verbose:
            print(f"  {condition:<12} {entry['id']:<44} score {doc['score']:>3}  fillers {len(entry['fillers']):>2} "
                  f"labelled {len(doc['fillers']['at']):>2} found  parts {ok}/{judged}  "
                  f"wpm {doc['pace']['wpm']:.0f}/{entry['wpm']:.0f}"
                  + (f"  invented {invented}" if invented else "") + (f"  dropped {dropped}" if dropped else ""),
                  flush=True)
    return summarise(rows, time.monotonic() - started)


def summarise(rows: list[dict], seconds: float = 0.0) -> dict:
    """Filler tallies, structure, pace and scores over some rows (one condition, one voice, or all)."""
    tally, strict = Tally(), Tally()
    for row in rows:
        tag = row["entry"]["id"] if row["condition"] == "clean" else f"{row['condition']}/{row['entry']['id']}"
        found = row["doc"]["fillers"]["at"]
        tally.add(tag, row["entry"]["fillers"], found, family=True)
        strict.add(tag, row["entry"]["fillers"], found, family=False)
    precision, recall = tally.overall()
    judged = sum(r["judged"] for r in rows)
    return {"rows": rows, "tally": tally, "strict": strict, "precision": precision, "recall": recall,
            "labelled": sum(tally.labelled.values()),
            "structure": sum(r["ok"] for r in rows) / judged if judged else 1.0, "judged": judged,
            "missing": [sum(r["missing"][k] for r in rows) for k in (0, 1)],
            "key_points": [sum(r["key_points"][k] for r in rows) for k in (0, 1, 2)],
            "agreement": [r["agreement"] for r in rows if r["agreement"] is not None],
            "wrong_parts": [w for r in rows for w in r["wrong"]],
            "wpm_error": statistics.mean(r["wpm_err"] for r in rows) if rows else 0.0,
            "wer": statistics.mean(r["wer"] for r in rows) if rows else 0.0,
            "dur_error": statistics.mean(r["dur_err"] for r in rows) if rows else 0.0,
            "first_error": statistics.mean(r["first_err"] for r in rows) if rows else 0.0,
            "invented": [f"{r['entry']['id']}: {p!r}" for r in rows for p in r["invented"]],
            "hearing": hearing_tally(rows),
            "scores": [(r["entry"], r["doc"]) for r in rows], "seconds": seconds}


def hearing_tally(rows: list[dict]) -> dict:
    """The hard-to-hear warning (feedback.hearing) against what was heard: badly heard answers (WER over
    BADLY_HEARD_WER) warned of, well heard ones warned of for nothing, and answers whose feedback reports a part or
    key point missing that was said, warned of. Answers too short to judge count as not warned."""
    groups = {"bad": [r["hearing"] for r in rows if r["hearing"]["bad"]],
              "good": [r["hearing"] for r in rows if not r["hearing"]["bad"]],
              "wrong": [r["hearing"] for r in rows if r["hearing"]["wrong"]]}
    return {name: (sum(h["warned"] for h in group), len(group)) for name, group in groups.items()}


def _ratio(pair: tuple[int, int], empty: float) -> float:
    return pair[0] / pair[1] if pair[1] else empty


def _share(pair: tuple[int, int]) -> str:
    return f"{_ratio(pair, 0.0):.3f}" if pair[1] else "-"


def print_hearing(groups: dict[str, dict]) -> None:
    print(f"\nhard-to-hear warning (WER over {BADLY_HEARD_WER} is badly heard)")
    print(f"  {'':<18} {'badly heard: warned':>20} {'well heard: warned':>19} {'said, reported missing: warned':>31}")
    for name, r in groups.items():
        h = r["hearing"]
        cells = [f"{h[k][0]}/{h[k][1]} {_share(h[k]):>5}" for k in ("bad", "good", "wrong")]
        print(f"  {name:<18} {cells[0]:>20} {cells[1]:>19} {cells[2]:>31}")


def heard_share(result: dict) -> float:
    said, heard, _ = result["key_points"]
    return heard / said if said else 1.0


def print_groups(title: str, groups: dict[str, dict]) -> None:
    print(f"\n{title}")
    print(f"  {'':<18} {'answers':>7} {'fillers':>7} {'P':>6} {'R':>6} {'structure':>9} {'missing':>7} "
          f"{'wpm err':>8} {'WER':>6} {'invented':>8} {'key pts heard':>13}")
    for name, r in groups.items():
        p = f"{r['precision']:.3f}" if r["labelled"] or sum(r["tally"].found.values()) else "-"
        rec = f"{r['recall']:.3f}" if r["labelled"] else "-"
        struct = f"{r['structure']:.3f}" if r["judged"] else "-"
        labelled, found = r["missing"]
        missing = f"{found}/{labelled}" if labelled else "-"
        said, _, extra = r["key_points"]
        points = f"{heard_share(r):.3f} +{extra}" if said else "-"
        print(f"  {name:<18} {len(r['rows']):>7} {r['labelled']:>7} {p:>6} {rec:>6} {struct:>9} {missing:>7} "
              f"{100 * r['wpm_error']:>7.1f}% {r['wer']:>6.3f} {len(r['invented']):>8} {points:>13}")


def pair_kind(change: str) -> str:
    """The issue's kinds of pair: a STAR part, a framework part or a key point removed, many fillers added."""
    part = change[3:] if change.startswith("no-") else ""
    return ("star part" if part in STAR_PARTS else "framework part" if part in FRAMEWORK_PARTS else
            "key point" if change == "cut-point" else change)


def pair_check(rows: list[dict]) -> tuple[int, int, list[str]]:
    """(pairs ranked right, pairs, lines): the complete answer must outscore its changed copy, by at least
    PAIR_MARGIN points when a structure part was removed; per condition. The lines end with a tally per kind."""
    docs = {(r["condition"], r["entry"]["id"]): r["doc"] for r in rows}
    right = total_pairs = 0
    lines, kinds = [], {}
    for r in rows:
        of = r["entry"].get("pair_of")
        if not of or (r["condition"], of) not in docs:
            continue
        full, changed = docs[(r["condition"], of)]["score"], r["doc"]["score"]
        need = PAIR_MARGIN if r["entry"]["change"].startswith("no-") else 1
        ok = full - changed >= need
        right += ok
        total_pairs += 1
        tally = kinds.setdefault(pair_kind(r["entry"]["change"]), [0, 0, []])
        tally[0] += ok
        tally[1] += 1
        tally[2].append(full - changed)
        lines.append(f"  {'ok ' if ok else 'BAD'} {r['condition']:<12} {r['entry']['id']:<48} complete {full:>3} "
                     f"changed {changed:>3} (need +{need})")
    lines += [f"  {kind}: {ok}/{n} ranked right, margin min {min(gaps)} mean {statistics.mean(gaps):.1f}"
              for kind, (ok, n, gaps) in kinds.items()]
    return right, total_pairs, lines


PAIR_MARGIN = 8
BADLY_HEARD_WER = 0.2  # a word in five wrong: what the feedback reports missing can no longer be trusted


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
            print(f"  mean {name:<18} {statistics.mean(values):5.1f} over {len(values)} (min {min(values)}, "
                  f"max {max(values)})")
    print(f"  goals: off-topic at most {OFF_TOPIC_MAX}, too short at most {SHORT_MAX}")
    notes = [(entry["id"], star_budget_note(doc)) for entry, doc in result["scores"]]
    for answer_id, note in notes:
        if note:
            print(f"  budget: {answer_id}: {note}")


def condition_subset(entries: list[dict], per_voice: int) -> list[dict]:
    """The answers the microphone conditions run on: the first `per_voice` non-pair answers with fillers of every
    voice (and of the real clips), so every voice is in every condition at a third of the cost."""
    chosen, seen = [], {}
    for e in entries:
        if e.get("pair_of") or (e["kind"] != "real" and not e["fillers"]):
            continue
        v = voice_of(e)
        if seen.get(v, 0) < per_voice:
            seen[v] = seen.get(v, 0) + 1
            chosen.append(e)
    return chosen


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help=f"only {len(QUICK)} answers covering every filler type, "
                    "clean audio only (with --held-out-voices: each held-out voice saying the same scripts)")
    ap.add_argument("--only", nargs="+", metavar="ID", help="only these answer ids")
    ap.add_argument("--steps", action="store_true", help="run once per filler strategy step and compare")
    ap.add_argument("--model", help="model folder or name (default: the bundled tiny.en)")
    ap.add_argument("--conditions", nargs="+", choices=[*CONDITIONS, *HELD_OUT], default=list(CONDITIONS),
                    help=f"microphone conditions (default: {', '.join(CONDITIONS)}; clean runs on every answer). "
                    f"Held out, never to tune on, only when named: {', '.join(HELD_OUT)}")
    ap.add_argument("--per-voice", type=int, default=2, metavar="N",
                    help="answers per voice in the non-clean conditions (default 2; 0 = every answer)")
    ap.add_argument("--voices", nargs="+", metavar="NAME",
                    help="only answers in these voices or families (espeak-ng, flite, festival, real)")
    ap.add_argument("--no-hallucination-filter", action="store_true",
                    help="keep every word Whisper writes (speech/hallucination.py off): the figure before that step")
    ap.add_argument("--probe", choices=("folds", "shipped"), default="folds",
                    help="the encoder probe that hears each voice: one trained without that voice and its scripts "
                    "(default; benchmarks/hesitation_probe.py --folds, made when missing), or the shipped one, "
                    "which was trained on every voice here")
    ap.add_argument("--held-out-voices", action="store_true",
                    help="the held-out voices instead (audio_fixtures/eval/held_out, never tuned on), heard with the "
                    "shipped probe")
    ap.add_argument("-v", "--verbose", action="store_true", help="a line per answer")
    ap.add_argument("--transcripts", type=Path, metavar="JSON",
                    help="reuse the transcripts saved in this file (written when missing): analyzers only")
    args = ap.parse_args(argv)
    entries = load_labels(args.quick, args.only, args.held_out_voices)
    if args.voices:
        entries = [e for e in entries if voice_of(e) in args.voices or family_of(e) in args.voices]
    if args.no_hallucination_filter:
        import voice_interviewer.speech.transcribe as transcribe_module

        transcribe_module.drop_unsupported = lambda words, spans, **_: list(words)
    else:
        _watch_filter()
    conditions = ["clean"] if args.quick else args.conditions
    questions = {e["question_id"]: find_question(load_personas(), e["question_id"])[1] for e in entries}
    resolved = resolve_model(args.model)
    base = TranscribeOptions(model=args.model, partial_every_s=None)
    model = load_model(resolved.source, base.compute_type, base.cpu_threads)
    folds = args.probe == "folds" and not args.held_out_voices  # the shipped probe never heard the held-out voices
    if folds:
        import hesitation_probe

        hesitation_probe.ensure_folds()
    noisy = entries if args.per_voice == 0 or args.only else condition_subset(entries, args.per_voice)
    plan = [(c, entries if c == "clean" else noisy) for c in conditions]
    audio_s = sum(e["duration_s"] for _, es in plan for e in es)
    noisy_note = f"; non-clean on {len(noisy)} answers" if conditions != ["clean"] else ""
    print(f"accuracy: {len(entries)} answers, {len(conditions)} conditions ({', '.join(conditions)}{noisy_note}), "
          f"{audio_s:.0f} s of audio, model {resolved.label}, "
          f"filler strategy {', '.join(base.filler_pass) or 'prompt only'}", flush=True)
    cache = json.loads(args.transcripts.read_text()) if args.transcripts and args.transcripts.exists() else None
    if args.transcripts and cache is None:
        cache = {}
    if args.steps:
        for name, change in STEPS:
            options = replace(base, **change)
            same = options == base
            rows = []
            for condition, es in plan:
                rows += run(model, es, options, questions, False, cache if same else None, condition, folds)["rows"]
            step = summarise(rows)
            strict = step["strict"].overall()
            print(f"step {name:<22} filler P={step['precision']:.3f} R={step['recall']:.3f} "
                  f"(strict P={strict[0]:.3f} R={strict[1]:.3f})  structure {step['structure']:.3f}  "
                  f"wpm err {100 * step['wpm_error']:.1f}%", flush=True)
    started = time.monotonic()
    rows = []
    for condition, es in plan:
        rows += run(model, es, base, questions, args.verbose, cache, condition, folds)["rows"]
        if args.transcripts:
            args.transcripts.write_text(json.dumps(cache))
    result = summarise(rows, time.monotonic() - started)
    clean = summarise([r for r in rows if r["condition"] == "clean"])
    print_fillers(clean)
    by_voice = {v: summarise([r for r in rows if voice_of(r["entry"]) == v])
                for v in dict.fromkeys(voice_of(r["entry"]) for r in rows)}
    by_condition = {c: summarise([r for r in rows if r["condition"] == c]) for c in conditions}
    by_cell = {(v, c): summarise([r for r in rows if voice_of(r["entry"]) == v and r["condition"] == c])
               for v in by_voice for c in conditions}
    print_groups("per voice (all conditions)", by_voice)
    print_groups("per condition (all voices)", by_condition)
    print_hearing({**by_condition, **by_voice, "all": result})
    print("\nfiller recall per voice and condition (labelled fillers in brackets)")
    print("  " + f"{'':<18}" + "".join(f"{c:>16}" for c in conditions))
    for v in by_voice:
        cells = []
        for c in conditions:
            r = by_cell[(v, c)]
            cells.append(f"{r['recall']:.2f} P{r['precision']:.2f} ({r['labelled']})" if r["labelled"] else "-")
        print("  " + f"{v:<18}" + "".join(f"{x:>16}" for x in cells))
    agreement = statistics.mean(clean["agreement"]) if clean["agreement"] else float("nan")
    labelled, found = clean["missing"]
    print(f"\nstructure (clean): part accuracy {clean['structure']:.3f} (start within {START_TOLERANCE_S} s); "
          f"STAR time labelled right {agreement:.3f}; missing parts found {found}/{labelled}")
    for wrong in clean["wrong_parts"]:
        print(f"  {wrong}")
    print(f"\npace (clean): wpm error {100 * clean['wpm_error']:.1f}%  duration error {clean['dur_error']:.2f} s  "
          f"first word error {clean['first_error']:.2f} s")
    print(f"\ninvented phrases: {len(result['invented'])}")
    for line in result["invented"]:
        print(f"  {line}")
    dropped = [(r["condition"], r["entry"]["id"], r["dropped"]) for r in rows if r["dropped"]]
    print(f"words the no-invented-words filter dropped (live tentative decodes included): "
          f"{sum(len(d) for *_, d in dropped)} in {len(dropped)} answers")
    for condition, answer_id, words in dropped:
        print(f"  {condition}/{answer_id}: {' '.join(words)}")
    print_scores(clean)
    right, pairs, lines = pair_check(rows)
    print(f"\npaired answers: {right}/{pairs} ranked right")
    for line in lines:
        print(line)
    print(f"\ntranscription and analysis took {result['seconds']:.0f} s for {audio_s:.0f} s of audio")
    voiced = [r["recall"] for r in by_voice.values() if r["labelled"]]
    conds = [r["recall"] for r in by_condition.values() if r["labelled"]]
    print(f"accuracy filler_precision={clean['precision']:.3f} filler_recall={clean['recall']:.3f} "
          f"structure_accuracy={clean['structure']:.3f} wpm_error_pct={100 * clean['wpm_error']:.1f} "
          f"worst_voice_filler_recall={min(voiced, default=1.0):.3f} "
          f"worst_condition_filler_recall={min(conds, default=1.0):.3f} "
          f"pairs_ranked_right={right / pairs if pairs else 1.0:.3f} invented_phrases={len(result['invented'])} "
          f"key_points_heard={heard_share(clean):.3f} hard_to_hear_warned={_ratio(result['hearing']['bad'], 1.0):.3f} "
          f"warned_for_nothing={_ratio(result['hearing']['good'], 0.0):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
