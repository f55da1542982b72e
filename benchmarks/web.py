"""Seconds from the end of an answer in the browser to its feedback card, through `voice-interviewer web`.

A real headless Chromium (Debian's, through chromedriver) whose microphone is a fixture answer opens the page with
autostart; for each question the benchmark presses "I'm done" 0.5 s after the answer's speech ends (the page closes
its microphone and tells the engine), and the page itself records performance.now() at the press and when the
feedback card has been painted. Both times are on the page's clock: the figure is what the candidate waits for.
The end-of-answer silence is not part of it (pressing "I'm done" or saying "that's my answer" skips that wait).

The engine's own end_of_speech_to_feedback_s (from session.json) is printed beside it: the difference is the
WebSocket, the page's rendering and the time the loop needed to catch up with audio it had not processed yet.

The last line is machine-readable:
    web done_to_card_p50_s=X done_to_card_max_s=Y engine_p50_s=Z answers=N load1=L
Goal: done_to_card_p50_s <= 0.6. Timings depend on the machine and on whatever else runs on it (load1 is the
load average when the run started).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from web_support import chromium, fixture_wav, session_of, wait_for, web_server  # noqa: E402

ANSWER = "ev-screen-background"  # 24.8 s, answers the recruiter's first question
_AFTER_SPEECH_S = 0.5  # a candidate presses "I'm done" about this long after their last word


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="End of answer in the browser -> feedback card. Default: 3 "
                                     "answers (about 3 minutes). Goal: done_to_card_p50_s <= 0.6.")
    parser.add_argument("--quick", action="store_true", help="one answer (about a minute and a half)")
    parser.add_argument("--answers", type=int, default=3, help="answers in the run (1-8)")
    parser.add_argument("--screenshots", type=Path, default=None, help="folder for a screenshot per card")
    return parser.parse_args(argv)


def measure(count: int, screenshots: Path | None) -> tuple[list[float], list[float]]:
    labels = json.loads((ROOT / "audio_fixtures" / "eval" / "labels.json").read_text())
    label = next(a for a in labels["answers"] if a["id"] == ANSWER)
    with tempfile.TemporaryDirectory() as tmp:
        wav = fixture_wav(ROOT / "audio_fixtures" / "eval" / f"{ANSWER}.ogg", Path(tmp) / f"{ANSWER}.wav")
        out = Path(tmp) / "sessions"
        # a long end-of-answer silence: only the press ends an answer, as for a candidate who says they are done
        with web_server(out, "--no-follow-ups", "--no-questions-back", "--end-silence", "30") as (_, url):
            driver = chromium(wav)
            try:
                driver.get(f"{url}&autostart=1&stage=recruiter&questions={count}")
                for number in range(1, count + 1):
                    answer_once(driver, number, label["speech_end_s"])
                    if screenshots is not None:
                        screenshots.mkdir(parents=True, exist_ok=True)
                        driver.save_screenshot(str(screenshots / f"web-card-{number}.png"))
                    print(f"answer {number}: done -> card {page_latencies(driver)[-1]:.3f} s", flush=True)
                page = page_latencies(driver)
                wait_for(lambda: driver.find_element("id", "end").is_displayed(), 180, "the end of the interview")
            finally:
                driver.quit()
        _, session = session_of(out)
    engine = [a["latency"]["end_of_speech_to_feedback_s"] for a in session["answers"] if "latency" in a]
    return page, engine


def answer_once(driver, number: int, speech_end_s: float) -> None:
    opened = wait_for(lambda: driver.execute_script(
        f"return window.viTimes.micOpened[{number - 1}] ?? null"), 240, f"answer {number}'s microphone")
    now = driver.execute_script("return performance.now()")
    time.sleep(max(0.0, (opened - now) / 1000 + speech_end_s + _AFTER_SPEECH_S))
    driver.find_element("id", "done").click()
    wait_for(lambda: driver.execute_script("return window.viTimes.cards.length") >= number, 120,
             f"answer {number}'s feedback card", poll_s=0.05)


def page_latencies(driver) -> list[float]:
    times = driver.execute_script("return window.viTimes")
    return [(card["at"] - done) / 1000 for done, card in zip(times["done"], times["cards"])]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    count = 1 if args.quick else args.answers
    if not 1 <= count <= 8:
        print(f"error: --answers {count} is out of range; allowed 1 to 8", file=sys.stderr)
        return 2
    load1 = os.getloadavg()[0]
    print(f"# web: {count} answer(s) of {ANSWER} through headless chromium; load average {load1:.1f} at start")
    page, engine = measure(count, args.screenshots)
    print(f"web done_to_card_p50_s={statistics.median(page):.3f} done_to_card_max_s={max(page):.3f} "
          f"engine_p50_s={statistics.median(engine):.3f} answers={len(page)} load1={load1:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
