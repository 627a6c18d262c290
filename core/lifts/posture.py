"""What the body does over a set, whatever the lift: how much of it the lifter lies down,
whether the shoulders go down, and where the hands are while they do. Each lift says how
likely it is from this (`Lift.likely`); recognise.py turns that into a probability per lift,
shown to people beside the lift its reps were counted as.

Read on the whole set, not on reps, so a lift is told before its reps are looked for; the
same measures from any camera: a body lying down is told in the picture (its torso near
horizontal) or in the world landmarks (near horizontal in depth: a bench filmed from the
feet), the shoulders' height and the hands' in standing heights (reps.segment.Signals).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.pose import landmarks as L
from core.reps.segment import Signals

# Lying: the shoulders-to-hips line within this many degrees of the picture's horizontal
# (standing it is near 90; a pull's bottom leans the trunk 30-50 degrees from horizontal
# and its lockout is upright; the shared bench clips read 2-12 degrees, from the side, the
# head end and in a portrait phone picture) ...
LYING_PICTURE_DEG = 25.0
# ... or, in the world landmarks, this far from vertical (the shared benches read 86-93
# degrees, the shared pulls 7-72 over the set, their median; the deepest hinge of a
# stiff-legged pull's bottom briefly more) while the picture does not show it upright (a
# bench filmed from the feet foreshortens the torso; a camera pitched down at a small,
# far lifter tilts the world landmarks' vertical, and the picture still shows them upright).
LYING_WORLD_DEG = (80.0, 100.0)
UPRIGHT_PICTURE_DEG = 60.0
# The shoulders this low (share of standing): the lifter went down, as every squat and pull
# does (their bottoms at 0.45-0.65); a curl or a press stays above 0.95.
DOWN_FROM, DOWN_TO = 0.92, 0.78  # no descent above DOWN_FROM, a whole one at DOWN_TO
DOWN_ZONE = 0.85  # frames at or under this are "down" (where the hands are read)
# Hands this far (standing heights) below the shoulders: a bar hanging in the hands, as in
# a pull (0.3-0.45 at its bottom); nearer (or above): a bar on the back or in the rack.
HANDS_LOW = 0.20
# A set lies down when this share of its frames do (none below the first, all from the
# second): a pull's bottom looks lying in the picture (a hinged trunk near horizontal), in at
# most a third of the shared pulls' frames (0.34); the bench sets lie in 0.98-1.00.
LYING_SET = (0.40, 0.80)
# A rep lying down in at least this share of its seen frames may be a lying lift's (a bench
# press); one lying in nearly all of them (LYING_THROUGHOUT) is never a standing lift's. A
# pull's bent-over frames look lying in the picture (a hips-first pull cut at its lockout
# lies in over half of them) but it stands at its lockout.
LYING_SHARE = 0.5
LYING_THROUGHOUT = 0.9
# The hands' travel against the shoulders over a set (standing heights, 5th to 95th
# percentile): a pull's and a squat's hands ride with the shoulders (under 0.15 on the
# shared clips); a curl brings them from hanging (~0.35 below) up to the shoulders.
ARMS_TRAVEL = (0.15, 0.25)
OVERHEAD = 0.25  # the hands this far above the shoulders (standing heights): overhead
# A set with the hands overhead in this share of its upright frames or more presses (a curl
# or a pull never has them there).
OVERHEAD_SHARE = 0.15


@dataclass(frozen=True)
class Posture:
    """Shares of the set's seen frames (0..1): `lying` down; `down`, how far the shoulders
    went down (0: never under DOWN_FROM, 1: to DOWN_TO or lower); among the frames with the
    shoulders down and the body upright, `hands_low` (a bar hanging) and `hands_high` (at
    the shoulders or above); `arms_travel`, how far the hands move up and down against the
    shoulders while upright (0: under ARMS_TRAVEL[0] standing heights, 1: ARMS_TRAVEL[1]);
    `hands_overhead`, how surely they go overhead (1: in OVERHEAD_SHARE of the upright
    frames or more)."""

    lying: float = 0.0
    down: float = 0.0
    hands_low: float = 0.0
    hands_high: float = 0.0
    arms_travel: float = 0.0
    hands_overhead: float = 0.0

    @property
    def lying_down(self) -> float:
        """How surely the set is done lying down (0..1, from `lying`: LYING_SET)."""
        lo, hi = LYING_SET
        return float(np.clip((self.lying - lo) / (hi - lo), 0.0, 1.0))


def world_tilt(world: np.ndarray | None, n: int) -> np.ndarray:
    """Per grid frame, the torso's angle from vertical in the world landmarks (degrees; 0
    upright, 90 lying), NaN where unseen."""
    if world is None or len(world) != n:
        return np.full(n, np.nan)
    torso = L.midpoint(world[..., :3], L.L_SHOULDER, L.R_SHOULDER) - L.midpoint(
        world[..., :3], L.L_HIP, L.R_HIP
    )
    with np.errstate(all="ignore"):
        up = -torso[:, 1] / np.linalg.norm(torso, axis=-1)  # world y points down
        return np.degrees(np.arccos(np.clip(up, -1.0, 1.0)))


def lying_frames(sig: Signals, world: np.ndarray | None) -> np.ndarray:
    """Per grid frame: 1.0 lying down, 0.0 not, NaN unseen (sig needs the arms' series)."""
    picture = sig.arms.get("tilt", np.full(len(sig.shoulder), np.nan))
    depth = world_tilt(world, len(picture))
    seen = np.isfinite(picture) | np.isfinite(depth)
    with np.errstate(invalid="ignore"):
        level = (depth >= LYING_WORLD_DEG[0]) & (depth <= LYING_WORLD_DEG[1])
        lying = (picture < LYING_PICTURE_DEG) | (level & ~(picture > UPRIGHT_PICTURE_DEG))
    return np.where(seen, lying.astype(float), np.nan)


def lying_during(sig: Signals, start: int, end: int) -> float | None:
    """The share of grid frames start..end (inclusive) the lifter lies down in (lying_frames,
    kept in sig.arms["lying"]), None where it is unknown."""
    lying = sig.arms.get("lying")
    seg = lying[start : end + 1] if lying is not None else np.empty(0)
    seg = seg[np.isfinite(seg)]
    return float(seg.mean()) if len(seg) else None


def stance_frames(world: np.ndarray | None, n: int) -> np.ndarray:
    """Per grid frame, the feet's distance apart over the shoulders' (world landmarks, so
    from any camera; NaN unseen): a conventional stance stands the ankles about a shoulder
    width apart or less, a sumo stance well beyond it."""
    if world is None or len(world) != n:
        return np.full(n, np.nan)
    with np.errstate(all="ignore"):
        ankles = np.linalg.norm(world[:, L.L_ANKLE, :3] - world[:, L.R_ANKLE, :3], axis=-1)
        shoulders = np.linalg.norm(world[:, L.L_SHOULDER, :3] - world[:, L.R_SHOULDER, :3], axis=-1)
        return ankles / shoulders


def posture(sig: Signals, world: np.ndarray | None) -> Posture:
    """The set's Posture (sig with the arms' series; world landmarks or None)."""
    lying = lying_frames(sig, world)
    seen = np.isfinite(lying)
    if not seen.any():
        return Posture()
    upright = seen & (lying == 0) & np.isfinite(sig.shoulder)
    down = 0.0
    low = high = travel = overhead = 0.0
    if upright.sum() >= 5:
        hang = sig.hang[upright & np.isfinite(sig.hang)]
        if len(hang) >= 5:
            overhead = float(np.clip(np.mean(hang <= -OVERHEAD) / OVERHEAD_SHARE, 0.0, 1.0))
            lo, hi = ARMS_TRAVEL
            spread = float(np.percentile(hang, 95) - np.percentile(hang, 5))
            travel = float(np.clip((spread - lo) / (hi - lo), 0.0, 1.0))
        deepest = float(np.percentile(sig.shoulder[upright], 5))
        down = float(np.clip((DOWN_FROM - deepest) / (DOWN_FROM - DOWN_TO), 0.0, 1.0))
        bottom = upright & (sig.shoulder <= DOWN_ZONE) & np.isfinite(sig.hang)
        if bottom.any():
            low = float(np.mean(sig.hang[bottom] >= HANDS_LOW))
            high = 1.0 - low
    return Posture(float(np.mean(lying[seen])), down, low, high, travel, overhead)


def probabilities(likely: dict[str, float]) -> dict[str, float]:
    """Each lift's probability from how likely each makes the set (0..1, `Lift.likely`),
    beside "other": none of them (the product of each one's not). The likeliest first,
    rounded to 0.01."""
    other = float(np.prod([1.0 - v for v in likely.values()])) if likely else 1.0
    total = sum(likely.values()) + other
    shares = {name: v / total for name, v in likely.items()} | {"other": other / total}
    ranked = sorted(shares.items(), key=lambda kv: -kv[1])
    return {name: round(v, 2) for name, v in ranked}
