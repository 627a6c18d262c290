"""Fast tests of the detector's parts that need no TensorFlow."""

from __future__ import annotations

import numpy as np
import pytest

from core.detector import calibration as cal
from core.detector.data import group_of, split_by_group
from core.detector.density import GaussianKDE, select_bandwidth
from core.detector.evaluation import LABELS, evaluate, format_report
from core.detector.joints import (
    JOINT_NAMES,
    ROW_LANDMARKS,
    joint_deviation,
    rows_of,
    top_joints,
)


def test_row_walk_covers_the_body_and_maps_joints() -> None:
    assert len(ROW_LANDMARKS) == 45
    assert len(JOINT_NAMES) == 23  # nose + landmarks 11..32
    assert rows_of("left knee") == [35, 41]
    assert rows_of("nose") == [0, 22, 44]
    ratio = np.ones((1, 45))
    ratio[0, [35, 41]] = 5.0
    ratio[0, 36] = 3.0  # left ankle has three rows (36, 38, 40): its mean stays lower
    assert top_joints(joint_deviation(ratio), 2) == [["left knee", "left ankle"]]


def test_group_of_and_video_split_keep_videos_whole() -> None:
    assert group_of("deadlift10_rep_3_1_CaetanoOrientation.png") == "deadlift10"
    assert group_of("/x/anomaly5_rep_0_1.png") == "anomaly5"
    groups = [f"v{i // 3}" for i in range(30)]
    tr, held = split_by_group(groups, 0.2, seed=1)
    held_videos = {groups[i] for i in held}
    assert len(held_videos) == 2
    assert not held_videos & {groups[i] for i in tr}
    assert sorted(np.r_[tr, held].tolist()) == list(range(30))


def test_kde_matches_scikit_learn_gaussian_kernel_density() -> None:
    from sklearn.neighbors import KernelDensity

    rng = np.random.default_rng(0)
    pts = rng.normal(size=(60, 7)).astype(np.float16)
    query = rng.normal(size=(9, 7))
    ours = GaussianKDE(pts, 0.7).score_samples(query)
    ref = KernelDensity(bandwidth=0.7).fit(pts.astype(np.float64)).score_samples(query)
    np.testing.assert_allclose(ours, ref, rtol=1e-6)


def test_bandwidth_is_chosen_from_the_data() -> None:
    rng = np.random.default_rng(0)
    narrow = rng.normal(scale=0.1, size=(80, 5))
    wide = rng.normal(scale=3.0, size=(80, 5))
    h_narrow, curve = select_bandwidth(narrow)
    h_wide, _ = select_bandwidth(wide)
    assert h_wide > 10 * h_narrow
    best = int(np.argmax(curve["heldout_loglik"]))
    assert 0 < best < len(curve["bandwidth"]) - 1  # an interior optimum, not a grid edge


@pytest.mark.parametrize("far", [0.05, 0.1, 0.2])
def test_far_threshold_hits_its_false_alarm_rate_on_new_normals(far: float) -> None:
    rng = np.random.default_rng(3)
    calib, fresh = rng.normal(size=2000), rng.normal(size=20000)
    t = cal.far_threshold(calib, far)
    assert abs((fresh > t).mean() - far) < 0.02


def test_tuned_threshold_uses_labelled_anomalies_but_stays_on_the_far_grid() -> None:
    rng = np.random.default_rng(0)
    normal = rng.normal(size=400)
    far_only = cal.far_threshold(normal, 0.05)
    # Anomalies just above the 10% quantile: a 10% false-alarm rate catches them all.
    anomalies = np.full(60, cal.far_threshold(normal, 0.1) + 0.01)
    t = cal.tuned_threshold(normal, anomalies, 0.05)
    assert t < far_only and (anomalies > t).all()
    assert (normal > t).mean() == pytest.approx(0.1, abs=0.005)
    # Anomalies far above everything: the fewest false alarms on the grid cost nothing.
    assert cal.tuned_threshold(normal, np.full(10, 99.0), 0.05) == cal.far_threshold(normal, 0.01)


def test_score_map_is_monotone_bounded_and_centred_on_the_threshold() -> None:
    stat = np.linspace(-1e6, 1e6, 1001)
    s = cal.to_score(stat, threshold=3.0, scale=2.0)
    assert np.all(np.diff(s) >= 0) and s.min() >= 0 and s.max() <= 1
    assert cal.to_score(np.array([3.0]), 3.0, 2.0)[0] == pytest.approx(0.5)


def test_choose_weight_picks_the_informative_signal() -> None:
    rng = np.random.default_rng(0)
    noise = (rng.normal(size=50), rng.normal(size=50))
    anomalies = (rng.normal(size=20) + 5, rng.normal(size=20))  # only the error separates
    assert cal.choose_weight(noise, anomalies) >= 0.75
    assert cal.choose_weight(noise[::-1], anomalies[::-1]) <= 0.25  # only the density does


def test_report_has_accuracy_at_top_and_the_dissertation_classes() -> None:
    y = np.array([0, 0, 0, 1, 1])
    pred = np.array([0, 1, 0, 1, 1])
    rep = evaluate(y, pred, np.array([0.1, 0.6, 0.2, 0.9, 0.8]))
    assert rep["accuracy"] == pytest.approx(0.8)
    assert rep["Anomaly"]["recall"] == 1.0
    assert rep["Good Deadlift Form"]["support"] == 3
    assert rep["confusion_matrix"] == [[2, 1], [0, 2]]
    assert rep["roc_auc"] == 1.0
    text = format_report(y, pred, rep)
    assert all(label in text for label in LABELS) and "macro avg" in text
