"""The squat's fault measures, one per fault (its `FaultSpec.measure`), each the way a coach
checks it, in the lifter's own frame (pose/bodyframe.py: heights above the ankles along the
clip's vertical, in standing heights, which read the same from the side and the front).
Each returns the fault's evidence on a rep, or None when the rep does not show it;
core/lifts/faults.py: check_rep runs them and decide names the faults.

Knees caving in, a shift to one side (from the front) and heels lifting (from the side)
compare the bottom with the same lifter standing at the rep's start (kinematics'
knee_width, hip_shift and heel_lift in the picture), so a stance, a camera a little off
centre or a foot turned out is no fault.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.lifts.base import FaultSpec, RepData, evidence, finite

SHIN_SHARE = 0.5  # ankle-to-knee share of ankle-to-hip (Winter's anthropometric table:
# shank 0.246 and thigh 0.245 of height, so the knee sits halfway up the straight leg)
MIN_RISE = 0.05  # standing heights: hips rising less than this give no timing to compare
HIPS_AT = 0.4  # the hips' share of their rise at which the shoulders' is read


def _heights(a: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The hips' and shoulders' heights above the ankles, NaN where the pose is not a body
    standing on its feet (the hips at or under the ankles, the shoulders at or under the
    hips: a lost pose mis-tracked, as in squat_dillon2.mp4 while the plates hide the lifter)."""
    hip, sh = a["body_hip_height"].copy(), a["body_shoulder_height"].copy()
    with np.errstate(invalid="ignore"):
        bad = ~((hip > 0) & (sh > hip))
    hip[bad] = np.nan
    sh[bad] = np.nan
    return hip, sh


def _deepest(rep: RepData) -> int | None:
    """The grid frame where the hips are lowest over the rep (its bottom)."""
    hip, _ = _heights(rep.angles)
    s, e = rep.span.start, rep.span.end
    seg = hip[s : e + 1]
    if not finite(seg):
        return None
    return s + int(np.nanargmin(seg))


def depth(rep: RepData, fault: FaultSpec) -> dict[str, Any] | None:
    """How far the hips stayed above the knees at the bottom (standing heights; below 0 the
    hip is under the knee). The knee's height is the shin's length (half the standing leg,
    hip height standing tall) times the cosine of the shin's lean: a heights-only reading
    that holds from the front, where the thigh's angle is foreshortened."""
    a = rep.angles
    (hip, _), shin = _heights(a), a["body_shin"]
    if (i := _deepest(rep)) is None:
        return None
    standing = hip[np.isfinite(hip)]
    if len(standing) < 10:
        return None
    shin_len = SHIN_SHARE * float(np.percentile(standing, 95))
    lean = shin[max(0, i - 2) : i + 3]
    if not finite(lean):
        return None
    knee = shin_len * float(np.cos(np.radians(np.nanmedian(lean))))
    above = float(hip[i]) - knee
    where = "above" if above > 0 else "below"
    return evidence(
        fault.rule,
        above,
        i,
        f"At the bottom the hips were {abs(above):.2f} standing heights {where} the knees.",
    )


def hips_shoot_up(rep: RepData, fault: FaultSpec) -> dict[str, Any] | None:
    """The shoulders' share of their rise when the hips have risen 40% of theirs, out of the
    bottom (as a pull's hips_rise_first): the chest falling forward while the hips
    come up leaves the shoulders behind."""
    a = rep.angles
    if (s := _deepest(rep)) is None:
        return None
    k = rep.top
    hip, sh = (x[s : k + 1] for x in _heights(a))
    early = max(3, len(hip) // 3)
    if not (finite(hip[:early]) and finite(sh[:early])):
        return None
    h0, h1 = np.nanmin(hip[:early]), np.nanmax(hip)
    s0, s1 = np.nanmin(sh[:early]), np.nanmax(sh)
    if h1 - h0 < MIN_RISE or s1 - s0 < MIN_RISE:
        return None
    i = int(np.argmax(np.nan_to_num(hip, nan=-np.inf) >= h0 + HIPS_AT * (h1 - h0)))
    if not np.isfinite(sh[i]):
        return None
    share = float((sh[i] - s0) / (s1 - s0))
    return evidence(
        fault.rule,
        share,
        s + i,
        f"Out of the bottom, when the hips had risen {HIPS_AT:.0%} of the way, the shoulders "
        f"had risen {share:.0%} of theirs.",
    )


def _bottom_against_start(rep: RepData, series: str) -> tuple[float, float, int] | None:
    """A picture series (kinematics._feet_and_knees) at the bottom and standing at the
    rep's start (medians over 5 grid frames), and the bottom's frame; None unseen."""
    if (i := _deepest(rep)) is None:
        return None
    x, s = rep.angles[series], rep.span.start
    bottom, start = x[max(0, i - 2) : i + 3], x[max(0, s - 2) : s + 3]
    if not (finite(bottom) and finite(start)):
        return None
    return float(np.nanmedian(bottom)), float(np.nanmedian(start)), i


def knees_cave(rep: RepData, fault: FaultSpec) -> dict[str, Any] | None:
    """The knees' distance apart over the ankles' at the bottom, as a share of the same
    standing (from the front): knees pushed out over the toes keep it or widen it."""
    if (got := _bottom_against_start(rep, "knee_width")) is None:
        return None
    bottom, start, i = got
    if start <= 0:
        return None
    share = bottom / start
    return evidence(
        fault.rule,
        share,
        i,
        f"At the bottom the knees were {share:.0%} as far apart (over the feet) as standing.",
    )


def shift(rep: RepData, fault: FaultSpec) -> dict[str, Any] | None:
    """How far the hips moved to one side over the feet from standing to the bottom, in
    stance widths (from the front)."""
    if (got := _bottom_against_start(rep, "hip_shift")) is None:
        return None
    bottom, start, i = got
    moved = abs(bottom - start)
    return evidence(
        fault.rule,
        moved,
        i,
        f"At the bottom the hips had moved {moved:.0%} of the stance's width to one side.",
    )


def heels_lift(rep: RepData, fault: FaultSpec) -> dict[str, Any] | None:
    """How far the heel rose against the toes from standing to the bottom (from the side),
    in standing heights."""
    if (got := _bottom_against_start(rep, "heel_lift")) is None:
        return None
    bottom, start, i = got
    rose = bottom - start
    return evidence(
        fault.rule,
        rose,
        i,
        f"At the bottom the heel was {rose:+.3f} standing heights higher against the toes "
        "than standing.",
    )
