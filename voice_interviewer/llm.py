"""Optional LLM coach through any OpenAI-compatible server (llama.cpp, Ollama, vLLM, a cloud API).

One chat call per answer gives a follow-up built from what the candidate actually said and a short content critique
against the question's key points. The rules still decide *what* is missing; the model words the probe from the
answer. Every call is bounded twice: the client's own timeout, and a wall-clock wait on a worker thread, so a server
that trickles bytes can never hold the interview longer than `timeout_s`. Any failure gives one notice and the
rule-based path. The key comes from the environment only and is never stored or shown.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlparse

from voice_interviewer.errors import UsageError

__all__ = ["LlmOptions", "LlmReview", "LlmCoach", "api_key", "check_url", "require_openai", "gap_label",
           "spoken_critique", "KEY_VARIABLES"]

KEY_VARIABLES = ("VOICE_INTERVIEWER_LLM_KEY", "OPENAI_API_KEY")
_NO_KEY = "no-key"  # local servers ignore the key, but the client insists on one
_FOLLOW_UP_CHARS = 300
_CRITIQUE_CHARS = 400
_SPOKEN_CRITIQUE_CHARS = 200
_HINTS = {401: f"check the key in ${KEY_VARIABLES[0]} or ${KEY_VARIABLES[1]}", 403: "the key may not use this model",
          404: "check the model name and that the URL ends in /v1"}
_LABEL = re.compile(r"^[\s*_#>-]*(follow[- ]?up|critique)[\s*_]*:[\s*_]*(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class LlmOptions:
    url: str
    model: str = "llama3.2"
    timeout_s: float = 8.0       # the longest the interview waits for one answer's review, retry included
    stream: bool = True          # stream the reply; a failed stream is retried once without streaming
    max_tokens: int = 220


@dataclass(frozen=True)
class LlmReview:
    """What the model said about one answer; follow_up or critique may be missing from a weak reply."""

    model: str
    follow_up: str | None
    critique: str | None
    seconds: float
    streamed: bool
    attempts: int

    def as_doc(self) -> dict:
        return {"model": self.model, "follow_up": self.follow_up, "critique": self.critique,
                "seconds": round(self.seconds, 3), "streamed": self.streamed, "attempts": self.attempts}


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


def gap_label(question, key: str) -> str:
    """What the rules found missing, in words the model can use: a key point's label or a structure part."""
    labels = {kp.id: kp.label for kp in question.key_points}
    return labels.get(key, f"the {key}")


def spoken_critique(critique: str) -> str:
    """The critique as the interviewer says it: whole when short, else its first sentence."""
    if len(critique) <= _SPOKEN_CRITIQUE_CHARS:
        return critique
    first = re.split(r"(?<=[.!?])\s", critique, maxsplit=1)[0]
    return first if len(first) <= _SPOKEN_CRITIQUE_CHARS else first[:_SPOKEN_CRITIQUE_CHARS].rsplit(" ", 1)[0] + "."


def build_messages(persona, question, doc: dict, gap: str | None) -> list[dict]:
    """The chat: who the interviewer is, the question, what a strong answer covers, and the candidate's words."""
    points = "\n".join(f"- {kp.label}" for kp in question.key_points)
    covered = ", ".join(doc.get("key_points", {}).get("covered", [])) or "none"
    missing_parts = ", ".join(doc.get("structure", {}).get("missing", [])) or "none"
    system = (f"You are {persona.name}, {persona.role}, interviewing a candidate for a technical program manager "
              f"role. Be direct, specific and brief. Never invent facts about the candidate.")
    probe = (f"Your follow-up must probe this gap: {gap}." if gap else
             "Your follow-up must probe the weakest or vaguest part of the answer.")
    user = (f"Question asked: {question.text}\n"
            f"A strong answer covers these key points:\n{points}\n"
            f"Key points the candidate covered (by keyword): {covered}\n"
            f"Structure parts missing: {missing_parts}\n"
            f"Candidate's answer (speech transcript): \"{doc.get('transcript', '')}\"\n\n"
            f"{probe} Build it on something the candidate actually said, in one spoken sentence under 30 words.\n"
            f"Then critique the content against the key points in at most two short sentences: what was strong "
            f"and what was missing or vague.\n"
            f"Reply with exactly two lines and nothing else:\n"
            f"FOLLOW-UP: <your follow-up question>\nCRITIQUE: <your critique>")
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def parse_reply(text: str) -> tuple[str | None, str | None]:
    """The FOLLOW-UP and CRITIQUE lines of a reply (lenient about Markdown and case); None for what is absent."""
    found: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        match = _LABEL.match(line)
        if match:
            current = "critique" if match.group(1).lower() == "critique" else "follow_up"
            found[current] = match.group(2).strip()
        elif current and line.strip() and (current == "critique" or not found[current]):
            found[current] = f"{found[current]} {line.strip()}".strip()
    follow_up = _clip(found.get("follow_up"), _FOLLOW_UP_CHARS)
    critique = _clip(found.get("critique"), _CRITIQUE_CHARS)
    return follow_up, critique


def _clip(text: str | None, limit: int) -> str | None:
    if not text:
        return None
    text = re.sub(r"\s+", " ", text.replace("**", "")).strip().strip('"').strip()
    if len(text) <= limit:
        return text or None
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("? "))
    return cut[:end + 1] if end > limit // 3 else cut.rsplit(" ", 1)[0] + "..."


class LlmCoach:
    """review(persona, question, doc, gap) -> LlmReview, or None after a notice (the rules carry on)."""

    def __init__(self, options: LlmOptions, on_notice: Callable[[str], None]) -> None:
        self.options = options
        self._notice = on_notice
        self._client = make_client(options.url, options.timeout_s)

    def review(self, persona, question, doc: dict, gap: str | None = None) -> LlmReview | None:
        if not doc.get("words"):
            return None
        messages = build_messages(persona, question, doc, gap)
        started = time.monotonic()
        attempts = [0]
        try:
            text, streamed = bounded_call(lambda: self._ask_with_retry(messages, started, attempts),
                                          self.options.timeout_s)
        except Exception as exc:  # noqa: BLE001 - any failure of an optional helper means: use the rules
            self._notice(f"LLM at {self.options.url} failed ({describe_failure(exc, self.options.timeout_s)}); "
                         f"using the rule-based follow-up and feedback")
            return None
        follow_up, critique = parse_reply(text)
        if follow_up is None and critique is None:
            self._notice(f"LLM at {self.options.url} gave no FOLLOW-UP or CRITIQUE line; using the rules")
            return None
        return LlmReview(self.options.model, follow_up, critique, time.monotonic() - started, streamed, attempts[0])

    def _ask_with_retry(self, messages: list[dict], started: float, attempts: list[int]) -> tuple[str, bool]:
        stream = self.options.stream
        try:
            attempts[0] += 1
            return self._ask(messages, stream, self.options.timeout_s), stream
        except Exception:  # noqa: BLE001 - one retry, without streaming, in whatever time is left
            left = self.options.timeout_s - (time.monotonic() - started)
            if left < 0.5:
                raise
            attempts[0] += 1
            return self._ask(messages, False, left), False

    def _ask(self, messages: list[dict], stream: bool, timeout_s: float) -> str:
        client = self._client.with_options(timeout=timeout_s)
        if not stream:
            reply = client.chat.completions.create(model=self.options.model, messages=messages, temperature=0.3,
                                                   max_tokens=self.options.max_tokens)
            if not reply.choices:
                raise ValueError("reply holds no choices")
            return reply.choices[0].message.content or ""
        pieces = []
        deadline = time.monotonic() + timeout_s
        for chunk in client.chat.completions.create(model=self.options.model, messages=messages, temperature=0.3,
                                                    max_tokens=self.options.max_tokens, stream=True):
            if chunk.choices and chunk.choices[0].delta and chunk.choices[0].delta.content:
                pieces.append(chunk.choices[0].delta.content)
            if time.monotonic() > deadline:  # a server trickling tokens forever
                raise TimeoutError("stream too slow")
        return "".join(pieces)
