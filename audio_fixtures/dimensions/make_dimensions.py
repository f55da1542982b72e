"""Render the debrief set's own answers: the guide's mistakes and strong answers the eval set lacks.

Each answer is spoken whole by espeak-ng in a voice the eval set and the interviewers do not use (Scottish,
Caribbean and New York City English), with 0.5 s of silence before and 0.8 s after, peak at -3 dBFS, as 16 kHz
Ogg Opus (`make_eval._opus_bytes`). The ratings live in labels.json, written by hand against the guide (see
README.md); this script only writes the audio and checks that every answer in labels.json has its file.

    python audio_fixtures/dimensions/make_dimensions.py          # write the *.ogg files
    python audio_fixtures/dimensions/make_dimensions.py --check  # exit 1 if a file is missing
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "eval"))

from make_eval import _opus_bytes  # noqa: E402
from make_fixtures import SAMPLE_RATE_HZ, _synthesise  # noqa: E402

LEAD_S, TAIL_S, PEAK_DBFS = 0.5, 0.8, -3.0


def render(text: str, voice: str, rate_wpm: int) -> bytes:
    speech = _synthesise(text, voice, rate_wpm)
    speech = speech / np.max(np.abs(speech)) * 10 ** (PEAK_DBFS / 20)
    pcm = np.concatenate([np.zeros(int(LEAD_S * SAMPLE_RATE_HZ)), speech, np.zeros(int(TAIL_S * SAMPLE_RATE_HZ))])
    return _opus_bytes(np.clip(np.round(pcm * 32767), -32768, 32767).astype(np.int16))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    labels = json.loads((HERE / "labels.json").read_text())
    missing = 0
    for answer in labels["answers"]:
        if answer.get("source") != "dimensions":
            continue
        path = HERE / answer["file"]
        if args.check:
            if not path.is_file():
                print(f"missing: {path}")
                missing += 1
            continue
        path.write_bytes(render(answer["transcript"], answer["voice"], answer["rate_wpm"]))
        print(f"wrote {path.name}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
