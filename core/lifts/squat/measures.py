"""The squat's fault measures, one per fault (its `FaultSpec.measure`), each the way a coach
checks it, in the lifter's own frame (pose/bodyframe.py: heights above the ankles along the
clip's vertical, in standing heights, which read the same from the side and the front).
Each returns the fault's evidence on a rep, or None when the rep does not show it;
core/lifts/faults.py: check_rep runs them and decide names the faults.

Left out, for now: knees caving in and a shift to one side need the knees', ankles' and
hips' positions across the body (left against right), and heels lifting the heel against
the toe; a measure reads `RepData.angles` (kinematics.body_angles: joint angles and the
midpoints' heights, both sides averaged), which carries none of them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.lifts.base import FaultSpec, RepData, evidence, finite

BOTTOM_LOOK = 15  # grid frames (0.5 s) before the rep's start in which its deepest point is
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
    """The grid frame where the hips are lowest, around the rep's start (the bottom)."""
    hip, _ = _heights(rep.angles)
    s, k = rep.span.start, rep.span.lockout
    a = max(0, s - BOTTOM_LOOK)
    seg = hip[a : k + 1]
    if not finite(seg):
        return None
    return a + int(np.nanargmin(seg))


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
    k = rep.span.lockout
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
