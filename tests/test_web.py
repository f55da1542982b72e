"""`voice-interviewer web` as a user runs it: the URL line, the token, Origin and Host checks, one interview at a time,
and whole interviews in a real headless Chromium whose microphone is a fixture WAV."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from conftest import FIXTURES, ROOT, run_cli, word_error_rate
from web_support import base_of, chromium, fixture_wav, session_of, token_of, wait_for, web_server

OUTPUT = ROOT / "test-output"
ANSWER = "ev-screen-background"  # answers the recruiter's first question; 24.8 s of speech with two fillers


def status_of(url: str, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def socket_to(url: str, *, origin: str | None, token: str | None):
    from websockets.sync.client import connect

    address = base_of(url).replace("http://", "ws://") + "/ws" + (f"?token={token}" if token else "")
    return connect(address, origin=origin, open_timeout=30)


@pytest.mark.cli
def test_every_request_and_the_websocket_need_the_token_and_this_origin(tmp_path):
    from websockets.exceptions import InvalidStatus

    with web_server(tmp_path / "out") as (process, url):
        base, token = base_of(url), token_of(url)
        assert status_of(url)[0] == 200
        assert "/static/app.js" in status_of(url)[1]
        for path in ("/", "/static/app.js", "/progress", "/stories"):
            code, body = status_of(base + path)
            assert code == 403 and "token" in body, path
        assert status_of(f"{base}/?token=wrong")[0] == 403
        assert status_of(url, {"Origin": "http://evil.example"})[0] == 403
        assert status_of(url, {"Host": "evil.example"})[0] == 403
        assert status_of(f"{base}/static/app.js", {"Cookie": f"vi_token_{base.rsplit(':', 1)[1]}={token}"})[0] == 200
        for origin, given in ((base, None), ("http://evil.example", token), (None, token)):
            with pytest.raises(InvalidStatus) as refused:
                socket_to(url, origin=origin, token=given)
            assert refused.value.response.status_code == 403, (origin, given)
        with socket_to(url, origin=base, token=token) as socket:
            assert json.loads(socket.recv(timeout=30)) == {"type": "hello", "busy": False}
    assert process.returncode == 0
    assert "Stopped." in process.stderr.read()


@pytest.mark.cli
@pytest.mark.model
@pytest.mark.slow
def test_one_interview_at_a_time_and_bad_choices_are_refused(tmp_path):
    with web_server(tmp_path / "out", "--no-questions-back") as (process, url):
        base, token = base_of(url), token_of(url)
        with socket_to(url, origin=base, token=token) as first, socket_to(url, origin=base, token=token) as second:
            first.recv(timeout=30), second.recv(timeout=30)
            second.send(json.dumps({"type": "start", "stage": "sales", "questions": 1}))
            refused = json.loads(second.recv(timeout=30))
            assert refused["type"] == "error" and "unknown stage 'sales'; allowed: recruiter" in refused["text"]
            first.send(json.dumps({"type": "start", "stage": "recruiter", "questions": 1}))
            assert json.loads(first.recv(timeout=60))["type"] == "started"
            second.send(json.dumps({"type": "start", "stage": "recruiter", "questions": 1}))
            busy = json.loads(second.recv(timeout=30))
            while busy["type"] != "busy":
                busy = json.loads(second.recv(timeout=30))
            assert "already running" in busy["text"]
        folder, session = wait_for(lambda: _ended(tmp_path / "out"), 60, "the interview to end with its page")
        assert session["completed"] is False and session["input"] == "browser"
        with socket_to(url, origin=base, token=token) as third:  # the server is free again for the next one
            assert json.loads(third.recv(timeout=30)) == {"type": "hello", "busy": False}
            third.send(json.dumps({"type": "start", "stage": "panel", "questions": 1}))
            assert json.loads(third.recv(timeout=60))["type"] == "started"


def _ended(out):
    """The one session in out once its end is recorded (session.json appears just after "started")."""
    if not any((p / "session.json").exists() for p in out.iterdir()):
        return None
    folder, session = session_of(out)
    return (folder, session) if session.get("ended") else None


@pytest.mark.cli
@pytest.mark.model
@pytest.mark.slow
def test_a_resume_gives_the_page_deep_dive_questions(tmp_path):
    resume = FIXTURES / "practice" / "sample_resume.txt"
    with web_server(tmp_path / "out", "--resume", str(resume), "--no-questions-back") as (_, url):
        with socket_to(url, origin=base_of(url), token=token_of(url)) as page:
            page.recv(timeout=30)
            page.send(json.dumps({"type": "start", "stage": "hiring-manager", "questions": 2}))
            assert json.loads(page.recv(timeout=60))["type"] == "started"
            folder = wait_for(lambda: next((tmp_path / "out").glob("*/session.json"), None), 60, "session.json")
            asked = [q["id"] for q in json.loads(folder.read_text())["questions"]]
    assert len(asked) == 2 and all(qid.startswith("resume-") for qid in asked), asked
    result = run_cli("web", "--no-browser", "--resume", str(tmp_path / "missing.txt"))
    assert result.returncode == 2 and "missing.txt" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.cli
def test_bad_flags_and_a_busy_port_are_one_line_errors(tmp_path):
    result = run_cli("web", "--no-browser", "--stage", "sales")
    assert result.returncode == 2 and "unknown stage 'sales'" in result.stderr and not result.stdout
    result = run_cli("web", "--no-browser", "--questions", "9")
    assert result.returncode == 2 and "--questions 9 is out of range; allowed 1 to 8" in result.stderr
    with web_server(tmp_path / "out") as (_, url):
        port = base_of(url).rsplit(":", 1)[1]
        result = run_cli("web", "--no-browser", "--port", port)
        assert result.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in result.stderr
        assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def answer_wav(tmp_path_factory):
    return fixture_wav(FIXTURES / "eval" / f"{ANSWER}.ogg", tmp_path_factory.mktemp("mic") / f"{ANSWER}.wav")


@pytest.fixture(scope="module")
def answer_label():
    labels = json.loads((FIXTURES / "eval" / "labels.json").read_text())
    return next(a for a in labels["answers"] if a["id"] == ANSWER)


def _page(driver, element_id: str) -> str:
    return driver.find_element("id", element_id).text


@pytest.mark.browser
@pytest.mark.cli
@pytest.mark.model
@pytest.mark.slow
def test_a_browser_interview_is_heard_scored_and_saved(tmp_path, answer_wav, answer_label):
    out = tmp_path / "out"
    OUTPUT.mkdir(exist_ok=True)
    with web_server(out, "--no-follow-ups", "--no-questions-back", "--end-silence", "2") as (process, url):
        driver = chromium(answer_wav)
        try:
            driver.get(f"{url}&autostart=1&stage=recruiter&questions=1")
            wait_for(lambda: len(_page(driver, "live").split()) >= 5 and "Listening" in _page(driver, "status"), 180,
                     "the live transcript while listening")
            driver.save_screenshot(str(OUTPUT / "web-live.png"))
            card = wait_for(lambda: driver.find_elements("css selector", ".feedback"), 180, "the feedback card")[0]
            assert "/100" in card.text and card.get_attribute("data-index") == "1"
            driver.save_screenshot(str(OUTPUT / "web-feedback.png"))
            wait_for(lambda: driver.find_element("id", "end").is_displayed(), 120, "the end of the interview")
            report = driver.find_element("id", "report-link")
            report.click()  # the report page, served by the app with the page's cookie
            wait_for(lambda: "Mock interview: recruiter" in driver.page_source, 60, "the report page")
        finally:
            driver.quit()
    folder, session = session_of(out)
    assert session["completed"] and session["input"] == "browser"
    (record,) = session["answers"]
    assert record["interrupted"] is False and record["end_reason"] == "silence"
    assert word_error_rate(answer_label["transcript"], record["transcript"]) <= 0.25, record["transcript"]
    assert 0 <= record["score"] <= 100 and record["spoken_feedback"]
    assert record["latency"]["end_of_speech_to_feedback_s"] >= 0 and record["latency"]["endpoint_wait_s"] > 0
    for name in ("q01.wav", "a01.wav", "fb01.wav", "recruiter-opening.wav", "recruiter-closing.wav"):
        assert (folder / name).stat().st_size > 1000, name
    replay = run_cli("replay", str(folder), "--mute")
    assert replay.returncode == 0 and "Score " in replay.stdout, replay.stderr


@pytest.mark.browser
@pytest.mark.cli
@pytest.mark.model
@pytest.mark.slow
def test_skip_then_closing_the_page_mid_answer_keeps_interrupted_replayable_answers(tmp_path, answer_wav):
    out = tmp_path / "out"
    with web_server(out, "--no-questions-back") as (process, url):
        driver = chromium(answer_wav)
        opened = "return window.viTimes.micOpened.length"
        try:
            driver.get(f"{url}&autostart=1&stage=recruiter&questions=2")
            wait_for(lambda: driver.execute_script(opened) == 1, 180, "the microphone")
            time.sleep(4)
            driver.find_element("id", "skip").click()  # the first question is passed over 4 s in
            wait_for(lambda: driver.execute_script(opened) == 2, 120, "the second question's microphone")
            time.sleep(8)  # 8 s into the 25 s answer
        finally:
            driver.quit()  # the tab closes mid-answer
        folder, session = wait_for(lambda: _ended(out), 60, "the interview to save and stop")
        skipped, closed = session["answers"]
        assert skipped["interrupted"] is True and skipped["end_reason"] == "skipped" and "score" not in skipped
        assert closed["interrupted"] is True and "score" not in closed and "end_reason" not in closed
        for name, low, high in (("a01.wav", 2, 10), ("a02.wav", 5, 20)):
            heard_s = ((folder / name).stat().st_size - 44) / 32000
            assert low <= heard_s <= high, (name, heard_s)  # what the page sent before the skip or the close
        assert process.poll() is None  # the server outlives the page, ready for the next interview
    assert "interview stopped: the browser page was closed" in process.stderr.read()
    replay = run_cli("replay", str(folder), "--mute")
    assert replay.returncode == 0 and replay.stdout.count("Interrupted before it could be scored") == 2, replay.stdout


@pytest.mark.cli
def test_https_with_a_certificate_for_phones_on_the_network(tmp_path):
    import ssl
    import subprocess

    from websockets.sync.client import connect

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True, timeout=60)
    unverified = ssl.create_default_context()
    unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE  # a self-signed test certificate
    with web_server(tmp_path / "out", "--certfile", str(cert), "--keyfile", str(key), https=True) as (_, url):
        with urllib.request.urlopen(url, context=unverified, timeout=30) as response:
            assert response.status == 200
        base = base_of(url)
        address = base.replace("https://", "wss://") + f"/ws?token={token_of(url)}"
        with connect(address, origin=base, ssl=unverified, open_timeout=30) as socket:
            assert json.loads(socket.recv(timeout=30))["type"] == "hello"
        from websockets.exceptions import InvalidStatus

        with pytest.raises(InvalidStatus):  # the same host over plain http is another origin
            connect(address, origin=base.replace("https://", "http://"), ssl=unverified, open_timeout=30)
    result = run_cli("web", "--no-browser", "--certfile", str(cert))
    assert result.returncode == 2 and "--certfile and --keyfile go together" in result.stderr
