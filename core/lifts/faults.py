"""Named faults, each measured the way a coach would check it, in the lifter's own frame.

Every fault is one measure with one threshold, so a coach can read why a rep was flagged
("when the hips had risen 40% of the way, the shoulders had risen 8%; a fault below 22%")
and the video time where it shows. The measures come from body-frame angles
(bodyframe.py), which read the same from a side and a front-3/4 camera, and from the
silhouette for the back (back.py), read from the side and the front-3/4 only.

The faults themselves (ids, rules, default thresholds, limits, cues, views) are the
deadlift's declarations (core/lifts/deadlift); here they are measured. A rep the measures
cannot be trusted on (body out of the picture, pose lost, joints hard to see) is not
judged, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from core.lifts.base import Rule
from core.lifts.deadlift import DEADLIFT, LOCKOUT_KNEE_MIN_DEG
from core.pose import landmarks as L
from core.reps.segment import RepSpan
from core.video.timebase import FPS

FAULTS = tuple(f.id for f in DEADLIFT.faults)  # in the order a rep's faults are named
DEFAULT_RULES: dict[str, Rule] = {f.id: f.rule for f in DEADLIFT.faults}

KNEE_BENT_DEG = 110  # knee-dominant also needs knees bent at the bottom (not a half rep)
STALL_SHARE = 0.2  # of peak bar speed
MIN_RISE = 0.05  # standing heights: hips rising less than this give no timing to compare
# Not judged: the measures need the body in the picture and the pose held.
MIN_POSED_SHARE = 0.7
OUT_OF_FRAME_SHARE = 0.2
MIN_VISIBILITY = 0.5
KEY_JOINTS = {
    "shoulders": (L.L_SHOULDER, L.R_SHOULDER),
    "hips": (L.L_HIP, L.R_HIP),
    "knees": (L.L_KNEE, L.R_KNEE),
    "ankles": (L.L_ANKLE, L.R_ANKLE),
    "hands": (L.L_WRIST, L.R_WRIST),
}


@dataclass
class FaultCheck:
    """One rep's named faults, the evidence for every fault checked, and the camera view;
    `not_judged` is the reason when the rep cannot be judged (then no fault is named)."""

    faults: list[str] = field(default_factory=list)
    evidence: dict[str, dict[str, Any]] = field(default_factory=dict)  # "frame": grid frame
    camera_view: str = ""  # "side", "oblique", "front"
    not_judged: str = ""


def camera_view(world: np.ndarray) -> tuple[str, float]:
    """("side" | "oblique" | "front", yaw in degrees from side-on) from the hip axis: seen
    from the side it points at the camera, from the front across the picture."""
    axis = world[:, L.R_HIP] - world[:, L.L_HIP]
    yaw = np.degrees(np.arctan2(np.abs(axis[:, 0]), np.abs(axis[:, 2])))
    yaw = float(np.nanmedian(yaw)) if np.isfinite(yaw).any() else float("nan")
    if not np.isfinite(yaw):
        return "", yaw
    return ("side" if yaw < 30 else "oblique" if yaw < 65 else "front"), yaw


def not_judged_reason(lm: np.ndarray) -> str:
    """Why a rep's landmarks (T, 33, 4) cannot be judged, or "" when they can."""
    found = np.isfinite(lm[:, 0, 0])
    if found.mean() < MIN_POSED_SHARE:
        return f"The lifter was lost in {1 - found.mean():.0%} of the rep."
    seen = lm[found]
    xy = seen[..., :2]
    outside = (xy < -0.02) | (xy > 1.02)
    for part, joints in KEY_JOINTS.items():
        share = float(outside[:, list(joints)].any(axis=(1, 2)).mean())
        if share > OUT_OF_FRAME_SHARE:
            return f"The {part} were out of the picture in {share:.0%} of the rep."
    if seen.shape[-1] > 3:
        for part in ("hips", "knees"):
            vis = np.nanmax(np.nanmedian(seen[:, list(KEY_JOINTS[part]), 3], axis=0))
            if vis < MIN_VISIBILITY:
                return f"The {part} were hard to see (visibility {vis:.2f})."
    return ""


def _finite(x: np.ndarray) -> bool:
    return bool(np.isfinite(x).any())


def _hips_rise_first(a: dict[str, np.ndarray], s: int, k: int) -> tuple[float, int] | None:
    hip, sh = a["body_hip_height"][s : k + 1], a["body_shoulder_height"][s : k + 1]
    early = max(3, len(hip) // 3)
    if not (_finite(hip[:early]) and _finite(sh[:early])):
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
    if not (_finite(trunk[:early]) and _finite(knee[:early])):
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


LEARNABLE = tuple(f.id for f in DEADLIFT.faults if f.learnable)
LIMIT_FORMAT = {f.id: f.limit_format for f in DEADLIFT.faults}  # the threshold in a sentence


def rules_with(thresholds: dict[str, float] | None) -> dict[str, Rule]:
    """The default rules with these learnt thresholds (a detector version's) in place."""
    rules = dict(DEFAULT_RULES)
    for fault, threshold in (thresholds or {}).items():
        if fault in LEARNABLE:
            rules[fault] = replace(rules[fault], threshold=float(threshold))
    return rules


def decide(
    evidence: dict[str, dict[str, Any]], thresholds: dict[str, float] | None = None
) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The named faults from measured evidence under the default rules or learnt
    `thresholds`: the one place a measure becomes a fault (also for stored evidence, when a
    new detector version brings its own thresholds). Returns (faults, evidence updated)."""
    rules = rules_with(thresholds)
    out = {}
    for name, e in evidence.items():
        e = dict(e)
        rule = rules[name]
        if name in LEARNABLE:
            e["threshold"] = rule.threshold
            e["detected"] = rule.fires(e["value"])
            if name == "knee_dominant":  # a squat-like start needs bent knees too
                e["detected"] &= e.get("knee_angle_deg", 180.0) < KNEE_BENT_DEG
        side = "below" if rule.below else "above"
        e["limit"] = f"a fault {side} {LIMIT_FORMAT[name].format(e['threshold'])}"
        out[name] = e
    return [f for f in FAULTS if out.get(f, {}).get("detected")], out


def _entry(rule: Rule, value: float, frame: int, says: str) -> dict[str, Any]:
    return {
        "measure": rule.measure,
        "value": round(value, 3),
        "threshold": rule.threshold,
        "fault_if": "below" if rule.below else "above",
        "unit": rule.unit,
        "frame": int(frame),
        "says": says,
    }


def check_rep(
    span: RepSpan,
    lm: np.ndarray,
    world: np.ndarray,
    angles: dict[str, np.ndarray],
    kinematics: dict[str, Any],
    back: np.ndarray | None,
    thresholds: dict[str, float] | None = None,
) -> FaultCheck:
    """The named faults of one rep on the 30 fps grid. `angles`: kinematics.body_angles
    (with the body-frame series); `back`: per grid frame back.back_bulge, or None;
    `thresholds`: learnt ones (decide) in place of the defaults."""
    rules = DEFAULT_RULES
    s, k, e = span.start, span.lockout, span.end
    view, _ = camera_view(world[s : e + 1])
    check = FaultCheck(camera_view=view)
    check.not_judged = not_judged_reason(lm[s : e + 1])
    if check.not_judged:
        return check
    ev = check.evidence

    if (hr := _hips_rise_first(angles, s, k)) is not None:
        ev["hips_rise_first"] = _entry(
            rules["hips_rise_first"],
            hr[0],
            hr[1],
            f"When the hips had risen 40% of the way, the shoulders had risen {hr[0]:.0%} "
            "of theirs.",
        )
    if (bt := _bottom(angles, s, k)) is not None:
        trunk, knee, at = bt
        ev["knee_dominant"] = _entry(
            rules["knee_dominant"],
            trunk,
            at,
            f"At the bottom the trunk leaned {trunk:.0f}° from vertical with the knees at "
            f"{knee:.0f}° (squat-like with knees under {KNEE_BENT_DEG}°).",
        ) | {"knee_angle_deg": round(knee, 1)}
    early = back[s : s + max(3, (k - s) // 2) + 1] if back is not None else np.array([])
    if _finite(early) and view in DEADLIFT.fault("rounded_back").views:
        bulge = float(np.nanmedian(early))
        ev["rounded_back"] = _entry(
            rules["rounded_back"],
            bulge,
            s + int(np.nanargmax(early)),
            f"Off the floor the back's outline bulged {bulge:.1%} of the trunk's length above "
            "straight.",
        )
    hip_top = kinematics.get("hip_angle_lockout_deg")
    if hip_top is not None and kinematics.get("lockout_complete") is not None:
        knee_top = kinematics.get("knee_angle_lockout_deg")
        knee_text = f"{knee_top:.0f}°" if knee_top is not None else "unseen"
        ev["incomplete_lockout"] = _entry(
            rules["incomplete_lockout"],
            hip_top,
            k,
            f"At the top the hips opened to {hip_top:.0f}° and the knees to {knee_text} "
            f"(knees complete from {LOCKOUT_KNEE_MIN_DEG}°).",
        ) | {"detected": not kinematics.get("lockout_complete", True)}
    drift = kinematics.get("bar_forward_of_mid_foot_max_body_heights")
    if drift is not None:
        hands = np.abs(angles["body_hands_forward"][s : k + 1])
        ev["bar_drift"] = _entry(
            rules["bar_drift"],
            drift,
            s + int(np.nanargmax(hands)) if _finite(hands) else s,
            f"The hands went {drift:.2f} standing heights forward of mid-foot.",
        )
    if (st := _longest_stall(angles, s, k)) is not None:
        ev["jerky"] = _entry(
            rules["jerky"], st[0], st[1], f"The bar stalled for {st[0]:.2f} s mid-pull."
        )
    check.faults, check.evidence = decide(ev, thresholds)
    return check
