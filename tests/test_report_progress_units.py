"""Pure parts of the report, progress and story bank, on score documents made by the real analyzers.

Answers here are typed transcripts (evenly timed words) or hand-timed words run through feedback.analyze, so every
figure is what the analyzers say about those words; nothing is written into a score document by hand.
"""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from voice_interviewer.cli.documents import follow_along
from voice_interviewer.cli.screen import progress_bar
from voice_interviewer.content.personas import find_question, load_personas
from voice_interviewer.feedback import analyze
from voice_interviewer.records import Transcript, Word
from voice_interviewer.review.charts import line_chart_svg, pace_series
from voice_interviewer.review.progress import Session, build_progress, compare_feedback, render_progress_html
from voice_interviewer.review.report import align_words, render_html, render_markdown, stage_summary
from voice_interviewer.review.stories import THEMES, build_story_bank
from voice_interviewer.session.interview import typed_transcript

ROUGH = ("Um, so there was this time on the checkout rebuild where, you know, the payments team and the orders team "
         "basically could not agree on payment events. Um, we had a lot of meetings about it. I mean, we went with "
         "the event stream in the end, you know.")
GOOD = ("Last year I ran the checkout rebuild, and the payments team and the orders team disagreed for three weeks on "
        "how to handle payment events, which blocked our launch. My job was to get both teams to a decision they "
        "would commit to. I met each tech lead one on one, pulled six months of incident data, and ran one design "
        "review with written decision criteria. As a result the teams chose an event stream, we launched on the "
        "original date, and checkout failures fell by thirty five percent.")
ONCALL = ("Two years ago a peer program manager and I clashed over the on call rotation for a shared gateway. His team "
          "wanted mine to carry every page. I had to settle the conflict without escalating. I listened first, then "
          "we pulled three months of pager data together and agreed on a split rotation. As a result pages to my "
          "team fell by half, and we still run planning together.")


@pytest.fixture(scope="module")
def questions():
    personas = load_personas()
    return {qid: find_question(personas, qid)[1] for qid in ("panel-alignment", "panel-conflict")}


def _answer(index: int, qid: str, text: str, questions, wpm_scale: float = 1.0) -> dict:
    transcript = typed_transcript(text)
    if wpm_scale != 1.0:  # the same words said faster: every time divided by the scale
        transcript = Transcript(tuple(Word(w.text, w.start / wpm_scale, w.end / wpm_scale)
                                      for w in transcript.words), transcript.audio_duration_s / wpm_scale)
    doc = analyze(transcript, questions[qid], audio_name=f"a{index:02d}.wav")
    return {"index": index, "stage": "panel", "persona": "Lena Park", "question_id": qid,
            "question_text": questions[qid].text, "answer_audio": f"a{index:02d}.wav", "follow_ups": [], **doc}


def _session(day: int, answers: list[dict]) -> Session:
    started = f"2026-11-{day:02d}T10:00:00+00:00"
    return Session(f"202611{day:02d}-100000-panel", started,
                   {"schema": 1, "stage": "panel", "started": started,
                    "personas": [{"stage": "panel", "name": "Lena Park", "role": "Panel lead"}], "answers": answers})


def test_pace_series_follows_the_answer_from_first_to_last_word():
    words = [{"text": "w", "start": i * 0.4, "end": i * 0.4 + 0.3, "filler": False} for i in range(100)]  # 150 wpm
    series = pace_series(words)
    assert series[0][0] == 0.0 and series[-1][0] == pytest.approx(words[-1]["end"])
    assert all(140 <= wpm <= 160 for _, wpm in series), series
    fillers = [{**w, "filler": i % 2 == 0} for i, w in enumerate(words)]  # fillers do not count as pace
    assert all(60 <= wpm <= 85 for _, wpm in pace_series(fillers))


def test_align_words_puts_punctuation_back_on_split_words():
    words = [{"text": t, "start": i, "end": i + 0.5} for i, t in enumerate(["the", "two", "hour", "window", "3",
                                                                            "000", "orders"])]
    groups = align_words("The two-hour window: 3,000 orders.".split(), words)
    assert [token for token, _ in groups] == ["The", "two-hour", "window:", "3,000", "orders."]
    assert [len(g) for _, g in groups] == [1, 2, 1, 2, 1]
    assert align_words("something else entirely".split(), words) is None


def test_html_report_marks_fillers_parts_and_pauses_and_has_no_network(questions):
    rough = _answer(1, "panel-alignment", ROUGH, questions)
    words = list(typed_transcript(GOOD).words)
    gapped = tuple(words[:20]) + tuple(Word(w.text, w.start + 3.0, w.end + 3.0) for w in words[20:])
    good = {**_answer(2, "panel-alignment", GOOD, questions),
            **analyze(Transcript(gapped, gapped[-1].end), questions["panel-alignment"], audio_name="a02.wav")}
    session = _session(1, [rough, good]).document
    page = render_html(session, audio={"a01.wav": "data:audio/ogg;base64,T2dnUw=="})
    assert not re.search(r"https?://", page)
    assert page.count('<svg class="chart') == 2 * 2 + 2 + 1  # ... and the debrief's grid of the five dimensions
    assert page.count('class="w filler"') == sum(1 for w in rough["words"] if w["filler"]) >= 7
    assert page.count('class="pausemark"') == good["pauses"]["count"] == 1
    for part in good["structure"]["order"]:
        assert f">{part}</span>" in page
    assert 'src="data:audio/ogg;base64,T2dnUw=="' in page
    assert "recording of this answer is missing" in page  # a02 was not embedded
    summary = stage_summary(session)
    assert summary[0]["answers"] == 2 and summary[0]["score"] == round((rough["score"] + good["score"]) / 2)
    assert "## 1." in render_markdown(session)
    um = rough["fillers"]["counts"]["um"]
    assert f'title="um {um}' in page and "read this as a floor" in page  # the fillers tile says what it counts


def test_pages_show_session_text_as_text_never_as_markup(questions):
    """Transcripts, questions, names and findings come from files a user can edit: the templates escape them."""
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> & \'q\''
    answer = _answer(1, "panel-alignment", ROUGH, questions)
    answer |= {"question_text": hostile, "spoken_feedback": hostile, "persona": hostile,
               "findings": answer["findings"] + [{"kind": "k", "severity": "warn", "message": hostile, "at_s": 3.0}],
               "follow_ups": [{"text": hostile, "transcript": hostile, "answer_audio": None}]}
    session = _session(1, [answer]).document | {"stage": hostile}
    page = render_html(session)
    assert "<script>alert" not in page and "<img" not in page
    assert page.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") >= 6  # question, feedback, finding, ...
    doc = build_progress([_session(1, [answer]), _session(2, [answer])])
    progress_page = render_progress_html(doc)
    assert "<script>alert" not in progress_page and "&lt;script&gt;alert" in progress_page


def test_progress_says_what_improved_and_what_did_not(questions):
    weeks = [_session(1, [_answer(1, "panel-alignment", ROUGH, questions, wpm_scale=1.6)]),
             _session(8, [_answer(1, "panel-alignment", GOOD, questions, wpm_scale=1.15)]),
             _session(15, [_answer(1, "panel-alignment", GOOD, questions)])]
    doc = build_progress(weeks)
    series = doc["stages"]["panel"]["series"]
    assert series["score"][0] < series["score"][-1]
    verdicts = {v["metric"]: v["verdict"] for v in doc["questions"]["panel-alignment"]["verdicts"]}
    assert verdicts["score"] == "improved" and verdicts["fillers_per_min"] == "improved"
    assert verdicts["wpm"] == "improved"  # about 185 wpm down to 150: into the band
    assert any(line.startswith("score (stage panel)") for line in doc["summary"]["improved"])
    assert build_progress(weeks[:1])["summary"]["note"].startswith("1 session(s) so far")
    assert build_progress(weeks, stage="technical")["sessions"] == []


def test_compare_feedback_lists_each_change(questions):
    before = _answer(1, "panel-alignment", ROUGH, questions)
    after = _answer(1, "panel-alignment", GOOD, questions)
    rows = {r["measure"]: r for r in compare_feedback(before, after)}
    assert rows["score"]["change"] == after["score"] - before["score"]
    assert rows["fillers"]["change"] == after["fillers"]["total"] - before["fillers"]["total"] < 0
    before_kinds = {f["kind"] for f in before["findings"]}
    after_kinds = {f["kind"] for f in after["findings"]}
    assert rows["findings"]["gone"] == sorted(before_kinds - after_kinds)
    assert rows["findings"]["new"] == sorted(after_kinds - before_kinds)
    assert "missing-task" in before_kinds - after_kinds  # the rough answer had no task; the good one states it


def test_story_bank_groups_retellings_maps_themes_and_flags_long_stories(questions):
    long_words = tuple(Word(w.text, w.start * 8, w.end * 8) for w in typed_transcript(ONCALL).words)  # > 3 min
    long_doc = analyze(Transcript(long_words, long_words[-1].end), questions["panel-conflict"], audio_name="a02.wav")
    sessions = [
        _session(1, [_answer(1, "panel-alignment", ROUGH, questions)]),
        _session(8, [_answer(1, "panel-alignment", GOOD, questions),
                     {**_answer(2, "panel-conflict", ONCALL, questions), **long_doc}]),
    ]
    bank = build_story_bank(sessions)
    assert len(bank["stories"]) == 2
    checkout, oncall = bank["stories"]
    assert [t["session"][6:8] for t in checkout["tellings"]] == ["01", "08"]
    assert "driving alignment" in checkout["themes"]
    assert "resolving cross-team conflict" in oncall["themes"]
    assert oncall["over_limit"] and bank["over_limit"] == [oncall["id"]]
    assert set(bank["missing_themes"]) == set(THEMES) - set(checkout["themes"]) - set(oncall["themes"])


def test_follow_along_prints_each_word_when_its_time_comes(questions):
    record = _answer(1, "panel-alignment", GOOD, questions)
    now = [0.0]
    waits = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    buffer = io.StringIO()
    follow_along(Console(file=buffer, width=200), record, lambda: now[0], sleep)
    assert buffer.getvalue().split()[:3] == ["Last", "year", "I"]
    assert now[0] == pytest.approx(record["words"][-1]["start"])
    assert all(w > 0 for w in waits)


def test_progress_bar_draws_nothing_when_stderr_is_not_a_terminal():
    buffer = io.StringIO()
    with progress_bar(Console(file=buffer, force_terminal=False), "work", 5) as advance:
        for _ in range(5):
            advance()
    assert buffer.getvalue() == ""


def test_trend_chart_leaves_gaps_for_sessions_without_the_question():
    svg = line_chart_svg("score", ["a", "b", "c"], [("q1", [40, None, 80]), ("q2", [50, 60, 70])], y_max=100)
    assert svg.count("<circle") == 5 and svg.count("<polyline") == 1


def test_answer_audio_is_embedded_as_opus_a_fraction_of_the_wav(tmp_path):
    import base64

    from conftest import FIXTURES

    from voice_interviewer.audio.files import read_audio
    from voice_interviewer.review.media import embed_audio, encode_audio

    wav = FIXTURES / "real" / "jfk.wav"
    mime, data = encode_audio(wav)
    assert mime.startswith("audio/ogg") and data[:4] == b"OggS"
    assert len(data) * 8 < wav.stat().st_size  # 24 kbit/s against 256 kbit/s
    decoded = tmp_path / "back.ogg"
    decoded.write_bytes(data)
    assert abs(len(read_audio(decoded)) - len(read_audio(wav))) < 16_000 * 0.1  # same length, within 0.1 s
    (tmp_path / "a01.wav").write_bytes(wav.read_bytes())
    (tmp_path / "a02.wav").write_bytes(b"")  # an empty recording is left out, not fatal
    done = []
    uris = embed_audio(tmp_path, ["a01.wav", "a02.wav", "a03.wav"], on_done=lambda: done.append(1))
    assert list(uris) == ["a01.wav"] and len(done) == 3
    assert uris["a01.wav"].startswith("data:audio/ogg")
    assert base64.b64decode(uris["a01.wav"].split(",", 1)[1])[:4] == b"OggS"  # Ogg stream serials are random


def test_progress_page_draws_a_line_per_stage_with_a_legend(questions):
    personas = load_personas()
    technical = find_question(personas, "tech-risk-communication")[1]
    risk = ("I translate the risk into business impact, say how likely it is, pair it with a mitigation, and give "
            "the mitigation an owner and a date.")

    def loop(day: int, text: str) -> Session:
        tech = analyze(typed_transcript(risk), technical, audio_name="a02.wav")
        tech_record = {"index": 2, "stage": "technical", "persona": "Graham Whitfield",
                       "question_id": technical.id, "question_text": technical.text, "follow_ups": [], **tech}
        return _session(day, [_answer(1, "panel-alignment", text, questions), tech_record])

    from voice_interviewer.review.progress import render_progress_html

    doc = build_progress([loop(1, ROUGH), loop(8, GOOD)])
    assert set(doc["stages"]) == {"panel", "technical"}
    page = render_progress_html(doc)
    assert not re.search(r"https?://", page)
    # stages; the five dimensions; panel-alignment; the technical question
    assert page.count('<svg class="chart trend"') == 5 + 1 + 5 + 4
    assert ">panel</text>" in page and ">technical</text>" in page  # the legend of the per-stage charts


@pytest.mark.cli
def test_help_lists_progress_and_stories():
    from conftest import run_cli

    result = run_cli("--help")
    assert result.returncode == 0 and "progress" in result.stdout and "stories" in result.stdout
