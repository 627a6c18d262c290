"""Named faults, each measured the way a coach would check it, in the lifter's own frame.

Every fault is one measure with one threshold, so a coach can read why a rep was flagged
("when the hips had risen 40% of the way, the shoulders had risen 8%; a fault below 22%")
and the video time where it shows. The measures come from body-frame angles
(pose/bodyframe.py), which read the same from a side and a front-3/4 camera, and from the
silhouette for the back (pose/back.py), read from the side and the front-3/4 only.

The faults themselves (ids, rules, default thresholds, limits, cues, views, measures) are
their lift's declarations (core/lifts/<lift>/, read through the registry); here a rep's
lift's faults are measured (check_rep) and decided (decide), whatever the lift. A rep the
measures cannot be trusted on (body out of the picture, pose lost, joints hard to see) is
not judged, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from core.lifts import DEFAULT, LIFTS
from core.lifts.base import VIEWS, FaultSpec, Lift, RepData, Rule
from core.pose import landmarks as L
from core.reps.segment import RepSpan

# Every lift's faults by id (an id is one fault whichever lift names it: the first
# declaration), in the order a rep's faults are named.
_SPECS: dict[str, FaultSpec] = {}
for _lift in LIFTS.values():
    for _fault in _lift.faults:
        _SPECS.setdefault(_fault.id, _fault)
FAULTS = tuple(_SPECS)
DEFAULT_RULES: dict[str, Rule] = {f.id: f.rule for f in _SPECS.values()}
CUES: dict[str, str] = {f.id: f.cue for f in _SPECS.values()}  # what to do, per fault id
DRILLS: dict[str, str] = {f.id: f.drill for f in _SPECS.values()}  # how to practise it

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


def not_judged_reason(lm: np.ndarray, parts: tuple[str, ...] = tuple(KEY_JOINTS)) -> str:
    """Why a rep's landmarks (T, 33, 4) cannot be judged, or "" when they can: `parts` (of
    KEY_JOINTS; the rep's lift's `in_view`) must be in the picture, and the hips and knees
    among them seen."""
    found = np.isfinite(lm[:, 0, 0])
    if found.mean() < MIN_POSED_SHARE:
        return f"The lifter was lost in {1 - found.mean():.0%} of the rep."
    seen = lm[found]
    xy = seen[..., :2]
    outside = (xy < -0.02) | (xy > 1.02)
    for part, joints in KEY_JOINTS.items():
        if part not in parts:
            continue
        share = float(outside[:, list(joints)].any(axis=(1, 2)).mean())
        if share > OUT_OF_FRAME_SHARE:
            return f"The {part} were out of the picture in {share:.0%} of the rep."
    if seen.shape[-1] > 3:
        for part in ("hips", "knees"):
            if part not in parts:
                continue
            vis = np.nanmax(np.nanmedian(seen[:, list(KEY_JOINTS[part]), 3], axis=0))
            if vis < MIN_VISIBILITY:
                return f"The {part} were hard to see (visibility {vis:.2f})."
    return ""


LEARNABLE = tuple(f.id for f in _SPECS.values() if f.learnable)
LIMIT_FORMAT = {f.id: f.limit_format for f in _SPECS.values()}  # the threshold in a sentence


# A measure within this share of its threshold, on the good side, reads "close to the line"
# (an angle: within CLOSE_DEGREES, as a share of 160° would be 16°): the pose's noise on a
# measure is of that order, so a coach should look at it rather than read "ok".
CLOSE_MARGIN = 0.1
CLOSE_DEGREES = 5.0


def _near_line(e: dict[str, Any]) -> bool:
    """Whether a checked fault's measure is within CLOSE_MARGIN of its threshold
    (CLOSE_DEGREES for an angle), on either side."""
    value, threshold = e.get("value"), e.get("threshold")
    if isinstance(value, bool) or isinstance(threshold, bool):
        return False
    if not isinstance(value, int | float) or not isinstance(threshold, int | float):
        return False
    degrees = "degree" in str(e.get("unit", ""))
    return abs(value - threshold) <= (CLOSE_DEGREES if degrees else CLOSE_MARGIN * abs(threshold))


def close_to_line(e: dict[str, Any]) -> bool:
    """Whether a checked fault's measure, not a fault, is near its line (`_near_line`)."""
    return not e.get("detected") and _near_line(e)


def borderline(e: dict[str, Any]) -> bool:
    """Whether a named fault's measure is only just past its line (`_near_line`): within
    the pose's noise, where an athlete's own good reps may say it is how they lift."""
    return bool(e.get("detected")) and _near_line(e)


def past_line(e: dict[str, Any]) -> float:
    """How far a measure is past its threshold, in shares of it (positive: on the fault's
    side), for finding a set's worst rep of a fault; 0 when it cannot say."""
    value, threshold = e.get("value"), e.get("threshold")
    if not isinstance(value, int | float) or not isinstance(threshold, int | float):
        return 0.0
    past = (threshold - value) if e.get("fault_if") == "below" else (value - threshold)
    return float(past) / (abs(threshold) or 1.0)


def explained(evidence: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A rep's stored evidence as people read it: each checked fault with its cue, drill and
    whether it is close to the line; the faults first, then the close calls, then the rest."""
    out = {
        name: {**e, "cue": CUES.get(name, ""), "drill": DRILLS.get(name, ""),
               "close": close_to_line(e)}
        for name, e in evidence.items()
    }  # fmt: skip
    return dict(sorted(out.items(), key=lambda kv: (not kv[1].get("detected"), not kv[1]["close"])))


VIEW_KEY = "{fault}@{view}"  # a threshold learnt for one camera view (detector/faults.py)


def rules_with(thresholds: dict[str, float] | None, view: str = "") -> dict[str, Rule]:
    """The default rules with these learnt thresholds (a detector version's) in place: a
    fault's threshold for the camera `view` (VIEW_KEY) where one was learnt, else its own."""
    rules = dict(DEFAULT_RULES)
    learnt = thresholds or {}
    for fault in LEARNABLE:
        threshold = learnt.get(VIEW_KEY.format(fault=fault, view=view), learnt.get(fault))
        if threshold is not None:
            rules[fault] = replace(rules[fault], threshold=float(threshold))
    return rules


def decide(
    evidence: dict[str, dict[str, Any]],
    thresholds: dict[str, float] | None = None,
    view: str = "",
) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The named faults from measured evidence (of a rep filmed from `view`) under the
    default rules or learnt `thresholds`: the one place a measure becomes a fault (also for
    stored evidence, when a new detector version brings its own thresholds). Returns
    (faults, evidence updated)."""
    rules = rules_with(thresholds, view)
    out = {}
    for name, e in evidence.items():
        e = dict(e)
        rule = rules[name]
        if name in LEARNABLE:
            e["threshold"] = rule.threshold
            e["detected"] = rule.fires(e["value"])
            if (requires := _SPECS[name].requires) is not None:  # a condition past the rule
                e["detected"] &= requires(e)
        side = "below" if rule.below else "above"
        e["limit"] = f"a fault {side} {LIMIT_FORMAT[name].format(e['threshold'])}"
        out[name] = e
    return [f for f in FAULTS if out.get(f, {}).get("detected")], out


def _judged_from(fault: FaultSpec, view: str) -> bool:
    """A fault is measured only from the camera views it declares; a rep whose view is
    unknown, only by a fault judged from every view."""
    return view in fault.views if view else set(fault.views) == set(VIEWS)


def check_rep(
    span: RepSpan,
    lm: np.ndarray,
    world: np.ndarray,
    angles: dict[str, np.ndarray],
    kinematics: dict[str, Any],
    back: np.ndarray | None,
    thresholds: dict[str, float] | None = None,
    lift: Lift | None = None,
) -> FaultCheck:
    """The named faults of one rep of `lift` (the registry's DEFAULT when None) on the 30
    fps grid: each of its faults' measures, in the declared order, then decide. `angles`:
    kinematics.body_angles (with the body-frame series); `back`: per grid frame
    back.back_bulge, or None; `thresholds`: learnt ones (decide) in place of the defaults."""
    lift = lift or DEFAULT
    s, e = span.start, span.end
    view, _ = camera_view(world[s : e + 1])
    check = FaultCheck(camera_view=view)
    check.not_judged = not_judged_reason(lm[s : e + 1], lift.in_view)
    if not lift.form_judged:
        check.not_judged = f"{lift.label} reps are counted, not judged for form."
    if check.not_judged:
        return check
    rep = RepData(span, angles, kinematics, back, view, lift.rise.lowering_first)
    measured = {}
    for fault in lift.faults:
        if fault.measure is None or not _judged_from(fault, view):
            continue
        if (entry := fault.measure(rep, fault)) is not None:
            measured[fault.id] = entry
    check.faults, check.evidence = decide(measured, thresholds, view)
    return check
