"""The package's folders follow the data flow: every import points down the layers (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "voice_interviewer"

# Higher imports lower; equal layers may import each other only within one folder.
LAYERS = {
    "cli": 6,
    "web": 5.5,  # the browser front end: started by cli/web.py, built on practice/ and below
    "practice": 5,
    "review": 4,
    "session": 3,
    "integrations": 2.5,
    "feedback": 2, "speech": 2, "voice": 2,
    "content": 1, "audio": 1,
    "remote": 0, "records": -1, "config": -1, "wording": -1, "errors": -2, "__init__": -3, "__main__": 7,
}


def _layer_of(parts: list[str]) -> str:
    return parts[0].removesuffix(".py")


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("voice_interviewer"):
            parts = node.module.split(".")[1:]
            if parts:
                yield node.lineno, parts[0]
            else:
                yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("voice_interviewer."):
                    yield node.lineno, alias.name.split(".")[1]


def test_every_module_sits_in_a_known_layer():
    unknown = {_layer_of(list(p.relative_to(PACKAGE).parts)) for p in PACKAGE.rglob("*.py")} - set(LAYERS)
    assert not unknown, f"add these folders or modules to LAYERS: {sorted(unknown)}"


def test_imports_point_down():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = _layer_of(list(path.relative_to(PACKAGE).parts))
        for line, target in _imports(path):
            if target == "__version__" or target == here:
                continue
            if LAYERS[target] >= LAYERS[here]:
                upward.append(f"{path.relative_to(PACKAGE)}:{line} imports {target}")
    assert not upward, "imports that do not point down:\n" + "\n".join(upward)
