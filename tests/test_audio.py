"""Audio sources: real speech in, 30 ms 16 kHz frames out; every other format resampled to the same audio;
anything that is not audio rejected with a message naming the file and what is allowed.

Pure tier: no model; MicrophoneSource is only asked for a device that does not exist (no sound server needed).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import time
import wave
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from voice_interviewer.audio.files import iter_pcm_blocks, read_audio
from voice_interviewer.audio.sources import FRAME_SAMPLES, MicrophoneSource, WavFileSource
from voice_interviewer.errors import AudioInputError, DeviceError
from voice_interviewer.records import FRAME_MS, SAMPLE_RATE_HZ

ROOT = Path(__file__).resolve().parent.parent
JFK = ROOT / "audio_fixtures" / "real" / "jfk.wav"
ALLOWED = "WAV, FLAC, OGG, MP3 or M4A"
FRAME_BYTES = SAMPLE_RATE_HZ * FRAME_MS // 1000 * 2


def write_wav(path: Path, pcm: np.ndarray, rate: int = SAMPLE_RATE_HZ) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.astype("<i2").tobytes())
    return path


def envelope(samples: np.ndarray) -> np.ndarray:
    """RMS per 30 ms frame: speech's loudness contour, robust to phase changes from resampling or lossy codecs."""
    count = len(samples) // FRAME_SAMPLES
    blocks = samples[: count * FRAME_SAMPLES].astype(np.float64).reshape(count, FRAME_SAMPLES)
    return np.sqrt((blocks**2).mean(axis=1))


# --- WavFileSource -----------------------------------------------------------------------------------------------

def test_fixture_is_eleven_seconds_of_16k_speech(jfk_pcm):
    assert jfk_pcm.dtype == np.int16
    assert len(jfk_pcm) == 11 * SAMPLE_RATE_HZ
    assert envelope(jfk_pcm).max() > 1000  # loud speech, not silence


def test_wav_file_source_yields_30ms_frames_covering_the_file(jfk_pcm):
    frames = list(WavFileSource(JFK).frames())
    assert len(frames) == -(-len(jfk_pcm) // FRAME_SAMPLES)  # ceil: the last partial frame is padded, not dropped
    for index, frame in enumerate(frames):
        assert len(frame.pcm) == FRAME_BYTES == 960
        assert frame.sample_rate_hz == SAMPLE_RATE_HZ
        assert frame.start_s == pytest.approx(index * FRAME_MS / 1000)
        assert frame.duration_s == pytest.approx(0.03)
    joined = np.frombuffer(b"".join(f.pcm for f in frames), dtype="<i2")
    assert np.array_equal(joined[: len(jfk_pcm)], jfk_pcm)
    assert not joined[len(jfk_pcm):].any()  # padding is silence
    assert frames[-1].end_s >= len(jfk_pcm) / SAMPLE_RATE_HZ


def test_frames_can_be_iterated_twice(jfk_pcm):
    source = WavFileSource(JFK)
    first = [f.pcm for f in source.frames()]
    second = [f.pcm for f in source.frames()]
    assert first == second
    source.flush()
    source.close()


def test_realtime_replay_paces_at_speaking_speed(tmp_path, jfk_pcm):
    clip = write_wav(tmp_path / "clip.wav", jfk_pcm[: SAMPLE_RATE_HZ * 3 // 10])  # 0.3 s
    started = time.monotonic()
    frames = list(WavFileSource(clip, realtime=True).frames())
    elapsed = time.monotonic() - started
    assert len(frames) == 10
    assert elapsed >= 0.27, f"0.3 s of audio replayed in {elapsed:.3f} s"


def test_fast_replay_is_much_faster_than_realtime():
    started = time.monotonic()
    list(WavFileSource(JFK).frames())
    assert time.monotonic() - started < 5.5  # 11 s of audio; in practice a few hundredths


def test_iter_pcm_blocks_streams_in_several_blocks(jfk_pcm):
    blocks = list(iter_pcm_blocks(JFK))
    assert len(blocks) > 1
    assert np.array_equal(np.concatenate(blocks), jfk_pcm)


def test_read_audio_round_trip(tmp_path, jfk_pcm):
    path = write_wav(tmp_path / "copy.wav", jfk_pcm)
    assert np.array_equal(read_audio(path), jfk_pcm)


def test_read_audio_round_trip_with_soundfile(tmp_path, jfk_pcm):
    import soundfile

    path = tmp_path / "copy.wav"
    soundfile.write(path, jfk_pcm, SAMPLE_RATE_HZ, subtype="PCM_16")
    assert np.array_equal(read_audio(path), jfk_pcm)


# --- other formats, converted with sox -----------------------------------------------------------------------------

CONVERSIONS = {
    "8k.wav": ["-r", "8000"],
    "48k-stereo.wav": ["-r", "48000", "-c", "2"],
    "44k1-float32.wav": ["-r", "44100", "-e", "floating-point", "-b", "32"],
    "lossless.flac": [],
    "vorbis.ogg": [],
}


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, Path]:
    if shutil.which("sox") is None:
        pytest.skip("sox is not installed (`make system-deps` installs it)")
    folder = tmp_path_factory.mktemp("converted")
    paths = {}
    for name, args in CONVERSIONS.items():
        paths[name] = folder / name
        subprocess.run(["sox", str(JFK), *args, str(paths[name])], check=True, capture_output=True, timeout=60)
    return paths


@pytest.mark.parametrize("name", list(CONVERSIONS))
def test_converted_file_is_the_same_speech(converted, jfk_pcm, name):
    samples = read_audio(converted[name])
    assert samples.dtype == np.int16
    assert abs(len(samples) - len(jfk_pcm)) / SAMPLE_RATE_HZ <= 0.040
    count = min(len(samples), len(jfk_pcm))
    ours, ref = samples[:count].astype(np.float64), jfk_pcm[:count].astype(np.float64)
    assert np.corrcoef(envelope(ours), envelope(ref))[0, 1] > 0.9
    # sample-level: in time (no shift), at the right pitch (a wrong rate would decorrelate) and not doubled by downmix
    assert np.corrcoef(ours, ref)[0, 1] > 0.95
    assert 0.8 < np.sqrt((ours**2).mean() / (ref**2).mean()) < 1.25


def test_lossless_flac_is_bit_exact(converted, jfk_pcm):
    assert np.array_equal(read_audio(converted["lossless.flac"]), jfk_pcm)


@pytest.mark.parametrize("name", ["48k-stereo.wav", "vorbis.ogg"])
def test_converted_file_streams_as_frames(converted, jfk_pcm, name):
    frames = list(WavFileSource(converted[name]).frames())
    assert {len(f.pcm) for f in frames} == {FRAME_BYTES}
    assert abs(len(frames) * FRAME_MS / 1000 - len(jfk_pcm) / SAMPLE_RATE_HZ) <= 0.040 + FRAME_MS / 1000


# --- bad inputs ----------------------------------------------------------------------------------------------------

def _tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1x1, 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")


def _make_bad(kind: str, folder: Path) -> Path:
    if kind == "missing":
        return folder / "nothing-here.wav"
    if kind == "directory":
        path = folder / "answers.wav"
        path.mkdir()
        return path
    if kind == "empty":
        path = folder / "empty.wav"
        path.write_bytes(b"")
        return path
    if kind == "zero-length-data":
        return write_wav(folder / "zero.wav", np.zeros(0, dtype=np.int16))
    if kind == "no-data-chunk":
        path = folder / "nodata.wav"
        fmt = struct.pack("<HHIIHH", 1, 1, SAMPLE_RATE_HZ, SAMPLE_RATE_HZ * 2, 2, 16)
        path.write_bytes(b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt)) + b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt)
        return path
    if kind == "truncated":
        path = folder / "truncated.wav"
        data = JFK.read_bytes()
        path.write_bytes(data[: len(data) // 2])
        return path
    if kind == "text":
        path = folder / "notes.wav"
        path.write_text("Situation: the migration slipped. Task: recover the date.\n")
        return path
    if kind == "png":
        path = folder / "picture.wav"
        path.write_bytes(_tiny_png())
        return path
    if kind == "random-mp3":
        path = folder / "noise.mp3"
        path.write_bytes(np.random.default_rng(1234).integers(0, 256, 8000, dtype=np.uint8).tobytes())
        return path
    raise AssertionError(kind)


BAD_KINDS = ["missing", "directory", "empty", "zero-length-data", "no-data-chunk", "truncated", "text", "png",
             "random-mp3"]


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_bad_input_raises_audio_input_error_naming_the_path(tmp_path, kind):
    path = _make_bad(kind, tmp_path)
    with pytest.raises(AudioInputError) as info:
        read_audio(path)
    assert str(path) in str(info.value)
    with pytest.raises(AudioInputError) as info:
        list(WavFileSource(path).frames())
    assert str(path) in str(info.value)


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_bad_input_message_says_what_is_allowed(tmp_path, kind):
    """STYLE 9: the message says what to give instead (the formats), or how to repair the file."""
    path = _make_bad(kind, tmp_path)
    with pytest.raises(AudioInputError) as info:
        read_audio(path)
    message = str(info.value)
    assert ALLOWED in message or "re-export" in message, message


def test_messages_say_what_was_found(tmp_path):
    def message(kind):
        with pytest.raises(AudioInputError) as info:
            read_audio(_make_bad(kind, tmp_path))
        return str(info.value)

    assert "file not found" in message("missing")
    assert "directory" in message("directory")
    assert "0 bytes" in message("empty")
    assert "truncated" in message("truncated")
    assert "text" in message("text")
    assert "not a WAV" in message("png")


def test_unreadable_file(tmp_path):
    path = tmp_path / "locked.wav"
    shutil.copy(JFK, path)
    path.chmod(0)
    try:
        try:
            path.open("rb").close()
        except PermissionError:
            pass
        else:
            pytest.skip("this user can read a mode-000 file (running as root), so permission errors cannot occur")
        with pytest.raises(AudioInputError, match="permission denied") as info:
            read_audio(path)
        assert str(path) in str(info.value)
    finally:
        path.chmod(0o600)


# --- fuzzing: only AudioInputError or success ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("audio-fuzz")


def _decode_only_audio_input_error(path: Path) -> None:
    try:
        samples = read_audio(path)
    except AudioInputError as exc:
        assert str(path) in str(exc)
        return
    assert samples.dtype == np.int16 and samples.size > 0


_FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _riff(fmt_fields: tuple, data: bytes, declared: int | None) -> bytes:
    fmt = struct.pack("<HHIIHH", *fmt_fields)
    size = len(data) if declared is None else declared
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", size) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


_wavish = st.builds(
    _riff,
    st.tuples(st.sampled_from([0, 1, 3, 6, 7, 0x11, 0xFFFE, 0xFFFF]), st.integers(0, 9),
              st.sampled_from([0, 1, 8000, 16000, 44100, 2**31 - 1, 2**32 - 1]), st.integers(0, 2**32 - 1),
              st.integers(0, 16), st.sampled_from([0, 1, 8, 16, 24, 32, 64, 65535])),
    st.binary(max_size=3000),
    st.one_of(st.none(), st.integers(0, 2**32 - 1)),
)


@_FUZZ
@given(data=st.one_of(st.binary(max_size=4000), _wavish))
@example(data=b"RIFF\x00\x00\x00\x00WAVE")
def test_fuzz_bytes_named_wav(fuzz_dir, data):
    path = fuzz_dir / "answer.wav"
    path.write_bytes(data)
    _decode_only_audio_input_error(path)


@_FUZZ
@given(data=st.one_of(st.binary(max_size=4000), st.binary(max_size=4000).map(lambda b: b"OggS\x00\x02" + b),
                      _wavish))
def test_fuzz_bytes_named_ogg(fuzz_dir, data):
    path = fuzz_dir / "answer.ogg"
    path.write_bytes(data)
    _decode_only_audio_input_error(path)


def test_fuzz_damaged_real_files(tmp_path, converted):
    """Real containers with bytes flipped deep inside: decoders must fail cleanly or decode something."""
    rng = np.random.default_rng(7)
    for name in ("vorbis.ogg", "lossless.flac", "48k-stereo.wav"):
        original = bytearray(converted[name].read_bytes())
        for trial in range(6):
            damaged = bytearray(original)
            for at in rng.integers(0, min(len(damaged), 20000), 40):
                damaged[at] = int(rng.integers(0, 256))
            path = tmp_path / f"{trial}-{name}"
            path.write_bytes(bytes(damaged[: int(rng.integers(64, len(damaged)))]))
            _decode_only_audio_input_error(path)


# --- microphone ----------------------------------------------------------------------------------------------------

def test_microphone_with_nonexistent_device_raises_device_error():
    with pytest.raises(DeviceError) as info:
        MicrophoneSource(999)
    message = str(info.value)
    assert "999" in message
    assert "voice-interviewer devices" in message


def test_microphone_with_unknown_device_name_raises_device_error():
    with pytest.raises(DeviceError, match="no such microphone"):
        MicrophoneSource("no such microphone")
