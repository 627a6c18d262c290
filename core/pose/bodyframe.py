"""The lifter's own frame of reference: the same movement measures the same from any camera.

MediaPipe's world landmarks are metric and centred on the hips, but their axes are the
camera's: a front-3/4 camera sees the same hinge turned and tilted. Here, per frame:
- origin: the middle of the hips;
- up: the clip's vertical, taken from the lifter standing tall (ankles to shoulders in the
  frames where they stand tallest), so a tilted camera does not tilt the lifter;
- forward: the hip axis (left hip to right hip) turned onto a fixed direction about that
  vertical, so the lifter faces the same way whatever the camera's side;
- lengths: in standing heights (ankles to nose, standing tall).
Axes of the result: x forward, y up, z to the lifter's right. Pure numpy, no Django.
"""

from __future__ import annotations

import numpy as np

from core.pose import landmarks as L

SAMPLES = 50  # a rep's time-normalised length
STANDING_SHARE = 0.2  # the frames where the lifter stands tallest give the vertical


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def clip_vertical(world: np.ndarray) -> np.ndarray:
    """The clip's up direction in camera axes: from the mid-ankles to the mid-shoulders in
    the frames where that span is longest (standing tall). MediaPipe's y points down."""
    span = L.midpoint(world, L.L_SHOULDER, L.R_SHOULDER) - L.midpoint(world, L.L_ANKLE, L.R_ANKLE)
    length = np.linalg.norm(span, axis=-1)
    ok = np.isfinite(length)
    if not ok.any():
        return np.array([0.0, -1.0, 0.0])
    tall = length >= np.quantile(length[ok], 1 - STANDING_SHARE)
    # The mean direction (a component-wise median would depend on the camera's axes).
    return _unit(np.mean(_unit(span[ok & tall]), axis=0))


def standing_height(world: np.ndarray, up: np.ndarray) -> float:
    """Ankles to nose along `up`, standing tall (a high percentile), in metres."""
    h = (world[:, L.NOSE] - L.midpoint(world, L.L_ANKLE, L.R_ANKLE)) @ up
    h = h[np.isfinite(h)]
    return float(np.percentile(h, 95)) if len(h) else float("nan")


def to_body_frame(world: np.ndarray) -> np.ndarray:
    """(M, 33, 3) world landmarks -> (M, 33, 3) in the body frame (x forward, y up, z right),
    in standing heights; NaN where the pose is missing."""
    world = np.asarray(world, dtype=np.float64)[..., :3]
    up = clip_vertical(world)
    height = standing_height(world, up)
    origin = L.midpoint(world, L.L_HIP, L.R_HIP)
    # The hip axis, level (its vertical part removed), is the lifter's right.
    right = world[:, L.R_HIP] - world[:, L.L_HIP]
    right = _unit(right - (right @ up)[:, None] * up)
    forward = np.cross(up[None, :], right)  # up x right: the way the lifter faces
    rel = world - origin[:, None, :]
    out = np.stack(
        [
            np.einsum("mjc,mc->mj", rel, forward),
            rel @ up,
            np.einsum("mjc,mc->mj", rel, right),
        ],
        axis=-1,
    )
    return out / height


def time_normalised(seq: np.ndarray, samples: int = SAMPLES) -> np.ndarray:
    """A rep's body-frame sequence (T, 33, 3), missing frames bridged, resampled to
    `samples` evenly spaced instants from its start to its end."""
    seq = np.asarray(seq, dtype=np.float64)
    t = np.arange(len(seq))
    ok = np.isfinite(seq[:, 0, 0])
    if ok.sum() < 2:
        return np.full((samples, *seq.shape[1:]), np.nan)
    grid = np.linspace(0, len(seq) - 1, samples)
    flat = seq[ok].reshape(ok.sum(), -1)
    out = np.stack([np.interp(grid, t[ok], flat[:, k]) for k in range(flat.shape[1])], axis=1)
    return out.reshape(samples, *seq.shape[1:])


def _angle_from_up(v: np.ndarray) -> np.ndarray:
    """Degrees between a body-frame vector and up (0 = vertical), in the sagittal plane."""
    return np.degrees(np.arctan2(np.abs(v[..., 0]), v[..., 1]))


def body_angles(body: np.ndarray) -> dict[str, np.ndarray]:
    """Per frame, in degrees, from body-frame landmarks (either side's joints averaged):
    hip and knee (180 = straight), trunk and shin inclination from vertical (0 = upright,
    positive whichever way they lean), and the hands' forward distance from mid-foot
    (standing heights; the bar over mid-foot is 0), and the hips', shoulders' and hands'
    height above the ankles (standing heights)."""
    sh = L.midpoint(body, L.L_SHOULDER, L.R_SHOULDER)
    hip = L.midpoint(body, L.L_HIP, L.R_HIP)
    knee = L.midpoint(body, L.L_KNEE, L.R_KNEE)
    ankle = L.midpoint(body, L.L_ANKLE, L.R_ANKLE)
    hands = L.midpoint(body, L.L_WRIST, L.R_WRIST)
    foot = body[:, [29, 30, 31, 32]].mean(axis=1)
    return {
        "hip": L.joint_angle(sh, hip, knee),
        "knee": L.joint_angle(hip, knee, ankle),
        "trunk": _angle_from_up(sh - hip),
        "shin": _angle_from_up(knee - ankle),
        "hands_forward": hands[:, 0] - foot[:, 0],
        "hip_height": hip[:, 1] - ankle[:, 1],
        "shoulder_height": sh[:, 1] - ankle[:, 1],
        "hands_height": hands[:, 1] - ankle[:, 1],
    }
