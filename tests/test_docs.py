"""The reference in docs/ stays true and self-contained: every command and option of the real command line is in
docs/cli.md under its command, nothing there names an option that does not exist, and no document points outside
the repository (pure: the typer app is inspected in process)."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from voice_interviewer.cli import app

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CLI_DOC = (DOCS / "cli.md").read_text(encoding="utf-8")


def _commands() -> dict:
    return typer.main.get_command(app).commands


def _section(name: str) -> str:
    match = re.search(rf"^### `{re.escape(name)}\b.*?(?=^#{{2,3}} |\Z)", CLI_DOC, re.M | re.S)
    assert match, f"docs/cli.md has no '### `{name}`' section"
    return match.group(0)


def _options(command) -> set[str]:
    return {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)
            if opt.startswith("--") and opt != "--help"}


def test_every_command_and_option_is_documented_under_its_command():
    missing = []
    for name, command in _commands().items():
        section = _section(name)
        missing += [f"{name} {opt}" for opt in sorted(_options(command))
                    if not re.search(rf"`{re.escape(opt)}\b|{re.escape(opt)}[`,/ ]", section)]
    assert not missing, "documented nowhere in docs/cli.md: " + ", ".join(missing)


def test_documented_options_exist():
    commands = _commands()
    invented = []
    for name in re.findall(r"^### `([a-z-]+)", CLI_DOC, re.M):
        assert name in commands, f"docs/cli.md documents a command that does not exist: {name}"
        real = _options(commands[name])
        for opt in set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", _section(name))) - {"--help"}:
            if opt not in real:
                invented.append(f"{name} {opt}")
    assert not invented, "docs/cli.md names options the command does not have: " + ", ".join(invented)


def test_docs_readme_and_contract_point_only_inside_the_repository():
    outside = []
    for path in [ROOT / "README.md", ROOT / "CONTRACT.md", *sorted(DOCS.rglob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        outside += [f"{path.relative_to(ROOT)}: {m}" for m in re.findall(r"\.\./\S*", text)]
        for target in re.findall(r"\]\(([^)#\s]+)", text):  # relative Markdown links must resolve
            if not re.match(r"[a-z]+:", target) and not (path.parent / target).exists():
                outside.append(f"{path.relative_to(ROOT)}: broken link {target}")
    assert not outside, "\n".join(outside)
