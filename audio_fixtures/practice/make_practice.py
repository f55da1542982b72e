"""Render the practice fixtures: a resume deep-dive answer, three structuring-exercise turns and the sample resume as
a PDF. (The candidate's questions for the interviewer are the demo's, rendered by make_fixtures.py.)

Run from the repository root:

    python audio_fixtures/practice/make_practice.py            # write the WAVs, the PDF and manifest.json
    python audio_fixtures/practice/make_practice.py --check    # re-render in memory, compare with what is committed

The speech is rendered by audio_fixtures/make_fixtures.py (imported, not copied): the same espeak-ng + sox path,
markup, room noise and candidate voices, none of them an interviewer's voice. The PDF is written by hand (one page,
Helvetica, one text line per resume line) so no PDF library is needed to make it; the tool reads it with pypdf.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

import soundfile as sf

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from make_fixtures import RP_MALE, SAMPLE_RATE_HZ, Answer, render, speech_bounds  # noqa: E402

MANIFEST = HERE / "manifest.json"
RESUME_TXT = HERE / "sample_resume.txt"
RESUME_PDF = HERE / "sample_resume.pdf"

# (file stem, what it answers, voice, wpm, marked-up text)
CLIPS: tuple[tuple[str, str, str, int, str], ...] = (
    ("resume-objective",
     "resume deep-dive on the Kubernetes bullet: business objective and success measure", RP_MALE, 160,
     "The business objective was to stop paying for two data centers and to let teams ship faster. We measured "
     "success with two numbers, deploy lead time and hosting cost. The program moved one hundred and eighty "
     "microservices onto Kubernetes, with nine engineering teams over three quarters. I ran it with a charter, a "
     "shared dependency map and a weekly risk review. In the end deploy lead time fell by fifty five percent, and "
     "hosting cost went down by one point two million dollars a year. If I did it again, I would start the "
     "database work a quarter earlier."),
    ("exercise-turn1", "structuring exercise, first turn: charter and workstreams", RP_MALE, 160,
     "Let me think aloud. I would start with the program charter. Our goal is to move all fifty microservices "
     "onto the new platform by the end of next quarter, with no customer facing downtime. The success metric is "
     "simple: every service runs on the new platform and the old system is switched off. The executive sponsor "
     "is our head of infrastructure. Next, workstreams. I would split the program into four workstreams: "
     "platform readiness, service migration in waves, testing, and data migration. Each workstream has one lead "
     "from the team that owns it."),
    ("exercise-turn2", "structuring exercise, second turn: dependencies, risks, then milestones", RP_MALE, 160,
     "Now the dependencies. The service teams depend on the platform team for the base images, and the payments "
     "services depend on the shared database move, which makes it the critical path. I would map these on a "
     "dependency board in week one. Risks next. The biggest risk is data loss during the database cutover, so we "
     "rehearse it twice and keep a rollback plan. A second risk is teams without capacity, which I would raise "
     "with the sponsor early. For milestones, I would set phase gates: a pilot with three services, then waves of "
     "ten services, then the final cutover, each with go or no-go criteria."),
    ("exercise-turn3", "structuring exercise, last turn: cadence, then the closing phrase", RP_MALE, 160,
     "Finally the cadence. A weekly sync for each workstream, a dependency review every two weeks, and a monthly "
     "steering meeting with the sponsor, plus a shared dashboard for async updates. That is my plan. I'm done."),
)


def _wav_bytes(pcm) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, pcm, SAMPLE_RATE_HZ, subtype="PCM_16", format="WAV")
    return buf.getvalue()


def _pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF with each line as text: the smallest valid file pypdf and pdftotext both read."""
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 9 Tf", "11 TL", "40 800 Td"]
    for line in lines:
        ops.append(f"({escape(line.encode('latin-1', 'replace').decode('latin-1'))}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _wrapped(text: str, width: int = 110) -> list[str]:
    lines = []
    for line in text.splitlines():
        while len(line) > width:
            cut = line.rfind(" ", 0, width)
            lines.append(line[:cut])
            line = "  " + line[cut + 1:]
        lines.append(line)
    return lines


def render_all() -> tuple[dict[str, bytes], dict]:
    files: dict[str, bytes] = {}
    entries = []
    for stem, what, voice, rate, text in CLIPS:
        pcm, parsed, pauses = render(Answer(stem, what, voice, rate, (), text))
        start, end = speech_bounds(pcm)
        files[f"{stem}.wav"] = _wav_bytes(pcm)
        entries.append({"file": f"{stem}.wav", "kind": "synthetic", "answers": what, "voice": voice,
                        "rate_wpm": rate, "transcript": parsed.transcript, "speech_start_s": round(start, 3),
                        "speech_end_s": round(end, 3), "duration_s": round(len(pcm) / SAMPLE_RATE_HZ, 3)})
    files[RESUME_PDF.name] = _pdf_bytes(_wrapped(RESUME_TXT.read_text(encoding="utf-8")))
    manifest = {"schema": 1, "generator": "audio_fixtures/practice/make_practice.py", "recordings": entries,
                "resume": {"text": RESUME_TXT.name, "pdf": RESUME_PDF.name}}
    return files, manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="compare a fresh render with the committed files")
    args = ap.parse_args(argv)
    files, manifest = render_all()
    manifest_bytes = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if args.check:
        differ = [name for name, data in files.items() if not (HERE / name).is_file()
                  or (HERE / name).read_bytes() != data]
        if not MANIFEST.is_file() or MANIFEST.read_bytes() != manifest_bytes:
            differ.append(MANIFEST.name)
        print("practice fixtures are up to date" if not differ else f"out of date: {', '.join(differ)}")
        return 1 if differ else 0
    for name, data in files.items():
        (HERE / name).write_bytes(data)
        print(f"wrote audio_fixtures/practice/{name}")
    MANIFEST.write_bytes(manifest_bytes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
