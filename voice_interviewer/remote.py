"""The OpenAI-compatible client both opt-in helpers share (the LLM coach and remote transcription).

Every call is bounded twice: the client's own timeout, and a wall-clock wait on a worker thread, so a server that
trickles bytes can never hold the interview longer than its timeout. The key comes from the environment only and is
never stored or shown.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from urllib.parse import urlparse

from voice_interviewer.errors import UsageError

__all__ = ["KEY_VARIABLES", "api_key", "bounded_call", "check_url", "describe_failure", "make_client",
           "require_openai"]

KEY_VARIABLES = ("VOICE_INTERVIEWER_LLM_KEY", "OPENAI_API_KEY")
_NO_KEY = "no-key"  # local servers ignore the key, but the client insists on one
_HINTS = {401: f"check the key in ${KEY_VARIABLES[0]} or ${KEY_VARIABLES[1]}", 403: "the key may not use this model",
          404: "check the model name and that the URL ends in /v1"}


def require_openai(flag: str):
    try:
        import openai
    except ImportError:
        raise UsageError(f"{flag} needs the openai package; pip install 'voice-interviewer[llm]' "
                         f"(or pip install openai)") from None
    return openai


def check_url(flag: str, url: str) -> str:
    """An http(s) base URL such as http://127.0.0.1:11434/v1; anything else is a usage error."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise UsageError(f"{flag} {url!r} is not a server address; allowed: an http:// or https:// base URL "
                         f"such as http://127.0.0.1:11434/v1")
    return url.rstrip("/")


def api_key() -> str:
    """$VOICE_INTERVIEWER_LLM_KEY, else $OPENAI_API_KEY, else a placeholder for servers that need none."""
    for name in KEY_VARIABLES:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return _NO_KEY


def make_client(url: str, timeout_s: float):
    """An OpenAI client with our timeout and no hidden retries (we retry once ourselves, inside the bound)."""
    openai = require_openai("--llm/--stt")
    return openai.OpenAI(base_url=url, api_key=api_key(), timeout=timeout_s, max_retries=0)


def describe_failure(exc: BaseException, timeout_s: float | None = None) -> str:
    """A short reason without the server's body (which may echo headers) and without the key."""
    status = getattr(exc, "status_code", None)
    name = type(exc).__name__
    text = f"HTTP {status}" if status else name
    if status in _HINTS:
        text += f": {_HINTS[status]}"
    if name in ("TimeoutError", "APITimeoutError"):
        text = f"no reply within {timeout_s:g} s" if timeout_s else "no reply in time"
    elif name == "APIConnectionError":
        text = "cannot connect"
    if not status and name in ("JSONDecodeError", "APIResponseValidationError", "ValueError", "ValidationError"):
        text = "malformed reply"
    key = api_key()
    return text.replace(key, "***") if key != _NO_KEY else text


class _Bounded(threading.Thread):
    """Runs fn in a daemon thread; the caller waits at most the deadline and then walks away."""

    def __init__(self, fn: Callable[[], object]) -> None:
        super().__init__(daemon=True)
        self._fn = fn
        self.result: object = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self._fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the waiting thread
            self.error = exc


def bounded_call(fn: Callable[[], object], timeout_s: float) -> object:
    """fn() within timeout_s of wall-clock time; TimeoutError otherwise (the worker is left to die alone)."""
    worker = _Bounded(fn)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise TimeoutError(f"no reply within {timeout_s:g} s")
    if worker.error is not None:
        raise worker.error
    return worker.result
