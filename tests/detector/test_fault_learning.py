"""Per-fault thresholds learnt from coaches' tags (detector/faults.py), and their report."""

from core.detector.faults import FaultExample, fault_report, learn_thresholds
from core.lifts.faults import DEFAULT_RULES


def _rep(share: float, truth: set[str], view: str = "side") -> FaultExample:
    evidence = {"hips_rise_first": {"value": share, "threshold": 0.22}}
    return FaultExample(evidence, truth, view)


def test_a_threshold_is_learnt_where_this_platforms_coaches_draw_the_line():
    # These coaches tag hips-first up to 0.30 (the default, 0.22, would miss most).
    tagged = [_rep(v, {"hips_rise_first"}) for v in (0.10, 0.18, 0.24, 0.27, 0.29)]
    good = [_rep(v, set()) for v in (0.33, 0.38, 0.41, 0.45, 0.50)]
    learnt = learn_thresholds(tagged + good)
    assert set(learnt) == {"hips_rise_first"}
    row = learnt["hips_rise_first"]
    assert 0.29 < row["threshold"] < 0.33 and row["balanced_accuracy"] == 1.0
    assert (row["tagged"], row["good"], row["default"]) == (5, 5, 0.22)

    report = fault_report(tagged + good, {"hips_rise_first": row["threshold"]})
    hips = report["per_fault"]["hips_rise_first"]
    assert (hips["tp"], hips["fp"], hips["fn"], hips["tn"]) == (5, 0, 0, 5)
    assert report["by_view"] == {"side": {"reps": 10, "right": 10}}
    default = fault_report(tagged + good)["per_fault"]["hips_rise_first"]
    assert default["recall"] == 0.4  # the default catches 2 of these 5


def test_too_few_tagged_reps_keep_the_default():
    few = [_rep(0.1, {"hips_rise_first"})] * 4 + [_rep(0.4, set())] * 10
    assert learn_thresholds(few) == {}
    assert DEFAULT_RULES["hips_rise_first"].threshold == 0.22


def test_a_camera_view_gets_its_own_line_only_where_its_reps_need_one():
    from core.detector.faults import thresholds_of
    from core.lifts.faults import decide

    # From the side these coaches' line is at 0.30; from the front-3/4 the same lifts read
    # lower (the hips' rise foreshortened) and their line is at 0.20.
    # Most reps are filmed from the side: the line learnt from all of them is theirs.
    side = [_rep(v, {"hips_rise_first"}) for v in (0.10, 0.18, 0.24, 0.27, 0.29)] * 2
    side += [_rep(v, set()) for v in (0.33, 0.38, 0.41, 0.45, 0.50)] * 2
    oblique = [_rep(v, {"hips_rise_first"}, "oblique") for v in (0.05, 0.08, 0.12, 0.15, 0.17)]
    oblique += [_rep(v, set(), "oblique") for v in (0.22, 0.25, 0.26, 0.28, 0.30)]
    learnt = learn_thresholds(side + oblique)["hips_rise_first"]
    assert 0.29 < learnt["threshold"] < 0.33
    assert set(learnt["views"]) == {"oblique"}  # the side's reps need no line of their own
    own = learnt["views"]["oblique"]
    assert 0.17 < own["threshold"] < 0.22 and own["balanced_accuracy"] == 1.0
    assert (own["tagged"], own["good"]) == (5, 5)

    lines = thresholds_of({"hips_rise_first": learnt})
    assert lines == {"hips_rise_first@side": learnt["threshold"],
                     "hips_rise_first@oblique": own["threshold"]}  # fmt: skip
    # A 0.25 rep: good from the front-3/4, a fault from the side by this platform's lines;
    # from the front no rep taught a line: the default's (0.22) decides.
    evidence = {"hips_rise_first": {"value": 0.25, "threshold": 0.22}}
    assert decide(evidence, lines, "oblique")[0] == []
    assert decide(evidence, lines, "side")[0] == ["hips_rise_first"]
    assert decide(evidence, lines, "front")[0] == []
    assert decide(evidence, lines, "front")[1]["hips_rise_first"]["threshold"] == 0.22
    report = fault_report(side + oblique, lines)
    assert report["by_view"]["oblique"] == {"reps": 10, "right": 10}
    pooled_only = fault_report(side + oblique, {"hips_rise_first": learnt["threshold"]})
    assert pooled_only["by_view"]["oblique"]["right"] < 10
