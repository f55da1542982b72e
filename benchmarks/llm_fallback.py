"""How long the interview waits on the optional LLM: a healthy server, a slow one, a 500, a refused connection.

Each case runs LlmCoach.review (the real openai client over HTTP) against tests/fake_openai_server.py on 127.0.0.1,
with the same answer, and prints the wall time review() took and what came back. The slow server holds every request
for 60 s; the point is that review() returns at the --llm-timeout bound whatever the server does.

    .venv/bin/python benchmarks/llm_fallback.py [--timeout 8] [--runs 3]

The last line is for scripts: `llm_fallback ok_stream_s=.. ok_plain_s=.. slow_s=.. error_s=.. refused_s=.. timeout_s=..`
(medians over the runs).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fake_openai_server import FakeOpenAI  # noqa: E402

from voice_interviewer.content.personas import find_question, load_personas  # noqa: E402
from voice_interviewer.feedback import analyze  # noqa: E402
from voice_interviewer.integrations.llm import LlmCoach, LlmOptions  # noqa: E402
from voice_interviewer.session.interview import typed_transcript  # noqa: E402

ANSWER = ("Two teams disagreed about the database for the checkout launch. I was the program manager, and I set up a "
          "design review with both tech leads where we compared latency data against the launch date.")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def timed(url: str, timeout_s: float, stream: bool, asked) -> tuple[float, str]:
    persona, question, doc = asked
    notices: list[str] = []
    coach = LlmCoach(LlmOptions(url=url, timeout_s=timeout_s, stream=stream), notices.append)
    started = time.perf_counter()
    review = coach.review(persona, question, doc, gap="the result")
    took = time.perf_counter() - started
    return took, (f"follow-up: {review.follow_up[:60]}..." if review else f"notice: {notices[0][:90]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=8.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    persona, question = find_question(load_personas(), "panel-alignment")
    asked = (persona, question, analyze(typed_transcript(ANSWER), question))
    print(f"# load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; timeout {args.timeout:g} s; "
          f"{args.runs} run(s) per case")
    cases = {"ok_stream": ("ok", True), "ok_plain": ("ok", False), "slow": ("slow", True), "error": ("error", True),
             "refused": (None, True)}
    medians = {}
    for name, (mode, stream) in cases.items():
        times = []
        for _ in range(args.runs):
            if mode is None:
                took, what = timed(f"http://127.0.0.1:{free_port()}/v1", args.timeout, stream, asked)
            else:
                with FakeOpenAI(mode, delay_s=60) as server:
                    took, what = timed(server.url, args.timeout, stream, asked)
                    server.delay_s = 0
            times.append(took)
        medians[name] = statistics.median(times)
        print(f"{name:10s} median {medians[name]:6.3f} s  max {max(times):6.3f} s  {what}")
    print("llm_fallback " + " ".join(f"{k}_s={v:.3f}" for k, v in medians.items()) + f" timeout_s={args.timeout:g}")


if __name__ == "__main__":
    main()
