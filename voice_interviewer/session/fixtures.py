"""The recorded candidate of `demo`: answers shipped with the package (data/demo) listed in its manifest.json."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from voice_interviewer.config import package_data
from voice_interviewer.content.personas import Persona
from voice_interviewer.errors import InterviewerError
from voice_interviewer.session.interview import Plan

__all__ = ["fixtures_dir", "load_manifest", "demo_plan"]


def fixtures_dir() -> Path:
    """$VOICE_INTERVIEWER_FIXTURES, else the demo recordings shipped with the package (data/demo).

    The folder holds manifest.json; its "file" entries are paths relative to the folder, and <stage>.asks.<ext>
    beside the answers are the candidate's questions for the interviewer.
    """
    env = os.environ.get("VOICE_INTERVIEWER_FIXTURES")
    return Path(env) if env else package_data("demo")


def load_manifest(folder: Path | None = None) -> dict:
    folder = folder or fixtures_dir()
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError) as exc:
        raise InterviewerError(f"{folder / 'manifest.json'}: recorded candidate missing or unreadable "
                               f"({exc.__class__.__name__}); reinstall voice-interviewer, or in a checkout run "
                               "`python audio_fixtures/make_fixtures.py`") from None


def demo_plan(personas: dict[str, Persona], stages: Sequence[str], per_stage: int,
              folder: Path | None = None) -> tuple[Plan, list[Path]]:
    """Per stage, the first per_stage questions (in manifest order) that have a recorded answer."""
    folder = folder or fixtures_dir()
    answers = [a for a in load_manifest(folder).get("answers", []) if "question_id" in a and not a.get("follow_up")]
    chosen, recordings = [], []
    for stage in stages:
        by_id = {q.id: q for q in personas[stage].questions}
        picked = [a for a in answers if a["question_id"] in by_id][:per_stage]
        if picked:
            chosen.append((personas[stage], tuple(by_id[a["question_id"]] for a in picked)))
            recordings += [folder / a["file"] for a in picked]
    if not chosen:
        raise InterviewerError(f"{folder}: no recorded answers for stage(s) {', '.join(stages)}")
    return Plan(tuple(chosen)), recordings
