"""--llm, --stt and --job end to end: the real CLI and the real openai client against tests/fake_openai_server.py."""

from __future__ import annotations

import json

import pytest
from conftest import DEMO, FIXTURES, run_cli, word_error_rate
from fake_openai_server import FakeOpenAI

from voice_interviewer.content.job import choose_questions, read_job
from voice_interviewer.content.personas import load_personas

pytestmark = [pytest.mark.cli, pytest.mark.slow, pytest.mark.model]

JOB = FIXTURES.parent / "tests" / "data" / "job-platform-tpm.md"
SECRET = "sk-never-stored-4711"
STORY = ("At my last company two teams disagreed about the database for the checkout launch. I was the program "
         "manager responsible for the launch date. I gathered latency data, ran a design review with both leads and "
         "proposed a shared goal.")
FOLLOW_UP = "As a result we shipped two weeks early and cut infrastructure costs by 20 percent."


def only_session(out):
    folders = [p for p in out.iterdir() if (p / "session.json").exists()]
    assert len(folders) == 1, folders
    return folders[0], json.loads((folders[0] / "session.json").read_text())


def test_llm_follow_up_and_critique_with_remote_transcripts(tmp_path, manifest, model):
    answer = DEMO / "br-ambiguity.ogg"
    with FakeOpenAI() as server:
        result = run_cli("interview", "--stage", "bar-raiser", "--questions", "1", "--input", str(answer), "--fast",
                         "--mute", "--out", str(tmp_path), "--llm", server.url, "--llm-model", "coach-1",
                         "--stt", server.url, "--stt-timeout", "300", env={"VOICE_INTERVIEWER_LLM_KEY": SECRET})
    assert result.returncode == 0, result.stderr
    assert "notice" not in result.stderr, result.stderr
    folder, session = only_session(tmp_path)
    record = session["answers"][0]
    llm = record["llm"]
    assert llm["model"] == "coach-1" and llm["streamed"] and llm["asked"]
    quoted = llm["follow_up"].split('"')[1]
    assert quoted.lower() in record["transcript"].lower().replace(",", "").replace(".", "")
    assert "the result" in llm["follow_up"]  # the rules chose the gap, the model worded it
    assert record["follow_ups"][0]["text"] == llm["follow_up"] and record["follow_ups"][0]["key"] == "result"
    assert llm["critique"] and record["spoken_feedback"].endswith(llm["critique"])
    assert record["stt"]["word_times"] == "server-words" and record["stt"]["model"] == "whisper-1"
    spoken = next(a["transcript"] for a in manifest["answers"] if a.get("question_id") == "br-ambiguity"
                  and not a.get("follow_up"))
    assert word_error_rate(spoken, record["transcript"]) <= 0.2, record["transcript"]
    paths = [r["path"] for r in server.requests]
    assert paths.count("/v1/audio/transcriptions") == 2 and paths.count("/v1/chat/completions") == 1
    form = next(r["form"] for r in server.requests if "form" in r)
    assert form["response_format"] == "verbose_json" and "word" in str(form.get("timestamp_granularities[]"))
    assert all(r["authorization"] == f"Bearer {SECRET}" for r in server.requests)
    for path in folder.iterdir():
        assert SECRET.encode() not in path.read_bytes(), path
    assert SECRET not in result.stdout + result.stderr


def test_slow_llm_never_holds_the_interview(tmp_path):
    with FakeOpenAI("slow", delay_s=600) as server:
        result = run_cli("interview", "--type", "--stage", "panel", "--questions", "1", "--mute", "--out",
                         str(tmp_path), "--llm", server.url, "--llm-timeout", "2",
                         input_text=f"{STORY}\n{FOLLOW_UP}\n")
        replies = server.replies
    assert result.returncode == 0, result.stderr
    assert replies == 0  # the interview ended while the server was still "thinking"
    assert "notice: LLM at" in result.stderr and "rule-based" in result.stderr
    _, session = only_session(tmp_path)
    record = session["answers"][0]
    assert "llm" not in record and record["follow_ups"][0]["key"] == "result"
    assert "When I asked, you covered the result" in record["spoken_feedback"]


def test_job_chooses_questions_and_reports_terms(tmp_path):
    result = run_cli("interview", "--type", "--stage", "hiring-manager", "--questions", "2", "--mute",
                     "--no-follow-ups", "--out", str(tmp_path), "--job", str(JOB),
                     input_text=f"{STORY} We moved forty microservices to Kubernetes.\n{STORY}\n")
    assert result.returncode == 0, result.stderr
    _, session = only_session(tmp_path)
    profile = read_job(JOB)
    expected = [q.id for q in choose_questions(profile, load_personas()["hiring-manager"].questions, 2)]
    assert [q["id"] for q in session["questions"]] == expected
    first = session["answers"][0]
    assert {"kubernetes", "microservices"} <= set(first["job_terms"]["used"])
    assert "kubernetes" not in session["answers"][1]["job_terms"]["used"]
    assert any(f["kind"] == "job-terms" for f in first["findings"])
    job = session["job"]
    assert job["file"] == JOB.name and "kubernetes" in job["used"] and "terraform" in job["never"]
    assert f"Job terms never mentioned: {', '.join(job['never'])}" in result.stdout.replace("\n", " ")


def test_default_path_never_uses_the_network(tmp_path):
    """Even with OpenAI's variables pointing at a server, no flag means no request and no added fields."""
    with FakeOpenAI() as server:
        result = run_cli("interview", "--type", "--stage", "panel", "--questions", "1", "--mute",
                         "--no-follow-ups", "--out", str(tmp_path), input_text=STORY + "\n",
                         env={"OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": SECRET})
    assert result.returncode == 0, result.stderr
    assert server.requests == []
    _, session = only_session(tmp_path)
    assert "job" not in session
    assert not {"llm", "stt", "job_terms"} & set(session["answers"][0])


@pytest.mark.parametrize("mode, timed", [("ok", "server-words"), ("segments", "spread-over-segments")])
def test_score_with_a_speech_server(mode, timed, manifest, model):  # model: the fake server's, loaded once
    answer = DEMO / "panel-alignment.ogg"
    with FakeOpenAI(mode) as server:
        result = run_cli("score", str(answer), "--question", "panel-alignment", "--json", "--stt", server.url,
                         "--stt-model", "Systran/faster-whisper-tiny.en", "--stt-timeout", "300", "--job", str(JOB))
    assert result.returncode == 0 and "notice" not in result.stderr, result.stderr
    doc = json.loads(result.stdout)
    assert doc["stt"]["word_times"] == timed and doc["stt"]["model"] == "Systran/faster-whisper-tiny.en"
    spoken = next(a["transcript"] for a in manifest["answers"] if a.get("question_id") == "panel-alignment")
    assert word_error_rate(spoken, doc["transcript"]) <= 0.2
    starts = [w["start"] for w in doc["words"]]
    assert starts == sorted(starts) and doc["timing"]["duration_s"] > 10
    assert set(doc["job_terms"]) == {"used", "missing"} and doc["findings"][-1]["kind"] == "job-terms"


@pytest.mark.parametrize("mode", ["error", "malformed"])
def test_score_falls_back_to_the_local_model(mode, manifest):
    answer = DEMO / "panel-alignment.ogg"
    with FakeOpenAI(mode) as server:
        result = run_cli("score", str(answer), "--question", "panel-alignment", "--json", "--stt", server.url,
                         "--llm", server.url, "--no-llm-stream")
    assert result.returncode == 0, result.stderr
    notices = [line for line in result.stderr.splitlines() if line.startswith("notice:")]
    assert len(notices) == 2 and "speech server" in notices[0] and "LLM" in notices[1], result.stderr
    doc = json.loads(result.stdout)
    assert "stt" not in doc and "llm" not in doc
    spoken = next(a["transcript"] for a in manifest["answers"] if a.get("question_id") == "panel-alignment")
    assert word_error_rate(spoken, doc["transcript"]) <= 0.2


def test_score_with_llm_critique(manifest):
    answer = DEMO / "tech-build-vs-buy.ogg"
    with FakeOpenAI() as server:
        result = run_cli("score", str(answer), "--question", "tech-build-vs-buy", "--llm", server.url)
    assert result.returncode == 0, result.stderr
    assert "llama3.2:" in result.stdout and "a follow-up it would ask: You said" in result.stdout
