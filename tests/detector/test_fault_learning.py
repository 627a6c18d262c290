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
