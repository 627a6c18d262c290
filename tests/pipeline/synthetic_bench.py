"""Synthetic MediaPipe-like landmark tracks of a bench press set: a stick figure lying on its
back (head to the left, feet on the floor), seen from the side or from the head end, its
arms going from lockout (h=0, straight above the shoulders) to the chest (h=1). Normalized
image units, y down, like MediaPipe's; world landmarks alike (for the camera's view)."""

from __future__ import annotations

import numpy as np

SH = np.array([0.30, 0.60])
HIP = np.array([0.60, 0.62])
KNEE = np.array([0.72, 0.50])
ANKLE = np.array([0.80, 0.75])
NOSE = np.array([0.22, 0.56])
UPPER = FORE = 0.14  # arm segments


def _arm(sh: np.ndarray, wrist: np.ndarray) -> np.ndarray:
    """The elbow of an arm from `sh` to `wrist` (segments UPPER, FORE), bending toward the
    feet and the floor, as a lying lifter's elbows do."""
    d = wrist - sh
    dist = min(float(np.linalg.norm(d)), UPPER + FORE - 1e-6)
    perp = np.array([d[1], -d[0]]) / (np.linalg.norm(d) + 1e-12)
    if perp[1] < 0:
        perp = -perp
    return (sh + wrist) / 2 + perp * np.sqrt(max(UPPER**2 - (dist / 2) ** 2, 0.0))


def pose(
    h_left: float,
    h_right: float,
    view: str = "side",
    top: float = 0.278,
    chest: float = 0.07,
    touch: float = 0.075,
    hips_up: float = 0.0,
    legs_out: bool = False,
):
    """33 x 4 landmarks. `top`: the wrists' height above the shoulders at lockout (0.278:
    straight arms); `chest`: at the chest; `touch`: the wrists' way toward the hips there;
    `hips_up`: the hips raised off the bench; `legs_out`: knees and feet out of the picture."""
    lm = np.zeros((33, 4))
    lm[:, 3] = 0.99
    # side: the hips' axis points at the camera; head end: across the picture
    spread = np.array([0.004, 0.0]) if view == "side" else np.array([0.06, 0.0])
    depth = 0.05 if view == "side" else 0.0
    hip = HIP + (0, -hips_up)
    knee, ankle = (KNEE + (0.5, 0), ANKLE + (0.5, 0)) if legs_out else (KNEE, ANKLE)
    for side, h in ((0, h_left), (1, h_right)):
        sign = 1 if side else -1
        off = sign * spread
        sh = SH + off
        wrist = sh + (0.02 + (touch - 0.02) * h, -(top + (chest - top) * h))
        pts = {11: sh, 13: _arm(sh, wrist), 15: wrist, 23: hip + off, 25: knee + off,
               27: ankle + off}  # fmt: skip
        for i, p in pts.items():
            lm[i + side, :2] = p
            lm[i + side, 2] = sign * depth
        for i in (17 + side, 19 + side, 21 + side):
            lm[i, :2] = wrist + (0.01, -0.01)
        for i in (29 + side, 31 + side):
            lm[i, :2] = ankle + off + (0.03 * (i >= 31), 0.01)
    for i in range(11):
        lm[i, :2] = NOSE + (0.005 * (i % 3), -0.005 * (i % 2))
    return lm


def bench_set(reps: int, lag: float = 0.0, bridge: float = 0.0, pause: float = 0.15, **kw):
    """Unrack, `reps` reps (lockout, 1 s down to the chest, a touch of `pause` seconds, 0.8 s
    up, a breath at lockout), rack: 30 fps times, landmarks (T, 33, 4), world (T, 33, 3).
    `lag`: seconds the right hand trails the left; `bridge`: the hips rise this high with
    the bar down; `kw` for `pose`."""
    script = [(1.0, 0.0, 0.0)]  # the lifter holds the bar at lockout after the unrack
    for _ in range(reps):
        script += [(1.0, 0.0, 1.0), (pause, 1.0, 1.0), (0.8, 1.0, 0.0), (0.5, 0.0, 0.0)]
    script += [(1.0, 0.0, 0.0)]
    total = sum(d for d, _, _ in script)
    times = np.arange(0, total, 1 / 30)

    def h_at(t: float) -> float:
        acc = 0.0
        for d, a, b in script:
            if t < acc + d:
                u = (t - acc) / d
                return a + (b - a) * (0.5 - 0.5 * np.cos(np.pi * u))
            acc += d
        return script[-1][2]

    lm = np.array([pose(h_at(t), h_at(t - lag), hips_up=bridge * h_at(t), **kw) for t in times])
    world = lm[:, :, :3].copy()
    return times, lm, world
