"""The web app's pure parts: live meters, event messages, the pushed audio source, choices and the request guard."""

from __future__ import annotations

import threading

import pytest

from voice_interviewer.audio.sources import FRAME_SAMPLES, PushedSource
from voice_interviewer.errors import DeviceError, UsageError
from voice_interviewer.records import Word
from voice_interviewer.web.engine import check_choice
from voice_interviewer.web.events import event_message, live_meters
from voice_interviewer.web.server import _Guard, is_loopback

TOKEN = "s3cret-token"


def words_at(wpm: float, count: int, texts=None) -> tuple[Word, ...]:
    step = 60 / wpm
    texts = texts or ["word"] * count
    return tuple(Word(t, i * step, i * step + step * 0.8) for i, t in enumerate(texts))


def test_pace_is_measured_over_the_last_twenty_seconds():
    slow_then_fast = words_at(90, 60) + tuple(Word("w", 40 + i * 0.375, 40 + i * 0.375 + 0.3) for i in range(80))
    assert 150 <= live_meters(slow_then_fast)["wpm"] <= 170  # only the fast last 20 s count


def test_pace_waits_for_enough_speech_and_fillers_are_counted():
    assert live_meters(words_at(140, 8))["wpm"] is None  # about 3 s of speech: too little to call a pace
    said = "Um, so I think, uh, we like shipped it".split()
    meters = live_meters(words_at(140, len(said), said))
    assert meters["fillers"] == 4 and meters["band_wpm"] == [120, 160]  # um, so, uh, and "like" before "shipped it"


def test_event_messages_carry_what_the_page_shows():
    from voice_interviewer.content.personas import load_personas
    from voice_interviewer.session import interview as iv
    from voice_interviewer.speech.transcribe import TranscriptUpdate

    persona = load_personas()["recruiter"]
    question = persona.questions[0]
    spoke = event_message(iv.Spoke(persona, "question", question.text, None))
    assert spoke == {"type": "spoke", "kind": "question", "text": question.text,
                     "persona": {"name": persona.name, "role": persona.role, "stage": "recruiter"}}
    listening = event_message(iv.Listening(question, 12.345, question.budget_s, True))
    assert listening["elapsed_s"] == 12.35 and listening["speaking"] is True
    heard = event_message(iv.Heard(TranscriptUpdate(words_at(150, 2, ["Um,", "we"]), (Word("shipped", 1, 1.3),))))
    assert (heard["committed"], heard["tentative"], heard["fillers"]) == ("Um, we", "shipped", 1)
    assert event_message(iv.Scored(3, {"score": 70}))["record"] == {"score": 70}
    assert event_message(iv.Notice("hi")) == {"type": "notice", "text": "hi"}
    assert event_message(object()) is None


def test_pushed_source_cuts_frames_and_drops_audio_while_paused():
    source = PushedSource(first_frame_timeout_s=1, frame_timeout_s=1)
    source.push(b"\x01\x00" * 100)  # paused: the interviewer is speaking, nothing is kept
    source.resume()
    source.push(b"\x02\x00" * (FRAME_SAMPLES + 10) + b"\x07")  # an odd trailing byte is not half a sample
    source.push(b"\x03\x00" * (FRAME_SAMPLES - 10))
    frames = source.frames()
    first, second = next(frames), next(frames)
    assert len(first.pcm) == len(second.pcm) == FRAME_SAMPLES * 2
    assert first.pcm[:2] == b"\x02\x00" and second.pcm[-2:] == b"\x03\x00" and second.start_s == 0.03


def test_a_lost_page_ends_the_answer_like_a_lost_microphone():
    source = PushedSource(first_frame_timeout_s=5)
    source.resume()
    source.push(b"\x01\x00" * FRAME_SAMPLES)
    frames = source.frames()
    next(frames)
    threading.Timer(0.1, source.lose, args=("the browser page was closed",)).start()
    with pytest.raises(DeviceError, match="page was closed"):
        next(frames)
    with pytest.raises(DeviceError):  # and every later answer too
        next(source.frames())


def test_silence_from_the_page_is_a_lost_microphone():
    source = PushedSource(first_frame_timeout_s=0.2)
    source.resume()
    with pytest.raises(DeviceError, match="stopped sending microphone audio"):
        next(source.frames())


@pytest.mark.parametrize("stage, questions, message", [
    ("sales", 1, "unknown stage 'sales'; allowed: recruiter"), ("panel", 0, "out of range; allowed 1 to 8"),
    ("panel", "two", "not a number"), (None, 1, "unknown stage None")])
def test_bad_choices_say_what_is_allowed(stage, questions, message):
    with pytest.raises(UsageError, match=message):
        check_choice(stage, questions)
    assert check_choice("loop", "2")[1] == 2 and len(check_choice("loop", 2)[0]) == 5


def scope(kind="http", host="127.0.0.1:8765", origin=None, query="", cookie=None):
    headers = [(b"host", host.encode())]
    if origin:
        headers.append((b"origin", origin.encode()))
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return {"type": kind, "headers": headers, "query_string": query.encode()}


@pytest.mark.parametrize("request_scope, refused", [
    (scope(query=f"token={TOKEN}"), None),
    (scope(cookie=f"other=1; vi_token_8765={TOKEN}"), None),
    (scope(host="localhost:8765", origin="http://localhost:8765", query=f"token={TOKEN}"), None),
    (scope(), "forbidden: open the link"),
    (scope(query="token=wrong"), "forbidden: open the link"),
    (scope(cookie=f"vi_token_9999={TOKEN}"), "forbidden: open the link"),  # another server's cookie
    (scope(origin="http://evil.example", query=f"token={TOKEN}"), "Origin 'http://evil.example'"),
    (scope(host="evil.example:8765", query=f"token={TOKEN}"), "unknown Host"),  # DNS rebinding
    (scope("websocket", query=f"token={TOKEN}"), "needs an Origin"),
    (scope("websocket", origin="http://127.0.0.1:8765", query=f"token={TOKEN}"), None),
])
def test_guard_needs_token_host_and_origin(request_scope, refused):
    problem = _Guard(None, TOKEN, 8765, "127.0.0.1").problem(request_scope)
    assert problem is None if refused is None else refused in problem


def test_loopback_hosts():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20") and not is_loopback("no-such-host.invalid")


def test_a_finished_source_ends_after_what_was_pushed():
    source = PushedSource(first_frame_timeout_s=5)
    source.resume()
    source.push(b"\x01\x00" * FRAME_SAMPLES * 2)
    source.finish()
    source.push(b"\x02\x00" * FRAME_SAMPLES)  # after the page closed its microphone: not part of the answer
    assert len(list(source.frames())) == 2
    source.resume()  # the next answer starts clean
    source.push(b"\x03\x00" * FRAME_SAMPLES)
    assert next(source.frames()).pcm[:2] == b"\x03\x00"


def test_the_page_fetches_nothing_from_the_network():
    from importlib import resources

    static = resources.files("voice_interviewer.web") / "static"
    names = sorted(p.name for p in static.iterdir())
    assert names == ["app.css", "app.js", "capture.js", "index.html"]
    for name in names:
        text = (static / name).read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text and "//cdn" not in text, name
    page = (static / "index.html").read_text(encoding="utf-8")
    assert page.count("<script") == 2 and 'src="/static/app.js"' in page  # the config block and our own script
