"""Reps: each pull from the bottom to lockout, found on body-relative signals at 30 fps.

The signal is the shoulders' height above the ankles in standing heights: about 0.9 at
lockout and 0.4-0.6 at the bottom of any deadlift, whatever the camera distance or position.
Hysteresis between a bottom zone and a lockout zone makes setup wobbles, lockout holds,
walking and waving (shoulders stay put) count nothing. Each rise is then checked for what the
hands do: in a deadlift they hang well below the shoulders (holding the bar), in a back squat
they stay at the shoulders; arms moving alone with the shoulders still is a curl.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import landmarks as L
from .result import Exercise

TOP_ZONE = 0.85  # shoulder height / standing shoulder height at or above: locked out
BOTTOM_ZONE = 0.70  # at or below: at the bottom
EDGE_MARGIN = 0.10  # rep start/end: within this share of the rep's range of the bottom
START_WINDOW = 45  # grid frames (1.5 s) before lockout zone to look for the rep's start
DESCENT_MARGIN = 0.25  # a lockout counts once the lifter has come down this share again
HANG_MIN = 0.20  # hands this far (standing heights) below the shoulders: holding a bar low
KNEE_STRAIGHT_DEG = 145  # bottom knee angle above which the pull is a Romanian deadlift


@dataclass
class Signals:
    shoulder: np.ndarray  # shoulder height / standing shoulder height (1 = standing tall)
    wrist: np.ndarray  # wrist height, standing heights
    hang: np.ndarray  # shoulder minus wrist height, standing heights
    scale: float  # standing height, normalized image units


@dataclass
class RepSpan:
    """Grid (30 fps) indices of one rep."""

    start: int
    lockout: int
    end: int
    complete: bool


@dataclass
class Segmentation:
    spans: list[RepSpan]
    exercise: Exercise
    signals: Signals
    warnings: list[str] = field(default_factory=list)


def compute_signals(lm: np.ndarray) -> Signals:
    scale = L.body_height(lm)
    shoulder = L.smooth(L.heights(lm, (L.L_SHOULDER, L.R_SHOULDER), scale))
    wrist = L.smooth(L.heights(lm, (L.L_WRIST, L.R_WRIST), scale))
    finite = shoulder[np.isfinite(shoulder)]
    standing = float(np.percentile(finite, 95)) if len(finite) else float("nan")
    return Signals(shoulder / standing, wrist, shoulder - wrist, scale)


def _zones(r: np.ndarray) -> np.ndarray:
    """Per frame +1 in the lockout zone, -1 in the bottom zone, 0 between or unknown."""
    z = np.zeros(len(r), dtype=int)
    z[r >= TOP_ZONE] = 1
    z[r <= BOTTOM_ZONE] = -1
    return z


def _rises(r: np.ndarray) -> list[tuple[int, int, int]]:
    """(bottom_phase_start, lockout_phase_start, lockout_phase_end) for each bottom->top rise.

    Missing frames (NaN) do not break a phase; a rise needs a bottom phase before it.
    """
    z = _zones(r)
    rises = []
    last_zone, bottom_from, top_from = 0, None, None
    for i, zi in enumerate(z):
        if zi == 0 or zi == last_zone:
            continue
        if zi == -1:
            if last_zone == 1 and top_from is not None and rises:
                rises[-1] = (rises[-1][0], rises[-1][1], i)
            bottom_from = i
        elif zi == 1 and bottom_from is not None:
            top_from = i
            rises.append((bottom_from, i, len(r)))
        last_zone = zi
    return rises


def segment_reps(lm: np.ndarray, knee_angles: np.ndarray | None = None) -> Segmentation:
    """Find deadlift reps on a 30 fps landmark track (M, 33, >=3), NaN where missing."""
    sig = compute_signals(lm)
    r = sig.shoulder
    warnings: list[str] = []
    if not np.isfinite(r).any():
        return Segmentation([], Exercise("unknown", False, "No person was visible."), sig)

    candidates: list[RepSpan] = []
    rises = _rises(r)
    for k, (bottom_from, top_from, top_to) in enumerate(rises):
        # Look for the start only just before the rise: a long setup or a clip fading in
        # holds bottom-zone frames that are not part of the pull.
        bottom_from = max(bottom_from, top_from - START_WINDOW)
        bottom_seg = r[bottom_from:top_from]
        low = np.nanmin(bottom_seg)
        top_seg = r[top_from:top_to]
        peak = np.nanmax(top_seg)
        rng = peak - low
        near_bottom = np.where(bottom_seg <= low + EDGE_MARGIN * rng)[0]
        start = bottom_from + int(near_bottom[-1])
        lockout = top_from + int(np.nanargmax(top_seg >= peak - 0.05 * rng))
        after = r[lockout:]
        came_down = np.where(after <= peak - DESCENT_MARGIN * rng)[0]
        if len(came_down) == 0:
            # The clip ends at the top: a pull whose lowering was entirely cut off looks the
            # same as standing up after setting the bar down; only a begun descent proves it.
            warnings.append(
                "The clip ends standing at the top: that last rise was not counted as a rep."
            )
            continue
        next_bottom = rises[k + 1][0] if k + 1 < len(rises) else None
        if next_bottom is not None or top_to < len(r):
            seg_from = top_to
            seg_to = rises[k + 1][1] if next_bottom is not None else len(r)
            seg = r[seg_from:seg_to]
            nxt_low = np.nanmin(seg)
            end = seg_from + int(np.where(seg <= nxt_low + EDGE_MARGIN * (peak - nxt_low))[0][0])
            complete = True
        else:
            end = len(r) - 1 - int(np.argmax(np.isfinite(r[::-1])))
            complete = False
        candidates.append(RepSpan(start, lockout, end, complete))

    exercise, spans = _recognise(sig, candidates, knee_angles)
    if not exercise.is_deadlift:
        warnings = []
    if spans and not spans[-1].complete:
        warnings.append(
            f"Rep {len(spans)} is cut off by the end of the clip before the bar was back down: "
            "it is counted, and its image is built from what there is."
        )
    return Segmentation(spans, exercise, sig, warnings)


def _recognise(
    sig: Signals, candidates: list[RepSpan], knee_angles: np.ndarray | None
) -> tuple[Exercise, list[RepSpan]]:
    """Keep the rises that are deadlifts and say what the clip shows."""
    deadlifts = []
    squats = 0
    for span in candidates:
        hang = np.nanmedian(sig.hang[span.start : span.lockout + 1])
        if hang >= HANG_MIN:
            deadlifts.append(span)
        else:
            squats += 1
    if deadlifts:
        bottoms = []
        if knee_angles is not None:
            bottoms = [knee_angles[s.start] for s in deadlifts if np.isfinite(knee_angles[s.start])]
        if bottoms and np.median(bottoms) > KNEE_STRAIGHT_DEG:
            return Exercise(
                "romanian_deadlift",
                True,
                f"Romanian deadlift (a variant: knees nearly straight at the bottom), "
                f"{len(deadlifts)} reps.",
            ), deadlifts
        extra = f" {squats} other rise(s) did not look like a deadlift." if squats else ""
        return Exercise("deadlift", True, f"Deadlift, {len(deadlifts)} reps.{extra}"), deadlifts
    if squats:
        return Exercise(
            "squat",
            False,
            "This looks like a squat, not a deadlift: the hands stay at the shoulders while "
            "the hips go down and up.",
        ), []
    if _arms_cycle_alone(sig):
        return Exercise(
            "curl",
            False,
            "This looks like a curl, not a deadlift: the arms move while the hips and "
            "shoulders stay put.",
        ), []
    return Exercise(
        "unknown",
        False,
        "No deadlift rep was seen: the lifter never pulled from the bottom to lockout.",
    ), []


def _arms_cycle_alone(sig: Signals) -> bool:
    """Wrists travel up and down repeatedly while the shoulders stay at standing height."""
    w = sig.wrist[np.isfinite(sig.wrist)]
    s = sig.shoulder[np.isfinite(sig.shoulder)]
    if len(w) < 30:
        return False
    amplitude = np.percentile(w, 95) - np.percentile(w, 5)
    centre = np.median(w)
    crossings = np.count_nonzero(np.diff(np.sign(w - centre)) != 0)
    return bool(amplitude > 0.15 and crossings >= 4 and np.percentile(s, 5) > TOP_ZONE)


def rule_stages(shoulder_ratio: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Per-frame stage without a trained model: a logistic on the shoulder-height ratio.

    Same convention as the dissertation's classifier: the top class below 0.7 is `neutral`.
    """
    mid = (TOP_ZONE + BOTTOM_ZONE) / 2
    p_up = 1.0 / (1.0 + np.exp(-(shoulder_ratio - mid) / 0.03))
    prob = np.maximum(p_up, 1 - p_up)
    stages = [
        "unknown"
        if not np.isfinite(p)
        else ("up" if p >= 0.7 else "down" if p <= 0.3 else "neutral")
        for p in p_up
    ]
    return stages, np.where(np.isfinite(prob), prob, 0.0)
