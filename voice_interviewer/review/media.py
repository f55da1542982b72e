"""Answer recordings for the HTML report, as data: URIs (the one part of reporting that reads files).

Each answer is encoded to Ogg/Opus at 24 kbit/s with PyAV: about 3 kB a second of speech, a twelfth of the WAV,
so a 90 s answer adds about 360 kB to the page instead of 3.8 MB. Without libopus the WAV itself is embedded.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from pathlib import Path

__all__ = ["OPUS_BITRATE_BPS", "audio_names", "embed_audio", "encode_audio"]

OPUS_BITRATE_BPS = 24_000


def audio_names(session: dict) -> list[str]:
    """The answer recordings a report plays: main answers and follow-up answers, in order."""
    names = []
    for answer in session["answers"]:
        names += [answer.get("answer_audio")] + [f.get("answer_audio") for f in answer.get("follow_ups", [])]
    return [n for n in names if n]


def encode_audio(path: Path) -> tuple[str, bytes]:
    """(mime type, bytes) of a recording for embedding: Ogg/Opus at 24 kbit/s, else the WAV as it is."""
    import av

    from voice_interviewer.audio.files import read_audio

    pcm = read_audio(path)
    if "libopus" not in av.codecs_available:
        return "audio/wav", path.read_bytes()
    try:
        return "audio/ogg; codecs=opus", _opus(pcm)
    except av.FFmpegError:  # an encoder that will not open: the WAV still plays everywhere
        return "audio/wav", path.read_bytes()


def _opus(pcm) -> bytes:
    import av
    import numpy as np

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="ogg") as container:
        # voip mode and 60 ms frames: speech only, and about a third less work than the defaults
        stream = container.add_stream("libopus", rate=16_000,
                                      options={"application": "voip", "frame_duration": "60"})
        stream.bit_rate = OPUS_BITRATE_BPS
        stream.layout = "mono"
        stream.codec_context.open()
        size = stream.codec_context.frame_size
        for start in range(0, len(pcm), size):
            chunk = pcm[start:start + size]
            chunk = np.pad(chunk, (0, size - len(chunk))) if len(chunk) < size else chunk
            frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate, frame.pts = 16_000, start
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return buffer.getvalue()


def embed_audio(folder: Path, names: list[str], on_done: Callable[[], None] = lambda: None) -> dict[str, str]:
    """data: URIs of the named recordings in folder; missing or unreadable files are left out (no player shown)."""
    from voice_interviewer.errors import InterviewerError

    uris = {}
    for name in names:
        path = folder / name
        try:
            if path.is_file():
                mime, data = encode_audio(path)
                uris[name] = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        except InterviewerError:
            pass  # an empty or damaged recording: the report still shows its transcript and feedback
        on_done()
    return uris
