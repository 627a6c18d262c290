"""Synthetic SkeleMotion-like images with planted anomalies (no real data needed)."""

from __future__ import annotations

import numpy as np

from core.detector.joints import rows_of


def normal_reps(n_videos: int, reps: int, seed: int) -> tuple[np.ndarray, list[str]]:
    """Smooth per-row temporal patterns; each video shifts them a little, each rep a bit more."""
    rng = np.random.default_rng(seed)
    base = np.random.default_rng(1234)  # the same "movement" in every call
    freq = base.uniform(0.5, 2.0, size=(45, 1, 3))
    phase = base.uniform(0, 2 * np.pi, size=(45, 1, 3))
    t = np.linspace(0, 1, 100)[None, :, None]
    images, groups = [], []
    for v in range(n_videos):
        shift = rng.normal(0, 0.15)
        for r in range(reps):
            jitter = rng.normal(0, 0.05, size=(45, 1, 3))
            img = 0.5 + 0.35 * np.sin(2 * np.pi * freq * t + phase + shift + jitter)
            img += rng.normal(0, 0.02, size=img.shape)
            images.append(np.clip(img * 255, 0, 255).astype(np.uint8))
            groups.append(f"video{v}_rep_{r}")
    return np.stack(images), [g.split("_rep_")[0] for g in groups]


def plant(images: np.ndarray, joint: str, seed: int) -> np.ndarray:
    """Replace the rows of `joint` by noise: a movement no correct rep has."""
    rng = np.random.default_rng(seed)
    out = images.copy()
    rows = rows_of(joint)
    out[:, rows] = rng.integers(0, 256, size=(len(images), len(rows), 100, 3), dtype=np.uint8)
    return out
