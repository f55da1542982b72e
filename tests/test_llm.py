"""The optional LLM coach: the real openai client over real HTTP against tests/fake_openai_server.py."""

from __future__ import annotations

import socket

import pytest
from fake_openai_server import FakeOpenAI

from voice_interviewer.content.personas import find_question, load_personas
from voice_interviewer.errors import UsageError
from voice_interviewer.feedback import analyze
from voice_interviewer.integrations.llm import LlmCoach, LlmOptions, parse_reply
from voice_interviewer.remote import check_url
from voice_interviewer.session.interview import typed_transcript

ANSWER = ("Two teams disagreed about the database for the checkout launch. I was the program manager and I set up "
          "a design review with both tech leads, where we compared latency data against the launch date.")


@pytest.fixture(scope="module")
def asked():
    persona, question = find_question(load_personas(), "panel-alignment")
    return persona, question, analyze(typed_transcript(ANSWER), question)


def review(url, asked, notices, **options):
    persona, question, doc = asked
    coach = LlmCoach(LlmOptions(url=url, model="tiny-coach", **options), notices.append)
    return coach.review(persona, question, doc, gap="result")


@pytest.mark.parametrize("stream", [True, False])
def test_follow_up_and_critique_come_from_the_answer(asked, stream, monkeypatch):
    monkeypatch.setenv("VOICE_INTERVIEWER_LLM_KEY", "sk-test-secret")
    notices: list[str] = []
    with FakeOpenAI() as server:
        result = review(server.url, asked, notices, stream=stream)
    assert notices == []
    assert result.follow_up.startswith('You said "latency data against the launch date"') and "result" in result.follow_up
    assert result.critique.startswith("Good detail")
    assert result.streamed is stream and result.attempts == 1
    sent = server.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["body"]["model"] == "tiny-coach"
    assert bool(sent["body"].get("stream")) is stream
    assert sent["authorization"] == "Bearer sk-test-secret"
    assert "compared latency data" in sent["body"]["messages"][1]["content"]


def test_openai_key_is_the_second_choice(asked, monkeypatch):
    monkeypatch.delenv("VOICE_INTERVIEWER_LLM_KEY", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-openai-var")
    with FakeOpenAI() as server:
        assert review(server.url, asked, []) is not None
    assert server.requests[0]["authorization"] == "Bearer sk-from-openai-var"


def test_slow_server_is_abandoned_at_the_timeout(asked):
    notices: list[str] = []
    with FakeOpenAI("slow", delay_s=20) as server:
        result = review(server.url, asked, notices, timeout_s=1.5)
        replies_when_we_moved_on = server.replies
        server.delay_s = 0
    assert result is None and replies_when_we_moved_on == 0
    assert len(notices) == 1 and "rule-based" in notices[0] and "no reply within 1.5 s" in notices[0]


def test_server_error_is_retried_once_then_rules(asked):
    notices: list[str] = []
    with FakeOpenAI("error") as server:
        result = review(server.url, asked, notices)
    assert result is None and len(server.requests) == 2
    assert notices and "HTTP 500" in notices[0]


def test_malformed_json_falls_back(asked):
    notices: list[str] = []
    with FakeOpenAI("malformed") as server:
        result = review(server.url, asked, notices, stream=False)
    assert result is None and len(notices) == 1 and "failed" in notices[0]


def test_refused_connection_falls_back(asked):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    notices: list[str] = []
    result = review(f"http://127.0.0.1:{port}/v1", asked, notices)
    assert result is None and "cannot connect" in notices[0]


def test_reply_parsing_is_lenient():
    assert parse_reply("**Follow-up:** What did it cost?\n**Critique:** Strong actions.\nNo numbers.") == (
        "What did it cost?", "Strong actions. No numbers.")
    assert parse_reply("FOLLOW-UP:\nWho owned the fix?\nCRITIQUE: Vague.") == ("Who owned the fix?", "Vague.")
    assert parse_reply("I cannot help with that.") == (None, None)


@pytest.mark.parametrize("url", ["localhost:11434", "ftp://x/v1", ""])
def test_bad_urls_are_usage_errors(url):
    with pytest.raises(UsageError, match="http:// or https://"):
        check_url("--llm", url)
