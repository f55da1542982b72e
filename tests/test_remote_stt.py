"""--stt word timing from what a server gives (pure), and the client against the fake server's real transcription."""

from __future__ import annotations

import socket

import pytest
from conftest import FIXTURES, word_error_rate
from fake_openai_server import FakeOpenAI

from voice_interviewer.audio.files import read_audio
from voice_interviewer.speech.remote_stt import RemoteStt, SttOptions, wav_bytes, words_from_reply


def test_server_word_times_are_used_as_given():
    reply = {"text": "We shipped.", "words": [{"word": " We", "start": 0.5, "end": 0.7},
                                               {"word": " shipped.", "start": 0.8, "end": 1.3}]}
    words, timed = words_from_reply(reply, 2.0)
    assert timed == "server-words" and [(w.text, w.start, w.end) for w in words] == [("We", 0.5, 0.7),
                                                                                    ("shipped.", 0.8, 1.3)]


def test_words_are_spread_over_segments_by_length():
    reply = {"text": "a bb. ccc", "segments": [{"start": 1.0, "end": 4.0, "text": " a bb."},
                                               {"start": 6.0, "end": 7.0, "text": " ccc"}]}
    words, timed = words_from_reply(reply, 8.0)
    assert timed == "spread-over-segments"
    assert [(w.text, w.start, w.end) for w in words] == [("a", 1.0, 1.75), ("bb.", 1.75, 4.0), ("ccc", 6.0, 7.0)]


def test_text_only_is_spread_over_the_audio():
    words, timed = words_from_reply({"text": "one two"}, 4.0)
    assert timed == "spread-over-audio" and (words[0].start, words[-1].end) == (0.0, 4.0)
    assert words_from_reply({"text": ""}, 4.0)[0] == []


@pytest.mark.model
def test_client_gets_real_words_from_the_server(model, manifest):
    samples = read_audio(FIXTURES / "real" / "jfk.wav")
    notices: list[str] = []
    with FakeOpenAI() as server:
        transcript = RemoteStt(SttOptions(server.url, timeout_s=300), notices.append).transcribe(
            wav_bytes(samples), samples.size / 16000)
    assert notices == [] and transcript.extra["stt"]["word_times"] == "server-words"
    spoken = next(c["transcript"] for c in manifest["clips"] if c["file"].endswith("jfk.wav"))
    assert word_error_rate(spoken, transcript.text) <= 0.15, transcript.text
    assert transcript.model == "whisper-1 (remote)"


def test_refused_connection_gives_a_notice_and_no_transcript():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    notices: list[str] = []
    stt = RemoteStt(SttOptions(f"http://127.0.0.1:{port}/v1", timeout_s=5), notices.append)
    assert stt.transcribe(b"RIFF", 1.0) is None
    assert len(notices) == 1 and "using the local model" in notices[0]
