"""The real microphone path: PulseAudio null sink → ALSA default device → sounddevice → endpointer → Whisper.

A fixture is played into the sink with paplay while the interview listens on the sink's monitor, exactly as a
candidate speaking into a microphone. The interviewer's own voice also goes into the sink and must not be heard.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from conftest import CLI, DEMO, ROOT, wait_for_listening, word_error_rate

pytestmark = [pytest.mark.cli, pytest.mark.sound, pytest.mark.model, pytest.mark.slow]


def test_devices_lists_the_sound_server(pulse):
    import os

    result = subprocess.run([*CLI, "devices"], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, **pulse["env"]}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "default" in result.stdout


def test_one_full_turn_through_the_microphone(pulse, tmp_path, manifest):
    import os

    answer = next(a for a in manifest["answers"] if a["question_id"] == "rec-background")  # 40 s, the shortest
    env = {**os.environ, **pulse["env"]}
    process = subprocess.Popen([*CLI, "interview", "--stage", "recruiter", "--questions", "1", "--input", "mic",
                                "--end-silence", "2.5", "--no-follow-ups", "--out", str(tmp_path)],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_listening(tmp_path, "*/a01.wav")  # the question is over and the microphone is being recorded
    subprocess.run(["paplay", f"--device={pulse['sink']}", str(DEMO / answer["file"])], env=env,
                   check=True, timeout=300)
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    folder = next(tmp_path.glob("*/session.json")).parent
    session = json.loads((folder / "session.json").read_text())
    record = session["answers"][0]
    assert record["input"] == "mic" and record["end_reason"] == "silence"
    assert word_error_rate(answer["transcript"], record["transcript"]) <= 0.2, record["transcript"]
    assert session["questions"][0]["text"][:30].lower() not in record["transcript"].lower()
    assert (folder / "fb01.wav").exists() and session["completed"]
