"""The interviewer's voice: complete WAVs from espeak-ng (its command, or pyttsx3 where there is no command),
intelligible to our own recogniser."""

from __future__ import annotations

import wave

import pytest
from conftest import word_error_rate

from voice_interviewer.audio.sources import WavFileSource
from voice_interviewer.config import TranscribeOptions
from voice_interviewer.content.personas import VoiceSpec, load_personas
from voice_interviewer.speech.transcribe import transcribe_frames
from voice_interviewer.voice.speaker import Speaker, render_wav

SENTENCE = "Tell me about a time you drove alignment between two teams that disagreed."


@pytest.fixture(params=["espeak-ng command", "pyttsx3"])
def renderer(request, monkeypatch):
    """Both ways a WAV gets rendered: pyttsx3 is used where no espeak-ng command is on the PATH."""
    if request.param == "pyttsx3":
        import voice_interviewer.voice.speaker as speaker

        monkeypatch.setattr(speaker.shutil, "which", lambda name: None)
    return request.param


def test_rendered_wav_is_complete_every_time(tmp_path, renderer):
    spec = VoiceSpec(voice_id="en-us+m3", rate_wpm=165, pitch=50)
    for i in range(5):  # the early-return race showed up as half-written files on repeated calls
        path = tmp_path / f"q{i}.wav"
        duration = render_wav(SENTENCE, path, spec)
        with wave.open(str(path)) as handle:
            assert handle.getnframes() * 2 + 44 <= path.stat().st_size
            assert abs(handle.getnframes() / handle.getframerate() - duration) < 1e-6
        assert 3.0 < duration < 8.0


def test_muted_speaker_writes_wav_only(tmp_path):
    notices = []
    speaker = Speaker(mute=True, on_notice=notices.append)
    assert not speaker.audible and notices == []
    assert speaker.speak("Thank you.", tmp_path / "x.wav", VoiceSpec(voice_id="en-us+f3", rate_wpm=170)) > 0.3


@pytest.mark.model
def test_every_persona_voice_is_intelligible(tmp_path, model):
    for stage, persona in load_personas().items():
        question = persona.questions[0].text
        path = tmp_path / f"{stage}.wav"
        render_wav(question, path, persona.voice)
        heard = transcribe_frames(WavFileSource(path).frames(), model, TranscribeOptions(partial_every_s=None))
        assert word_error_rate(question, heard.text) <= 0.35, (stage, question, heard.text)


@pytest.mark.slow  # 200 renders through espeak-ng: about a minute, most of the fast tier's time
def test_hundreds_of_utterances_in_one_process_all_have_audio(tmp_path, monkeypatch):
    """pyttsx3 2.99 goes silent after ~175 utterances in a process; every one must still come out as speech."""
    import voice_interviewer.voice.speaker as speaker

    monkeypatch.setattr(speaker.shutil, "which", lambda name: None)  # the pyttsx3 path
    spec = VoiceSpec(voice_id="en-gb+f1", rate_wpm=160, pitch=60)
    for i in range(200):
        assert render_wav(f"Question {i}: what did you learn?", tmp_path / "u.wav", spec) > 0.8, i
