"""The personal baseline: a rep against the same athlete's reps a coach marked good."""

from core.detector.personal import PersonalBaseline, rep_measures


def _evidence(share: float, trunk: float, knee: float = 100.0) -> dict:
    return {
        "hips_rise_first": {"value": share},
        "knee_dominant": {"value": trunk, "knee_angle_deg": knee},
        "jerky": {"value": 0.0},  # not a baseline measure
    }


def test_measures_come_from_the_fault_evidence():
    assert rep_measures(_evidence(0.4, 50)) == {
        "hips_rise_first": 0.4, "knee_dominant": 50.0, "knee_angle_bottom": 100.0
    }  # fmt: skip
    assert rep_measures(None) == {}


def test_three_good_reps_make_a_baseline_and_a_departure_from_it_is_named():
    good = [rep_measures(_evidence(0.40 + d, 50 + 2 * d)) for d in (-0.02, 0.0, 0.02)]
    assert PersonalBaseline.fit(good[:2]) is None  # two are not enough
    baseline = PersonalBaseline.fit(good)
    assert baseline.reps == 3
    usual = baseline.compare(rep_measures(_evidence(0.42, 52)))
    assert usual == {"unusual": False, "deviations": [], "good_reps": 3}
    # Trunk far more upright than this athlete's good reps (spread floor 5 degrees).
    odd = baseline.compare(rep_measures(_evidence(0.41, 30)))
    assert odd["unusual"] and [d["measure"] for d in odd["deviations"]] == ["knee_dominant"]
    assert odd["deviations"][0]["says"].startswith("trunk lean at the bottom: 30° against 50°")


def test_a_measure_missing_from_a_rep_is_not_held_against_it():
    baseline = PersonalBaseline.fit([rep_measures(_evidence(0.4, 50))] * 3)
    assert baseline.compare({"knee_dominant": 51.0})["unusual"] is False
