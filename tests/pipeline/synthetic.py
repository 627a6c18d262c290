"""Synthetic MediaPipe-like landmark tracks with known rep boundaries, for rep-counting tests.

A stick figure seen from the side, interpolated between standing (h=0) and the bottom of a
deadlift (h=1). Coordinates are normalized image units (y down), like MediaPipe's.
"""

from __future__ import annotations

import numpy as np

STAND = {"ankle": (0.50, 0.90), "knee": (0.50, 0.75), "hip": (0.50, 0.60), "sh": (0.50, 0.38)}
BOTTOM = {"ankle": (0.50, 0.90), "knee": (0.56, 0.78), "hip": (0.40, 0.70), "sh": (0.56, 0.58)}
ARM = 0.24
NOSE_UP = 0.08


def pose(h: float, hands: str = "bar", curl: float = 0.0, x0: float = 0.0, s: float = 1.0):
    """33 x 4 landmarks. hands: 'bar' (arms hang; `curl` of the way up to the shoulders),
    'shoulders' (back squat), 'wave', 'press' (`curl` of the way from the shoulders to
    arms' length overhead)."""
    p = {k: np.array(STAND[k]) * (1 - h) + np.array(BOTTOM[k]) * h for k in STAND}
    sh = p["sh"]
    if hands == "shoulders":
        wrist = sh + (0.0, -0.01)
    elif hands == "wave":
        wrist = sh + (0.05, -0.15)
    elif hands == "press":
        wrist = sh + (0.0, -0.01 - ARM * curl)
    else:
        wrist = sh + (0.0, ARM * (1 - curl) + 0.04 * curl)
    elbow = (sh + wrist) / 2 + (0.02, 0)
    nose = sh + (0.03 + 0.05 * h, -NOSE_UP)
    lm = np.zeros((33, 4))
    lm[:, 3] = 0.99
    for side, dz in ((0, -0.05), (1, 0.05)):  # left, right
        off = 0.004 * (1 if side else -1)
        idx = {
            "sh": 11 + side, "elbow": 13 + side, "wrist": 15 + side, "hip": 23 + side,
            "knee": 25 + side, "ankle": 27 + side,
        }  # fmt: skip
        pts = {"sh": sh, "elbow": elbow, "wrist": wrist, "hip": p["hip"], "knee": p["knee"],
               "ankle": p["ankle"]}  # fmt: skip
        for name, i in idx.items():
            lm[i, :2] = pts[name] + (off, 0)
            lm[i, 2] = dz
        for i in (17 + side, 19 + side, 21 + side):
            lm[i, :2] = wrist + (0.01, 0.01)
        for i in (29 + side, 31 + side):
            lm[i, :2] = p["ankle"] + (0.03 * (i >= 31), 0.01)
    for i in range(11):
        lm[i, :2] = nose + (0.005 * (i % 3), -0.005 * (i % 2))
    lm[:, 0] = x0 + (lm[:, 0] - 0.5) * s + 0.5
    lm[:, 1] = (lm[:, 1] - 0.5) * s + 0.5
    return lm


def track(
    script: list[tuple[float, float, float]],
    fps: float = 30.0,
    hands: str = "bar",
    noise: float = 0.0,
    gaps: list[tuple[float, float]] = (),
    seed: int = 0,
    x0: float = 0.0,
    s: float = 1.0,
    curl_cycles: float = 0.0,
    arms_bend_after: float | None = None,
):
    """Follow (duration_s, h_from, h_to) segments; return times, landmarks, found.
    `arms_bend_after`: from this time on the elbows bend (hands on the hips, no bar)."""
    rng = np.random.default_rng(seed)
    total = sum(d for d, _, _ in script)
    times = np.arange(0, total, 1.0 / fps)
    lms = []
    for t in times:
        acc = 0.0
        for k, (d, a, b) in enumerate(script):
            if t < acc + d or k == len(script) - 1:
                u = min(max((t - acc) / d, 0.0), 1.0)
                h = a + (b - a) * (0.5 - 0.5 * np.cos(np.pi * u))  # smooth like a real pull
                break
            acc += d
        curl = 0.5 - 0.5 * np.cos(2 * np.pi * curl_cycles * t / total) if curl_cycles else 0.0
        if arms_bend_after is not None and t >= arms_bend_after:
            curl = 0.6
        lms.append(pose(h, hands, curl, x0, s))
    lm = np.array(lms)
    lm[:, :, :2] += rng.normal(0, noise, lm[:, :, :2].shape)
    found = np.ones(len(times), bool)
    for a, b in gaps:
        found[(times >= a) & (times < b)] = False
    lm[~found] = np.nan
    return times, lm, found


def deadlift_set(reps: int, setup: float = 2.0, hold: float = 0.3, rest: float = 0.4):
    """Stand, set up at the bar, `reps` pulls, walk away: returns script and lockout times."""
    script = [(1.0, 0, 0), (setup, 0, 1), (0.5, 1, 1)]
    lockouts, t = [], 1.0 + setup + 0.5
    for _ in range(reps):
        script += [(0.8, 1, 0), (hold, 0, 0), (0.9, 0, 1), (rest, 1, 1)]
        lockouts.append(t + 0.8)
        t += 0.8 + hold + 0.9 + rest
    return script, lockouts


# ---- squats: a stick figure from the side, built from its segments' angles ----------------
SHIN = THIGH = 0.15  # equal, as the anthropometric tables have them (squat measures.py)
TRUNK = 0.22
SQUAT_SHIN_DEG = 35.0  # shins' forward lean at the bottom
DEEP_THIGH_DEG = 100.0  # thighs from vertical at the bottom: 10° below parallel
SHALLOW_THIGH_DEG = 72.0  # 18° above parallel: hips above the knees


def squat_pose(u: float, lean: float, thigh_bottom: float = DEEP_THIGH_DEG, x0: float = 0.0):
    """33 x 4 landmarks of a back squat seen from the side (facing +x), `u` of the way from
    standing (0) to the bottom (1), the trunk `lean` degrees from vertical; the hands at the
    shoulders (the bar on the back)."""
    ts, tt, tl = np.radians([SQUAT_SHIN_DEG * u, thigh_bottom * u, lean])
    ankle = np.array([0.50 + x0, 0.90])
    knee = ankle + SHIN * np.array([np.sin(ts), -np.cos(ts)])
    hip = knee + THIGH * np.array([-np.sin(tt), -np.cos(tt)])
    sh = hip + TRUNK * np.array([np.sin(tl), -np.cos(tl)])
    wrist = sh + (0.0, -0.01)
    elbow = sh + (-0.04, 0.05)
    nose = sh + (0.03, -NOSE_UP)
    lm = np.zeros((33, 4))
    lm[:, 3] = 0.99
    for side, dz in ((0, -0.05), (1, 0.05)):
        off = 0.004 * (1 if side else -1)
        pts = {11: sh, 13: elbow, 15: wrist, 23: hip, 25: knee, 27: ankle}
        for i, p in pts.items():
            lm[i + side, :2] = p + (off, 0)
            lm[i + side, 2] = dz
        for i in (17 + side, 19 + side, 21 + side):
            lm[i, :2] = wrist + (0.01, 0.01)
            lm[i, 2] = dz
        for i in (29 + side, 31 + side):
            lm[i, :2] = ankle + (-0.02 + 0.06 * (i >= 31), 0.01)
            lm[i, 2] = dz
    for i in range(11):
        lm[i, :2] = nose + (0.005 * (i % 3), -0.005 * (i % 2))
    return lm


STANCE = 0.06  # half the ankles' distance apart, seen from the front


def squat_front(side_pose: np.ndarray, u: float, fault: str = "") -> np.ndarray:
    """The squat `side_pose` (squat_pose's) seen from the front: the same heights, the body's
    left and right across the picture, its forward lean in depth. The knees spread a little
    over turned-out feet as they bend; `fault` "knees_cave" draws them in at the bottom,
    "shift" moves the hips (and all above them) over one foot."""
    lm = side_pose.copy()
    half = {11: 0.07, 13: 0.09, 15: 0.07, 17: 0.07, 19: 0.07, 21: 0.07, 23: 0.05,
            25: STANCE * (1 + 0.3 * u), 27: STANCE, 29: STANCE, 31: STANCE}  # fmt: skip
    if fault == "knees_cave":
        half[25] = STANCE * (1 - 0.5 * u)
    for i, h in half.items():
        for side, sign in ((0, -1), (1, 1)):
            lm[i + side, 2] = side_pose[i + side, 0] - 0.5  # forward: into the picture
            lm[i + side, 0] = 0.5 + sign * h
    if fault == "shift":
        for i in (11, 12, 13, 14, 15, 16, 23, 24):
            lm[i, 0] += 2 * STANCE * 0.4 * u  # 40% of the stance over to one side
    for i in range(11):
        lm[i, 0], lm[i, 2] = 0.5 + 0.005 * (i % 3), side_pose[i, 0] - 0.5
    return lm


def squat_set(reps: int, fault: str = ""):
    """Stand, then `reps` squats, then stand: a script of (duration_s, (u, lean) from,
    (u, lean) to) segments and the times the reps reach standing. `fault`: "shallow" (hips
    stay above the knees), "hips_up" (out of the bottom the hips rise while the chest falls),
    "soft_top" (never standing tall between reps)."""
    bottom = (1.0, 35.0)
    top = (0.35, 25.0) if fault == "soft_top" else (0.0, 3.0)
    stand = (0.0, 3.0)
    script = [(1.0, stand, stand), (0.5, stand, top)]
    tops, t = [], 1.5
    for _ in range(reps):
        script += [(1.0, top, bottom), (0.3, bottom, bottom)]
        if fault == "hips_up":
            script += [(0.4, bottom, (0.3, 80.0)), (0.6, (0.3, 80.0), top)]
        else:
            script += [(1.0, bottom, top)]
        script += [(0.6, top, top)]
        tops.append(t + 1.0 + 0.3 + 1.0)
        t += 1.0 + 0.3 + 1.0 + 0.6
    # the set ends standing tall (a soft-topped set ends as it went: the last top judged too)
    script += [(1.0, top, top)] if fault == "soft_top" else [(0.5, top, stand), (1.0, stand, stand)]
    return script, tops


def squat_track(
    script,
    fps: float = 30.0,
    thigh_bottom: float = DEEP_THIGH_DEG,
    front: str | None = None,
    heels: bool = False,
):
    """Follow a squat_set script: times, landmarks (N, 33, 4), found, and world landmarks
    (N, 33, 3: the picture's coordinates with depth, y down, as MediaPipe's). `front`: seen
    from the front (squat_front), "" for a clean squat or the fault it shows; `heels`: from
    the side, the heels rising off the floor at the bottom."""
    total = sum(d for d, _, _ in script)
    times = np.arange(0, total, 1.0 / fps)
    lms = []
    for t in times:
        acc = 0.0
        for k, (d, a, b) in enumerate(script):
            if t < acc + d or k == len(script) - 1:
                w = 0.5 - 0.5 * np.cos(np.pi * min(max((t - acc) / d, 0.0), 1.0))
                u, lean = (a[j] + (b[j] - a[j]) * w for j in range(2))
                break
            acc += d
        pose = squat_pose(u, lean, thigh_bottom)
        if front is not None:
            pose = squat_front(pose, u, front)
        elif heels:
            pose[29:31, 1] -= 0.08 * u  # the heels ~0.13 standing heights up at the bottom
        lms.append(pose)
    lm = np.array(lms)
    world = lm[..., :3].copy()
    world -= (world[:, 23:24] + world[:, 24:25]) / 2
    return times, lm, np.ones(len(times), bool), world
