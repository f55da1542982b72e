"""The evaluation set matches its labels: files, format, coverage of what benchmarks/accuracy.py measures (fast)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from voice_interviewer.audio.files import read_audio
from voice_interviewer.content.personas import FRAMEWORK_PARTS, STAR_PARTS, find_question, load_personas

EVAL = Path(__file__).resolve().parent.parent / "audio_fixtures" / "eval"
LABELS = json.loads((EVAL / "labels.json").read_text(encoding="utf-8"))
ANSWERS = LABELS["answers"]
HELD_OUT = json.loads((EVAL / "held_out" / "labels.json").read_text(encoding="utf-8"))["answers"]
FILLER_TYPES = {"um", "uh", "er", "hmm", "like", "you know", "i mean", "basically", "actually", "kind of",
                "sort of", "so"}
INTERVIEWER_VOICES = {"en-gb+f3", "en-us+m3", "en-gb+m1", "en-gb+f1", "en-us+m1"}


def _by_id(entry: dict) -> str:
    return entry["id"]


def test_at_least_thirty_answers_with_every_stage_and_kind():
    assert len(ANSWERS) >= 30
    assert {a["stage"] for a in ANSWERS} == {"recruiter", "hiring-manager", "technical", "panel", "bar-raiser"}
    assert {a["question_kind"] for a in ANSWERS} == {"behavioral", "scenario", "screen"}
    assert len({a["voice"] for a in ANSWERS if a["voice"]}) >= 4
    assert len({a["rate_wpm"] for a in ANSWERS if a["rate_wpm"]}) >= 4


def test_voices_are_not_the_interviewers():
    interviewers = {p.voice.voice_id for p in load_personas().values()} | INTERVIEWER_VOICES
    used = {a["voice"] for a in ANSWERS if a["voice"]}
    assert used and not used & interviewers


def test_every_filler_type_and_look_alike_is_labelled():
    counts: dict[str, int] = {}
    for answer in ANSWERS:
        for filler in answer["fillers"]:
            counts[filler["text"]] = counts.get(filler["text"], 0) + 1
    assert set(counts) == FILLER_TYPES
    assert min(counts.values()) >= 4
    contexts = " | ".join(a["transcript"].lower() for a in ANSWERS)
    for phrase in ("i'd like to", "teams like billing", "do you know", "so that", "kind of", "i mean it"):
        assert phrase in contexts, phrase


@pytest.mark.parametrize("entry", ANSWERS + HELD_OUT, ids=_by_id)
def test_labels_point_at_their_words_and_times(entry):
    words = [re.sub(r"[^a-z']", "", w.lower()) for w in entry["transcript"].split()]
    start, end = entry["speech_start_s"], entry["speech_end_s"]
    for filler in entry["fillers"]:
        n = len(filler["text"].split())
        assert " ".join(words[filler["word_index"]:filler["word_index"] + n]) == filler["text"]
        assert start <= filler["start_s"] < filler["end_s"] <= end
    fillers = sum(len(f["text"].split()) for f in entry["fillers"])
    assert entry["word_count"] == len(words) - fillers
    assert entry["wpm"] == pytest.approx(entry["word_count"] / ((end - start) / 60), abs=0.01)
    names = [p["part"] for p in entry["parts"]]
    assert set(names) <= set(STAR_PARTS) or set(names) <= set(FRAMEWORK_PARTS)
    if set(names) <= set(STAR_PARTS):
        assert names == sorted(names, key=STAR_PARTS.index), "STAR parts in their usual order"
    for a, b in zip(entry["parts"], entry["parts"][1:]):
        assert a["end_s"] <= b["start_s"]
    for part in entry["parts"]:
        assert start <= part["start_s"] < part["end_s"] <= end
        assert part["seconds"] == pytest.approx(part["end_s"] - part["start_s"], abs=0.002)
    find_question(load_personas(), entry["question_id"])


@pytest.mark.parametrize("entry", ANSWERS + HELD_OUT, ids=_by_id)
def test_audio_decodes_to_the_labelled_length(entry):
    pcm = read_audio((EVAL / entry["file"]).resolve())
    assert pcm.dtype == np.int16
    assert pcm.size / 16_000 == pytest.approx(entry["duration_s"], abs=0.03)
    assert entry["speech_end_s"] <= entry["duration_s"]
    assert entry["licence"] == "generated" or "public domain" in entry["licence"] or \
        entry.get("family") in ("flite", "festival") and "Debian main" in entry["licence"] or \
        entry.get("family") == "piper" and "CC0" in entry["licence"]


def test_the_set_has_the_hard_cases():
    features = [set(a["features"]) for a in ANSWERS]
    for feature in ("off-topic", "short", "missing-result", "missing-task", "missing-situation", "real",
                    "long-situation", "many-fillers", "framework-complete", "star-complete"):
        assert any(feature in f for f in features), feature
    short = [a for a in ANSWERS if "short" in a["features"] and a["kind"] == "synthetic"]
    assert any(a["speech_end_s"] - a["speech_start_s"] <= 10.0 for a in short)
    for answer in ANSWERS:  # no STAR part is named by its name ("as a result" is how people close, not a label)
        if set(p["part"] for p in answer["parts"]) <= set(STAR_PARTS):
            said = answer["transcript"].lower().replace("as a result", "")
            assert not re.search(r"\b(situation|task|action|result)\b", said)


def test_eval_audio_stays_small():
    size = sum(p.stat().st_size for p in EVAL.glob("*.ogg"))
    assert size < 6_000_000
    inline = sum(p.stat().st_size for p in (EVAL / "inline").glob("*.ogg"))
    assert inline < 8_000_000
    held_out = sum(p.stat().st_size for p in (EVAL / "held_out").glob("*.ogg"))
    assert held_out < 8_500_000


def test_held_out_voices_are_new_speakers_saying_every_script():
    """The held-out voices are none of the set's nor an interviewer's, one says fillers inline, and each says every
    synthetic script of the set, labelled with the script it says."""
    voices = {a["voice"] for a in HELD_OUT}
    interviewers = {p.voice.voice_id for p in load_personas().values()} | INTERVIEWER_VOICES
    assert len(voices) >= 2 and not voices & ({a["voice"] for a in ANSWERS} | interviewers)
    assert any(a.get("family") == "festival" for a in HELD_OUT)
    scripts = {a["id"] for a in ANSWERS if a["kind"] == "synthetic" and not a.get("family")
               and not a["id"].startswith("fx-")}
    for voice in voices:
        said = {a["source_answer"] for a in HELD_OUT if a["voice"] == voice}
        assert scripts <= said, voice
    assert {a["file"].split("/")[0] for a in HELD_OUT} == {"held_out"}


def test_other_synthesizers_say_fillers_inline():
    """>= 4 voices from >= 2 families other than espeak-ng (one of them neural), hesitations run into the words
    around them."""
    inline = [a for a in ANSWERS if a.get("family") in ("flite", "festival", "piper")]
    assert len({a["voice"] for a in inline}) >= 4 and len({a["family"] for a in inline}) >= 3
    touching = total = 0
    for a in inline:
        hesitations = [f for f in a["fillers"] if f["text"] in ("um", "uh", "er") and f["word_index"] > 0]
        if not hesitations:
            continue
        pcm = read_audio((EVAL / a["file"]).resolve()).astype(np.float64) / 32768
        for f in hesitations:  # the 50 ms before the hesitation is speech, not a silence put there
            before = pcm[round((f["start_s"] - 0.05) * 16_000):round(f["start_s"] * 16_000)]
            total += 1
            touching += 20 * np.log10(np.sqrt(np.mean(before ** 2)) + 1e-9) > -45
    assert total >= 20 and touching / total >= 0.8, (touching, total)
    contexts = " | ".join(a["transcript"].lower() for a in inline)
    for phrase in ("like working", "do you know", "so that", "teams like payments"):
        assert phrase in contexts, phrase


def test_pairs_have_their_complete_answer_in_the_same_voice():
    by_id = {a["id"]: a for a in ANSWERS}
    pairs = [a for a in ANSWERS if a.get("pair_of")]
    assert len(pairs) >= 10
    for a in pairs:
        full = by_id[a["pair_of"]]
        assert full["voice"] == a["voice"] and full["question_id"] == a["question_id"]
        if a["change"].startswith("no-"):
            part = a["change"][3:]
            assert part in {p["part"] for p in full["parts"]} - {p["part"] for p in a["parts"]}


def _pair_kind(change: str) -> str:
    part = change[3:] if change.startswith("no-") else ""
    return ("star part" if part in STAR_PARTS else "framework part" if part in FRAMEWORK_PARTS else
            "key point" if change == "cut-point" else change)


def test_every_pair_kind_the_issue_lists_is_said_by_three_voices():
    """Issue 13: a STAR part removed, a framework part removed, a key point removed, many fillers added."""
    voices: dict[str, set[str]] = {}
    for a in ANSWERS:
        if a.get("pair_of"):
            voices.setdefault(_pair_kind(a["change"]), set()).add(a["voice"])
    assert set(voices) == {"star part", "framework part", "key point", "many-fillers"}
    assert all(len(v) >= 3 for v in voices.values()), voices


def test_a_cut_key_point_is_said_in_the_complete_answer_only():
    from voice_interviewer.feedback.keypoints import PhraseIndex, key_points
    from voice_interviewer.feedback.timing import tokenize
    from voice_interviewer.records import Word

    def covered(entry: dict) -> list[str]:
        words = tuple(Word(w, i, i + 0.5) for i, w in enumerate(entry["transcript"].split()))
        question = find_question(load_personas(), entry["question_id"])[1]
        return key_points(PhraseIndex(tokenize(words)), question.key_points)["covered"]

    by_id = {a["id"]: a for a in ANSWERS}
    cuts = [a for a in ANSWERS if a.get("change") == "cut-point"]
    assert cuts
    for a in cuts:
        assert a["key_point"] in covered(by_id[a["pair_of"]])
        assert a["key_point"] not in covered(a)
        assert [p["part"] for p in a["parts"]] == [p["part"] for p in by_id[a["pair_of"]]["parts"]]
