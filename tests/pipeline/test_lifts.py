"""The lift registry: each lift declares its faults once, and what reads fault ids (the
pipeline's rules, the coach's tags, the personal baseline) reads them from there."""

from core import lifts
from core.detector.personal import MEASURES, rep_measures
from core.lifts.base import VIEWS
from core.lifts.faults import DEFAULT_RULES, FAULTS, LEARNABLE, LIMIT_FORMAT


def test_every_lift_declares_each_fault_once_with_a_cue_and_views():
    for lift in lifts.LIFTS.values():
        ids = [f.id for f in lift.faults]
        assert len(ids) == len(set(ids)), lift.name
        for fault in lift.faults:
            assert fault.label and fault.cue.endswith("."), fault.id
            assert fault.views and set(fault.views) <= set(VIEWS), fault.id
            assert fault.limit_format.format(fault.rule.threshold), fault.id


def test_the_coachs_tags_follow_the_declared_keys():
    keys = [f.key for f in lifts.all_faults()]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    assert [f.id for f in lifts.all_faults()][:2] == ["rounded_back", "hips_rise_first"]


def test_the_pipeline_reads_the_deadlifts_declarations():
    deadlift = lifts.get("deadlift")
    assert tuple(f.id for f in deadlift.faults) == FAULTS
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
