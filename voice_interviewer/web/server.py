"""The web app: one page, its scripts, one WebSocket per interview, and the session pages; served by uvicorn.

Safe by default: bound to loopback unless told otherwise; every request and the WebSocket carry the per-run token
(in the URL, or the cookie the page's first response sets); a browser's Origin must be this server (a WebSocket
must send one) and, on loopback, the Host header must name it too (no DNS rebinding); one interview at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import re
import secrets
import socket
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs

from voice_interviewer.errors import InterviewerError, UsageError
from voice_interviewer.web.engine import MAX_QUESTIONS, Link, Runner, WebOptions

__all__ = ["WebServer", "create_app", "is_loopback"]

_STATIC = {"app.js": "text/javascript", "app.css": "text/css", "capture.js": "text/javascript"}
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_REFUSED = "forbidden: open the link `voice-interviewer web` printed (it carries this run's token)"


def is_loopback(host: str) -> bool:
    """Whether every address host resolves to is on this machine only."""
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    return all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos)


class _Guard:
    """ASGI middleware: Host, Origin and token checks for every HTTP request and WebSocket."""

    def __init__(self, app, token: str, port: int, host: str) -> None:
        self.app = app
        self.token = token
        self.cookie = f"vi_token_{port}"  # cookies are not kept apart by port: one name per server
        wildcard = host in ("0.0.0.0", "::", "")
        names = {"127.0.0.1", "localhost", "[::1]"} | ({_url_host(host)} if not wildcard else set())
        self.hosts = None if wildcard else {f"{name}:{port}" for name in names}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        problem = self.problem(scope)
        if problem is None:
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            await receive()  # websocket.connect; closing before accepting answers the handshake with 403
            return await send({"type": "websocket.close", "code": 1008, "reason": problem[:120]})
        body = f"{problem}\n".encode()
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    def problem(self, scope) -> str | None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "")
        if self.hosts is not None and host not in self.hosts:
            return f"forbidden: unknown Host {host!r}"
        origin = headers.get("origin")
        if origin is None and scope["type"] == "websocket":
            return "forbidden: a WebSocket needs an Origin header"
        scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
        if origin is not None and origin != f"{scheme}://{host}":
            return f"forbidden: Origin {origin!r} is not this server"
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = (query.get("token") or [None])[0] or _cookie(headers.get("cookie", ""), self.cookie)
        if not given or not secrets.compare_digest(given.encode(), self.token.encode()):
            return _REFUSED
        return None


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def create_app(runner: Runner, token: str, port: int, host: str = "127.0.0.1"):
    """The Starlette app behind the guard."""
    from starlette.applications import Starlette
    from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
    from starlette.routing import Route, WebSocketRoute

    options = runner.options
    static = resources.files("voice_interviewer.web") / "static"
    cookie = f"vi_token_{port}"

    async def index(request):
        from voice_interviewer.content.personas import STAGES, load_personas

        personas = load_personas()
        config = {"token": token, "stage": options.stage, "questions": options.questions,
                  "max_questions": MAX_QUESTIONS,
                  "stages": [{"id": s, "name": personas[s].name, "role": personas[s].role} for s in STAGES]}
        text = (static / "index.html").read_text(encoding="utf-8")
        text = text.replace("{{config}}", json.dumps(config).replace("</", "<\\/"))
        response = HTMLResponse(text, headers={"Cache-Control": "no-store"})
        response.set_cookie(cookie, token, httponly=True, samesite="strict", path="/")
        return response

    async def asset(request):
        name = request.path_params["name"]
        if name not in _STATIC:
            return PlainTextResponse("not found", status_code=404)
        return Response((static / name).read_bytes(), media_type=_STATIC[name],
                        headers={"Cache-Control": "no-store"})

    def folder_of(name: str) -> Path | None:
        folder = options.home / name
        return folder if _SAFE_NAME.match(name) and (folder / "session.json").is_file() else None

    async def report(request):
        from voice_interviewer.review.report import render_html
        from voice_interviewer.session.store import load_session

        name = request.path_params["name"]
        folder = folder_of(name)
        if folder is None:
            return PlainTextResponse(f"no session {name!r} in {options.home}", status_code=404)
        try:
            document = await asyncio.to_thread(load_session, folder)
        except InterviewerError as exc:
            return PlainTextResponse(str(exc), status_code=422)
        return HTMLResponse(render_html(document, f"/sessions/{name}/audio/"))

    async def audio(request):
        folder = folder_of(request.path_params["name"])
        file = request.path_params["file"]
        if folder is None or not _SAFE_NAME.match(file) or not file.endswith(".wav") or not (folder / file).is_file():
            return PlainTextResponse("not found", status_code=404)
        return FileResponse(folder / file, media_type="audio/wav", headers={"Cache-Control": "no-store"})

    async def progress(request):
        from voice_interviewer.review.progress import build_progress, render_progress_html, saved_sessions
        from voice_interviewer.web.pages import page

        sessions, _ = await asyncio.to_thread(saved_sessions, options.home)
        doc = build_progress(sessions)
        if not doc["sessions"]:
            return HTMLResponse(page("Progress", "<p>No scored answers yet: finish an interview first.</p>"))
        return HTMLResponse(render_progress_html(doc))

    async def stories(request):
        from voice_interviewer.review.progress import saved_sessions
        from voice_interviewer.review.stories import build_story_bank
        from voice_interviewer.web.pages import page, stories_html

        sessions, _ = await asyncio.to_thread(saved_sessions, options.home)
        if not sessions:
            return HTMLResponse(page("Your STAR stories", "<p>No saved sessions yet.</p>"))
        return HTMLResponse(stories_html(build_story_bank(sessions)))

    async def interview_socket(websocket):
        await websocket.accept()
        await _converse(websocket, runner)

    routes = [Route("/", index), Route("/static/{name}", asset),
              Route("/sessions/{name}/report", report), Route("/sessions/{name}/audio/{file}", audio),
              Route("/progress", progress), Route("/stories", stories),
              WebSocketRoute("/ws", interview_socket)]

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        await asyncio.to_thread(runner.stop, "the server was stopped")

    return _Guard(Starlette(routes=routes, lifespan=lifespan), token, port, host)


async def _converse(websocket, runner: Runner) -> None:
    """One page's WebSocket: JSON commands and binary 16 kHz int16 PCM in, JSON events out."""
    loop = asyncio.get_running_loop()
    outbox: asyncio.Queue = asyncio.Queue()
    link = Link(lambda message: loop.call_soon_threadsafe(outbox.put_nowait, message))
    sender = asyncio.create_task(_send_all(websocket, outbox))
    await websocket.send_text(json.dumps({"type": "hello", "busy": runner.busy}))
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            if message.get("bytes") is not None:
                link.source.push(message["bytes"])
                continue
            try:
                command = json.loads(message.get("text") or "{}")
            except json.JSONDecodeError:
                continue
            await _command(command if isinstance(command, dict) else {}, link, runner)
    finally:
        link.lose("the browser page was closed or lost its connection")
        sender.cancel()


async def _command(command: dict, link: Link, runner: Runner) -> None:
    kind = command.get("type")
    if kind == "start" and link.interview is None:
        try:
            await asyncio.to_thread(runner.start, link, command.get("stage"), command.get("questions"))
        except InterviewerError as exc:
            link.send({"type": "busy" if runner.busy else "error", "text": str(exc)})
    elif kind == "mic-failed":
        link.source.lose(f"the browser could not open the microphone ({str(command.get('text'))[:200]}); "
                         "allow it for this page, or check the device")
    elif kind == "played":
        link.played()
    elif kind in ("done", "skip") and link.interview is not None:
        # the page has closed its microphone: the answer is the audio it sent before the press
        (link.interview.end_requested if kind == "done" else link.interview.skip_requested).set()
        link.source.finish()


async def _send_all(websocket, outbox: asyncio.Queue) -> None:
    with contextlib.suppress(Exception):  # the page is gone; the receiving side notices and cleans up
        while True:
            message = await outbox.get()
            await websocket.send_text(json.dumps(message, ensure_ascii=False))


class WebServer:
    """Binds at once (so a port in use is a clear error before anything prints), then serves until stopped."""

    def __init__(self, options: WebOptions, host: str, port: int, on_notice: Callable[[str], None],
                 tls: tuple[Path, Path] | None = None) -> None:
        self.tls = tls  # (certificate, key) in PEM files: https, so phones on the network may use the microphone
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        try:
            self.socket = socket.create_server((host, port), family=family)
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}; choose another --port "
                             "(0 picks a free one) or --host") from None
        self.host = host
        self.port = self.socket.getsockname()[1]
        self.token = secrets.token_urlsafe(24)
        self.runner = Runner(options, on_notice)
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else "::1" if host == "::" else host
        self.url = f"{'https' if tls else 'http'}://{_url_host(shown)}:{self.port}/?token={self.token}"

    def serve(self) -> None:
        import uvicorn

        app = create_app(self.runner, self.token, self.port, self.host)
        certificate, key = self.tls or (None, None)
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", ws_ping_interval=10,
                                ws_ping_timeout=20, ssl_certfile=certificate, ssl_keyfile=key)
        uvicorn.Server(config).run(sockets=[self.socket])
