"""Time base: resample landmark tracks onto the 30 fps grid everything downstream counts in.

Real timestamps are used, so variable-frame-rate phone clips land on the right grid points.
Short gaps (a few missed detections) are bridged linearly; long ones stay missing (NaN).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FPS = 30.0
MAX_GAP_S = 0.35


@dataclass
class Timeline:
    times: np.ndarray  # (M,) seconds, k / 30
    landmarks: np.ndarray  # (M, 33, C) NaN where missing
    valid: np.ndarray  # (M,) bool
    source_frame: np.ndarray  # (M,) index of the nearest input frame

    def grid_index(self, time_s: float) -> int:
        return int(np.clip(round(time_s * FPS), 0, len(self.times) - 1))


def nearest_index(times: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Index of the element of sorted `times` nearest to each target."""
    if len(times) == 0:
        return np.zeros(len(targets), dtype=int)
    right = np.clip(np.searchsorted(times, targets), 0, len(times) - 1)
    left = np.clip(right - 1, 0, len(times) - 1)
    return np.where(np.abs(times[left] - targets) <= np.abs(times[right] - targets), left, right)


def resample(
    times: np.ndarray, landmarks: np.ndarray, found: np.ndarray, max_gap_s: float = MAX_GAP_S
) -> Timeline:
    """Linear interpolation of found frames onto k/30 s; gaps over `max_gap_s` stay NaN."""
    times = np.asarray(times, dtype=float)
    n_grid = int(np.floor(times[-1] * FPS + 1e-6)) + 1 if len(times) else 0
    grid = np.arange(n_grid) / FPS
    source = nearest_index(times, grid)
    out = np.full((n_grid,) + landmarks.shape[1:], np.nan)
    ft = times[found]
    if len(ft) == 0:
        return Timeline(grid, out, np.zeros(n_grid, bool), source)
    values = landmarks[found].reshape(len(ft), -1)
    right = np.searchsorted(ft, grid, side="left")
    left = right - 1
    exact = (right < len(ft)) & (np.abs(ft[np.minimum(right, len(ft) - 1)] - grid) < 1e-6)
    # Half an input frame of slack at either end, so the first and last detections count.
    half = 0.5 * float(np.median(np.diff(times))) if len(times) > 1 else 0.0
    inside = (left >= 0) & (right < len(ft))
    li = np.clip(left, 0, len(ft) - 1)
    ri = np.clip(right, 0, len(ft) - 1)
    span = ft[ri] - ft[li]
    bridged = inside & (span <= max_gap_s)
    w = np.where(span > 0, (grid - ft[li]) / np.where(span > 0, span, 1), 0.0)
    interp = values[li] * (1 - w)[:, None] + values[ri] * w[:, None]
    near_first = (right == 0) & (ft[0] - grid <= half)
    near_last = (left == len(ft) - 1) & (grid - ft[-1] <= half)
    valid = exact | bridged | near_first | near_last
    result = np.where(exact[:, None], values[ri], interp)
    result = np.where(near_first[:, None], values[0], result)
    result = np.where(near_last[:, None], values[-1], result)
    out.reshape(n_grid, -1)[valid] = result[valid]
    return Timeline(grid, out, valid, source)
