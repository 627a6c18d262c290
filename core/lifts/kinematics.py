"""Kinematics per rep: the numbers coaches ask for, with units in every key.

Angles come from MediaPipe's 3D world landmarks (metres), so a hip hinging toward a front
camera is measured as well as one seen from the side; the side the camera sees better is
reported. Lengths are in standing body heights (image plane), so they compare across cameras.
The trunk's lean and the bar's distance forward of mid-foot are also measured in the lifter's
own frame (bodyframe.py), where a camera's tilt does not read as a lean.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from core.lifts import DEFAULT
from core.lifts.base import Lift
from core.pose import bodyframe
from core.pose import landmarks as L
from core.reps.segment import RepSpan, Signals
from core.video.timebase import FPS

LOCKOUT_SETTLE = 15  # grid frames (0.5 s) after reaching the top in which the hips finish
# A clip that ends sooner than this after the top (0.25 s) does not show the lockout.
LOCKOUT_SEEN = LOCKOUT_SETTLE // 2

SIDES = {
    "left": (L.L_SHOULDER, L.L_HIP, L.L_KNEE, L.L_ANKLE, L.L_WRIST),
    "right": (L.R_SHOULDER, L.R_HIP, L.R_KNEE, L.R_ANKLE, L.R_WRIST),
}


def _pixels(lm: np.ndarray, width: int, height: int) -> np.ndarray:
    return lm[..., :2] * np.array([width, height], dtype=float)


def body_angles(world: np.ndarray, lm: np.ndarray) -> dict[str, np.ndarray]:
    """Per frame hip, knee and trunk angles (degrees) for each side and the better-seen side,
    and each elbow's.

    `world`: (M, 33, 3) world landmarks in metres (y down); `lm`: normalized landmarks with
    visibility, used to pick the side.
    """
    out: dict[str, np.ndarray] = {}
    up = np.array([0.0, -1.0, 0.0])
    for side, (sh, hip, knee, ankle, wrist) in SIDES.items():
        out[f"hip_{side}"] = L.joint_angle(world[:, sh], world[:, hip], world[:, knee])
        out[f"knee_{side}"] = L.joint_angle(world[:, hip], world[:, knee], world[:, ankle])
        # 0 = upright, 90 = trunk horizontal
        out[f"trunk_{side}"] = L.joint_angle(world[:, sh], world[:, hip], world[:, hip] + up)
        elbow = L.L_ELBOW if side == "left" else L.R_ELBOW
        out[f"elbow_{side}"] = L.joint_angle(world[:, sh], world[:, elbow], world[:, wrist])
    vis = lm[..., 3] if lm.shape[-1] > 3 else np.ones(lm.shape[:2])
    left_vis = np.nanmean(vis[:, [L.L_HIP, L.L_KNEE, L.L_ANKLE]])
    right_vis = np.nanmean(vis[:, [L.R_HIP, L.R_KNEE, L.R_ANKLE]])
    best = "left" if left_vis >= right_vis else "right"
    for name in ("hip", "knee", "trunk"):
        out[name] = out[f"{name}_{best}"]
    out |= _feet_and_knees(lm)
    # In the lifter's own frame (bodyframe.py): the same from any camera.
    body = bodyframe.body_angles(bodyframe.to_body_frame(world))
    out |= {f"body_{name}": series for name, series in body.items()}
    return out


def _feet_and_knees(lm: np.ndarray) -> dict[str, np.ndarray]:
    """Per frame, in the picture: `knee_width`, the knees' distance apart over the ankles'
    (from the front: under 1, the knees inside the feet); `hip_shift`, the hips' midpoint
    beside the ankles' in ankle widths (from the front: the weight shifted to one side);
    `heel_lift`, how far the better-seen heel is above its toes in standing heights (from
    the side: the heel coming off the floor)."""
    xy = lm[..., :2]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a track with no pose: all NaN
        ankles = np.abs(xy[:, L.L_ANKLE, 0] - xy[:, L.R_ANKLE, 0])
        knees = np.abs(xy[:, L.L_KNEE, 0] - xy[:, L.R_KNEE, 0])
        hips_x = (xy[:, L.L_HIP, 0] + xy[:, L.R_HIP, 0]) / 2
        ankles_x = (xy[:, L.L_ANKLE, 0] + xy[:, L.R_ANKLE, 0]) / 2
        height = np.nanmedian(L.midpoint(xy, L.L_ANKLE, L.R_ANKLE)[:, 1] - xy[:, L.NOSE, 1])
        vis = lm[..., 3] if lm.shape[-1] > 3 else np.ones(lm.shape[:2])
        left = np.nanmean(vis[:, [L.L_HEEL, L.L_FOOT]]) >= np.nanmean(vis[:, [L.R_HEEL, L.R_FOOT]])
        heel, toe = (L.L_HEEL, L.L_FOOT) if left else (L.R_HEEL, L.R_FOOT)
        return {
            "knee_width": knees / ankles,
            "hip_shift": (hips_x - ankles_x) / ankles,
            "heel_lift": (xy[:, toe, 1] - xy[:, heel, 1]) / height,  # y grows downwards
        }


def _at(x: np.ndarray, i: int) -> float | None:
    v = float(x[i]) if 0 <= i < len(x) else float("nan")
    return round(v, 1) if np.isfinite(v) else None


def _round(v: float, digits: int = 3) -> float | None:
    return round(float(v), digits) if np.isfinite(v) else None


def _open(angles: dict[str, np.ndarray], joint: str, top: slice) -> float | None:
    """How far a joint opened at the top, from the body: the more open of the two sides (a
    side the camera sees edge-on or hidden reads as bent in 3D, the lifter's joint is not)."""
    both = np.fmax(angles[f"{joint}_left"][top], angles[f"{joint}_right"][top])
    return _round(np.nanmax(both), 1) if np.isfinite(both).any() else None


def rep_kinematics(
    span: RepSpan,
    lm: np.ndarray,
    angles: dict[str, np.ndarray],
    signals: Signals,
    width: int,
    height: int,
    lift: Lift | None = None,
) -> dict[str, Any]:
    """Tempo, bar path, angles at the bottom and lockout, asymmetry, lockout completeness
    (`lift`'s complete lockout, the registry's DEFAULT's when None). A pull's span starts
    at the bottom and turns at lockout; a rep that goes down first (a squat, a bench press:
    RiseRule.lowering_first) starts and ends at the top and turns at the bottom, so its
    lockout is read at its end, and only when the clip shows it."""
    lift = lift or DEFAULT
    s, k, e = span.start, span.lockout, span.end
    if lift.rise.lowering_first:
        bottom, top_at, drive = k, e, slice(k, e + 1)
        top = slice(max(k, e - LOCKOUT_SETTLE), e + LOCKOUT_SETTLE + 1)  # standing up, and tall
        concentric = (e - k) if span.complete else None
        eccentric: int | None = k - s
        top_seen = span.complete
    else:
        bottom, top_at, drive = s, k, slice(s, k + 1)
        top = slice(k, min(k + LOCKOUT_SETTLE, e) + 1)
        concentric, eccentric = k - s, (e - k) if span.complete else None
        top_seen = span.complete or e - k >= LOCKOUT_SEEN
    seg = slice(s, e + 1)
    px = _pixels(lm[seg], width, height)
    body_px = signals.scale * height
    wrist = (px[:, L.L_WRIST] + px[:, L.R_WRIST]) / 2
    wrist_y = wrist[:, 1][np.isfinite(wrist[:, 1])]
    wrist_x = wrist[:, 0][np.isfinite(wrist[:, 0])]
    wrist_diff = np.abs(px[:, L.L_WRIST, 1] - px[:, L.R_WRIST, 1]) / body_px
    hip_diff = np.abs(angles["hip_left"][seg] - angles["hip_right"][seg])
    knee_diff = np.abs(angles["knee_left"][seg] - angles["knee_right"][seg])
    hip_lockout = _open(angles, "hip", top)
    knee_lockout = _open(angles, "knee", top)
    elbow_bottom = _open(angles, "elbow", slice(bottom, bottom + 1))
    forward = angles["body_hands_forward"][drive]
    return {
        "duration_s": round((e - s) / FPS, 3),
        "concentric_s": round(concentric / FPS, 3) if concentric is not None else None,
        "eccentric_s": round(eccentric / FPS, 3) if eccentric is not None else None,
        "bar_path_vertical_body_heights": _round(np.ptp(wrist_y) / body_px)
        if len(wrist_y)
        else None,
        "bar_path_horizontal_body_heights": _round(np.ptp(wrist_x) / body_px)
        if len(wrist_x)
        else None,
        "hip_angle_bottom_deg": _at(angles["hip"], bottom),
        "knee_angle_bottom_deg": _at(angles["knee"], bottom),
        "trunk_angle_bottom_deg": _at(angles["trunk"], bottom),
        "hip_angle_lockout_deg": hip_lockout,
        "knee_angle_lockout_deg": knee_lockout,
        "trunk_angle_lockout_deg": _at(angles["trunk"], top_at),
        "elbow_angle_bottom_deg": elbow_bottom,
        "elbow_angle_lockout_deg": _open(angles, "elbow", top),
        "trunk_body_frame_bottom_deg": _at(angles["body_trunk"], bottom),
        "trunk_body_frame_lockout_deg": _at(angles["body_trunk"], top_at),
        "bar_forward_of_mid_foot_max_body_heights": _round(np.nanmax(np.abs(forward)))
        if np.isfinite(forward).any()
        else None,
        "asymmetry_wrist_height_body_heights": _round(np.nanmean(wrist_diff)),
        "asymmetry_hip_angle_deg": _round(np.nanmean(hip_diff), 1),
        "asymmetry_knee_angle_deg": _round(np.nanmean(knee_diff), 1),
        "lockout_shoulder_height_ratio": _round(signals.shoulder[top_at]),
        "lockout_complete": bool(
            hip_lockout is not None
            and hip_lockout >= lift.lockout.hip_min_deg
            and knee_lockout is not None
            and knee_lockout >= lift.lockout.knee_min_deg
            and signals.shoulder[top_at] >= lift.lockout.shoulder_min
        )
        if top_seen
        else None,  # the clip ends at the top: not seen, so neither complete nor not
        "units": "s = seconds; deg = degrees (180 = straight joint, trunk 0 = upright); "
        "body_heights = lifter's standing height",
    }
