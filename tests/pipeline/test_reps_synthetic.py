"""Rep counting on synthetic landmark tracks with known boundaries, and a synthetic set per
fault of the squat and the bench press (each registered fault named on a set that shows it,
not on a clean one)."""

import numpy as np
import pytest

from core import lifts
from core.lifts.recognise import segment_reps
from core.pipeline.steps import find_reps, reps_faults, reps_kinematics
from core.result import VideoInfo
from core.video.timebase import resample
from tests.pipeline.synthetic import (
    DEEP_THIGH_DEG,
    SHALLOW_THIGH_DEG,
    deadlift_set,
    squat_set,
    squat_track,
    track,
)
from tests.pipeline.synthetic_bench import bench_set


def count(times, lm, found):
    timeline = resample(times, lm, found)
    return segment_reps(timeline.landmarks)


@pytest.mark.parametrize("reps", [1, 3, 8])
def test_counts_every_pull_and_finds_its_lockout(reps):
    script, lockouts = deadlift_set(reps)
    seg = count(*track(script))
    assert seg.exercise.name == "deadlift"
    assert len(seg.spans) == reps
    got = [s.lockout / 30 for s in seg.spans]
    assert np.allclose(got, lockouts, atol=0.25)
    assert all(s.start < s.lockout < s.end for s in seg.spans)


@pytest.mark.parametrize("fps", [10.0, 24.0, 25.0, 29.97, 60.0])
def test_frame_rate_does_not_change_the_count_or_times(fps):
    script, lockouts = deadlift_set(4)
    seg = count(*track(script, fps=fps))
    assert len(seg.spans) == 4
    assert np.allclose([s.lockout / 30 for s in seg.spans], lockouts, atol=0.25)


def test_noise_and_short_dropouts_do_not_add_or_lose_reps():
    script, lockouts = deadlift_set(5)
    gaps = [(lockouts[1] - 0.1, lockouts[1] + 0.1), (lockouts[3] + 0.5, lockouts[3] + 0.7)]
    seg = count(*track(script, noise=0.006, gaps=gaps, seed=3))
    assert len(seg.spans) == 5


def test_a_long_gap_is_not_bridged_into_a_fake_rep():
    timeline = resample(*track([(1, 0, 0), (1, 0, 1), (1, 1, 1), (1, 1, 0)], gaps=[(1.2, 3.5)]))
    assert not timeline.valid[int(1.5 * 30) : int(3.3 * 30)].any()


def test_where_the_lifter_stands_and_how_big_they_are_do_not_matter():
    script, _ = deadlift_set(3)
    for x0, s in [(-0.2, 0.5), (0.15, 0.7), (0.0, 1.2)]:
        assert len(count(*track(script, x0=x0, s=s)).spans) == 3


def test_lockout_holds_and_setup_are_not_reps():
    script = [(1, 0, 0), (3, 0, 1), (1, 1, 1), (2, 1, 0.9), (1, 0.9, 1), (1, 1, 0), (6, 0, 0.05)]
    script += [(0.2, 0.05, 0), (1, 0, 1), (1, 1, 1), (1, 1, 0), (0.5, 0, 0), (1, 0, 1)]
    seg = count(*track(script))
    assert len(seg.spans) == 2  # setup wobbles at the bar and a long wobbly hold count nothing


def test_a_last_rise_never_lowered_counts_unless_the_arms_show_no_bar_was_held():
    script, _ = deadlift_set(2)
    script += [(1.0, 1, 0), (0.5, 0, 0)]  # down to the floor, up again, the clip ends
    # Arms straight at the top as in every pull: a last rep whose lowering was cut off.
    times, lm, found = track(script)
    timeline = resample(times, lm, found)
    seg = segment_reps(timeline.landmarks, world=timeline.landmarks[:, :, :3])
    assert len(seg.spans) == 3
    assert seg.spans[-1].complete is False
    assert seg.spans[-1].evidence["lowering"] == "cut off by the end of the clip"
    assert seg.spans[-1].confidence < seg.spans[0].confidence
    # Elbows bent at the top, hands on the hips: the lifter stood up without the bar.
    stand_at = sum(d for d, _, _ in script[:-1])
    times, lm, found = track(script, arms_bend_after=stand_at)
    timeline = resample(times, lm, found)
    seg = segment_reps(timeline.landmarks, world=timeline.landmarks[:, :, :3])
    assert len(seg.spans) == 2
    assert [c.kind for c in seg.candidates] == ["stood_up"]
    assert "stood up after setting the bar down" in seg.candidates[0].reason


def test_a_last_rep_cut_off_while_lowering_counts_and_is_marked_incomplete():
    script, _ = deadlift_set(2)
    script = script[:-2] + [(0.4, 0, 0.5)]  # clip ends halfway down the last rep
    seg = count(*track(script))
    assert len(seg.spans) == 2
    assert seg.spans[-1].complete is False
    assert seg.spans[0].complete is True


def test_a_squat_is_not_a_deadlift():
    """The hands at the shoulders while the hips go down and up: not the deadlift's reps but
    the squat's, judged (before the squat was a lift: told "a squat" and refused)."""
    script, _ = deadlift_set(3)
    seg = count(*track(script, hands="shoulders"))
    assert seg.lift == "squat" and len(seg.spans) == 3
    assert seg.exercise.name == "squat" and seg.exercise.is_deadlift  # judged
    assert "Squat, 3 reps" in seg.exercise.message


@pytest.mark.parametrize("reps", [1, 3, 5])
def test_a_squat_set_is_counted_and_named_a_squat(reps):
    script, tops = squat_set(reps)
    times, lm, found, world = squat_track(script)
    seg = segment_reps(resample(times, lm, found).landmarks, world)
    assert (seg.lift, seg.exercise.name, len(seg.spans)) == ("squat", "squat", reps)
    assert seg.exercise.judged
    # standing, the bottom (the turn), standing again: the rep ends as the lifter stands
    assert np.allclose([s.end / 30 for s in seg.spans], tops, atol=0.35)
    assert all(s.start < s.lockout < s.end and s.complete for s in seg.spans)


def test_a_mirrored_squat_set_counts_the_same():
    script, _ = squat_set(3)
    times, lm, found, world = squat_track(script)
    mirrored = lm.copy()
    mirrored[..., 0] = 1 - mirrored[..., 0]
    seg = segment_reps(resample(times, mirrored, found).landmarks)
    assert (seg.lift, len(seg.spans)) == ("squat", 3)


@pytest.mark.parametrize("reps", [1, 3])
def test_a_deadlift_set_is_still_a_deadlift_with_the_squat_judged(reps):
    script, _ = deadlift_set(reps)
    seg = count(*track(script))
    assert (seg.lift, seg.exercise.name, len(seg.spans)) == ("deadlift", "deadlift", reps)


def test_a_curl_is_counted_as_a_curl_not_a_deadlift():
    seg = count(*track([(10, 0, 0)], curl_cycles=5))
    assert (seg.lift, seg.exercise.name, len(seg.spans)) == ("curl", "curl", 5)
    assert "not judged for form" in seg.exercise.message


def test_an_overhead_press_is_counted_as_one_not_a_curl():
    seg = count(*track([(10, 0, 0)], hands="press", curl_cycles=4))
    assert (seg.lift, seg.exercise.name, len(seg.spans)) == ("overhead_press", "overhead_press", 4)
    assert "not judged for form" in seg.exercise.message
    assert next(iter(seg.exercise.probabilities)) == "overhead_press"


def test_waving_at_the_camera_and_standing_count_nothing():
    seg = count(*track([(5, 0, 0)], hands="wave"))
    assert seg.spans == [] and not seg.exercise.is_deadlift


# ---- a synthetic set per fault of the squat and the bench press, from the registry ----------
# Each fault of these lifts (core.lifts: their FaultSpecs) has a builder of a synthetic set
# that shows it and one of a clean set from the same camera: (landmarks, world) each, on the
# 30 fps grid. A fault declared without one fails the test below, with its name.
def _squats(kind: str = "", thigh: float = DEEP_THIGH_DEG, **kw):
    """A set of 3 squats (squat_set's `kind`), seen from the side or (`front`) the front."""
    script, _ = squat_set(3, kind)
    _, lm, _, world = squat_track(script, thigh_bottom=thigh, **kw)
    return lm, world


def _front_squats(fault: str = ""):
    return _squats(front=fault)


def _bench(**kw):
    _, lm, world = bench_set(3, **kw)
    return lm, world


def _front_bench(**kw):
    return _bench(view="front", **kw)


FAULT_SETS = {
    "squat": {
        "above_parallel": (lambda: _squats(thigh=SHALLOW_THIGH_DEG), _squats),  # hips high
        "hips_shoot_up": (lambda: _squats("hips_up"), _squats),  # the chest falls forward
        "knees_cave": (lambda: _front_squats("knees_cave"), _front_squats),  # knees drawn in
        "shift": (lambda: _front_squats("shift"), _front_squats),  # hips over one foot
        "heels_lift": (lambda: _squats(heels=True), _squats),  # heels up at the bottom
        "incomplete_lockout": (lambda: _squats("soft_top"), _squats),  # never standing tall
    },
    "bench_press": {
        "bench_lockout_not_finished": (lambda: _bench(top=0.20), _bench),  # elbows stay bent
        "bar_not_to_chest": (lambda: _bench(chest=0.16), _bench),  # stops above the chest
        "one_side_lagging": (lambda: _front_bench(lag=0.3), _front_bench),  # right hand trails
        "touch_too_low": (lambda: _bench(touch=0.20), _bench),  # on the belly
        "touch_too_high": (lambda: _bench(touch=-0.01), _bench),  # toward the neck
        "hips_off_bench": (lambda: _bench(bridge=0.08), _bench),  # hips up, bar down
    },
}
REGISTERED = [(name, f.id) for name in FAULT_SETS for f in lifts.get(name).faults]


def judged(lm, world):
    """The pipeline's own steps on a 30 fps track: the reps (the registry's lift) and each
    rep's kinematics and named faults (core/pipeline/steps.py)."""
    n = len(lm)
    info = VideoInfo(
        path="synthetic", frames=n, fps=30.0, width=1000, height=1000, duration_s=n / 30
    )
    angles, seg = find_reps(lm, world)
    kinematics = reps_kinematics(lm, angles, seg, info)
    return seg, reps_faults(lm, world, angles, seg, kinematics, None)


@pytest.mark.parametrize(("lift", "fault"), REGISTERED, ids=[f"{a}-{b}" for a, b in REGISTERED])
def test_every_fault_has_a_synthetic_set_that_names_it_and_a_clean_one_that_does_not(lift, fault):
    builders = FAULT_SETS[lift].get(fault)
    assert builders, f"{lift}'s fault {fault!r} has no synthetic set: add one to FAULT_SETS"
    showing, clean = builders
    seg, checks = judged(*showing())
    assert (seg.lift, seg.exercise.name, len(checks)) == (lift, lift, 3), seg.exercise.message
    assert all(c.faults == [fault] for c in checks), [(c.faults, c.not_judged) for c in checks]
    assert checks[0].evidence[fault]["says"] and checks[0].evidence[fault]["detected"]
    seg, checks = judged(*clean())
    assert (seg.lift, len(checks)) == (lift, 3), seg.exercise.message
    for check in checks:  # measured on the clean set (not just left out), and not named
        assert fault in check.evidence and not check.evidence[fault]["detected"], check.evidence
        assert fault not in check.faults, check.faults


def test_no_synthetic_set_is_kept_for_a_fault_no_longer_registered():
    assert {(a, b) for a, c in FAULT_SETS.items() for b in c} == set(REGISTERED)
