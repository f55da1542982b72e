"""Render the demo's recorded candidate (answers and questions for the interviewer) and its manifest.

The recordings are package data, shipped in the wheel: voice_interviewer/data/demo/*.ogg (Ogg Opus) with
voice_interviewer/data/demo/manifest.json. Run from the repository root:

    python audio_fixtures/make_fixtures.py            # write the demo's *.ogg and manifest.json
    python audio_fixtures/make_fixtures.py --check    # re-render in memory, compare with what is committed
    python audio_fixtures/make_fixtures.py --only hm-slip-three-weeks

Needs espeak-ng and sox on PATH, numpy, soundfile and PyAV. The output is byte-for-byte deterministic for a given
espeak-ng, sox and libopus version (no dither, seeded noise, bit-exact Ogg). The labels (speech bounds, pauses)
are measured on the PCM before encoding; Opus decodes sample-aligned, so they hold for the decoded file.
audio_fixtures/manifest.json (real speech) is not touched.

Answer texts use a small markup so labels cannot drift from the words:
    {um}          a filler, spoken as written and listed in "fillers"
    {!like}       a word that looks like a filler but is not one ("I'd like to"), listed in "not_fillers"
    [situation]   the structure part that starts at the next word, listed in "parts"
    <pause 3.5>   a deliberate silence of exactly that many seconds, listed in "pauses"
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

__all__ = ["ANSWERS", "ASKS", "Answer", "Parsed", "parse", "render", "speech_bounds", "answer_entry", "opus_bytes",
           "main"]

HERE = Path(__file__).resolve().parent
DEMO = HERE.parent / "voice_interviewer" / "data" / "demo"
MANIFEST = DEMO / "manifest.json"
OPUS_BITRATE = 32_000
SAMPLE_RATE_HZ = 16_000
LEAD_SILENCE_S = 0.6
TAIL_SILENCE_S = 0.5  # short on purpose: the interview pipeline adds its own end-of-answer silence
NOISE_DBFS = -55.0
PEAK_DBFS = -3.0
TRIM_LEVEL = 1e-3  # -60 dBFS: espeak-ng's own leading/trailing silence is digital zero
SPEECH_WINDOW_S = 0.010
SPEECH_THRESHOLD_DBFS = -40.0
WORD_GAP_MS = 20  # espeak-ng -g 2: a small gap between words makes the synthetic voice clearer to Whisper

STAGES = {"rec": "recruiter", "hm": "hiring-manager", "tech": "technical", "panel": "panel", "br": "bar-raiser"}
FEATURES = ("fillers", "thinking-pause", "missing-result", "framework-complete", "star-complete", "follow-up")
SINGLE_FILLERS = {"um", "uh", "er", "erm", "hmm", "like", "basically", "actually", "literally"}
DOUBLE_FILLERS = {("you", "know"), ("i", "mean"), ("kind", "of"), ("sort", "of")}
# espeak-ng reads "RACI" as "ra-sigh"; people say "ray-see". Only the synthesiser input changes, not the transcript.
SAY_AS = {"RACI": "[[r'eIsi:]]"}


@dataclass(frozen=True)
class Answer:
    question_id: str
    question: str
    voice: str
    rate_wpm: int
    features: tuple[str, ...]
    text: str
    follow_up: bool = False  # the answer to the interviewer's follow-up, played after the main answer

    @property
    def stem(self) -> str:
        return f"{self.question_id}.followup" if self.follow_up else self.question_id


@dataclass(frozen=True)
class Parsed:
    transcript: str
    segments: tuple[str, ...]  # spoken text between deliberate pauses
    pauses_s: tuple[float, ...]  # one per gap between segments
    pause_word_index: tuple[int, ...]  # index of the first word after each pause
    fillers: tuple[dict, ...]
    not_fillers: tuple[dict, ...]
    parts: tuple[dict, ...]


_TOKEN = re.compile(r"\{(!?)([^{}]+)\}|\[([a-z-]+)\]|<pause ([0-9.]+)>")


def _norm(word: str) -> str:
    return re.sub(r"[^a-z']", "", word.lower())


def parse(text: str) -> Parsed:
    """Turn marked-up answer text into the transcript and its labels (word indexes into transcript.split())."""
    segments, current, pauses, fillers, not_fillers, parts = [], [], [], [], [], []
    pause_at: list[int] = []

    def words_so_far() -> int:
        return sum(len(s.split()) for s in segments) + len("".join(current).split())

    pos = 0
    for m in _TOKEN.finditer(text):
        current.append(text[pos:m.start()])
        pos = m.end()
        if m.group(2) is not None:
            if current and current[-1] and not current[-1][-1].isspace():
                current.append(" ")  # a label always starts a word
            label = {"text": " ".join(_norm(w) for w in m.group(2).split()), "word_index": words_so_far()}
            (not_fillers if m.group(1) else fillers).append(label)
            current.append(m.group(2))
        elif m.group(3) is not None:
            parts.append({"part": m.group(3), "word_index": words_so_far()})
        else:
            segments.append(" ".join("".join(current).split()))
            current = []
            pauses.append(float(m.group(4)))
            pause_at.append(words_so_far())
    current.append(text[pos:])
    segments.append(" ".join("".join(current).split()))
    transcript = " ".join(segments)
    parsed = Parsed(transcript, tuple(segments), tuple(pauses), tuple(pause_at),
                    tuple(fillers), tuple(not_fillers), tuple(parts))
    _check_labels(parsed)
    return parsed


def _check_labels(p: Parsed) -> None:
    """Every label must point at its words, and every filler-looking word must be labelled one way or the other."""
    words = p.transcript.split()
    normed = [_norm(w) for w in words]
    labelled = set()
    for label in p.fillers + p.not_fillers:
        n = len(label["text"].split())
        got = " ".join(normed[label["word_index"]:label["word_index"] + n])
        if got != label["text"]:
            raise ValueError(f"label {label} points at {got!r}")
        labelled.add(label["word_index"])
    starts = {0} | {i + 1 for i, w in enumerate(words) if w[-1] in ".?!"} | set(p.pause_word_index)
    for i, w in enumerate(normed):
        pair = tuple(normed[i:i + 2])
        looks = w in SINGLE_FILLERS or pair in DOUBLE_FILLERS or (w == "so" and i in starts)
        if looks and i not in labelled:
            raise ValueError(f"unlabelled filler-like word {words[i]!r} at {i}: mark it {{...}} or {{!...}}")


def _synthesise(text: str, voice: str, rate_wpm: int) -> np.ndarray:
    """espeak-ng → float32 mono at 16 kHz, with espeak's own leading and trailing silence trimmed."""
    for word, say in SAY_AS.items():
        text = re.sub(rf"\b{re.escape(word)}\b", say, text)
    cmd = ["espeak-ng", "-v", voice, "-s", str(rate_wpm), "-g", str(WORD_GAP_MS // 10), "--stdout", text]
    wav = subprocess.run(cmd, capture_output=True, check=True).stdout
    sox = ["sox", "-D", "-t", "wav", "-", "-t", "raw", "-e", "floating-point", "-b", "32", "-L",
           "-c", "1", "-r", str(SAMPLE_RATE_HZ), "-"]
    raw = subprocess.run(sox, input=wav, capture_output=True, check=True).stdout
    audio = np.frombuffer(raw, dtype="<f4").astype(np.float64)
    loud = np.flatnonzero(np.abs(audio) > TRIM_LEVEL)
    if loud.size == 0:
        raise RuntimeError(f"espeak-ng produced no audio for voice {voice!r}")
    return audio[loud[0]:loud[-1] + 1]


def render(answer: Answer, voice: str | None = None,
           rate_wpm: int | None = None) -> tuple[np.ndarray, Parsed, list[dict]]:
    """The answer as int16 PCM, its parsed labels, and the exact pauses (start_s, seconds) inserted."""
    parsed = parse(answer.text)
    voice, rate_wpm = voice or answer.voice, rate_wpm or answer.rate_wpm
    chunks = [np.zeros(round(LEAD_SILENCE_S * SAMPLE_RATE_HZ))]
    pauses = []
    for i, segment in enumerate(parsed.segments):
        chunks.append(_synthesise(segment, voice, rate_wpm))
        if i < len(parsed.pauses_s):
            start = sum(len(c) for c in chunks) / SAMPLE_RATE_HZ
            pauses.append({"start_s": round(start, 3), "seconds": parsed.pauses_s[i],
                           "before_word_index": parsed.pause_word_index[i]})
            chunks.append(np.zeros(round(parsed.pauses_s[i] * SAMPLE_RATE_HZ)))
    chunks.append(np.zeros(round(TAIL_SILENCE_S * SAMPLE_RATE_HZ)))
    audio = np.concatenate(chunks)
    audio *= 10 ** (PEAK_DBFS / 20) / np.max(np.abs(audio))
    rng = np.random.default_rng(zlib.crc32(answer.question_id.encode()))
    audio += rng.normal(0.0, 10 ** (NOISE_DBFS / 20), audio.size)  # not digital silence, as a microphone is
    pcm = np.clip(np.round(audio * 32767), -32768, 32767).astype(np.int16)
    return pcm, parsed, pauses


def speech_bounds(pcm: np.ndarray) -> tuple[float, float]:
    """Start of the first and end of the last 10 ms window whose RMS is above -40 dBFS."""
    n = round(SPEECH_WINDOW_S * SAMPLE_RATE_HZ)
    frames = pcm[: len(pcm) // n * n].astype(np.float64).reshape(-1, n) / 32768
    db = 20 * np.log10(np.sqrt(np.mean(frames ** 2, axis=1)) + 1e-12)
    loud = np.flatnonzero(db > SPEECH_THRESHOLD_DBFS)
    return loud[0] * n / SAMPLE_RATE_HZ, (loud[-1] + 1) * n / SAMPLE_RATE_HZ


def answer_entry(answer: Answer, pcm: np.ndarray, parsed: Parsed, pauses: list[dict]) -> dict:
    start, end = speech_bounds(pcm)
    return {
        "file": f"{answer.stem}.ogg",
        "kind": "synthetic",
        "question_id": answer.question_id,
        "stage": STAGES[answer.question_id.split("-", 1)[0]],
        "question": answer.question,
        "voice": answer.voice,
        "rate_wpm": answer.rate_wpm,
        "word_gap_ms": WORD_GAP_MS,
        "transcript": parsed.transcript,
        "features": list(answer.features),
        "fillers": list(parsed.fillers),
        "not_fillers": list(parsed.not_fillers),
        "parts": list(parsed.parts),
        "pauses": pauses,
        "follow_up": answer.follow_up,
        "speech_start_s": round(start, 3),
        "speech_end_s": round(end, 3),
        "duration_s": round(len(pcm) / SAMPLE_RATE_HZ, 3),
    }


def _wav_bytes(pcm: np.ndarray) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, pcm, SAMPLE_RATE_HZ, subtype="PCM_16", format="WAV")
    return buf.getvalue()


def opus_bytes(pcm: np.ndarray) -> bytes:
    """Ogg Opus at OPUS_BITRATE, bit-exact (no random stream serial), so a re-render compares byte for byte.

    FLAC was tried first: espeak-ng's buzzy source and the room noise leave little to compress (about 20 kB a
    second; 15 MB for the demo alone); Opus at 32 kbit/s is about 4 kB a second, decodes sample-aligned (checked:
    zero lag against the PCM) and leaves every label's time exact.
    """
    import av

    buf = io.BytesIO()
    with av.open(buf, "w", format="ogg", options={"fflags": "+bitexact"}) as out:
        stream = out.add_stream("libopus", rate=SAMPLE_RATE_HZ, layout="mono")
        stream.bit_rate = OPUS_BITRATE
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE_HZ
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


def asks_entry(asks: Answer, pcm: np.ndarray, parsed: Parsed) -> dict:
    start, end = speech_bounds(pcm)
    return {"file": f"{asks.question_id}.ogg", "kind": "synthetic", "stage": asks.question_id.split(".")[0],
            "answers": asks.question, "voice": asks.voice, "rate_wpm": asks.rate_wpm,
            "transcript": parsed.transcript, "speech_start_s": round(start, 3), "speech_end_s": round(end, 3),
            "duration_s": round(len(pcm) / SAMPLE_RATE_HZ, 3)}


def _tool_versions() -> dict:
    espeak = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=True).stdout
    sox = subprocess.run(["sox", "--version"], capture_output=True, text=True, check=True).stdout
    return {"espeak_ng": espeak.split(":")[1].split()[0] if ":" in espeak else espeak.strip(),
            "sox": sox.strip().split()[-1]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="+", metavar="QID", help="render only these question ids")
    ap.add_argument("--check", action="store_true", help="compare a fresh render with the committed files")
    args = ap.parse_args(argv)
    known = {a.stem for a in ANSWERS} | {a.question_id for a in ASKS}
    unknown = set(args.only or ()) - known
    if unknown:
        print(f"error: unknown question id {sorted(unknown)}; allowed: {sorted(known)}", file=sys.stderr)
        return 2
    try:
        _tool_versions()
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        print(f"error: cannot run espeak-ng and sox ({exc}); install both (apt install espeak-ng sox)",
              file=sys.stderr)
        return 2
    manifest = json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {"schema": 1, "answers": [], "asks": []}
    old = {Path(a["file"]).stem: a for a in manifest.get("answers", []) + manifest.get("asks", [])}
    entries: dict[str, list[dict]] = {"answers": [], "asks": []}
    differ = []
    for part, answer in [("answers", a) for a in ANSWERS] + [("asks", a) for a in ASKS]:
        if args.only and answer.stem not in args.only:
            if answer.stem in old:
                entries[part].append(old[answer.stem])
            continue
        pcm, parsed, pauses = render(answer)
        entry = answer_entry(answer, pcm, parsed, pauses) if part == "answers" else asks_entry(answer, pcm, parsed)
        entries[part].append(entry)
        path = DEMO / entry["file"]
        data = opus_bytes(pcm)
        if args.check:
            if not path.exists() or path.read_bytes() != data or old.get(answer.stem) != entry:
                differ.append(answer.stem)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"{entry['file']}: {entry['duration_s']:.1f} s, voice {answer.voice} at {answer.rate_wpm} wpm")
    if args.check:
        print("fixtures are up to date" if not differ else f"out of date: {', '.join(differ)}")
        return 1 if differ else 0
    manifest = {"schema": 1, "generator": {"script": "audio_fixtures/make_fixtures.py", **_tool_versions(),
                                           "opus_bitrate": OPUS_BITRATE},
                **entries}
    tmp = MANIFEST.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    tmp.replace(MANIFEST)
    size = sum(p.stat().st_size for p in DEMO.glob("*.ogg"))
    print(f"wrote {MANIFEST.relative_to(HERE.parent)} ({len(entries['answers'])} answers, "
          f"{len(entries['asks'])} questions-back recording(s), audio {size / 1e6:.1f} MB)")
    return 0


# Candidate voices, none of them an interviewer's voice (interviewers: en-gb+f3, en-us+m3, en-gb+m1, en-gb+f1,
# en-us+m1). Of 25 English voice/variant pairs tried, these three gave the lowest word error rate with the bundled
# Whisper model (about 10% on these answers); the female voice is clearer at 145 wpm than at 155-165.
US_MALE = "en-us+m5"
RP_MALE = "en-gb-x-rp+m6"
US_FEMALE = "en-us+f2"

ANSWERS: tuple[Answer, ...] = (
    Answer(
        "rec-background", "Walk me through your background.", RP_MALE, 165, (),
        "Sure. I'm a technical program manager with about nine years in the industry. I started as a backend "
        "engineer at a logistics company, where I spent three years building order routing services. I moved into "
        "program management when our team needed someone to coordinate a data center exit, and I found that I loved "
        "that work. For the last four years I've been at a payments company, where I run programs that span five to "
        "eight engineering teams. My biggest one moved two hundred services onto a shared deployment platform in "
        "three quarters, and it cut our release lead time from two weeks to two days.",
    ),
    Answer(
        "rec-motivation", "Why a TPM role, and why this company?", US_FEMALE, 145, ("fillers",),
        "I want a TPM role because the part of my job I enjoy most is getting many teams to land one outcome "
        "together. {Um}, in my current role I get to do that maybe a third of the time, and the rest is release "
        "coordination. What draws me to this company is the scale of your infrastructure work. You are moving to a "
        "single identity platform across, {uh}, more than forty products, and that is exactly the {!kind of} "
        "cross team program I have run before and want to do more of.",
    ),
    Answer(
        "hm-platform-migration",
        "You're managing a platform migration with six teams across three time zones. How would you structure it?",
        US_MALE, 160, ("framework-complete",),
        "[charter] I'd start with a program charter, because six teams in three time zones will only move together "
        "if they agree on why. The charter states the objective, which is moving every service onto the new "
        "platform by the end of the third quarter, and two or three success metrics, {!like} zero customer facing "
        "downtime and forty percent lower hosting cost. It also draws the scope line, what is in and what is out, "
        "and it names an executive sponsor who can break ties. "
        "[workstreams] Next I split the work into workstreams that follow team ownership: data migration, service "
        "and API migration, testing, and rollback planning, each with one accountable lead. "
        "[dependencies] Then I build a dependency map with the six leads in the first two weeks, and a RACI, so "
        "everyone knows who is responsible, who approves, and who only needs to be informed. "
        "[milestones] For milestones I use phase gates: development complete, integration testing, staging "
        "validation, and production cutover. Every gate has written go or no-go criteria, and the sponsor signs "
        "off on each one. "
        "[risks] I start the risk register in the first week. Each risk gets a likelihood, an impact, an owner and a "
        "mitigation, and we review the top five every week. "
        "[cadence] Finally the cadence: a weekly sync for each workstream, a cross team dependency review every "
        "two weeks, and a monthly steering meeting with the sponsor. Because of the time zones I rotate meeting "
        "times and lean on async updates, a written status note every Friday and one shared dashboard.",
    ),
    Answer(
        "hm-slip-three-weeks",
        "A team tells you their deliverable will slip three weeks. What do you do?",
        US_MALE, 155, ("fillers",),
        "{So}, {um}, the first thing I'd do is, {uh}, sit down with the team lead and find out why. {I mean}, a "
        "three week slip could be scope growth, a technical blocker, a staffing gap, or {basically} just a bad "
        "estimate, and each one has a {kind of} different fix. {!So} once I know the cause, I look downstream. "
        "I'd {!like} to know which teams depend on this deliverable, {you know}, teams {!like} billing or the mobile "
        "app, and whether the slip sits on the critical path. {Um}, if it's not on the critical path, it might "
        "{sort of} just fit inside the buffer. If it is, I put together, {like}, three options: cut scope for this "
        "phase, borrow two engineers from a team that's ahead, or accept the new date and move the launch. "
        "{Actually}, I bring those options to the sponsor with the tradeoffs, {uh}, rather than just the bad news. "
        "And then I tell every affected team the same day, {you know}, because hiding a slip only makes it worse.",
    ),
    Answer(
        "tech-risk-communication",
        "How do you communicate technical risk to non-technical stakeholders?",
        US_FEMALE, 145, (),
        "I translate the technical risk into what the business will feel. An engineer might tell me that the new "
        "database replication could fall behind under peak load. To a sales leader I would say: during the two "
        "hour cutover window, orders placed in the last few minutes could be delayed, and on a busy day that is "
        "roughly three thousand orders. Then for every risk I give four things: the business impact, how likely "
        "it is in plain words, what we are doing to reduce it, and who owns that work and by when. In that case "
        "the probability was medium, the mitigation was a read only mode during cutover plus a reconciliation "
        "script that we rehearsed twice, and the owner was the database lead, with a date two weeks before launch. "
        "I never bring a risk without a proposed action, and I update the risk register every week.",
    ),
    Answer(
        "tech-build-vs-buy",
        "How would you evaluate whether to build a system in-house or buy a third-party product?",
        RP_MALE, 155, ("thinking-pause",),
        "Build versus buy is really a business decision with technical inputs, so I want to be careful with it. "
        "Let me think about the dimensions for a second. <pause 3.5> "
        "Okay. I look at five things. First, the total cost of ownership over three years, which means license "
        "fees plus integration, maintenance, training, and the engineering time we give up. Second, time to value, "
        "since buying usually gets us live months earlier. Third, how specific our needs are. Fourth, whether this "
        "is a core differentiator or a commodity. And fifth, operational risk, {!like} vendor lock in and the "
        "service level the vendor will commit to. Last year I ran this for a feature flag system. Building was "
        "estimated at four engineers for six months, and buying was about ninety thousand dollars a year. Flags "
        "were not a differentiator for us, so I recommended buying, with an exit clause in the contract, and both "
        "finance and engineering signed off.",
    ),
    Answer(
        "panel-alignment",
        "Tell me about a time you drove alignment between two teams that disagreed on a technical approach.",
        US_MALE, 165, ("star-complete",),
        "[situation] Last year I was the TPM for our checkout rebuild, and two teams disagreed on how to handle "
        "payment events. The payments team wanted a synchronous API call, and the orders team wanted an event "
        "stream. The argument had gone on for three weeks, and it was blocking a launch date that the business had "
        "already announced. "
        "[task] My job was not to pick a winner. It was to get both teams to a decision they would commit to within "
        "two weeks. "
        "[action] First I met each tech lead one on one to understand what they were really protecting. Payments "
        "cared about consistency, and orders cared about staying up when payments was slow. Then I asked both "
        "teams for data, and I pulled six months of incident history myself. It showed that forty percent of "
        "checkout failures came from timeouts between these two services. I set up one ninety minute design "
        "review, opened it with the shared objective, which was checkout availability, and wrote down the decision "
        "criteria before anyone argued for a solution. I also brought in a principal engineer as a neutral reviewer. "
        "[result] The teams chose an event stream with an idempotent payment confirmation, which kept the best of "
        "both. We made the decision in nine days, launched on the original date, and checkout failures dropped by "
        "thirty five percent in the first quarter.",
    ),
    Answer(
        "panel-dependencies",
        "How do you manage dependencies between teams that have different priorities?",
        US_MALE, 160, (),
        "When two teams have different priorities, my first move is to make the dependency visible. I keep a "
        "dependency map that lists, for each one, the team asking, the team delivering, what exactly is delivered, "
        "and the date it is needed, and I review it with the leads every two weeks. When a conflict comes up, I go "
        "to the providing team's manager with data, not frustration: here is the launch this blocks, and here is "
        "the revenue at stake, which last time was about two hundred thousand dollars a month. Then I bring "
        "options. Can they reorder their backlog, can another team pick up the work, or can we remove the "
        "dependency with a different design? If the leads still cannot agree, I escalate together with them to "
        "the shared director, with one clear decision to make. To avoid most of this, I hold a dependency review "
        "during quarterly planning and build a week of buffer into every cross team handoff.",
    ),
    Answer(
        "br-ambiguity",
        "Tell me about a time you had to make a decision with incomplete information.",
        US_FEMALE, 145, ("missing-result",),
        "[situation] At my last company a vendor announced that they would shut down the data pipeline our "
        "analytics product depended on, with only ten weeks of notice. We did not know whether their replacement "
        "would handle our data volumes, and the vendor could not tell us for at least a month. "
        "[task] I owned the migration plan, and I had to decide whether to wait for the vendor or start moving to "
        "a different pipeline right away. "
        "[action] I wrote down what we knew and what we were assuming, and I asked which choice was easier to "
        "reverse. Starting a small proof of concept on an open source pipeline was cheap to undo, while waiting a "
        "month was not, because it would use up almost half of our runway. Then I got two engineers to build a "
        "prototype in parallel, I set a checkpoint in week four to compare both paths, and I told our stakeholders "
        "exactly what we were betting on and why.",
    ),
    Answer(
        "br-ambiguity",
        "What was the result, and would you make the same call again?",
        US_FEMALE, 145, ("follow-up",),
        "[result] The prototype handled our full data volume in week three, so we switched before the vendor "
        "shut down, with no lost data and two weeks to spare. The migration cost about forty thousand dollars "
        "less than waiting would have. I would make the same call, but I would set the checkpoint a week earlier.",
        follow_up=True,
    ),
    Answer(
        "br-influence-leader",
        "Give an example of how you influenced a senior leader to change direction on a program.",
        RP_MALE, 165, ("star-complete",),
        "[situation] Two years ago our VP of engineering wanted to launch a new reporting product in all twelve "
        "regions at once, on a fixed date in the spring. "
        "[task] I was the TPM for the launch, and I believed one big launch put our largest customers at risk, so "
        "I needed to change his mind without undermining him in front of his staff. "
        "[action] I pulled the data first. Our load tests showed the reporting service failed above sixty percent "
        "of peak traffic, and the three largest regions made up seventy percent of revenue. I asked for a thirty "
        "minute one on one rather than raising it in the staff meeting. I opened with his goal, which was hitting "
        "the spring date, and then showed the risk in revenue terms. Then I proposed an alternative: launch in the "
        "nine smaller regions on the original date, and in the three large regions four weeks later, after a "
        "second load test. "
        "[result] He agreed in that meeting. The phased launch went out on time, we found and fixed two capacity "
        "bugs before the large regions went live, and we had zero customer facing incidents in the first month.",
    ),
)

# The candidate's questions for the interviewer at the end of a stage (<stage>.asks.ogg): one for the demo's
# hiring-manager stage, three questions, one of them searchable ("how many employees").
ASKS: tuple[Answer, ...] = (
    Answer("hiring-manager.asks", "questions for the interviewer at the end of the hiring-manager stage", US_FEMALE,
           145, (), "Thank you. I have three questions. What is the biggest program challenge your team is facing "
           "this year? How will you measure success for this role in the first six months? And how many employees "
           "does the company have?"),
)


if __name__ == "__main__":
    sys.exit(main())
