"""The bench press on synthetic landmark tracks (tests/pipeline/synthetic_bench.py): a lying
lifter's set recognised and counted, a standing lift never taken for it nor it for one, and
each of its faults named on a set that shows it, none on a clean one."""

import pytest

from core import lifts
from core.lifts.bench import BENCH
from core.lifts.faults import check_rep, not_judged_reason
from core.lifts.kinematics import body_angles
from core.lifts.recognise import segment_reps
from core.video.timebase import resample
from tests.pipeline.synthetic import deadlift_set, track
from tests.pipeline.synthetic_bench import bench_set


def _judged(**kw):
    """The registry's segmentation of a synthetic bench set, and each rep's fault check."""
    _, lm, world = bench_set(3, **kw)
    seg = segment_reps(lm, world)
    angles = body_angles(world, lm)
    checks = [check_rep(s, lm, world, angles, {}, None, lift=BENCH) for s in seg.spans]
    return seg, checks


def test_a_bench_set_is_recognised_and_counted_rep_by_rep():
    seg, _ = _judged()
    assert seg.lift == seg.exercise.name == "bench_press" and seg.exercise.judged
    assert len(seg.spans) == 3 and all(s.complete for s in seg.spans)
    for span in seg.spans:  # lockout, down to the chest (the span's turn), back to lockout
        lowered = seg.signals.bar_lowered
        assert lowered[span.start] < 0.15 and lowered[span.lockout] > 0.7
        assert lowered[span.end] < 0.15
    # the unrack and the rack (a second at lockout each) are no reps
    assert seg.spans[0].start > 25 and seg.spans[-1].end < len(seg.signals.bar_lowered) - 25


def test_the_bench_is_counted_from_the_head_end_too():
    seg, checks = _judged(view="front")
    assert seg.lift == "bench_press" and len(seg.spans) == 3
    assert {c.camera_view for c in checks} == {"front"}


def test_a_deadlift_is_still_a_deadlift_and_a_bench_is_no_standing_lift():
    script, _ = deadlift_set(3)
    seg = segment_reps(resample(*track(script)).landmarks)
    assert (seg.lift, len(seg.spans)) == ("deadlift", 3)
    # the standing lifts' recognisers alone claim no rep of a lying lifter
    _, lm, world = bench_set(3)
    for name in ("deadlift", "squat"):
        if name in lifts.LIFTS:
            assert segment_reps(lm, world, lifts=(lifts.get(name),)).spans == [], name


def test_arms_moving_standing_up_are_no_bench_press():
    """A curl moves the arms of a standing body: the bench refuses it (not lying)."""
    script = [(6.0, 0.0, 0.0)]
    lm = resample(*track(script, curl_cycles=4)).landmarks
    seg = segment_reps(lm, lifts=(BENCH,))
    assert seg.spans == [] and seg.lift == ""


def test_a_clean_bench_set_names_no_fault_from_the_side_or_the_head_end():
    for view in ("side", "front"):
        _, checks = _judged(view=view)
        assert checks and all(c.faults == [] and not c.not_judged for c in checks), view
        assert all(c.evidence for c in checks)


@pytest.mark.parametrize(
    "fault, kw",
    [
        ("bench_lockout_not_finished", {"top": 0.20}),  # the elbows stay bent at the top
        ("bar_not_to_chest", {"chest": 0.16}),  # the hands stop well above the chest
        ("one_side_lagging", {"view": "front", "lag": 0.3}),  # the right hand trails
        ("touch_too_low", {"touch": 0.20}),  # the bar comes down on the belly
        ("touch_too_high", {"touch": -0.01}),  # toward the neck
        ("hips_off_bench", {"bridge": 0.08}),  # the hips rise with the bar down
    ],
)
def test_each_bench_fault_is_named_on_a_set_that_shows_it(fault, kw):
    seg, checks = _judged(**kw)
    assert seg.lift == "bench_press" and len(seg.spans) == 3
    assert all(c.faults == [fault] for c in checks), [c.faults for c in checks]
    e = checks[0].evidence[fault]
    assert e["detected"] and e["says"] and e["limit"].startswith("a fault")


def test_a_bench_rep_with_the_legs_out_of_the_picture_is_judged_on_the_arms():
    seg, checks = _judged(legs_out=True)
    span = seg.spans[0]
    _, lm, _ = bench_set(3, legs_out=True)
    assert "out of the picture" in not_judged_reason(lm[span.start : span.end + 1])  # a deadlift's
    assert all(not c.not_judged and c.faults == [] for c in checks)
    assert "bench_lockout_not_finished" in checks[0].evidence


def test_the_bench_is_registered_after_the_deadlift_which_stays_the_default():
    names = list(lifts.LIFTS)
    assert names[0] == "deadlift" and "bench_press" in names and lifts.DEFAULT.name == "deadlift"
    assert lifts.of_exercise("bench_press") is BENCH
    others = {f.key for lift in lifts.LIFTS.values() if lift is not BENCH for f in lift.faults}
    assert not others & {f.key for f in BENCH.faults}


def test_a_bench_reps_tempo_is_down_then_up_and_its_bar_reads_on_the_press():
    """A rep that goes down first: its eccentric is start -> chest, its concentric chest ->
    lockout (kinematics reads the span's turn as the bottom); the chart's bar is the press's
    height (1 at lockout), not a lying lifter's wrists in standing heights."""
    from core.lifts.kinematics import rep_kinematics

    _, lm, world = bench_set(3)
    seg = segment_reps(lm, world)
    angles = body_angles(world, lm)
    for span in seg.spans:
        k = rep_kinematics(span, lm, angles, seg.signals, 640, 360, BENCH)
        assert k["eccentric_s"] == round((span.lockout - span.start) / 30, 3)
        assert k["concentric_s"] == round((span.end - span.lockout) / 30, 3)
        assert k["elbow_angle_lockout_deg"] > k["elbow_angle_bottom_deg"]
    bar = BENCH.bar(seg.signals)
    first = seg.spans[0]
    assert bar[first.start] > 0.85 and bar[first.lockout] < 0.3
    assert BENCH.facts == ("elbow",)  # the rep card shows the arms, no trunk "from upright"
