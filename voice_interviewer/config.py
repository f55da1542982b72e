"""Options as frozen dataclasses with units in their names, passed as one object per stage."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = ["EndpointOptions", "TranscribeOptions", "VoiceOptions", "sessions_home", "package_data", "FILLER_PROMPT"]

# Whisper drops "um" and "uh" unless its context shows them; this prompt is given to every decoding window.
FILLER_PROMPT = "Um, so, uh, I was, like, you know, basically thinking, hmm, I mean, about the program."


@dataclass(frozen=True)
class EndpointOptions:
    """When an answer starts and ends.

    end_silence_s defaults to 4.0: the longest thinking pause in our fixtures is 3.5 s, which webrtcvad measures as
    up to ~3.6 s of non-speech (its decisions lag the audio by a frame or two); 4.0 s keeps every 3 s pause inside the
    answer with margin. It is the wait when the answer may go on; when the words so far make a complete answer, the
    endpointer is told (Endpointer.answer_complete) and short_end_silence_s ends it. Enter and the closing phrase end
    it at once.
    """

    vad_mode: int = 3
    start_speech_s: float = 0.18      # voiced time within the last 300 ms that opens an answer
    end_silence_s: float = 4.0
    # once the transcript at a pause says the answer is over (feedback/turns.py: the result said, a closing line),
    # this much silence ends it; speaking again restores end_silence_s
    short_end_silence_s: float = 1.2
    pause_s: float = 0.3              # a silence this long lets the transcriber close a chunk
    max_answer_s: float = 240.0
    no_answer_s: float = 30.0         # nothing said this long after the question: the answer is empty
    ignore_initial_s: float = 0.2     # webrtcvad's first decisions are unreliable

    @classmethod
    def whole_file(cls) -> EndpointOptions:
        """For transcribing a file: pauses still split the audio, but nothing ends it before the file does."""
        return cls(end_silence_s=math.inf, max_answer_s=math.inf, no_answer_s=math.inf)


@dataclass(frozen=True)
class TranscribeOptions:
    model: str | None = None          # path or name; None: $VOICE_INTERVIEWER_MODEL, else the bundled tiny.en
    compute_type: str = "int8"
    cpu_threads: int = 2
    beam_size: int = 1
    prompt: str = FILLER_PROMPT
    # After each final decode, find the hesitations Whisper dropped: "acoustic" and "second-pass" on voiced islands
    # (speech/hesitation.py), "encoder-probe" inside running speech (speech/hesitation_probe.py). What each adds:
    # benchmarks/accuracy.py --steps.
    filler_pass: tuple[str, ...] = ("acoustic", "second-pass", "encoder-probe")
    hesitation_probe: str | None = None  # the encoder probe's file; None: the one shipped with the package
    # A chunk closes at the first pause after min_chunk_s. Measured on the 10 fixture answers: 6 s gave mean WER
    # 0.136 with 84 decode calls, 12 s 0.122 with 51, 20 s 0.123 with 34 (one batch pass: 0.12).
    min_chunk_s: float = 12.0
    max_chunk_s: float = 24.0         # ... and is forced closed here (Whisper's window is 30 s)
    partial_every_s: float | None = 2.0  # live tentative text; None when feeding as fast as possible
    # A pause is decoded (closing phrase, turn-taking, feedback ready at the end) once its silence lasts this long
    # (benchmarks/README.md: 0.3 s decoded nearly every pause between sentences).
    pause_decode_s: float = 0.6
    # Live text stops while the process has used more than this many CPU seconds per second of the answer
    # (final decodes always run). None: no limit.
    live_cpu_per_s: float | None = 0.35


@dataclass(frozen=True)
class VoiceOptions:
    mute: bool = False
    voice_id: str = "en-us+m3"
    rate_wpm: int = 165
    pitch: int = 50


def sessions_home(out: Path | None = None) -> Path:
    """--out, else $VOICE_INTERVIEWER_HOME/sessions, else the platform's user data dir."""
    if out is not None:
        return out
    home = os.environ.get("VOICE_INTERVIEWER_HOME")
    if home:
        return Path(home) / "sessions"
    from platformdirs import user_data_dir

    return Path(user_data_dir("voice-interviewer")) / "sessions"


def package_data(name: str) -> Path:
    """A folder of the package's own data (voice_interviewer/data/<name>: personas, demo), in a checkout or a wheel.

    Found through importlib.resources, so it is wherever the package is installed, never the current folder.
    """
    folder = resources.files("voice_interviewer") / "data" / name
    if not isinstance(folder, Path):  # a zipped install: the data cannot be read as plain files
        raise RuntimeError(f"voice_interviewer is installed in a way that hides its data folder {name!r} "
                           f"({folder!r}); install it unzipped (pip install voice-interviewer)")
    return folder
