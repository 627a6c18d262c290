"""The deadlift's fault measures, one per fault (its `FaultSpec.measure`), each the way a
coach would check it, in the lifter's own frame (pose/bodyframe.py) or, for the back, from
the silhouette (pose/back.py). Each returns the fault's evidence on a rep, or None when the
rep does not show it; core/lifts/faults.py: check_rep runs them and decide names the faults.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.lifts.base import FaultSpec, RepData, evidence, finite
from core.video.timebase import FPS

KNEE_BENT_DEG = 110  # knee-dominant also needs knees bent at the bottom (not a half rep)
STALL_SHARE = 0.2  # of peak bar speed
MIN_RISE = 0.05  # standing heights: hips rising less than this give no timing to compare


def _hips_rise_first(a: dict[str, np.ndarray], s: int, k: int) -> tuple[float, int] | None:
    hip, sh = a["body_hip_height"][s : k + 1], a["body_shoulder_height"][s : k + 1]
    early = max(3, len(hip) // 3)
    if not (finite(hip[:early]) and finite(sh[:early])):
        return None
    h0, h1 = np.nanmin(hip[:early]), np.nanmax(hip)
    s0, s1 = np.nanmin(sh[:early]), np.nanmax(sh)
    if h1 - h0 < MIN_RISE or s1 - s0 < MIN_RISE:
        return None
    i = int(np.argmax(np.nan_to_num(hip, nan=-np.inf) >= h0 + 0.4 * (h1 - h0)))
    if not np.isfinite(sh[i]):
        return None
    return float((sh[i] - s0) / (s1 - s0)), s + i


def _bottom(a: dict[str, np.ndarray], s: int, k: int) -> tuple[float, float, int] | None:
    """Trunk lean and knee angle at the bottom: the most bent moment of the pull's first
    third."""
    trunk, knee = a["body_trunk"][s : k + 1], a["body_knee"][s : k + 1]
    early = max(3, len(trunk) // 3)
    if not (finite(trunk[:early]) and finite(knee[:early])):
        return None
    i = int(np.nanargmax(trunk[:early]))
    return float(trunk[i]), float(np.nanmin(knee[:early])), s + i


def _longest_stall(a: dict[str, np.ndarray], s: int, k: int) -> tuple[float, int] | None:
    hands = a["body_hands_height"][s : k + 1]
    ok = np.isfinite(hands)
    if ok.sum() < 5:
        return None
    t = np.arange(len(hands))
    h = np.interp(t, t[ok], hands[ok])
    h = np.convolve(np.pad(h, 1, mode="edge"), np.ones(3) / 3, mode="valid")
    v = np.gradient(h)
    peak = v.max()
    if peak <= 0:
        return None
    fast = np.flatnonzero(v >= 0.5 * peak)
    slow = v[fast[0] : fast[-1] + 1] < STALL_SHARE * peak
    best = run = 0
    best_at = 0
    for i, is_slow in enumerate(slow):
        run = run + 1 if is_slow else 0
        if run > best:
            best, best_at = run, i - run + 1
    return best / FPS, s + int(fast[0]) + best_at


def hips_rise_first(rep: RepData, fault: FaultSpec) -> dict[str, Any] | None:
    """The shoulders' share of their rise when the hips have risen 40% of theirs."""
    if (hr := _hips_rise_first(rep.angles, rep.span.start, rep.span.lockout)) is None:
        return None
    return evidence(
        fault.rule,
        hr[0],
        hr[1],
        f"When the hips had risen 40% of the way, the shoulders had risen {hr[0]:.0%} of theirs.",
    )


def knee_dominant(rep: RepData, fault: FaultSpec) -> dict[str, Any] | None:
    """The trunk's lean at the bottom, with the knee angle there (`knees_bent`)."""
    if (bt := _bottom(rep.angles, rep.span.start, rep.span.lockout)) is None:
        return None
    trunk, knee, at = bt
    return evidence(
        fault.rule,
        trunk,
        at,
        f"At the bottom the trunk leaned {trunk:.0f}° from vertical with the knees at "
        f"{knee:.0f}° (squat-like with knees under {KNEE_BENT_DEG}°).",
    ) | {"knee_angle_deg": round(knee, 1)}


def knees_bent(e: dict[str, Any]) -> bool:
    """A squat-like start needs bent knees too (not a half rep)."""
    return e.get("knee_angle_deg", 180.0) < KNEE_BENT_DEG


def rounded_back(rep: RepData, fault: FaultSpec) -> dict[str, Any] | None:
    """The back's outline above straight, median over the pull's first half."""
    s, k = rep.span.start, rep.span.lockout
    back = rep.back
    early = back[s : s + max(3, (k - s) // 2) + 1] if back is not None else np.array([])
    if not finite(early):
        return None
    bulge = float(np.nanmedian(early))
    return evidence(
        fault.rule,
        bulge,
        s + int(np.nanargmax(early)),
        f"Off the floor the back's outline bulged {bulge:.1%} of the trunk's length above "
        "straight.",
    )


def bar_drift(rep: RepData, fault: FaultSpec) -> dict[str, Any] | None:
    """How far the hands (bar) went forward of mid-foot, from kinematics."""
    drift = rep.kinematics.get("bar_forward_of_mid_foot_max_body_heights")
    if drift is None:
        return None
    s, k = rep.span.start, rep.span.lockout
    hands = np.abs(rep.angles["body_hands_forward"][s : k + 1])
    return evidence(
        fault.rule,
        drift,
        s + int(np.nanargmax(hands)) if finite(hands) else s,
        f"The hands went {drift:.2f} standing heights forward of mid-foot.",
    )


def jerky(rep: RepData, fault: FaultSpec) -> dict[str, Any] | None:
    """The bar's longest stall mid-pull."""
    if (st := _longest_stall(rep.angles, rep.span.start, rep.span.lockout)) is None:
        return None
    return evidence(fault.rule, st[0], st[1], f"The bar stalled for {st[0]:.2f} s mid-pull.")
