"""The audio fixtures match their manifests: files, formats, durations, licences and labels (no model, fast).

Real speech lives in audio_fixtures/ (WAV, not shipped); the demo's recorded candidate is package data in
voice_interviewer/data/demo/ (Ogg Opus, shipped in the wheel).
"""

from __future__ import annotations

import json
import re
import wave
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "audio_fixtures"
DEMO = ROOT / "voice_interviewer" / "data" / "demo"
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))
DEMO_MANIFEST = json.loads((DEMO / "manifest.json").read_text(encoding="utf-8"))
CLIPS = MANIFEST["clips"]
ANSWERS = DEMO_MANIFEST["answers"]
ASKS = DEMO_MANIFEST["asks"]
STAGES = {"rec": "recruiter", "hm": "hiring-manager", "tech": "technical", "panel": "panel", "br": "bar-raiser"}
FEATURES = {"fillers", "thinking-pause", "missing-result", "framework-complete", "star-complete", "follow-up"}
FRAMEWORK = ["charter", "workstreams", "dependencies", "milestones", "risks", "cadence"]
STAR = ["situation", "task", "action", "result"]
QID = re.compile(r"^(rec|hm|tech|panel|br)(-[a-z0-9]+)+$")


def _read(path: Path) -> tuple[wave._wave_params, np.ndarray]:
    with wave.open(str(path), "rb") as w:
        params = w.getparams()
        pcm = np.frombuffer(w.readframes(params.nframes), dtype="<i2")
    return params, pcm


def _decode(path: Path) -> np.ndarray:
    """A demo recording (Ogg Opus) as int16 PCM at 16 kHz, decoded as the tool decodes it."""
    from voice_interviewer.audio.files import read_audio

    return read_audio(path)


def _words(transcript: str) -> list[str]:
    return [re.sub(r"[^a-z']", "", w.lower()) for w in transcript.split()]


def _by_id(entry: dict) -> str:
    return entry["file"]


def test_schema_and_counts():
    assert MANIFEST["schema"] == 1 and DEMO_MANIFEST["schema"] == 1
    assert len([c for c in CLIPS if c["kind"] == "real"]) >= 2
    assert all(a["kind"] == "synthetic" for a in ANSWERS + ASKS)
    assert {a["stage"] for a in ANSWERS} == set(STAGES.values())
    files = [e["file"] for e in ANSWERS + ASKS]
    assert len(files) == len(set(files))
    shipped = {p.name for p in DEMO.iterdir()} - {"manifest.json"}
    assert shipped == set(files), "every demo file is in the manifest and every listed file is shipped"


@pytest.mark.parametrize("entry", CLIPS, ids=_by_id)
def test_real_clip_is_16k_mono_int16_with_stated_duration(entry):
    path = FIXTURES / entry["file"]
    assert path.is_file(), f"{entry['file']} is listed in the manifest but missing"
    params, _ = _read(path)
    assert (params.framerate, params.nchannels, params.sampwidth) == (16_000, 1, 2)
    assert params.nframes / params.framerate == pytest.approx(entry["duration_s"], abs=0.05)


@pytest.mark.parametrize("entry", ANSWERS + ASKS, ids=_by_id)
def test_demo_recording_is_ogg_opus_with_stated_duration(entry):
    import av

    path = DEMO / entry["file"]
    assert path.is_file(), f"{entry['file']} is listed in the demo manifest but missing"
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        assert (container.format.name, stream.codec_context.name, stream.channels) == ("ogg", "opus", 1)
    assert len(_decode(path)) / 16_000 == pytest.approx(entry["duration_s"], abs=0.05)


@pytest.mark.parametrize("clip", CLIPS, ids=_by_id)
def test_real_clip_has_provenance(clip):
    assert clip["kind"] == "real"
    for key in ("package", "version", "path"):
        assert clip["source"].get(key), f"source.{key} missing"
    assert clip["licence"].strip()
    assert clip["speaker"].strip()
    assert clip["transcript"].strip()


def test_answers_cover_the_labelled_cases():
    with_fillers = [a for a in ANSWERS if "fillers" in a["features"]]
    assert with_fillers and max(len(a["fillers"]) for a in with_fillers) >= 10
    assert any(p["seconds"] >= 3.0 for a in ANSWERS for p in a["pauses"])
    assert any("missing-result" in a["features"] for a in ANSWERS)
    assert any("framework-complete" in a["features"] for a in ANSWERS)
    assert any("star-complete" in a["features"] for a in ANSWERS)


@pytest.mark.parametrize("answer", ANSWERS, ids=_by_id)
def test_answer_identity(answer):
    qid = answer["question_id"]
    assert QID.match(qid), f"question id {qid!r} must be lower case and start with rec-, hm-, tech-, panel- or br-"
    assert answer["stage"] == STAGES[qid.split("-", 1)[0]]
    assert answer["file"] == (f"{qid}.followup.ogg" if answer.get("follow_up") else f"{qid}.ogg")
    assert set(answer["features"]) <= FEATURES
    assert answer["voice"] and 140 <= answer["rate_wpm"] <= 175
    assert answer["transcript"].strip()


@pytest.mark.parametrize("answer", ANSWERS, ids=_by_id)
def test_filler_labels_point_at_their_words(answer):
    words = _words(answer["transcript"])
    for label in answer["fillers"] + answer.get("not_fillers", []):
        n = len(label["text"].split())
        i = label["word_index"]
        assert " ".join(words[i:i + n]) == label["text"], f"{label} points at {words[i:i + n]}"
    assert ("fillers" in answer["features"]) == bool(answer["fillers"])
    filler_at = {f["word_index"] for f in answer["fillers"]}
    assert not filler_at & {f["word_index"] for f in answer.get("not_fillers", [])}


@pytest.mark.parametrize("answer", ANSWERS, ids=_by_id)
def test_structure_parts(answer):
    names = [p["part"] for p in answer.get("parts", [])]
    indexes = [p["word_index"] for p in answer.get("parts", [])]
    assert indexes == sorted(indexes)
    if "framework-complete" in answer["features"]:
        assert names == FRAMEWORK
    if "star-complete" in answer["features"]:
        assert names == STAR
    if "missing-result" in answer["features"]:
        assert names == STAR[:3]


@pytest.mark.parametrize("answer", ANSWERS, ids=_by_id)
def test_speech_bounds_and_pauses_match_the_audio(answer):
    pcm = _decode(DEMO / answer["file"])
    start, end, duration = answer["speech_start_s"], answer["speech_end_s"], answer["duration_s"]
    assert 0.3 <= start <= 1.0, "answers open with about 0.6 s of room noise"
    assert 0.0 < duration - end <= 1.0, "no long silence at the end: the pipeline adds its own"
    shortest_s = 10.0 if answer.get("follow_up") else 30.0  # a follow-up answer adds one missing part
    assert shortest_s <= end - start <= 115.0
    noise = pcm[: int(0.25 * 16_000)].astype(np.float64) / 32768
    noise_dbfs = 20 * np.log10(np.sqrt(np.mean(noise ** 2)))
    assert -65 < noise_dbfs < -45, "low-level noise, not digital silence"
    assert ("thinking-pause" in answer["features"]) == bool(answer["pauses"])
    for pause in answer["pauses"]:
        assert pause["seconds"] >= 1.5
        a = int(pause["start_s"] * 16_000)
        b = a + int(pause["seconds"] * 16_000)
        quiet = pcm[a:b].astype(np.float64) / 32768
        assert 20 * np.log10(np.sqrt(np.mean(quiet ** 2))) < -45
        assert start < pause["start_s"] < end
