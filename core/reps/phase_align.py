"""Two reps' skeletons on one picture: each in the lifter's own frame, both on one timeline
of the rep's phases (the overlay on the compare page).

Phase alignment: a rep runs start -> turn -> end (`Rep.start_frame`, `lockout_frame`,
`end_frame`; the turn is the lockout of a pull, the bottom of a rep that goes down first,
`RiseRule.lowering_first`). Each phase is sampled at `per_phase` evenly spaced moments, so
two reps of different tempo share one timeline 0..1 with the turn at its middle: sample
`per_phase` is the turn in both, whatever each phase took.

Normalisation: in the picture's pixels (landmarks are fractions of its width and height), the
origin is the rep's mid-ankles (their median over the rep: the feet stay planted, so the hips
and the bar move against the floor as they did) and the unit is the lifter's standing height
(ankles to nose, the 95th percentile over the rep, as `landmarks.body_height` reads it: the
lifter's tallest moments, whatever the camera's distance). A side view's lifter facing the
other way from the first rep's is mirrored, so the two face the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.pose.landmarks import L_ANKLE, NOSE, R_ANKLE, midpoint

PER_PHASE = 50  # samples from start to turn and from turn to end: 2 * 50 + 1 in all
L_EAR, R_EAR = 7, 8
# A head this far (standing heights) ahead of the ears says which way a side view faces.
FACING_MIN = 0.03


@dataclass(frozen=True)
class Window:
    """A rep's frames (rows of its per-frame landmarks): start, turn, end."""

    start: int
    turn: int
    end: int


@dataclass(frozen=True)
class AlignedRep:
    """One rep on the common timeline: per sample, its 33 points (x, y) in standing heights
    from the mid-ankles (x right, y down, as the picture), or None without a pose there;
    each sample's seconds since the rep's start; the standing height in pixels; which way
    it faces (1 right, -1 left, 0 not a side view) and whether it was mirrored."""

    points: list[list[float] | None]
    seconds: list[float]
    height_px: float
    facing: int
    mirrored: bool


def phase_positions(window: Window, per_phase: int = PER_PHASE) -> np.ndarray:
    """The (fractional) frames of the 2 * per_phase + 1 samples: start ... turn ... end."""
    down = np.linspace(window.start, window.turn, per_phase + 1)
    up = np.linspace(window.turn, window.end, per_phase + 1)
    return np.concatenate([down, up[1:]])


def sample(landmarks: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """(frames, 33, 2) landmarks at fractional frames: between two frames with a pose, the
    line between them; with a pose on one side only, that frame's when it is the nearer;
    NaN otherwise (and outside the frames)."""
    out = np.full((len(positions), *landmarks.shape[1:]), np.nan)
    found = np.isfinite(landmarks).all(axis=(1, 2))
    last = len(landmarks) - 1
    for i, p in enumerate(positions):
        if not 0 <= p <= last:
            continue
        f0 = int(np.floor(p))
        f1 = min(f0 + 1, last)
        w = p - f0
        if found[f0] and found[f1]:
            out[i] = (1 - w) * landmarks[f0] + w * landmarks[f1]
        elif found[f0] and w <= 0.5:
            out[i] = landmarks[f0]
        elif found[f1] and w >= 0.5:
            out[i] = landmarks[f1]
    return out


def body_frame(pixels: np.ndarray) -> tuple[np.ndarray, float] | None:
    """The origin (median mid-ankles) and unit (standing height: the 95th percentile of the
    ankles-to-nose distance) of a rep's (frames, 33, 2) pixel landmarks; None when the rep
    has no usable pose."""
    found = np.isfinite(pixels).all(axis=(1, 2))
    if not found.any():
        return None
    seen = pixels[found]
    ankles = midpoint(seen, L_ANKLE, R_ANKLE)
    height = np.linalg.norm(seen[:, NOSE] - ankles, axis=-1)
    unit = float(np.percentile(height, 95))
    if not np.isfinite(unit) or unit < 1e-6:
        return None
    return np.median(ankles, axis=0), unit


def facing(normalised: np.ndarray) -> int:
    """1 (right) or -1 (left) when the nose is clearly ahead of the ears over the rep (a side
    view), else 0."""
    ahead = normalised[:, NOSE, 0] - midpoint(normalised, L_EAR, R_EAR)[:, 0]
    ahead = ahead[np.isfinite(ahead)]
    if not len(ahead):
        return 0
    lead = float(np.median(ahead))
    return 0 if abs(lead) < FACING_MIN else (1 if lead > 0 else -1)


def align(
    landmarks: np.ndarray,
    window: Window,
    size: tuple[float, float],
    fps: float,
    *,
    face: int = 0,
    per_phase: int = PER_PHASE,
) -> AlignedRep | None:
    """One rep of a set's (frames, 33, 2) landmarks (fractions of the picture, `size` its
    width and height in pixels) on the phase timeline, in its lifter's frame; mirrored when
    it faces the other way from `face` (the other rep's facing; 0: never). None without a
    usable pose in its frames."""
    if not (0 <= window.start <= window.turn <= window.end < len(landmarks)):
        return None
    pixels = landmarks[:, :, :2] * np.asarray(size, dtype=float)
    frame = body_frame(pixels[window.start : window.end + 1])
    if frame is None:
        return None
    origin, unit = frame
    positions = phase_positions(window, per_phase)
    normalised = (sample(pixels, positions) - origin) / unit
    own = facing((pixels[window.start : window.end + 1] - origin) / unit)
    mirrored = bool(face and own and own != face)
    if mirrored:
        normalised[..., 0] *= -1
    points: list[list[float] | None] = [
        np.round(row, 4).reshape(-1).tolist() if np.isfinite(row).all() else None
        for row in normalised
    ]
    seconds = [round(float(p - window.start) / fps, 3) for p in positions]
    return AlignedRep(points, seconds, round(unit, 1), -own if mirrored else own, mirrored)
