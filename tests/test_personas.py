"""Persona files: the real personas/*.toml load and follow the content rules; broken files say what is wrong.

Pure tier: no model, no sound. Broken files are real persona files copied into tmp_path and damaged.
"""

from __future__ import annotations

import copy
import json
import math
import re
import shutil
from pathlib import Path

import pytest
import tomllib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voice_interviewer.content.personas import (
    FRAMEWORK_PARTS,
    STAGES,
    STAR_PARTS,
    load_persona,
    load_personas,
    personas_dir,
)
from voice_interviewer.errors import PersonaError

ROOT = Path(__file__).resolve().parent.parent
PERSONAS = ROOT / "voice_interviewer" / "data" / "personas"

GUIDE_QUESTION_IDS = (
    "hm-platform-migration", "hm-slip-three-weeks", "hm-failure",
    "tech-risk-communication", "tech-build-vs-buy", "tech-post-incident",
    "panel-alignment", "panel-dependencies",
    "br-ambiguity", "br-influence-leader",
)
MAX_QUESTION_WORDS = 45  # a spoken question longer than this is hard to hold in mind


# --- a tiny TOML writer: dicts, lists, strings, numbers, booleans, all on one line per top-level key ---------------

def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid TOML basic-string escapes
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def to_toml(document: dict) -> str:
    return "".join(f"{_toml_key(k)} = {_toml_value(v)}\n" for k, v in document.items())


def write_toml(path: Path, document: dict) -> Path:
    path.write_bytes(to_toml(document).encode("utf-8", errors="surrogatepass"))
    return path


# --- fixtures ----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def personas():
    return load_personas(PERSONAS)


@pytest.fixture()
def panel_doc() -> dict:
    """The real panel persona as a plain dict, to be damaged one field at a time."""
    return tomllib.loads((PERSONAS / "panel.toml").read_text(encoding="utf-8"))


def _first(doc: dict, kind: str) -> tuple[int, dict]:
    for index, question in enumerate(doc["questions"]):
        if question["kind"] == kind:
            return index, question
    raise AssertionError(f"the real panel persona has no {kind} question to damage")


def _persona_error(path: Path) -> str:
    with pytest.raises(PersonaError) as info:
        load_persona(path)
    message = str(info.value)
    assert str(path) in message, f"message does not name the file: {message}"
    return message


# --- the real personas ---------------------------------------------------------------------------------------------

def test_default_personas_dir_is_the_repository_folder(monkeypatch):
    monkeypatch.delenv("VOICE_INTERVIEWER_PERSONAS", raising=False)
    assert personas_dir().resolve() == PERSONAS.resolve()


def test_real_personas_load_all_five_stages_in_loop_order(personas):
    assert tuple(personas) == STAGES
    for stage, persona in personas.items():
        assert persona.stage == stage
        assert len(persona.questions) >= 6, f"{stage}: only {len(persona.questions)} questions"


def test_question_ids_are_unique_across_all_stages(personas):
    ids = [q.id for p in personas.values() for q in p.questions]
    assert len(ids) == len(set(ids)), sorted(i for i in set(ids) if ids.count(i) > 1)


@pytest.mark.parametrize("question_id", GUIDE_QUESTION_IDS)
def test_every_guide_question_is_present(personas, question_id):
    found = [(p.stage, q) for p in personas.values() for q in p.questions if q.id == question_id]
    assert found, f"guide question {question_id} missing"
    assert found[0][1].source == "guide"


def _all_questions(personas):
    return [(p.stage, q) for p in personas.values() for q in p.questions]


def test_behavioral_budgets_fit_the_three_minute_story(personas):
    too_long = [(s, q.id, q.budget_s) for s, q in _all_questions(personas) if q.kind == "behavioral" and q.budget_s > 180]
    assert not too_long


def test_behavioral_questions_follow_up_on_result_and_action(personas):
    gaps = [(q.id, part) for _, q in _all_questions(personas) if q.kind == "behavioral"
            for part in ("result", "action") if part not in q.follow_ups]
    assert not gaps


def test_framework_scenarios_follow_up_on_risks_and_dependencies(personas):
    framework = [q for _, q in _all_questions(personas) if q.kind == "scenario" and q.structure_kind == "framework"]
    assert framework, "no framework scenario questions at all"
    gaps = [(q.id, part) for q in framework for part in ("risks", "dependencies") if part not in q.follow_ups]
    assert not gaps


def test_each_question_has_three_to_six_key_points(personas):
    wrong = [(q.id, len(q.key_points)) for _, q in _all_questions(personas) if not 3 <= len(q.key_points) <= 6]
    assert not wrong


def test_voices_are_distinct_across_stages(personas):
    voices = [p.voice.voice_id for p in personas.values()]
    assert len(set(voices)) == len(voices), voices


def test_question_text_reads_well_aloud(personas):
    for _, q in _all_questions(personas):
        words = len(q.text.split())
        assert words < MAX_QUESTION_WORDS, f"{q.id}: {words} words"
        assert not re.search(r"[()/]", q.text), f"{q.id}: parentheses or slashes read badly aloud: {q.text}"


def test_follow_ups_are_keyed_by_parts_or_key_points(personas):
    for _, q in _all_questions(personas):
        allowed = {k.id for k in q.key_points} | set(STAR_PARTS) | set(FRAMEWORK_PARTS)
        assert set(q.follow_ups) <= allowed, q.id


def test_tiny_toml_writer_round_trips_a_real_persona(tmp_path, panel_doc):
    written = write_toml(tmp_path / "panel.toml", panel_doc)
    assert load_persona(written) == load_persona(PERSONAS / "panel.toml")


# --- broken persona files ------------------------------------------------------------------------------------------

def test_toml_syntax_error_names_file_and_line(tmp_path):
    text = (PERSONAS / "panel.toml").read_text(encoding="utf-8")
    broken = text.replace('stage = "panel"', 'stage = "panel', 1)
    assert broken != text
    path = tmp_path / "panel.toml"
    path.write_text(broken, encoding="utf-8")
    message = _persona_error(path)
    assert "TOML syntax error" in message
    assert re.search(r"line \d+", message), message


def test_missing_field_names_the_field(tmp_path, panel_doc):
    del panel_doc["closing"]
    message = _persona_error(write_toml(tmp_path / "panel.toml", panel_doc))
    assert "field closing" in message
    assert "required" in message


def test_missing_nested_field_names_its_full_location(tmp_path, panel_doc):
    index, question = _first(panel_doc, "behavioral")
    del question["text"]
    message = _persona_error(write_toml(tmp_path / "panel.toml", panel_doc))
    assert f"questions.{index}.text" in message
    assert "required" in message


def test_duplicate_question_id_in_one_file(tmp_path, panel_doc):
    first_id = panel_doc["questions"][0]["id"]
    panel_doc["questions"][1]["id"] = first_id
    message = _persona_error(write_toml(tmp_path / "panel.toml", panel_doc))
    assert "duplicate question id" in message
    assert repr(first_id) in message
    assert "unique" in message


def test_duplicate_question_id_across_stages(tmp_path):
    for stage in STAGES:
        shutil.copy(PERSONAS / f"{stage}.toml", tmp_path / f"{stage}.toml")
    doc = tomllib.loads((tmp_path / "technical.toml").read_text(encoding="utf-8"))
    doc["questions"][0]["id"] = "panel-alignment"
    write_toml(tmp_path / "technical.toml", doc)
    with pytest.raises(PersonaError) as info:
        load_personas(tmp_path)
    message = str(info.value)
    assert "'panel-alignment'" in message and "unique" in message
    assert "technical.toml" in message and "panel.toml" in message


def test_file_name_must_match_its_stage(tmp_path):
    path = tmp_path / "interviewer.toml"
    shutil.copy(PERSONAS / "panel.toml", path)
    message = _persona_error(path)
    assert "panel.toml" in message  # the file name that is allowed for this content


def test_unknown_stage_file_in_folder_lists_the_stages(tmp_path):
    for stage in STAGES:
        shutil.copy(PERSONAS / f"{stage}.toml", tmp_path / f"{stage}.toml")
    shutil.copy(PERSONAS / "panel.toml", tmp_path / "intern.toml")
    with pytest.raises(PersonaError) as info:
        load_personas(tmp_path)
    message = str(info.value)
    assert str(tmp_path / "intern.toml") in message
    assert "'intern'" in message
    for stage in STAGES:
        assert stage in message


def test_unknown_stage_value_lists_the_stages(tmp_path, panel_doc):
    panel_doc["stage"] = "intern"
    message = _persona_error(write_toml(tmp_path / "panel.toml", panel_doc))
    assert "field stage" in message and "'intern'" in message
    for stage in STAGES:
        assert stage in message


def test_unknown_field_names_the_field(tmp_path, panel_doc):
    index, question = _first(panel_doc, "behavioral")
    question["colour"] = "blue"
    message = _persona_error(write_toml(tmp_path / "panel.toml", panel_doc))
    assert f"questions.{index}.colour" in message
    assert "unknown field" in message


def test_unknown_field_says_which_fields_are_allowed(tmp_path, panel_doc):
    """STYLE 9: say what is allowed. A misspelt field (e.g. `follow_up`) should list the fields that exist."""
    index, question = _first(panel_doc, "behavioral")
    question["follow_up"] = question.pop("follow_ups")
    message = _persona_error(write_toml(tmp_path / "panel.toml", panel_doc))
    assert f"questions.{index}.follow_up" in message
    assert "follow_ups" in message.split("follow_up:", 1)[-1], f"allowed fields not listed: {message}"


def test_behavioral_budget_over_three_minutes(tmp_path, panel_doc):
    index, question = _first(panel_doc, "behavioral")
    question["budget_s"] = 300
    message = _persona_error(write_toml(tmp_path / "panel.toml", panel_doc))
    assert f"questions.{index}" in message
    assert "budget_s 300" in message
    assert "180" in message  # the allowed maximum


def test_follow_up_keyed_by_unknown_part(tmp_path, panel_doc):
    index, question = _first(panel_doc, "behavioral")
    question["follow_ups"]["conclusion"] = "And how did it all end?"
    message = _persona_error(write_toml(tmp_path / "panel.toml", panel_doc))
    assert f"questions.{index}" in message
    assert "follow_ups key 'conclusion'" in message
    assert "allowed:" in message
    allowed = message.split("allowed:", 1)[1]
    for part in ("result", "action", "risks", question["key_points"][0]["id"]):
        assert part in allowed


def test_key_point_named_like_a_structure_part(tmp_path, panel_doc):
    index, question = _first(panel_doc, "behavioral")
    question["key_points"][0]["id"] = "result"
    message = _persona_error(write_toml(tmp_path / "panel.toml", panel_doc))
    assert f"questions.{index}" in message
    assert "key point id 'result'" in message
    assert "structure part" in message and "choose another id" in message


def test_wrong_kind_lists_the_allowed_kinds(tmp_path, panel_doc):
    index, question = _first(panel_doc, "behavioral")
    question["kind"] = "story"
    message = _persona_error(write_toml(tmp_path / "panel.toml", panel_doc))
    assert f"questions.{index}.kind" in message and "'story'" in message
    for kind in ("behavioral", "scenario", "screen"):
        assert kind in message


def test_not_utf8_file(tmp_path):
    path = tmp_path / "panel.toml"
    path.write_bytes((PERSONAS / "panel.toml").read_bytes().replace(b"Tell", b"T\xffll", 1))
    assert "not UTF-8" in _persona_error(path)


def test_deeply_nested_toml_is_a_persona_error(tmp_path):
    """tomllib parses arrays recursively: thousands of '[' raise RecursionError, which must not escape."""
    path = tmp_path / "panel.toml"
    path.write_bytes(b"stage = " + b"[" * 5000)
    _persona_error(path)


def test_missing_file_and_directory(tmp_path):
    assert "not found" in _persona_error(tmp_path / "panel.toml")
    (tmp_path / "technical.toml").mkdir()
    assert "directory" in _persona_error(tmp_path / "technical.toml")


# --- folders -------------------------------------------------------------------------------------------------------

def test_folder_missing_a_stage_names_it(tmp_path):
    for stage in STAGES:
        if stage != "technical":
            shutil.copy(PERSONAS / f"{stage}.toml", tmp_path / f"{stage}.toml")
    with pytest.raises(PersonaError) as info:
        load_personas(tmp_path)
    message = str(info.value)
    assert str(tmp_path) in message
    assert "technical" in message
    assert "panel" not in message.split(":", 1)[1]  # only the missing stage is named


def test_missing_folder_names_it(tmp_path):
    with pytest.raises(PersonaError, match="personas folder not found"):
        load_personas(tmp_path / "nowhere")


def test_env_variable_chooses_the_folder(tmp_path, monkeypatch):
    for stage in STAGES:
        shutil.copy(PERSONAS / f"{stage}.toml", tmp_path / f"{stage}.toml")
    monkeypatch.setenv("VOICE_INTERVIEWER_PERSONAS", str(tmp_path))
    assert personas_dir() == tmp_path
    assert tuple(load_personas()) == STAGES


# --- fuzzing: only PersonaError or success -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("persona-fuzz")


def _load_only_persona_error(path: Path) -> None:
    try:
        load_persona(path)
    except PersonaError as exc:
        assert str(path) in str(exc)


_FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_FUZZ
@given(data=st.binary(max_size=2000))
def test_fuzz_arbitrary_bytes(fuzz_dir, data):
    path = fuzz_dir / "panel.toml"
    path.write_bytes(data)
    _load_only_persona_error(path)


@_FUZZ
@given(data=st.lists(st.sampled_from(list('[]{}="\'.,#\n \\abc123_-+:') + ["stage", "panel", "questions"]),
                     max_size=120).map("".join))
def test_fuzz_toml_punctuation(fuzz_dir, data):
    path = fuzz_dir / "panel.toml"
    path.write_bytes(data.encode("utf-8"))
    _load_only_persona_error(path)


_keys = st.one_of(st.sampled_from(["stage", "name", "role", "focus", "stage_minutes", "voice", "opening", "closing",
                                   "questions", "id", "text", "kind", "budget_s", "key_points", "follow_ups",
                                   "synonyms", "label", "voice_id", "rate_wpm", "pitch", "tests", "structure"]),
                  st.text(max_size=8))
_scalars = st.one_of(st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                     st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
                     st.sampled_from(list(STAGES) + ["behavioral", "scenario", "screen", "star", "result"]))
_values = st.recursive(_scalars,
                       lambda inner: st.one_of(st.lists(inner, max_size=4),
                                               st.dictionaries(_keys, inner, max_size=4)),
                       max_leaves=20)


@_FUZZ
@given(document=st.dictionaries(_keys, _values, max_size=10))
def test_fuzz_arbitrary_toml_dicts(fuzz_dir, document):
    path = write_toml(fuzz_dir / "panel.toml", document)
    _load_only_persona_error(path)


_REAL_PANEL = tomllib.loads((PERSONAS / "panel.toml").read_text(encoding="utf-8"))


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


_REAL_PATHS = [p for p in _paths(_REAL_PANEL) if p]


@_FUZZ
@given(where=st.sampled_from(_REAL_PATHS), new=st.one_of(st.just("<delete>"), _values))
def test_fuzz_one_damaged_field_of_a_real_persona(fuzz_dir, where, new):
    """Deep damage: valid everywhere except one field, so validation gets past the top level."""
    document = copy.deepcopy(_REAL_PANEL)
    parent = document
    for part in where[:-1]:
        parent = parent[part]
    if new == "<delete>":
        del parent[where[-1]]
    else:
        parent[where[-1]] = new
    path = write_toml(fuzz_dir / "panel.toml", document)
    _load_only_persona_error(path)


# --- dimensions (issue 15) -----------------------------------------------------------------------------------------

def test_every_real_question_declares_known_dimensions_and_all_five_are_tested():
    from voice_interviewer.content.personas import DIMENSIONS, load_personas

    personas = load_personas(PERSONAS)
    tested = {d for p in personas.values() for q in p.questions for d in q.dimensions}
    assert tested == set(DIMENSIONS)
    for persona in personas.values():
        assert any(q.dimensions for q in persona.questions), persona.stage


def test_unknown_dimension_names_file_question_and_allowed_ids(tmp_path, panel_doc):
    index, question = _first(panel_doc, "behavioral")
    question["dimensions"] = ["influence", "charisma"]
    message = _persona_error(write_toml(tmp_path / "panel.toml", panel_doc))
    assert "\n" not in message
    assert f"question {question['id']!r}" in message and "'charisma'" in message
    for allowed in ("program-structuring", "technical-fluency", "stakeholder-management", "influence", "execution"):
        assert allowed in message


def test_repeated_dimension_is_an_error(tmp_path, panel_doc):
    _, question = _first(panel_doc, "behavioral")
    question["dimensions"] = ["influence", "influence"]
    assert "dimensions repeat" in _persona_error(write_toml(tmp_path / "panel.toml", panel_doc))


def test_dimensions_are_optional_for_custom_personas(tmp_path, panel_doc):
    for question in panel_doc["questions"]:
        question.pop("dimensions", None)
    persona = load_persona(write_toml(tmp_path / "panel.toml", panel_doc))
    assert all(q.dimensions == () for q in persona.questions)
