"""Seconds from the end of an answer in the browser to its feedback card, through `voice-interviewer web`.

A real headless Chromium (Debian's, through chromedriver) whose microphone is a fixture answer opens the page with
autostart. Answers alternate between the two ways an answer ends:

- "I'm done": the benchmark presses the button 0.5 s after the answer's speech ends (the page closes its microphone
  and tells the engine). done_to_card: from the press to the painted feedback card. The engine has to decode the
  last words after the press (the pause had not lasted long enough to be decoded yet), so this is about one
  Whisper decode (1.0 s on 2 idle cores with tiny.en).
- silence: nothing is pressed; the engine ends the answer after its end-of-answer silence. end_to_card: from the
  moment the page learns that the answer ended ("stop-listening") to the painted card. The silence is not part of
  it; the pause was decoded while it lasted.

Both times are on the page's clock (performance.now()): the figure is what the candidate waits for. The engine's own
end_of_speech_to_feedback_s (from session.json) is printed beside it: the difference is the WebSocket, the page's
rendering and the time the loop needed to catch up with audio it had not processed yet.

The last line is machine-readable:
    web done_to_card_p50_s=X done_to_card_max_s=Y end_to_card_p50_s=Z engine_p50_s=E answers=N load1=L
Goal: the answer's end to the card <= 0.6 s. Timings depend on the machine and on whatever else runs on it (load1
is the load average when the run started).
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
    parser = argparse.ArgumentParser(description="End of answer in the browser -> feedback card. Default: 4 "
                                     "answers, alternately ended by \"I'm done\" and by silence (about 4 "
                                     "minutes). Goal: <= 0.6 s.")
    parser.add_argument("--quick", action="store_true", help="two answers, one ended each way (about 2 minutes)")
    parser.add_argument("--answers", type=int, default=4, help="answers in the run (1-8)")
    parser.add_argument("--screenshots", type=Path, default=None, help="folder for a screenshot per card")
    return parser.parse_args(argv)


def measure(count: int, screenshots: Path | None) -> tuple[dict[bool, list[float]], list[float]]:
    labels = json.loads((ROOT / "audio_fixtures" / "eval" / "labels.json").read_text())
    label = next(a for a in labels["answers"] if a["id"] == ANSWER)
    with tempfile.TemporaryDirectory() as tmp:
        wav = fixture_wav(ROOT / "audio_fixtures" / "eval" / f"{ANSWER}.ogg", Path(tmp) / f"{ANSWER}.wav")
        out = Path(tmp) / "sessions"
        with web_server(out, "--no-follow-ups", "--no-questions-back") as (_, url):
            driver = chromium(wav)
            try:
                driver.get(f"{url}&autostart=1&stage=recruiter&questions={count}")
                for number in range(1, count + 1):
                    pressed = number % 2 == 1
                    answer_once(driver, number, label["speech_end_s"], press_done=pressed)
                    if screenshots is not None:
                        screenshots.mkdir(parents=True, exist_ok=True)
                        driver.save_screenshot(str(screenshots / f"web-card-{number}.png"))
                    print(f"answer {number}: {'done' if pressed else 'silence end'} -> card "
                          f"{page_latency(driver, number, pressed):.3f} s", flush=True)
                page = {pressed: [page_latency(driver, n, pressed) for n in range(1, count + 1)
                                  if (n % 2 == 1) == pressed] for pressed in (True, False)}
                wait_for(lambda: driver.find_element("id", "end").is_displayed(), 180, "the end of the interview")
            finally:
                driver.quit()
        _, session = session_of(out)
    engine = [a["latency"]["end_of_speech_to_feedback_s"] for a in session["answers"] if "latency" in a]
    return page, engine


def answer_once(driver, number: int, speech_end_s: float, *, press_done: bool) -> None:
    opened = wait_for(lambda: driver.execute_script(
        f"return window.viTimes.micOpened[{number - 1}] ?? null"), 240, f"answer {number}'s microphone")
    if press_done:
        now = driver.execute_script("return performance.now()")
        time.sleep(max(0.0, (opened - now) / 1000 + speech_end_s + _AFTER_SPEECH_S))
        driver.find_element("id", "done").click()
    wait_for(lambda: driver.execute_script("return window.viTimes.cards.length") >= number, 120,
             f"answer {number}'s feedback card", poll_s=0.05)


def page_latency(driver, number: int, pressed: bool) -> float:
    """Seconds from the press of "I'm done" (or from the page learning that the answer ended) to answer number's
    card being painted."""
    times = driver.execute_script("return window.viTimes")
    card = next(c["at"] for c in times["cards"] if c["index"] == number)
    if pressed:
        return (card - times["done"][(number - 1) // 2]) / 1000
    return (card - times["ended"][number - 1]) / 1000


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    count = 2 if args.quick else args.answers
    if not 1 <= count <= 8:
        print(f"error: --answers {count} is out of range; allowed 1 to 8", file=sys.stderr)
        return 2
    load1 = os.getloadavg()[0]
    print(f"# web: {count} answer(s) of {ANSWER} through headless chromium; load average {load1:.1f} at start")
    page, engine = measure(count, args.screenshots)
    done, ended = page[True], page[False]
    print(f"web done_to_card_p50_s={statistics.median(done):.3f} done_to_card_max_s={max(done):.3f} "
          f"end_to_card_p50_s={f'{statistics.median(ended):.3f}' if ended else 'none'} "
          f"engine_p50_s={statistics.median(engine):.3f} answers={count} load1={load1:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
