"""The command line as a user meets it: happy paths, and bad input as one `error: ` line with exit code 2."""

from __future__ import annotations

import json

import pytest
from conftest import DEMO, FIXTURES, run_cli, word_error_rate

pytestmark = pytest.mark.cli

SCORE_KEYS = {"schema", "audio", "question_id", "transcript", "words", "timing", "pace", "pauses", "fillers",
              "structure", "key_points", "findings", "score", "spoken_feedback"}


def assert_usage_error(result, *fragments: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def test_help_lists_the_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("demo", "interview", "score", "transcribe", "replay", "report", "personas", "devices", "say"):
        assert command in result.stdout


def test_personas_json_lists_all_stages():
    result = run_cli("personas", "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert list(data) == ["recruiter", "hiring-manager", "technical", "panel", "bar-raiser"]
    assert all(len(p["questions"]) >= 6 for p in data.values())


def test_say_writes_a_wav(tmp_path):
    target = tmp_path / "hello.wav"
    result = run_cli("say", "Welcome to your practice interview.", "--out", str(target), "--mute")
    assert result.returncode == 0, result.stderr
    assert target.stat().st_size > 20_000


@pytest.mark.model
def test_transcribe_json_follows_schema_1():
    clip = FIXTURES / "real" / "librivox-0870.wav"
    result = run_cli("transcribe", str(clip), "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["schema"] == 1 and doc["model"] == "tiny.en (bundled)"
    assert set(doc) >= {"audio", "duration_s", "text", "words"}
    assert all(set(w) == {"text", "start", "end"} for w in doc["words"])
    reference = (FIXTURES / "manifest.json").read_text()
    clip_text = next(c["transcript"] for c in json.loads(reference)["clips"] if c["file"].endswith("0870.wav"))
    assert word_error_rate(clip_text, doc["text"]) <= 0.10


@pytest.mark.model
def test_score_json_follows_schema_1(manifest):
    answer = next(a for a in manifest["answers"] if a["question_id"] == "panel-alignment")
    result = run_cli("score", str(DEMO / answer["file"]), "--question", "panel-alignment", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert SCORE_KEYS <= set(doc)
    assert doc["question_id"] == "panel-alignment" and doc["structure"]["kind"] == "star"
    assert isinstance(doc["score"], int) and 0 <= doc["score"] <= 100


@pytest.mark.parametrize("args, fragments", [
    (["transcribe", "/no/such/file.wav"], ["file not found"]),
    (["transcribe", "."], ["is a directory"]),
    (["score", "/no/such.wav", "--question", "panel-alignment"], ["file not found"]),
    (["personas", "--stage", "ceo"], ["unknown stage", "loop"]),
    (["interview", "--questions", "0"], ["--questions", "allowed 1 to 8"]),
    (["interview", "--end-silence", "0.1"], ["--end-silence", "allowed"]),
    (["interview", "--stage", "intern"], ["unknown stage"]),
    (["interview", "--bogus-flag"], ["No such option", "--help"]),
    (["demo", "--questions", "abc"], ["--questions", "integer"]),
    (["replay", "no-such-session"], ["not found"]),
    (["report", "no-such-session"], ["not found"]),
    (["say", "   "], ["nothing to say"]),
    (["frobnicate"], ["No such command"]),
])
def test_bad_input_is_one_line_and_exit_2(args, fragments, home):
    assert_usage_error(run_cli(*args), *fragments)


def test_bad_audio_files(tmp_path):
    text = tmp_path / "notes.wav"
    text.write_text("this is not audio\n")
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    truncated = tmp_path / "cut.wav"
    data = (FIXTURES / "real" / "jfk.wav").read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    assert_usage_error(run_cli("transcribe", str(text)), "not a WAV file")
    assert_usage_error(run_cli("transcribe", str(empty)), "empty")
    assert_usage_error(run_cli("transcribe", str(truncated)), "truncated")


def test_unknown_question_and_device(tmp_path):
    clip = FIXTURES / "real" / "jfk.wav"
    assert_usage_error(run_cli("score", str(clip), "--question", "no-such-question"), "unknown question id")
    result = run_cli("interview", "--input", "mic", "--device", "999", "--mute", "--out", str(tmp_path))
    assert_usage_error(result, "input device 999")


def test_corrupt_session_is_reported_not_crashed(tmp_path):
    folder = tmp_path / "20260101-000000-panel"
    folder.mkdir()
    (folder / "session.json").write_text("{not json")
    (folder / "a01.wav").write_bytes((FIXTURES / "real" / "jfk.wav").read_bytes())
    assert_usage_error(run_cli("replay", str(folder), "--mute"), "corrupt session file")
    assert_usage_error(run_cli("report", str(folder)), "corrupt session file")
    assert (folder / "a01.wav").exists()


def test_read_only_sessions_dir_is_reported(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_cli("demo", "--mute", "--stage", "panel", "--out", str(blocker / "sessions"))
    assert_usage_error(result, "cannot create sessions folder")

