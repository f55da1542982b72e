"""The wheel is the product: built from the sources, installed in a fresh virtual environment outside the repository,
it runs personas, score, demo, replay and report from another folder with no checkout in sight.

The venv installs the dependencies from PyPI (the pip cache makes that quick); nothing points back at the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from conftest import DEMO, ROOT, word_error_rate

pytestmark = [pytest.mark.wheel, pytest.mark.slow, pytest.mark.model]

MAX_WHEEL_BYTES = 15 * 1024 * 1024  # the budget for the wheel without the model package


def _sources(into: Path) -> Path:
    """What a clone holds for the build (pyproject, README, the package), without caches or stale build folders."""
    tree = into / "src"
    tree.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    shutil.copytree(ROOT / "voice_interviewer", tree / "voice_interviewer",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    return tree


def _run(cmd: list[str], *, cwd: Path, env: dict, timeout: float = 900) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(map(str, cmd))} exited {result.returncode}:\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def installed():
    """(venv bin folder, a working folder outside the repository, the environment the commands run with)."""
    top = Path(tempfile.mkdtemp(prefix="vi-wheel-"))  # not under the repository, not under pytest's basetemp
    try:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("VOICE_INTERVIEWER_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        dist = top / "dist"
        _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(_sources(top))],
             cwd=top, env=env)
        [wheel] = dist.glob("voice_interviewer-*.whl")
        _run([sys.executable, "-m", "venv", str(top / "venv")], cwd=top, env=env)
        bin_dir = top / "venv" / "bin"
        _run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)], cwd=top, env=env)
        work = top / "elsewhere"
        work.mkdir()
        env = {**env, "VOICE_INTERVIEWER_HOME": str(top / "home"), "HOME": str(top / "user")}
        yield {"wheel": wheel, "bin": bin_dir, "work": work, "env": env}
    finally:
        shutil.rmtree(top, ignore_errors=True)


def test_the_wheel_ships_personas_and_the_demo_recordings_and_stays_small(installed):
    wheel = installed["wheel"]
    assert wheel.stat().st_size <= MAX_WHEEL_BYTES, f"wheel is {wheel.stat().st_size / 1e6:.1f} MB"
    names = set(zipfile.ZipFile(wheel).namelist())
    for stage in ("recruiter", "hiring-manager", "technical", "panel", "bar-raiser"):
        assert f"voice_interviewer/data/personas/{stage}.toml" in names
    demo = json.loads((DEMO / "manifest.json").read_text())
    for entry in demo["answers"] + demo["asks"]:
        assert f"voice_interviewer/data/demo/{entry['file']}" in names
    assert "voice_interviewer/data/demo/manifest.json" in names
    assert "voice_interviewer/data/hesitation_probe.npz" in names
    assert "voice_interviewer/web/static/index.html" in names  # the web page is served from the package too
    assert any(n.startswith("voice_interviewer/review/templates/") for n in names)  # the report's templates
    assert not any(n.startswith(("tests/", "audio_fixtures/", "benchmarks/")) for n in names)


def test_the_installed_package_is_the_one_that_runs(installed):
    where = _run([str(installed["bin"] / "python"), "-c", "import voice_interviewer; print(voice_interviewer.__file__)"],
                 cwd=installed["work"], env=installed["env"]).stdout.strip()
    assert Path(where).is_relative_to(installed["bin"].parent), where
    assert not Path(where).is_relative_to(ROOT)


def test_personas_score_demo_replay_and_report_from_another_folder(installed):
    cli, work, env = str(installed["bin"] / "voice-interviewer"), installed["work"], installed["env"]
    personas = json.loads(_run([cli, "personas", "--json"], cwd=work, env=env).stdout)
    assert list(personas) == ["recruiter", "hiring-manager", "technical", "panel", "bar-raiser"]
    assert all(p["questions"] for p in personas.values())

    answer = work / "my-answer.ogg"  # a user's own recording, outside the package
    shutil.copy(DEMO / "panel-alignment.ogg", answer)
    scored = json.loads(_run([cli, "score", str(answer), "--question", "panel-alignment", "--json"],
                             cwd=work, env=env).stdout)
    assert scored["question_id"] == "panel-alignment" and 0 <= scored["score"] <= 100
    spoken = next(a["transcript"] for a in json.loads((DEMO / "manifest.json").read_text())["answers"]
                  if a["question_id"] == "panel-alignment" and not a.get("follow_up"))
    assert word_error_rate(spoken, scored["transcript"]) <= 0.25, scored["transcript"]

    demo = _run([cli, "demo", "--mute", "--stage", "hiring-manager"], cwd=work, env=env)
    assert "Session saved:" in demo.stdout, demo.stdout
    [folder] = (Path(env["VOICE_INTERVIEWER_HOME"]) / "sessions").iterdir()
    session = json.loads((folder / "session.json").read_text())
    assert session["completed"] and session["answers"]
    assert all(a["transcript"] and isinstance(a.get("score"), int) for a in session["answers"])
    assert session.get("questions_back"), "the demo candidate's questions for the interviewer were not found"
    _run([cli, "replay", str(folder), "--mute"], cwd=work, env=env)
    _run([cli, "report", str(folder)], cwd=work, env=env)
    assert (folder / "report.html").is_file()
