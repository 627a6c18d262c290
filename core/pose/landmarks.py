"""MediaPipe Pose landmark indices and body-relative signals shared by stages, reps, kinematics.

Signals are heights above the ankles divided by the lifter's standing height, so they do not
depend on where the lifter stands or how large they are in the frame.
"""

from __future__ import annotations

import numpy as np

NOSE = 0
L_SHOULDER, R_SHOULDER = 11, 12
L_ELBOW, R_ELBOW = 13, 14
L_WRIST, R_WRIST = 15, 16
L_HIP, R_HIP = 23, 24
L_KNEE, R_KNEE = 25, 26
L_ANKLE, R_ANKLE = 27, 28
L_HEEL, R_HEEL = 29, 30
L_FOOT, R_FOOT = 31, 32  # the foot index: the toes

NAMES = (
    "nose", "left eye (inner)", "left eye", "left eye (outer)", "right eye (inner)",
    "right eye", "right eye (outer)", "left ear", "right ear", "mouth (left)",
    "mouth (right)", "left shoulder", "right shoulder", "left elbow", "right elbow",
    "left wrist", "right wrist", "left pinky", "right pinky", "left index", "right index",
    "left thumb", "right thumb", "left hip", "right hip", "left knee", "right knee",
    "left ankle", "right ankle", "left heel", "right heel", "left foot index",
    "right foot index",
)  # fmt: skip

SKELETON_EDGES = (
    (11, 12), (11, 13), (13, 15), (12, 14), (14, 16), (11, 23), (12, 24), (23, 24),
    (23, 25), (25, 27), (24, 26), (26, 28), (27, 29), (28, 30), (29, 31), (30, 32),
    (27, 31), (28, 32), (15, 17), (15, 19), (15, 21), (16, 18), (16, 20), (16, 22), (0, 11),
    (0, 12),
)  # fmt: skip


def midpoint(lm: np.ndarray, a: int, b: int) -> np.ndarray:
    return (lm[..., a, :] + lm[..., b, :]) / 2.0


def body_height(lm: np.ndarray) -> float:
    """Standing height in normalized image units: a high percentile of ankle-to-nose height."""
    span = midpoint(lm, L_ANKLE, R_ANKLE)[:, 1] - lm[:, NOSE, 1]
    span = span[np.isfinite(span)]
    return float(np.percentile(span, 95)) if len(span) else float("nan")


def heights(lm: np.ndarray, joint_pairs: tuple[int, int], scale: float) -> np.ndarray:
    """Height of the midpoint of two joints above the ankles, in standing heights."""
    ankle_y = midpoint(lm, L_ANKLE, R_ANKLE)[:, 1]
    return (ankle_y - midpoint(lm, *joint_pairs)[:, 1]) / scale


def smooth(x: np.ndarray, window: int = 5) -> np.ndarray:
    """NaN-aware centred moving average."""
    valid = np.isfinite(x)
    kernel = np.ones(window)
    num = np.convolve(np.where(valid, x, 0.0), kernel, mode="same")
    den = np.convolve(valid.astype(float), kernel, mode="same")
    out = np.where(den > 0, num / np.maximum(den, 1e-9), np.nan)
    out[~valid] = np.nan
    return out


def joint_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle ABC in degrees (180 = straight), for (..., 2) or (..., 3) coordinates."""
    v1, v2 = a - b, c - b
    cos = np.sum(v1 * v2, axis=-1) / (
        np.linalg.norm(v1, axis=-1) * np.linalg.norm(v2, axis=-1) + 1e-12
    )
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
