"""Optional LLM coach through any OpenAI-compatible server (llama.cpp, Ollama, vLLM, a cloud API).

One chat call per answer gives a follow-up built from what the candidate actually said and a short content critique
against the question's key points. The rules still decide *what* is missing; the model words the probe from the
answer. Calls go through remote.py's bounded client; any failure gives one notice and the rule-based path.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from voice_interviewer.remote import bounded_call, describe_failure, make_client

__all__ = ["LlmOptions", "LlmReview", "LlmCoach", "gap_label", "spoken_critique"]

_FOLLOW_UP_CHARS = 300
_CRITIQUE_CHARS = 400
_SPOKEN_CRITIQUE_CHARS = 200
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
