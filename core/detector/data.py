"""Loading SkeleMotion PNG folders, grouping reps by video, and video-wise splits."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from core.detector.errors import ImageFormatError

IMAGE_SHAPE = (45, 100, 3)


def group_of(name: str) -> str:
    """The video a rep image came from: the file-name prefix before `_rep_`."""
    stem = Path(name).name
    return stem.split("_rep_")[0] if "_rep_" in stem else Path(stem).stem


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def list_pngs(folders: Iterable[Path | str]) -> list[Path]:
    """Every *.png directly inside the folders, sorted for a deterministic order."""
    paths: list[Path] = []
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            raise FileNotFoundError(f"not a folder of images: {folder}")
        found = sorted(folder.glob("*.png"))
        if not found:
            raise FileNotFoundError(f"no .png images in {folder}")
        paths.extend(found)
    return paths


def load_images(paths: Sequence[Path]) -> np.ndarray:
    """uint8 RGB array (N, 45, 100, 3) of the given PNGs."""
    from PIL import Image

    out = np.empty((len(paths), *IMAGE_SHAPE), dtype=np.uint8)
    for i, p in enumerate(paths):
        with Image.open(p) as im:
            arr = np.asarray(im.convert("RGB"))
        if arr.shape != IMAGE_SHAPE:
            raise ImageFormatError(f"{p}: shape {arr.shape}, expected {IMAGE_SHAPE}")
        out[i] = arr
    return out


def load_folders(folders: Iterable[Path | str]) -> tuple[np.ndarray, list[Path], list[str]]:
    """Images, their paths and their video groups from one or more folders."""
    paths = list_pngs(folders)
    return load_images(paths), paths, [group_of(p.name) for p in paths]


def check_images(images: np.ndarray) -> np.ndarray:
    """Validate a batch of SkeleMotion images (uint8 or float in [0, 1])."""
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[1:] != IMAGE_SHAPE:
        raise ImageFormatError(f"expected images of shape (N, 45, 100, 3), got {images.shape}")
    return images


def split_by_group(
    groups: Sequence[str], fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, held_out) with about `fraction` of the videos held out, whole videos."""
    groups = np.asarray(groups)
    unique = np.array(sorted(set(groups.tolist())))
    if len(unique) < 2 or fraction <= 0:
        return np.arange(len(groups)), np.array([], dtype=int)
    rng = np.random.default_rng(seed)
    rng.shuffle(unique)
    n_out = min(len(unique) - 1, max(1, round(fraction * len(unique))))
    held = np.isin(groups, unique[:n_out])
    return np.flatnonzero(~held), np.flatnonzero(held)
