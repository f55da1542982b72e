"""speech/live_model.py: Moonshine base from the moonshine-cpp package, the recogniser for live tentative text.

Pure tests: its tokenizer file format, the loop guard and the pause windows. Model tier: real decoding of the eval
fixtures (skipped with the reason when the `live` extra is not installed).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import FIXTURES, word_error_rate

from voice_interviewer.audio.files import read_audio
from voice_interviewer.records import SAMPLE_RATE_HZ
from voice_interviewer.speech import live_model
from voice_interviewer.speech.live_model import MAX_WINDOW_S, pause_windows, read_tokens, trim_loop

EVAL = FIXTURES / "eval"


def _answer(answer_id: str) -> tuple[dict, np.ndarray]:
    entry = next(a for a in json.loads((EVAL / "labels.json").read_text())["answers"] if a["id"] == answer_id)
    return entry, read_audio(EVAL / entry["file"])


def test_tokenizer_file_lengths_of_one_and_two_bytes():
    long = "\u2581".encode() + b"x" * 200
    data = bytes([5]) + b"<unk>" + bytes([1, 0x41]) + bytes([0x80 | (len(long) & 0x7F), len(long) >> 7]) + long
    assert read_tokens(data) == [b"<unk>", b"A", long]


def test_a_repeated_tail_is_cut_to_one_copy():
    assert trim_loop([1, 7, 8, 9, 8, 9, 8, 9]) == [1, 7, 8, 9]
    assert trim_loop([1, 5, 5, 5]) == [1, 5]
    assert trim_loop([1, 7, 8, 9, 8, 9]) is None  # twice is speech ("no, no"), not a loop


def test_pause_windows_are_short_in_order_and_cover_the_speech():
    entry, pcm = _answer("ev-nervous-star")
    windows = pause_windows(pcm)
    assert all(0 < b - a <= MAX_WINDOW_S * SAMPLE_RATE_HZ for a, b in windows)
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(windows, windows[1:]))
    assert windows[0][0] <= entry["speech_start_s"] * SAMPLE_RATE_HZ
    assert windows[-1][1] >= entry["speech_end_s"] * SAMPLE_RATE_HZ
    assert len(windows) >= pcm.size / SAMPLE_RATE_HZ / MAX_WINDOW_S


def test_silence_makes_no_window():
    assert pause_windows(np.zeros(5 * SAMPLE_RATE_HZ, np.int16)) == []


@pytest.fixture(scope="module")
def moonshine():
    pytest.importorskip("moonshine_cpp", reason="the live extra is not installed: pip install '.[live]'")
    return live_model.load_live_model()


@pytest.mark.model
def test_a_short_answer_is_transcribed_with_few_errors(moonshine):
    entry, pcm = _answer("ev-short-10s")
    text = " ".join(moonshine.text(pcm[a:b]) for a, b in pause_windows(pcm))
    assert word_error_rate(entry["transcript"], text) <= 0.15, text


@pytest.mark.model
def test_the_tail_gives_the_last_words_and_silence_gives_none(moonshine):
    entry, pcm = _answer("ev-short-10s")
    end = int(entry["speech_end_s"] * SAMPLE_RATE_HZ) + SAMPLE_RATE_HZ // 4
    last = entry["transcript"].split()[-3:]  # the answer's last three words
    tail = live_model.transcribe_tail(pcm[:end], seconds=3.0)
    assert word_error_rate(" ".join(last), " ".join(tail[-3:])) <= 0.34, tail
    assert live_model.transcribe_tail(np.zeros(3 * SAMPLE_RATE_HZ, np.int16)) == []


@pytest.mark.model
def test_the_encoder_is_not_padded(moonshine):
    """What makes it fit for live text: 2 s of audio is encoded as 2 s, not as Whisper's 30 s window."""
    _, pcm = _answer("ev-nervous-star")
    short, long = (moonshine.encode(pcm[SAMPLE_RATE_HZ:SAMPLE_RATE_HZ * (1 + s)]).shape[1] for s in (2, 8))
    assert 3.5 <= long / short <= 4.5, (short, long)
