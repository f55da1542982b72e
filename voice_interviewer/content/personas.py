"""Load and validate the stage personas: voice_interviewer/data/personas/*.toml (package data).

Every error names the file, the field and what is allowed, so a persona author can fix it without reading code.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, get_args

import tomllib
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from voice_interviewer.config import package_data
from voice_interviewer.errors import PersonaError

__all__ = [
    "STAGES",
    "DIMENSIONS",
    "STAR_PARTS",
    "FRAMEWORK_PARTS",
    "KeyPoint",
    "Question",
    "VoiceSpec",
    "Persona",
    "personas_dir",
    "load_persona",
    "load_personas",
    "find_question",
]

STAGES = ("recruiter", "hiring-manager", "technical", "panel", "bar-raiser")
STAR_PARTS = ("situation", "task", "action", "result")
FRAMEWORK_PARTS = ("charter", "workstreams", "dependencies", "milestones", "risks", "cadence")
# The guide's five dimensions interviewers score a TPM against, in the guide's order.
DIMENSIONS = ("program-structuring", "technical-fluency", "stakeholder-management", "influence", "execution")
MAX_BEHAVIORAL_BUDGET_S = 180  # the guide: every STAR story in under three minutes


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KeyPoint(_Strict):
    """Something a strong answer says; any synonym (lower-case phrase) in the transcript covers it."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    label: str = Field(min_length=3)
    synonyms: tuple[str, ...] = Field(min_length=1)

    @field_validator("synonyms")
    @classmethod
    def _lower_case(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for phrase in value:
            if not phrase.strip() or phrase != phrase.lower():
                raise ValueError(f"synonym {phrase!r} must be a non-empty lower-case phrase")
        return value


class Question(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    text: str = Field(min_length=10)
    kind: Literal["behavioral", "scenario", "screen"]
    structure: Literal["star", "framework", "none"] | None = None
    tests: str = Field(min_length=5)
    key_points: tuple[KeyPoint, ...] = Field(min_length=2)
    follow_ups: dict[str, str] = Field(default_factory=dict)
    budget_s: int = Field(ge=20, le=900)
    source: Literal["guide", "ours"] = "ours"
    dimensions: tuple[str, ...] = ()  # which of DIMENSIONS the question tests; none: it is not rated on any

    @property
    def structure_kind(self) -> str:
        """star for behavioral, framework for scenario, unless the question says otherwise."""
        if self.structure is not None:
            return self.structure
        return {"behavioral": "star", "scenario": "framework"}.get(self.kind, "none")

    @model_validator(mode="after")
    def _check(self) -> Question:
        unknown = [d for d in self.dimensions if d not in DIMENSIONS]
        if unknown:
            raise ValueError(f"question {self.id!r}: unknown dimension {unknown[0]!r}; allowed: {', '.join(DIMENSIONS)}")
        if len(set(self.dimensions)) != len(self.dimensions):
            raise ValueError(f"question {self.id!r}: dimensions repeat: {list(self.dimensions)}")
        if self.kind == "behavioral" and self.budget_s > MAX_BEHAVIORAL_BUDGET_S:
            raise ValueError(f"budget_s {self.budget_s} too long: behavioral stories are at most "
                             f"{MAX_BEHAVIORAL_BUDGET_S} s")
        ids = [k.id for k in self.key_points]
        clash = sorted(set(ids) & (set(STAR_PARTS) | set(FRAMEWORK_PARTS)))
        if clash:
            raise ValueError(f"key point id {clash[0]!r} is a structure part name; choose another id")
        if len(set(ids)) != len(ids):
            raise ValueError(f"key point ids repeat: {sorted(i for i in set(ids) if ids.count(i) > 1)}")
        allowed = set(ids) | set(STAR_PARTS) | set(FRAMEWORK_PARTS)
        for key in self.follow_ups:
            if key not in allowed:
                raise ValueError(f"follow_ups key {key!r} is not a key point id or a structure part; "
                                 f"allowed: {', '.join(sorted(allowed))}")
        return self


class VoiceSpec(_Strict):
    """espeak-ng voice for the persona: voice id (e.g. en-us+m3), speaking rate, pitch 0-99."""

    voice_id: str = Field(pattern=r"^[a-z][a-z0-9_-]*(\+[a-z0-9_-]+)?$")
    rate_wpm: int = Field(ge=80, le=300)
    pitch: int = Field(ge=0, le=99, default=50)


class Persona(_Strict):
    stage: Literal["recruiter", "hiring-manager", "technical", "panel", "bar-raiser"]
    name: str = Field(min_length=2)
    role: str = Field(min_length=2)
    focus: str = Field(min_length=10)
    stage_minutes: tuple[int, int]
    voice: VoiceSpec
    opening: str = Field(min_length=10)
    closing: str = Field(min_length=10)
    questions: tuple[Question, ...] = Field(min_length=6)

    @property
    def id(self) -> str:
        """The persona id is its stage id (docs/personas.md)."""
        return self.stage

    @model_validator(mode="after")
    def _check(self) -> Persona:
        low, high = self.stage_minutes
        if not 0 < low <= high <= 240:
            raise ValueError(f"stage_minutes {list(self.stage_minutes)} must be [low, high] with 0 < low <= high <= 240")
        ids = [q.id for q in self.questions]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"duplicate question id {repeated[0]!r}; question ids must be unique")
        return self


def personas_dir() -> Path:
    """$VOICE_INTERVIEWER_PERSONAS, else the personas shipped with the package (data/personas)."""
    env = os.environ.get("VOICE_INTERVIEWER_PERSONAS")
    if env:
        return Path(env)
    return package_data("personas")


def _fields_at(location: tuple) -> list[str]:
    """The field names allowed at a validation error's location (for 'unknown field' messages)."""
    model: type[BaseModel] = Persona
    for part in location:
        if isinstance(part, int) or part not in model.model_fields:
            continue
        annotation = model.model_fields[part].annotation
        nested = [a for a in (annotation, *get_args(annotation)) if isinstance(a, type) and issubclass(a, BaseModel)]
        if not nested:
            break
        model = nested[0]
    return list(model.model_fields)


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "literal_error":
        message = f"got {first.get('input')!r}; {message.lower()}"
    elif first["type"] == "missing":
        message = "required field is missing"
    elif first["type"] == "extra_forbidden":
        message = f"unknown field; allowed: {', '.join(_fields_at(first['loc'][:-1]))}"
    return f"field {where}: {message}"


def load_persona(path: Path) -> Persona:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PersonaError(f"{path}: persona file not found") from None
    except IsADirectoryError:
        raise PersonaError(f"{path}: is a directory, expected a .toml persona file") from None
    except PermissionError:
        raise PersonaError(f"{path}: cannot read persona file (permission denied)") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise PersonaError(f"{path}: not UTF-8 text; persona files are TOML") from None
    except tomllib.TOMLDecodeError as exc:
        raise PersonaError(f"{path}: TOML syntax error: {exc}") from None
    except RecursionError:
        raise PersonaError(f"{path}: TOML syntax error: arrays or tables nested too deeply") from None
    try:
        persona = Persona.model_validate(data)
    except ValidationError as exc:
        raise PersonaError(f"{path}: {_describe(exc)}") from None
    if path.stem != persona.stage:
        raise PersonaError(f"{path}: file name must match its stage {persona.stage!r} ({persona.stage}.toml)")
    return persona


def load_personas(folder: Path | None = None) -> dict[str, Persona]:
    """All five stages in loop order; question ids must be unique across stages."""
    folder = folder or personas_dir()
    if not folder.is_dir():
        raise PersonaError(f"{folder}: personas folder not found (set VOICE_INTERVIEWER_PERSONAS)")
    personas: dict[str, Persona] = {}
    for path in sorted(folder.glob("*.toml")):
        if path.stem not in STAGES:
            raise PersonaError(f"{path}: unknown stage {path.stem!r}; allowed: {', '.join(STAGES)}")
        personas[path.stem] = load_persona(path)
    missing = [s for s in STAGES if s not in personas]
    if missing:
        raise PersonaError(f"{folder}: no persona for stage(s) {', '.join(missing)}; expected <stage>.toml")
    seen: dict[str, str] = {}
    for stage, persona in personas.items():
        for question in persona.questions:
            if question.id in seen:
                raise PersonaError(f"{folder / (stage + '.toml')}: duplicate question id {question.id!r} "
                                   f"(also in {seen[question.id]}.toml); question ids must be unique")
            seen[question.id] = stage
    return {stage: personas[stage] for stage in STAGES}


def find_question(personas: dict[str, Persona], question_id: str) -> tuple[Persona, Question]:
    for persona in personas.values():
        for question in persona.questions:
            if question.id == question_id:
                return persona, question
    known = ", ".join(q.id for p in personas.values() for q in p.questions)
    raise PersonaError(f"unknown question id {question_id!r}; known: {known}")
