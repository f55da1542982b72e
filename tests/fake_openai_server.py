"""A small OpenAI-compatible server on 127.0.0.1 for tests: chat completions (JSON or SSE) and audio transcriptions.

Run by the tests in a thread, or as a process (`python tests/fake_openai_server.py PORT [MODE]`) for CLI tests.
The chat "model" is a few rules over the request, so a test can see that the candidate's words reached it: the
follow-up quotes the answer, the critique names the key points whose words the answer lacks. Transcriptions are
real: the upload is decoded by the bundled Whisper model.

Modes: ok; slow (waits `delay_s` before replying); error (HTTP 500); malformed (a 200 whose body is not JSON);
segments (transcriptions carry segment times only, no word times).
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

__all__ = ["FakeOpenAI"]


class FakeOpenAI:
    def __init__(self, mode: str = "ok", delay_s: float = 30.0, port: int = 0) -> None:
        self.mode = mode
        self.delay_s = delay_s
        self.requests: list[dict] = []
        self.replies = 0  # responses sent so far: a client that gave up early leaves this behind
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def chat_reply(self, body: dict) -> str:
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        answer = re.search(r'Candidate\'s answer \(speech transcript\): "(.*)"', user)
        words = (answer.group(1) if answer else "").split()
        points = re.findall(r"^- (.+)$", user, re.MULTILINE)
        covered = re.search(r"Key points the candidate covered \(by keyword\): (.*)$", user, re.MULTILINE)
        lacking = [p for p in points if not covered or p not in covered.group(1)]
        gap = re.search(r"probe this gap: (.+?)\.", user)
        quote = " ".join(words[-6:]).strip(".,")
        follow = f'You said "{quote}". ' + (f"Can you go deeper on this: {gap.group(1)}?"
                                             if gap else "What would you do differently?")
        critique = ("Good detail on what you did. " + (f"Missing: {lacking[0]}." if lacking else "Covered well."))
        return f"FOLLOW-UP: {follow}\nCRITIQUE: {critique}"

    def transcription(self, audio: bytes) -> dict:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from voice_interviewer.audio.sources import WavFileSource
        from voice_interviewer.config import TranscribeOptions
        from voice_interviewer.speech.transcribe import load_model, resolve_model, transcribe_frames

        with tempfile.NamedTemporaryFile(suffix=".wav") as handle:
            handle.write(audio)
            handle.flush()
            resolved = resolve_model(None)
            transcript = transcribe_frames(WavFileSource(Path(handle.name)).frames(), load_model(resolved.source),
                                           TranscribeOptions(partial_every_s=None), "fake")
        words = [{"word": w.text, "start": w.start, "end": w.end} for w in transcript.words]
        doc = {"task": "transcribe", "language": "english", "duration": transcript.audio_duration_s,
               "text": transcript.text,
               "segments": [{"id": 0, "seek": 0, "start": words[0]["start"] if words else 0.0,
                             "end": words[-1]["end"] if words else 0.0, "text": transcript.text, "tokens": [],
                             "temperature": 0.0, "avg_logprob": -0.2, "compression_ratio": 1.2,
                             "no_speech_prob": 0.01}]}
        if self.mode != "segments":
            doc["words"] = words
        return doc


def _handler(fake: FakeOpenAI):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def handle(self) -> None:
            try:
                super().handle()
            except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting: that is the test
                pass

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            record = {"path": self.path, "authorization": self.headers.get("Authorization", "")}
            fake.requests.append(record)
            if fake.mode == "slow":
                time.sleep(fake.delay_s)
            if fake.mode == "error":
                return self._send(500, b'{"error": {"message": "boom"}}')
            if fake.mode == "malformed":
                return self._send(200, b'{"choices": [ this is not json')
            if self.path.endswith("/chat/completions"):
                body = json.loads(raw)
                record["body"] = body
                text = fake.chat_reply(body)
                return self._stream(body, text) if body.get("stream") else self._send(200, json.dumps(
                    {"id": "c1", "object": "chat.completion", "created": 0, "model": body["model"],
                     "choices": [{"index": 0, "finish_reason": "stop",
                                  "message": {"role": "assistant", "content": text}}]}).encode())
            if self.path.endswith("/audio/transcriptions"):
                form = _multipart(self.headers.get("Content-Type", ""), raw)
                record["form"] = {k: v for k, v in form.items() if k != "file"}
                return self._send(200, json.dumps(fake.transcription(form["file"])).encode())
            self._send(404, b'{"error": {"message": "no such endpoint"}}')

        def _stream(self, body: dict, text: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for piece in re.findall(r"\S+\s*", text):
                chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": body["model"],
                         "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            fake.replies += 1

        def _send(self, status: int, payload: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            fake.replies += 1

    return Handler


def _multipart(content_type: str, raw: bytes) -> dict:
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    fields: dict = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if name in fields and name != "file":  # repeated fields: timestamp_granularities[]
            fields[name] = [*([fields[name]] if isinstance(fields[name], str) else fields[name]), payload.decode()]
        else:
            fields[name] = payload if name == "file" else payload.decode()
    return fields


if __name__ == "__main__":  # a server to try the CLI against by hand
    with FakeOpenAI(sys.argv[2] if len(sys.argv) > 2 else "ok", port=int(sys.argv[1])) as running:
        print(running.url, flush=True)
        threading.Event().wait()
