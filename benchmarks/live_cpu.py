"""CPU seconds per second of speech of the live path, per kind of decode, on demo answers.

Each answer goes through AnswerListener (endpointer + ChunkedTranscriber) with a clock that always keeps up with the
audio, so no decode is skipped for lag and the counts do not depend on the machine's load; process CPU time
(all threads) is charged to live (tentative) decodes, final decodes (commits, pauses, the end) and the filler
pass's second decodes. Options switch the ideas of benchmarks/README.md on and off.

    .venv/bin/python benchmarks/live_cpu.py                       # today's defaults
    .venv/bin/python benchmarks/live_cpu.py --pause-decode 0.3 --no-budget
    .venv/bin/python benchmarks/live_cpu.py --filler-pass acoustic second-pass   # without the encoder probe

Last line: live_cpu cpu_per_speech_s=X live_decodes=N final_decodes=M
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voice_interviewer.audio.sources import WavFileSource  # noqa: E402
from voice_interviewer.config import EndpointOptions, TranscribeOptions  # noqa: E402
from voice_interviewer.speech import transcribe as T  # noqa: E402

DEMO = ROOT / "voice_interviewer" / "data" / "demo"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("answers", nargs="*", default=["panel-alignment", "hm-platform-migration"])
    parser.add_argument("--pause-decode", type=float, default=TranscribeOptions.pause_decode_s)
    parser.add_argument("--partial-every", type=float, default=TranscribeOptions.partial_every_s)
    parser.add_argument("--no-budget", action="store_true", help="no live_cpu_per_s limit")
    parser.add_argument("--filler-pass", nargs="*", default=list(TranscribeOptions.filler_pass),
                        help="the filler pass's steps (default: all of them)")
    args = parser.parse_args(argv)
    options = replace(TranscribeOptions(), pause_decode_s=args.pause_decode, partial_every_s=args.partial_every,
                      live_cpu_per_s=None if args.no_budget else TranscribeOptions.live_cpu_per_s,
                      filler_pass=tuple(args.filler_pass))
    model = T.load_model(T.resolve_model(None).source)
    cost, calls = collections.Counter(), collections.Counter()
    original = T.ChunkedTranscriber._decode

    def timed(self, start_s, end_s, *, final=True):
        kind = "final" if final else "live"
        before = time.process_time()
        try:
            return original(self, start_s, end_s, final=final)
        finally:
            cost[kind] += time.process_time() - before
            calls[kind] += 1

    T.ChunkedTranscriber._decode = timed
    total_cpu = total_audio = 0.0
    print(f"# pause_decode_s={options.pause_decode_s} partial_every_s={options.partial_every_s} "
          f"live_cpu_per_s={options.live_cpu_per_s} filler_pass={','.join(options.filler_pass)}")
    for name in args.answers:
        now = [0.0]
        listener = T.AnswerListener(model, options, EndpointOptions(), name, clock=lambda: now[0])
        before = time.process_time()
        for frame in WavFileSource(DEMO / f"{name}.ogg", realtime=False).frames():
            now[0] = frame.end_s
            _, end = listener.accept(frame)
            if end is not None:
                break
        listener.finish(None)
        cpu, audio = time.process_time() - before, listener.transcriber.audio_end_s
        total_cpu, total_audio = total_cpu + cpu, total_audio + audio
        print(f"{name:<24} audio {audio:6.1f} s  cpu {cpu:6.1f} s  per s {cpu / audio:.3f}")
    print(f"# decodes {dict(calls)}; CPU-s {({k: round(v, 1) for k, v in cost.items()})}")
    print(f"live_cpu cpu_per_speech_s={total_cpu / total_audio:.3f} live_decodes={calls['live']} "
          f"final_decodes={calls['final']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
