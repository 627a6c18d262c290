"""The lift registry: each lift declares its faults once, and what reads fault ids (the
pipeline's rules, the coach's tags, the personal baseline) reads them from there."""

import pytest

from core import lifts
from core.detector.personal import MEASURES, rep_measures
from core.lifts.base import VIEWS
from core.lifts.faults import DEFAULT_RULES, FAULTS, LEARNABLE, LIMIT_FORMAT


def test_every_lift_declares_each_fault_once_with_a_cue_a_drill_and_views():
    for lift in lifts.LIFTS.values():
        ids = [f.id for f in lift.faults]
        assert len(ids) == len(set(ids)), lift.name
        for fault in lift.faults:
            assert fault.label and fault.cue.endswith("."), fault.id
            assert fault.drill.endswith(".") and fault.drill != fault.cue, fault.id
            assert fault.views and set(fault.views) <= set(VIEWS), fault.id
            assert fault.limit_format.format(fault.rule.threshold), fault.id


def test_the_coachs_tags_follow_the_declared_keys():
    keys = [f.key for f in lifts.all_faults()]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    assert [f.id for f in lifts.all_faults()][:2] == ["rounded_back", "hips_rise_first"]


def test_the_pipeline_reads_the_deadlifts_declarations():
    deadlift = lifts.get("deadlift")
    # every lift's faults, the deadlift's first (the registry's order)
    assert tuple(f.id for f in deadlift.faults) == FAULTS[: len(deadlift.faults)]
    assert DEFAULT_RULES["hips_rise_first"] is deadlift.fault("hips_rise_first").rule
    assert "incomplete_lockout" not in LEARNABLE and "jerky" in LEARNABLE
    assert set(LIMIT_FORMAT) == set(FAULTS)


def test_the_personal_baseline_reads_each_measure_from_its_faults_evidence():
    assert "knee_angle_bottom" in MEASURES and "jerky" not in MEASURES
    evidence = {
        "knee_dominant": {"value": 30.0, "knee_angle_deg": 95.0},
        "jerky": {"value": 0.1},
        "bar_drift": {"value": True},  # not a number: left out
    }
    assert rep_measures(evidence) == {"knee_dominant": 30.0, "knee_angle_bottom": 95.0}


def test_every_fault_is_measured_by_its_lift():
    for lift in lifts.LIFTS.values():
        assert all(callable(f.measure) for f in lift.faults), lift.name
        assert lift.rise.bottom_zone < lift.rise.top_zone and callable(lift.recognise)


def test_the_recogniser_asks_each_lift_in_turn_and_names_the_lifts_judged():
    """A clip is the first lift's with reps in it; with none, it is told against the lifts
    judged (their labels), whichever lifts are registered."""
    from dataclasses import replace

    from core.lifts.base import Seen
    from core.lifts.recognise import segment_reps
    from core.result import Exercise
    from core.video.timebase import resample
    from tests.pipeline.synthetic import deadlift_set, track

    deadlift = lifts.get("deadlift")
    shy = replace(deadlift, name="shy", label="Shy pull", recognise=lambda r, k: Seen([]))
    keen = replace(
        deadlift,
        name="keen",
        recognise=lambda r, k: Seen(r.spans, Exercise("keen", True, "Keen.")),
    )
    script, _ = deadlift_set(3)
    lm = resample(*track(script)).landmarks
    assert segment_reps(lm).lift == "deadlift"
    seg = segment_reps(lm, lifts=(shy, deadlift))
    assert (seg.lift, seg.exercise.name, len(seg.spans)) == ("deadlift", "deadlift", 3)
    seg = segment_reps(lm, lifts=(keen, deadlift))
    assert (seg.lift, seg.exercise.name, len(seg.spans)) == ("keen", "keen", 3)
    seg = segment_reps(lm, lifts=(shy,))
    assert seg.spans == [] and seg.lift == "" and not seg.exercise.is_deadlift
    assert seg.exercise.message.startswith("No shy pull rep was seen")
    squat = resample(*track(script, hands="shoulders")).landmarks
    assert (
        "not a shy pull or deadlift" in segment_reps(squat, lifts=(shy, deadlift)).exercise.message
    )


def test_the_squat_is_judged_after_the_deadlift_which_stays_the_default():
    from core.lifts.squat import SQUAT

    order = list(lifts.LIFTS)
    assert order[0] == "deadlift" and "squat" in order[1:]
    assert lifts.DEFAULT is lifts.get("deadlift")
    assert lifts.get("squat") is SQUAT and lifts.of_exercise("squat") is SQUAT
    assert lifts.of_exercise("deadlift") is lifts.DEFAULT
    deadlift_ids = {f.id for f in lifts.get("deadlift").faults}
    # Its own faults' ids and tags; standing tall at the top is one fault with the deadlift's.
    own = [f for f in SQUAT.faults if f.id not in deadlift_ids]
    assert {f.id for f in own} >= {"above_parallel", "hips_shoot_up"}
    assert SQUAT.fault("incomplete_lockout") is lifts.get("deadlift").fault("incomplete_lockout")
    assert not {f.key for f in own} & {f.key for f in lifts.get("deadlift").faults}


def _judge_squats(script, **kw):
    """Each rep of a synthetic squat set through the pipeline's own steps: the lift's
    segmentation, kinematics and faults."""
    from core.lifts.faults import check_rep
    from core.lifts.kinematics import body_angles, rep_kinematics
    from core.lifts.recognise import segment_reps
    from tests.pipeline.synthetic import squat_track

    _, lm, _, world = squat_track(script, **kw)
    angles = body_angles(world, lm)
    seg = segment_reps(lm, world, knee_angles=angles["knee"])
    squat = lifts.get(seg.lift)
    checks = []
    for span in seg.spans:
        kin = rep_kinematics(span, lm, angles, seg.signals, 1000, 1000, squat)
        checks.append(check_rep(span, lm, world, angles, kin, None, lift=squat))
    return seg, checks


def test_a_clean_synthetic_squat_set_names_no_fault():
    from tests.pipeline.synthetic import squat_set

    script, _ = squat_set(3)
    seg, checks = _judge_squats(script)
    assert seg.lift == "squat" and len(checks) == 3
    for check in checks:
        assert check.camera_view == "side" and not check.not_judged
        assert check.faults == [], check.evidence
        assert {"above_parallel", "hips_shoot_up", "incomplete_lockout"} <= set(check.evidence)


@pytest.mark.parametrize(
    ("fault", "kind", "bottom"),
    [
        ("above_parallel", "", "shallow"),
        ("hips_shoot_up", "hips_up", "deep"),
        ("incomplete_lockout", "soft_top", "deep"),
    ],
)
def test_each_squat_fault_is_named_on_a_synthetic_set_that_shows_it(fault, kind, bottom):
    from tests.pipeline.synthetic import DEEP_THIGH_DEG, SHALLOW_THIGH_DEG, squat_set

    script, _ = squat_set(3, kind)
    thigh = SHALLOW_THIGH_DEG if bottom == "shallow" else DEEP_THIGH_DEG
    seg, checks = _judge_squats(script, thigh_bottom=thigh)
    assert seg.lift == "squat" and len(checks) == 3
    for check in checks:
        assert check.faults == [fault], check.evidence
        assert check.evidence[fault]["says"]


def test_the_sumo_deadlift_and_the_paused_bench_are_told_as_variants_and_judged_alike():
    """A pull with the feet twice the shoulders' width apart is a sumo deadlift; a bench
    press holding the bar on the chest for over a second is a paused bench press. Both are
    counted and judged as their lift (of_exercise)."""
    from core.lifts.recognise import segment_reps
    from core.video.timebase import resample
    from tests.pipeline.synthetic import deadlift_set, track
    from tests.pipeline.synthetic_bench import bench_set

    script, _ = deadlift_set(3)
    lm = resample(*track(script)).landmarks
    world = lm[..., :3].copy()
    assert segment_reps(lm, world).exercise.name == "deadlift"
    shoulders = abs(world[0, 11, 2] - world[0, 12, 2])
    world[:, 27, 2], world[:, 28, 2] = -1.25 * shoulders, 1.25 * shoulders  # 2.5 widths
    seg = segment_reps(lm, world)
    assert (seg.exercise.name, seg.lift, len(seg.spans)) == ("sumo_deadlift", "deadlift", 3)
    assert lifts.of_exercise("sumo_deadlift") is lifts.get("deadlift")
    _, lm, world = bench_set(3)
    assert segment_reps(lm, world).exercise.name == "bench_press"  # a touch: 0.15 s
    _, lm, world = bench_set(3, pause=1.5)
    seg = segment_reps(lm, world)
    assert (seg.exercise.name, seg.lift, len(seg.spans)) == ("paused_bench_press", "bench_press", 3)
    assert lifts.of_exercise("paused_bench_press") is lifts.get("bench_press")


def test_each_lift_is_the_likeliest_on_a_set_of_it_with_probabilities_that_add_up():
    """The probabilities come from the set's posture (lifts/posture.py), every registered lift
    and "other" beside it: a pull, a squat and a bench press each make their own lift the
    likeliest and the others unlikely; so does a curl (arms only, standing)."""
    from core.lifts.recognise import segment_reps
    from core.video.timebase import resample
    from tests.pipeline.synthetic import deadlift_set, squat_set, squat_track, track
    from tests.pipeline.synthetic_bench import bench_set

    script, _ = deadlift_set(3)
    _, lm, world = bench_set(3)
    _, squat, _, squat_world = squat_track(squat_set(3)[0])  # on the 30 fps grid already
    sets = {
        "deadlift": (resample(*track(script)).landmarks, None),
        "squat": (squat, squat_world),
        "bench_press": (lm, world),
        "curl": (resample(*track([(6.0, 0.0, 0.0)], curl_cycles=4)).landmarks, None),
    }
    for name, (lm, world) in sets.items():
        odds = segment_reps(lm, world).exercise.probabilities
        assert set(odds) == {*lifts.LIFTS, "other"}, name
        assert abs(sum(odds.values()) - 1.0) < 0.03, (name, odds)
        assert next(iter(odds)) == name and odds[name] >= 0.8, (name, odds)
