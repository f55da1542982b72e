"""Privacy: a default run opens no network connection, keys never reach session files or output, sessions are
private (folders 0700, files 0600 whatever the umask), and `forget` deletes a session completely.
"""

from __future__ import annotations

import json
import os
import pty
import select
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CLI, ROOT, run_cli

SECRET = "sk-test-secret"

# Imported by every Python process that inherits PYTHONPATH (the CLI and its spawned speech worker): any attempt to
# reach the network is written to a log and fails. The log matters: a failure alone could be caught and hidden.
_SHIM = '''
import os, socket, traceback

_LOG = os.environ["VI_NETWORK_LOG"]

def _blocked(what, target):
    with open(_LOG, "a") as log:
        log.write(f"{os.getpid()} {what} {target!r}\\n" + "".join(traceback.format_stack(limit=6)) + "\\n")
    raise OSError(101, f"network blocked by the privacy test ({what} {target!r})")

def _guard(name):
    original = getattr(socket.socket, name)
    def guarded(self, *args):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _blocked(name, args[-1] if args else None)
        return original(self, *args)
    setattr(socket.socket, name, guarded)

for _name in ("connect", "connect_ex", "sendto", "bind"):
    _guard(_name)
_getaddrinfo = socket.getaddrinfo
def _resolve(host, *args, **kwargs):
    _blocked("getaddrinfo", host)
socket.getaddrinfo = _resolve
'''


@pytest.fixture()
def no_network(tmp_path) -> tuple[dict, Path]:
    shim = tmp_path / "netblock"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(_SHIM)
    log = tmp_path / "network-attempts.log"
    log.write_text("")
    python_path = os.pathsep.join(filter(None, [str(shim), os.environ.get("PYTHONPATH")]))
    return {"PYTHONPATH": python_path, "VI_NETWORK_LOG": str(log)}, log


def test_the_network_block_really_blocks(no_network):
    env, log = no_network
    probe = ("import socket\ntry:\n    socket.create_connection(('127.0.0.1', 9), timeout=2)\n"
             "except OSError as exc:\n    print(exc)\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            env={**os.environ, **env}, timeout=60)
    assert "network blocked by the privacy test" in result.stdout, result
    assert "127.0.0.1" in log.read_text()


def _all_private(root: Path) -> list[str]:
    """Every folder 0700 and every file 0600 below root (and root itself); returns the offenders."""
    bad = []
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode != (0o700 if path.is_dir() else 0o600):
            bad.append(f"{path.relative_to(root.parent)} {mode:o}")
    return bad


@pytest.mark.cli
@pytest.mark.slow
@pytest.mark.model
def test_demo_offline_private_and_keyless(no_network, tmp_path):
    env, log = no_network
    home = tmp_path / "home"
    full_env = {**os.environ, **env, "OPENAI_API_KEY": SECRET, "VOICE_INTERVIEWER_LLM_KEY": SECRET,
                "VOICE_INTERVIEWER_HOME": str(home)}
    # umask 000: files would be world-writable unless the tool makes them private itself
    result = subprocess.run([*CLI, "demo", "--mute", "--stage", "panel"], capture_output=True, text=True, cwd=ROOT,
                            env=full_env, timeout=900, preexec_fn=lambda: os.umask(0))
    assert result.returncode == 0, result.stderr
    assert log.read_text() == "", f"network connection attempted:\n{log.read_text()}"
    [folder] = [p.parent for p in (home / "sessions").glob("*/session.json")]
    session = json.loads((folder / "session.json").read_text())
    assert session["completed"] and session["answers"][0]["score"] >= 0
    report = subprocess.run([*CLI, "report", str(folder)], capture_output=True, text=True, cwd=ROOT, env=full_env,
                            timeout=300, preexec_fn=lambda: os.umask(0))
    assert report.returncode == 0, report.stderr
    assert log.read_text() == ""
    names = {p.name for p in folder.iterdir()}
    assert {"session.json", "a01.wav", "q01.wav", "fb01.wav", "report.html"} <= names
    assert _all_private(home / "sessions") == []
    for path in folder.iterdir():
        assert SECRET.encode() not in path.read_bytes(), f"the API key was written to {path.name}"
    for text in (result.stdout, result.stderr, report.stdout, report.stderr):
        assert SECRET not in text

    forgotten = run_cli("forget", str(folder), "--yes", env={"VOICE_INTERVIEWER_HOME": str(home)})
    assert forgotten.returncode == 0, forgotten.stderr
    assert not folder.exists() and list((home / "sessions").iterdir()) == []


def _session(home: Path, name: str) -> Path:
    folder = home / "sessions" / name
    folder.mkdir(parents=True)
    (folder / "session.json").write_text(json.dumps({"schema": 1, "stage": "panel", "answers": []}))
    (folder / "a01.wav").write_bytes(b"RIFF")
    (folder / ".session.json.tmp").write_bytes(b"{")  # a write interrupted by a crash is deleted too
    return folder


@pytest.mark.cli
def test_forget_latest_deletes_only_the_newest(home):
    older = _session(home, "20260101-090000-panel")
    newer = _session(home, "20260102-090000-panel")
    os.utime(older / "session.json", (time.time() - 3600, time.time() - 3600))
    result = run_cli("forget", "latest", "--yes")
    assert result.returncode == 0, result.stderr
    assert "3 files" in result.stdout
    assert not newer.exists() and older.exists() and (older / "a01.wav").exists()


@pytest.mark.cli
def test_forget_by_name_in_the_sessions_dir(home):
    folder = _session(home, "20260101-090000-panel")
    result = run_cli("forget", folder.name, "--yes")
    assert result.returncode == 0 and not folder.exists(), result.stderr


@pytest.mark.cli
def test_forget_without_a_terminal_needs_yes(home):
    folder = _session(home, "20260101-090000-panel")
    result = run_cli("forget", str(folder), input_text="y\n")
    assert result.returncode == 2 and result.stderr.startswith("error: ") and "--yes" in result.stderr
    assert folder.exists() and (folder / "a01.wav").exists()


def _on_a_terminal(args: list[str], answer: str, env: dict) -> tuple[int, str]:
    """Run the CLI with a pseudo-terminal as its stdin/stdout, type answer at the prompt."""
    primary, secondary = pty.openpty()
    process = subprocess.Popen([*CLI, *args], stdin=secondary, stdout=secondary, stderr=secondary, cwd=ROOT,
                               env={**os.environ, **env})
    os.close(secondary)
    seen, answered = b"", False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([primary], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        if not answered and b"[y/N]" in seen:
            os.write(primary, answer.encode() + b"\n")
            answered = True
        if process.poll() is not None and not ready:
            break
    os.close(primary)
    return process.wait(timeout=60), seen.decode(errors="replace")


@pytest.mark.cli
@pytest.mark.parametrize("answer, deleted", [("n", False), ("y", True)])
def test_forget_asks_on_a_terminal(home, answer, deleted):
    folder = _session(home, "20260101-090000-panel")
    code, shown = _on_a_terminal(["forget", str(folder)], answer, {"VOICE_INTERVIEWER_HOME": str(home)})
    assert code == 0, shown
    assert "Delete" in shown and "[y/N]" in shown
    assert folder.exists() is not deleted
    assert ("Deleted" in shown) is deleted and ("Nothing deleted" in shown) is not deleted
