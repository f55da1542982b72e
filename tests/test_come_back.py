"""Coming back to practice: the HTML report (in headless Chromium), replay, progress across sessions, story bank.

The sessions are real: three practice weeks rendered by audio_fixtures/practice_takes.py (the same candidate voice
answering the same panel questions, getting better) and run through `interview --input ... --fast --mute`.
"""

from __future__ import annotations

import json
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, require_marker, run_cli
from test_cli import assert_usage_error

sys.path.insert(0, str(FIXTURES))
from practice_takes import WEEKS, render_weeks  # noqa: E402

OUTPUT = ROOT / "test-output"


def chromium() -> str:
    require_marker("browser", "drives headless chromium")
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("chromium is not installed; `make test` installs the Debian package chromium")
    return found


def headless(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
           "--no-first-run", f"--user-data-dir={profile}", *args, page.resolve().as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


def filler_marks(folder: Path) -> int:
    """How many words the report must mark as fillers: shown words (transcript tokens aligned to the timed words,
    as the report shows them) holding at least one word the analysis flagged."""
    from voice_interviewer.review.report import align_words

    total = 0
    for answer in json.loads((folder / "session.json").read_text(encoding="utf-8"))["answers"]:
        words = answer.get("words") or []
        groups = align_words(answer.get("transcript", "").split(), words) if words else None
        total += (sum(any(w.get("filler") for w in g) for _, g in groups) if groups is not None
                  else sum(bool(w.get("filler")) for w in words))
    return total


@pytest.fixture(scope="session")
def practice(tmp_path_factory) -> dict:
    """Three real sessions in one sessions dir: week 1 (rough), week 2, week 3 (complete, one more story)."""
    root = tmp_path_factory.mktemp("practice")
    home = root / "sessions"
    weeks = render_weeks(root / "takes")
    folders = []
    for week, files in weeks.items():
        result = run_cli("interview", "--stage", "panel", "--questions", str(len(files)), "--input",
                         str(files[0].parent), "--fast", "--mute", "--no-follow-ups", "--out", str(home))
        assert result.returncode == 0, (week, result.stderr[-2000:])
        folder = Path(re.search(r"Session saved:\s*(\S+)", result.stdout).group(1))
        folders.append(folder)
    return {"home": home, "sessions": folders, "root": root}


pytestmark = [pytest.mark.cli, pytest.mark.model, pytest.mark.slow]


@pytest.mark.browser
def test_report_is_self_contained_and_renders_its_charts_in_chromium(practice, tmp_path):
    week3 = practice["sessions"][-1]
    target = tmp_path / "week3.html"
    result = run_cli("report", str(week3), "--html", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Interview")  # the Markdown report is still printed
    page = target.read_text(encoding="utf-8")
    assert not re.search(r"https?://", page), "the report must not reference the network"
    linked = re.findall(r"""\b(?:src|href)=["']?([^"'\s>]*)""", page)
    # data: URIs, or links to a place in the page (the debrief's evidence points at its answer: href="#a2")
    assert linked and all(link.startswith(("data:", "#")) for link in linked), "every resource is inside the page"
    answers = len(WEEKS["week3"])
    assert page.count('src="data:audio/') == answers
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    dom = headless(target, tmp_path / "profile", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    charts = dom.stdout.count('<svg class="chart')
    # per answer a score ring and a timeline, plus the overall ring, the score bars and the debrief's dimension grid
    # (week 3's panel questions are rated on their dimensions)
    assert page.count('<svg class="chart dgrid') == 1
    assert charts == 2 * answers + 3, charts
    assert f'data-ready="{charts}"' in dom.stdout  # the page's script ran and saw every chart
    assert dom.stdout.count('class="w filler"') == filler_marks(week3)  # every flagged filler, marked once
    for part in ("situation", "task", "action", "result"):  # the STAR parts of week 3's stories, coloured
        assert re.search(rf'class="tag" style="background:#[0-9a-f]{{6}}">{part}</span>', dom.stdout), part

    OUTPUT.mkdir(exist_ok=True)
    shot = OUTPUT / "report-week3.png"
    shot.unlink(missing_ok=True)
    taken = headless(target, tmp_path / "profile", "--window-size=1280,2400", f"--screenshot={shot}")
    assert taken.returncode == 0 and shot.stat().st_size > 50_000, taken.stderr[-2000:]

    week1 = practice["sessions"][0]
    default = run_cli("report", str(week1))
    assert default.returncode == 0, default.stderr
    written = week1 / "report.html"
    assert f"HTML report: {written}" in default.stderr.replace("\n", "")
    marked = written.read_text(encoding="utf-8").count('class="w filler"')
    assert marked == filler_marks(week1) >= 5  # week 1 is full of fillers
    shot1 = OUTPUT / "report-week1.png"
    shot1.unlink(missing_ok=True)
    assert headless(written, tmp_path / "profile", "--window-size=1280,1800", f"--screenshot={shot1}").returncode == 0


@pytest.mark.browser
def test_progress_across_three_sessions_shows_real_trends(practice, tmp_path):
    page = tmp_path / "progress.html"
    result = run_cli("progress", "--out", str(practice["home"]), "--json", "--html", str(page))
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert len(doc["sessions"]) == 3
    panel = doc["stages"]["panel"]["series"]
    assert panel["score"][-1] > panel["score"][0] + 20, panel["score"]
    assert panel["fillers_per_min"][-1] < panel["fillers_per_min"][0], panel["fillers_per_min"]
    assert panel["wpm"][0] > 160 >= panel["wpm"][-1], panel["wpm"]  # week 1 rushed; week 3 inside the band
    align = doc["questions"]["panel-alignment"]["series"]
    assert len(align["score"]) == 3 and align["score"][-1] > align["score"][0]
    assert len(doc["questions"]["panel-conflict"]["sessions"]) == 1  # asked in week 3 only: no trend yet
    improved = " ".join(doc["summary"]["improved"])
    assert "score (stage panel)" in improved and "fillers a minute (stage panel)" in improved

    html_page = page.read_text(encoding="utf-8")
    assert not re.search(r"https?://", html_page)
    dom = headless(page, tmp_path / "profile", "--dump-dom")
    assert dom.stdout.count('<svg class="chart trend"') >= 5 + 2 * 5  # per stage, then per question
    OUTPUT.mkdir(exist_ok=True)
    headless(page, tmp_path / "profile", "--window-size=1280,1600", f"--screenshot={OUTPUT / 'progress.png'}")

    table = run_cli("progress", "--out", str(practice["home"]), "--stage", "panel")
    assert table.returncode == 0, table.stderr
    assert "Across 3 sessions" in table.stdout and "Improved:" in table.stdout
    assert "panel-alignment" in table.stdout

    copy = tmp_path / "with-a-broken-session"  # a damaged session is skipped with a notice, not fatal
    for folder in practice["sessions"]:
        (copy / folder.name).mkdir(parents=True)
        shutil.copy(folder / "session.json", copy / folder.name / "session.json")
    (copy / "20990101-000000-panel").mkdir()
    (copy / "20990101-000000-panel" / "session.json").write_text("{broken")
    skipping = run_cli("progress", "--out", str(copy))
    assert skipping.returncode == 0 and "Across 3 sessions" in skipping.stdout, skipping.stderr
    assert "notice: skipped" in skipping.stderr and "corrupt session file" in skipping.stderr

    assert_usage_error(run_cli("progress", "--out", str(practice["home"]), "--stage", "ceo"), "unknown stage")
    assert_usage_error(run_cli("progress", "--out", str(practice["home"]), "--stage", "technical"),
                       "no scored answers for stage technical")
    assert_usage_error(run_cli("progress", "--out", str(tmp_path / "empty")), "no saved sessions")


def test_stories_groups_retellings_and_shows_gaps(practice):
    result = run_cli("stories", "--out", str(practice["home"]), "--json")
    assert result.returncode == 0, result.stderr
    bank = json.loads(result.stdout)
    by_question = {}
    for story in bank["stories"]:
        for telling in story["tellings"]:
            by_question.setdefault(telling["question_id"], set()).add(story["id"])
    checkout = [s for s in bank["stories"] if any(t["question_id"] == "panel-alignment" for t in s["tellings"])]
    assert max(len(s["tellings"]) for s in checkout) >= 2, "the retold checkout story is one story"
    assert by_question["panel-conflict"].isdisjoint(by_question["panel-alignment"]), "a different story"
    conflict = next(s for s in bank["stories"] if s["id"] in by_question["panel-conflict"])
    assert "resolving cross-team conflict" in conflict["themes"]
    assert "driving alignment" in checkout[-1]["themes"]
    assert {"handling failure", "influencing leadership"} <= set(bank["missing_themes"])
    assert bank["over_limit"] == []  # every practice answer is well under three minutes

    text = run_cli("stories", "--out", str(practice["home"]))
    assert text.returncode == 0 and "Themes with no story yet" in text.stdout


def test_replay_follows_one_answer_and_rescores_it(practice):
    week1 = practice["sessions"][0]
    result = run_cli("replay", str(week1), "--answer", "1", "--mute", "--rescore")
    assert result.returncode == 0, result.stderr
    assert "could not agree" in result.stdout  # the question
    assert "Score " in result.stdout and "Rescored:" in result.stdout
    assert "measure" in result.stdout and "fillers a minute" in result.stdout
    assert "When teams depend" not in result.stdout  # only answer 1
    assert_usage_error(run_cli("replay", str(week1), "--answer", "9", "--mute"), "--answer 9", "allowed: 1 to 2")


@pytest.mark.sound
def test_replay_plays_through_a_sound_device(practice, pulse):
    """With a speaker (the PulseAudio null sink), the answer plays while its words are printed."""
    week1 = practice["sessions"][0]
    record = json.loads((week1 / "session.json").read_text())["answers"][1]
    result = run_cli("replay", str(week1), "--answer", "2", env=pulse["env"])
    assert result.returncode == 0, result.stderr
    assert "notice" not in result.stderr, result.stderr  # nothing skipped, no device trouble
    said = [w["text"] for w in record["words"]]
    assert all(word in result.stdout for word in said[:5] + said[-5:])
    assert record["spoken_feedback"][:40] in result.stdout
