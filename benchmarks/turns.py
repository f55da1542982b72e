"""Turn-taking through a real sound server: the gap from the candidate's last word to the interviewer's first sound.

A private PulseAudio daemon (a unix socket in a temporary runtime folder, no network) stands in for the room:

    room      stereo null sink: everything the candidate hears and says, recorded from room.monitor
    speakers  the default sink, remapped onto room's RIGHT channel only: the interviewer's voice
    mic       null sink (front-left), its monitor the default source; a loopback copies room's LEFT channel into it

Each answer is played with paplay into room's LEFT channel, so the recogniser hears it through the loopback (20 ms,
like a real microphone's latency) and never hears the interviewer. One parecord of room.monitor holds both voices
on separate channels and one clock: the candidate's last word is the answer's onset on the left channel plus where
its speech ends in the file; the interviewer's first sound is the first sample on the right channel after the
answer's onset. gap = first sound - last word; negative means the interviewer spoke while the candidate was still
talking: a cut-off.

The interview is the real command (`python -m voice_interviewer interview --input mic --no-follow-ups
--no-questions-back`) in a subprocess, one per stage, with its default endpointing (long wait 4 s, short 1.2 s).

Answers are rendered with espeak-ng (voice en-us+f2, 165 wpm, resampled to 16 kHz with sox), sentence by sentence
with silences between: 0.5 s between sentences, and in the "paused" set one thinking pause of 2.5-3.5 s after a
conjunction and one after a complete sentence of the unfinished story. Every answer ends complete for its kind.
The texts are written for this benchmark, not taken from the recordings the rules were built on.

    .venv/bin/python benchmarks/turns.py --quick   # 2 complete + 2 paused answers (~4 min)
    .venv/bin/python benchmarks/turns.py           # 6 + 6 answers over 10 interviews (~15 min)

Last line: turns gap_p50_s=X gap_p90_s=Y cutoffs=N answers=M (gaps over the answers not cut off). Goals: gap_p50_s
<= 1.5 on complete answers, 0 cut-offs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RATE = 16000
FRAME = RATE // 100  # 10 ms
ACTIVE = 64  # a null sink is digitally silent: any sample above this is sound
SENTENCE_GAP_S = 0.5
VOICE = ("en-us+f2", "165")

# (set, stage, [answer per question in the stage's order]); an answer is a list of (text, silence after it in s).
# A text ending without a full stop runs on after its pause ("..., and" [3 s] "I brought ...").
COMPLETE = [
    ("panel", [[
        ("At my last company two teams disagreed about how the mobile app should sync data.", None),
        ("The client team wanted a full offline mode, and the backend team wanted a simple online only API.", None),
        ("My task was to get them to one design within two weeks, because the release date was fixed.", None),
        ("I ran a short workshop, I asked both leads to write down their constraints, and I brought usage data "
         "showing that a third of our users opened the app without a connection.", None),
        ("We agreed on a limited offline mode for the three most used screens.", None),
        ("We shipped on the planned date, and support tickets about lost data dropped by forty percent in the next "
         "quarter.", None)]]),
    ("hiring-manager", [[
        ("I would start with a charter that states the objective, the success metrics and the scope, and names an "
         "executive sponsor.", None),
        ("Then I would split the work into workstreams by team, each with one owner.", None),
        ("Next I would map the dependencies between the six teams and agree on the handoffs.", None),
        ("I would set milestones with clear go or no go criteria for each phase.", None),
        ("I would keep a risk register with an owner and a mitigation for every risk.", None),
        ("Finally, the cadence: a weekly sync for each workstream and a monthly review with the sponsor, with "
         "meeting times that rotate across the time zones.", None)]]),
    ("bar-raiser", [[
        ("Two years ago we had to choose a vendor for payment processing before the pricing was final.", None),
        ("I was the TPM for the checkout program, and the contract deadline was three weeks away.", None),
        ("I listed what we knew and what we did not, and I picked the option that was cheapest to undo.", None),
        ("I signed a six month contract with an exit clause, and I set a review after the first two months.", None),
        ("The integration went live on time, and when the final pricing came in we renegotiated and saved about "
         "twelve percent.", None)], [
        ("Last spring our VP wanted to cut the testing phase of a data migration to hit an earlier date.", None),
        ("I was the program manager, and I thought the shortcut put customer records at risk.", None),
        ("I gathered the defect numbers from the last two migrations and I booked time with him one on one.", None),
        ("I showed him that most serious defects had been found in that phase, and I proposed a smaller pilot "
         "instead.", None),
        ("He agreed to the pilot.", None),
        ("The migration finished one week after his date with zero data loss, and he asked me to present the "
         "approach to the other directors.", None)]]),
    ("recruiter", [[
        ("I started as a software engineer at a logistics company, where I worked on routing services for four "
         "years.", None),
        ("I kept ending up as the person who coordinated releases across teams, so I moved into program "
         "management.", None),
        ("Since then I have run programs in payments and in cloud infrastructure, most recently a migration across "
         "eight teams.", None),
        ("So that is how I ended up in technical program management.", None)]]),
    ("technical", [[
        ("I size a risk by its likelihood and its impact, and I write both down in plain numbers, like a one in "
         "five chance of slipping two weeks.", None),
        ("Then I find an owner and a mitigation, and I decide what would make us act.", None),
        ("With business stakeholders I lead with the impact on customers and revenue, not the technical cause.",
         None),
        ("I give them one clear ask, for example a decision on scope or budget, and a date for that decision.", None),
        ("That is how I keep risks understandable for people who are not engineers.", None)]]),
]
PAUSED = [
    ("panel", [[
        ("At my last company two teams disagreed about how the mobile app should sync data.", None),
        ("The client team wanted a full offline mode, and the backend team wanted a simple online only API.", None),
        ("My task was to get them to one design within two weeks, because the release date was fixed.", 3.0),
        ("I ran a short workshop, I asked both leads to write down their constraints, and", 3.0),
        ("I brought usage data showing that a third of our users opened the app without a connection.", None),
        ("We agreed on a limited offline mode for the three most used screens.", None),
        ("We shipped on the planned date, and support tickets about lost data dropped by forty percent in the next "
         "quarter.", None)]]),
    ("hiring-manager", [[
        ("I would start with a charter that states the objective, the success metrics and the scope, and names an "
         "executive sponsor.", None),
        ("Then I would split the work into workstreams by team, each with one owner.", 3.0),
        ("Next I would map the dependencies between the six teams and agree on the handoffs.", None),
        ("I would set milestones with clear go or no go criteria for each phase, and", 2.5),
        ("I would keep a risk register with an owner and a mitigation for every risk.", None),
        ("Finally, the cadence: a weekly sync for each workstream and a monthly review with the sponsor, with "
         "meeting times that rotate across the time zones.", None)]]),
    ("bar-raiser", [[
        ("Two years ago we had to choose a vendor for payment processing before the pricing was final.", None),
        ("I was the TPM for the checkout program, and the contract deadline was three weeks away.", 3.0),
        ("I listed what we knew and what we did not, and", 2.5),
        ("I picked the option that was cheapest to undo.", None),
        ("I signed a six month contract with an exit clause, and I set a review after the first two months.", None),
        ("The integration went live on time, and when the final pricing came in we renegotiated and saved about "
         "twelve percent.", None)], [
        ("Last spring our VP wanted to cut the testing phase of a data migration to hit an earlier date.", None),
        ("I was the program manager, and I thought the shortcut put customer records at risk.", 3.5),
        ("I gathered the defect numbers from the last two migrations and I booked time with him one on one, "
         "because", 2.5),
        ("I did not want to challenge him in front of his staff.", None),
        ("I showed him that most serious defects had been found in that phase, and I proposed a smaller pilot "
         "instead.", None),
        ("He agreed to the pilot.", None),
        ("The migration finished one week after his date with zero data loss, and he asked me to present the "
         "approach to the other directors.", None)]]),
    ("recruiter", [[
        ("I started as a software engineer at a logistics company, where I worked on routing services for four "
         "years.", None),
        ("I kept ending up as the person who coordinated releases across teams, so I moved into program "
         "management.", 3.0),
        ("Since then I have run programs in payments and in cloud infrastructure, most recently a migration across "
         "eight teams.", None),
        ("So that is how I ended up in technical program management.", None)]]),
    ("technical", [[
        ("I size a risk by its likelihood and its impact, and I write both down in plain numbers, like a one in "
         "five chance of slipping two weeks.", None),
        ("Then I find an owner and a mitigation, and", 3.0),
        ("I decide what would make us act.", None),
        ("With business stakeholders I lead with the impact on customers and revenue, not the technical cause.",
         2.5),
        ("I give them one clear ask, for example a decision on scope or budget, and a date for that decision.", None),
        ("That is how I keep risks understandable for people who are not engineers.", None)]]),
]
QUICK_STAGES = ("panel", "hiring-manager")


def render(parts: list[tuple[str, float | None]], folder: Path, name: str) -> tuple[Path, float, float]:
    """The answer as a 16 kHz WAV; returns (path, file seconds of the first sound, of the last speech sample)."""
    pieces = [np.zeros(RATE // 10, np.int16)]
    for number, (text, pause_s) in enumerate(parts):
        raw, wav = folder / f"{name}-{number}.raw.wav", folder / f"{name}-{number}.wav"
        subprocess.run(["espeak-ng", "-v", VOICE[0], "-s", VOICE[1], "-w", str(raw), "--", text], check=True,
                       capture_output=True, timeout=60)
        subprocess.run(["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(wav)], check=True,
                       capture_output=True, timeout=60)
        with wave.open(str(wav), "rb") as handle:
            samples = np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2")
        loud = np.nonzero(np.abs(samples.astype(np.int32)) > ACTIVE)[0]
        pieces.append(samples[loud[0]:loud[-1] + 1])
        pieces.append(np.zeros(int(RATE * (pause_s if pause_s is not None else SENTENCE_GAP_S)), np.int16))
    pieces[-1] = np.zeros(RATE // 5, np.int16)
    audio = np.concatenate(pieces)
    path = folder / f"{name}.wav"
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        handle.writeframes(audio.astype("<i2").tobytes())
    loud = np.nonzero(np.abs(audio.astype(np.int32)) > ACTIVE)[0]
    return path, loud[0] / RATE, (loud[-1] + 1) / RATE


class SoundServer:
    """The room, the speakers and the microphone described above, in a private PulseAudio daemon."""

    def __init__(self, runtime: Path) -> None:
        runtime.chmod(0o700)
        self.env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "PULSE_SERVER": f"unix:{runtime}/pulse/native"}
        subprocess.run(["pulseaudio", "-D", "-n", "--exit-idle-time=-1", "--disallow-exit", "--daemonize=yes",
                        "--load=module-native-protocol-unix",
                        f"--load=module-null-sink sink_name=room rate={RATE} channels=2",
                        f"--load=module-null-sink sink_name=mic rate={RATE} channels=1 channel_map=front-left",
                        "--log-target=stderr"], env=self.env, check=True, capture_output=True, timeout=30)
        for _ in range(50):
            if subprocess.run(["pactl", "info"], env=self.env, capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        for command in (["load-module", "module-remap-sink", "sink_name=speakers", "master=room", "channels=1",
                         "channel_map=mono", "master_channel_map=front-right", "remix=no"],
                        ["load-module", "module-loopback", "source=room.monitor", "sink=mic", "channels=1",
                         "channel_map=front-left", "latency_msec=20", "remix=no", "source_dont_move=true",
                         "sink_dont_move=true"],
                        ["set-default-sink", "speakers"], ["set-default-source", "mic.monitor"]):
            subprocess.run(["pactl", *command], env=self.env, check=True, capture_output=True, timeout=10)
        self.pid_file = runtime / "pulse" / "pid"

    def stop(self) -> None:
        pid = self.pid_file.read_text().strip() if self.pid_file.exists() else ""
        subprocess.run(["pulseaudio", "--kill"], env=self.env, capture_output=True, timeout=10)
        if pid.isdigit():
            subprocess.run(["kill", pid], capture_output=True, timeout=10)


def run_stage(server: SoundServer, stage: str, answers: list[tuple[Path, float, float]], out: Path) -> Path:
    """One interview of len(answers) questions; each answer is played once the interview listens for it."""
    before = set(out.glob("*"))
    process = subprocess.Popen([sys.executable, "-m", "voice_interviewer", "interview", "--stage", stage,
                                "--questions", str(len(answers)), "--input", "mic", "--no-follow-ups",
                                "--no-questions-back", "--out", str(out)], cwd=ROOT, env=server.env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for index, (path, _, _) in enumerate(answers, start=1):
            deadline = time.monotonic() + 180
            while not [f for f in out.glob(f"*/a{index:02d}.wav") if f.parent not in before] and \
                    time.monotonic() < deadline:
                if process.poll() is not None:
                    raise RuntimeError(f"the interview ended early: {process.stderr.read()[-2000:]}")
                time.sleep(0.05)
            time.sleep(0.3)
            subprocess.run(["paplay", "--device=room", "--channel-map=front-left", str(path)], env=server.env,
                           check=True, timeout=300)
        _, stderr = process.communicate(timeout=300)
    except BaseException:
        process.kill()
        raise
    if process.returncode != 0:
        raise RuntimeError(f"interview failed: {stderr[-2000:]}")
    (folder,) = set(out.glob("*")) - before
    return folder


def activity(channel: np.ndarray) -> np.ndarray:
    """Per 10 ms frame: any sound."""
    usable = channel[:channel.size // FRAME * FRAME].astype(np.int32)
    return np.abs(usable).reshape(-1, FRAME).max(axis=1) > ACTIVE


def measure(recording: Path, answers: list[dict]) -> None:
    """Fill each answer's gap_s from the room recording (answers in the order they were played)."""
    room = np.fromfile(recording, dtype="<i2")
    room = room[:room.size // 2 * 2].reshape(-1, 2)
    left, right = activity(room[:, 0]), activity(room[:, 1])
    cursor = 0
    for answer in answers:
        onsets = np.nonzero(left[cursor:])[0]
        if onsets.size == 0:
            answer["gap_s"] = None
            continue
        onset = cursor + int(onsets[0])
        last_word_s = onset / 100 + answer["speech_end_s"] - answer["speech_start_s"]
        replies = np.nonzero(right[onset:])[0]
        first_sound_s = (onset + int(replies[0])) / 100 if replies.size else None
        answer["gap_s"] = None if first_sound_s is None else round(first_sound_s - last_word_s, 2)
        cursor = onset + int(round((answer["file_s"]) * 100)) + 5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="panel and hiring-manager only: 2 + 2 answers")
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep the rendered answers, the sessions and the room recording in this folder")
    args = parser.parse_args(argv)
    for tool in ("pulseaudio", "pactl", "paplay", "parecord", "espeak-ng", "sox"):
        if shutil.which(tool) is None:
            print(f"error: {tool} is not installed (make system-deps installs it)", file=sys.stderr)
            return 2
    plan = [(label, stage, texts) for label, stages in (("complete", COMPLETE), ("paused", PAUSED))
            for stage, texts in stages if not args.quick or stage in QUICK_STAGES]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"# {sum(len(t) for _, _, t in plan)} answers in {len(plan)} interviews through PulseAudio; cores "
          f"{os.cpu_count()}; load average {load}")
    with tempfile.TemporaryDirectory(prefix="turns-") as tmp:
        tmp_path = Path(tmp)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            tmp_path = Path(tempfile.mkdtemp(prefix="turns-", dir=args.keep))
        (tmp_path / "runtime").mkdir()
        (tmp_path / "audio").mkdir()
        (tmp_path / "sessions").mkdir()
        server = SoundServer(tmp_path / "runtime")
        recording = tmp_path / "room.raw"
        recorder = subprocess.Popen(["parecord", "--device=room.monitor", f"--rate={RATE}", "--channels=2",
                                     "--format=s16le", "--raw", str(recording)], env=server.env)
        answers: list[dict] = []
        try:
            time.sleep(0.5)
            for label, stage, texts in plan:
                rendered = [render(parts, tmp_path / "audio", f"{label}-{stage}-{i}") for i, parts in enumerate(texts)]
                folder = run_stage(server, stage, rendered, tmp_path / "sessions")
                session = json.loads((folder / "session.json").read_text())
                for (path, start_s, end_s), record in zip(rendered, session["answers"]):
                    with wave.open(str(path), "rb") as handle:
                        file_s = handle.getnframes() / RATE
                    answers.append({"set": label, "question": record["question_id"], "speech_start_s": start_s,
                                    "speech_end_s": end_s, "file_s": file_s, "end": record.get("end_reason"),
                                    "wait_s": (record.get("latency") or {}).get("endpoint_wait_s"),
                                    "heard": record.get("transcript", "")})
        finally:
            time.sleep(0.5)
            recorder.send_signal(signal.SIGINT)
            recorder.wait(timeout=10)
            server.stop()
        measure(recording, answers)
    print(f"{'set':<9} {'question':<24} {'gap_s':>6} {'cut_off':>7} {'ended_by':>9} {'endpoint_wait_s':>15}")
    for a in answers:
        cut = a["gap_s"] is not None and a["gap_s"] < 0
        a["cut_off"] = cut
        print(f"{a['set']:<9} {a['question']:<24} {a['gap_s'] if a['gap_s'] is not None else '-':>6} "
              f"{'YES' if cut else 'no':>7} {a['end'] or '-':>9} {a['wait_s'] if a['wait_s'] is not None else '-':>15}")
    gaps = sorted(a["gap_s"] for a in answers if a["gap_s"] is not None and not a["cut_off"])
    for label in ("complete", "paused"):
        mine = [a["gap_s"] for a in answers if a["set"] == label and a["gap_s"] is not None and not a["cut_off"]]
        if mine:
            print(f"# {label}: median gap {statistics.median(mine):.2f} s over {len(mine)} answers")
    p50 = statistics.median(gaps) if gaps else float("nan")
    p90 = gaps[min(len(gaps) - 1, int(round(0.9 * (len(gaps) - 1))))] if gaps else float("nan")
    cutoffs = sum(a["cut_off"] for a in answers)
    print(f"turns gap_p50_s={p50:.2f} gap_p90_s={p90:.2f} cutoffs={cutoffs} answers={len(answers)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
