"""The package's own data (personas, the demo's recorded candidate) is found through importlib.resources, wherever
the package is installed; the environment overrides still win (pure, fast)."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import DEMO, PERSONAS

from voice_interviewer.config import package_data
from voice_interviewer.content.personas import STAGES, load_personas, personas_dir
from voice_interviewer.errors import InterviewerError
from voice_interviewer.session.candidates import RecordedCandidate
from voice_interviewer.session.fixtures import demo_plan, fixtures_dir


def test_package_data_is_the_folder_inside_the_package(monkeypatch):
    monkeypatch.delenv("VOICE_INTERVIEWER_PERSONAS", raising=False)
    monkeypatch.delenv("VOICE_INTERVIEWER_FIXTURES", raising=False)
    assert package_data("personas").resolve() == PERSONAS.resolve() == personas_dir().resolve()
    assert package_data("demo").resolve() == DEMO.resolve() == fixtures_dir().resolve()


def test_the_shipped_demo_has_a_recording_for_every_stage_and_the_questions_back(monkeypatch):
    monkeypatch.delenv("VOICE_INTERVIEWER_FIXTURES", raising=False)
    personas = load_personas(PERSONAS)
    plan, recordings = demo_plan(personas, STAGES, 2)
    assert [persona.stage for persona, _ in plan.stages] == list(STAGES)
    assert all(len(questions) == 2 for _, questions in plan.stages)
    assert len(recordings) == 10 and all(p.is_file() and p.parent == DEMO for p in recordings)
    candidate = RecordedCandidate(recordings, realtime=False)
    assert candidate.has_asks("hiring-manager")  # hiring-manager.asks.ogg lies beside the answers
    assert not candidate.has_asks("panel")


def test_fixtures_override_points_demo_at_another_candidate(tmp_path, monkeypatch):
    manifest = json.loads((DEMO / "manifest.json").read_text())
    panel = [a for a in manifest["answers"] if a["stage"] == "panel" and not a.get("follow_up")][:1]
    shutil.copy(DEMO / panel[0]["file"], tmp_path / "mine.ogg")
    (tmp_path / "manifest.json").write_text(json.dumps({"schema": 1, "answers": [{**panel[0], "file": "mine.ogg"}]}))
    monkeypatch.setenv("VOICE_INTERVIEWER_FIXTURES", str(tmp_path))
    assert fixtures_dir() == tmp_path
    plan, recordings = demo_plan(load_personas(PERSONAS), ["panel"], 1)
    assert recordings == [tmp_path / "mine.ogg"]
    with pytest.raises(InterviewerError, match="no recorded answers for stage"):
        demo_plan(load_personas(PERSONAS), ["recruiter"], 1)


def test_a_missing_candidate_names_the_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("VOICE_INTERVIEWER_FIXTURES", str(tmp_path / "nowhere"))
    with pytest.raises(InterviewerError, match="nowhere/manifest.json: recorded candidate missing"):
        demo_plan(load_personas(PERSONAS), ["panel"], 1)
