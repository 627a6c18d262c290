"""The review page's graph series (pipeline/angle_series.py) on stick figures whose angles
are known: straight legs read knee 180, a 45 degree hinge reads hip 135 and trunk 45, frames
without a pose stay gaps, and track frames land on their input frames' times."""

import math

import numpy as np
import pytest

from core.reps.angle_series import MAX_POINTS, angle_series

# MediaPipe-like world landmarks (metres, y down, hips at the origin): index -> (x, y, z)
# for one side; the other side mirrors z.
SIDE = {"shoulder": 11, "elbow": 13, "wrist": 15, "hip": 23, "knee": 25, "ankle": 27}


def _figure(lean_deg: float) -> np.ndarray:
    """(33, 3) a lifter with straight legs, the trunk leaning `lean_deg` forward from the
    hips (0 = standing tall), arms hanging straight down from the shoulders."""
    lean = math.radians(lean_deg)
    trunk = 0.5 * np.array([math.sin(lean), -math.cos(lean), 0.0])
    shoulder = trunk
    pts = {
        "shoulder": shoulder,
        "elbow": shoulder + (0, 0.3, 0),
        "wrist": shoulder + (0, 0.6, 0),
        "hip": np.zeros(3),
        "knee": np.array([0.0, 0.45, 0.0]),
        "ankle": np.array([0.0, 0.9, 0.0]),
    }
    world = np.zeros((33, 3))
    world[:11] = shoulder + 0.25 * trunk / np.linalg.norm(trunk)  # the face, above the shoulders
    for name, i in SIDE.items():
        for side, dz in ((0, -0.12), (1, 0.12)):
            world[i + side] = pts[name] + (0, 0, dz)
    for i in (17, 19, 21):  # hands
        world[i], world[i + 1] = world[15], world[16]
    for i in (29, 31):  # heels and toes
        world[i] = world[27] + (0.05 * (i == 31), 0.02, 0)
        world[i + 1] = world[28] + (0.05 * (i == 31), 0.02, 0)
    return world


def _track(leans: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """World landmarks and normalized image landmarks (a side view, visibility 0.99)."""
    world = np.stack([_figure(a) for a in leans])
    lm = np.concatenate([world[..., :2] * 0.4 + 0.5, np.full((*world.shape[:2], 2), 0.99)], -1)
    lm[..., 2] = 0.0
    return lm, world


def test_straight_legs_read_180_and_a_hinge_reads_its_angle():
    lm, world = _track([0.0] * 20 + [45.0] * 20)
    times = np.arange(40) / 30
    s = angle_series(lm, world, np.arange(40), times)
    assert len(s.t) == len(s.hip) == len(s.knee) == len(s.trunk) == len(s.bar) == 40
    assert s.t[:3] == [0.0, 0.033, 0.067]
    assert s.knee == [180.0] * 40 and s.elbow == [180.0] * 40  # arms hanging straight
    assert s.hip[:20] == [180.0] * 20 and s.trunk[:20] == [0.0] * 20
    assert s.hip[-1] == pytest.approx(135.0, abs=0.1)
    assert s.trunk[-1] == pytest.approx(45.0, abs=0.1)
    # The hands hang lower as the lifter hinges (standing heights, above the ankles).
    assert s.bar[5] is not None and s.bar[-5] is not None and s.bar[-5] < s.bar[5]
    assert all(isinstance(v, float) for v in s.hip)  # JSON-ready, not numpy scalars


def test_frames_without_a_pose_are_gaps_not_zeros():
    lm, world = _track([10.0 * (k % 5) for k in range(60)])
    lm[20:30], world[20:30] = np.nan, np.nan
    s = angle_series(lm, world, np.arange(60), np.arange(60) / 30)
    for name in ("hip", "knee", "trunk", "bar"):
        values = getattr(s, name)
        assert values[20:30] == [None] * 10, name
        assert None not in values[:15] and None not in values[35:], name
    assert s.t[20:30] == [round(k / 30, 3) for k in range(20, 30)]  # the time axis goes on


def test_track_frames_land_on_their_input_frames_times_once_each():
    # A 25 fps clip on the 30 fps grid: some input frames stand for two track frames; the
    # played file's first frame is at 0.034 s.
    lm, world = _track([20.0] * 30)
    source = np.round(np.arange(30) / 30 * 25).astype(int)
    frame_times = 0.034 + np.arange(26) / 25
    s = angle_series(lm, world, source, frame_times)
    assert s.t == [round(0.034 + f / 25, 3) for f in sorted(set(source.tolist()))]
    assert s.t == sorted(set(s.t))


def test_a_long_set_is_thinned_to_the_cap_keeping_both_ends():
    n = 3 * MAX_POINTS + 7
    lm, world = _track([30.0 * abs(math.sin(k / 40)) for k in range(n)])
    s = angle_series(lm, world, np.arange(n), np.arange(n) / 30)
    assert len(s.t) == MAX_POINTS
    assert s.t[0] == 0.0 and s.t[-1] == round((n - 1) / 30, 3)
    assert all(b > a for a, b in zip(s.t, s.t[1:], strict=False))
    assert set(s.as_dict()) == {"t", "hip", "knee", "trunk", "elbow", "bar"}


def test_an_empty_or_mismatched_track_gives_no_series():
    lm, world = _track([0.0] * 5)
    assert angle_series(lm[:0], world[:0], np.arange(0), [0.0]).t == []
    assert angle_series(lm, world[:4], np.arange(5), np.arange(5) / 30).t == []
    assert angle_series(lm, world, np.arange(5), []).t == []
