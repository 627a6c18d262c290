"""Choosing between versions (split, reports, the rule that a new version beats the active
one) on plain arrays and stand-in judges: no database, no TensorFlow."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from core.detector import AnomalyDetector
from core.detector.selection import (
    ActiveVersion,
    beats,
    comparable,
    compare_versions,
    heldout_report,
    next_version_name,
    split_by_video,
    summary,
    training_hashes,
)
from core.result import Judgement


class ScoreJudge:
    """Scores each 'image' by its first value; anomalous above 0.5."""

    def judge(self, images, views=None):
        return [
            Judgement("anomalous" if s > 0.5 else "good", float(s), 0.5, [])
            for s in np.asarray(images)[:, 0]
        ]


def test_split_by_video_holds_out_whole_videos_of_each_kind():
    groups = np.array([f"good{i // 4}" for i in range(40)] + [f"bad{i // 4}" for i in range(20)])
    labels = np.array([False] * 40 + [True] * 20)
    train, held = split_by_video(groups, labels, seed=3)
    assert sorted(np.r_[train, held].tolist()) == list(range(60))
    assert not set(groups[train]) & set(groups[held])
    assert labels[held].any() and (~labels[held]).any()
    assert len(set(groups[held])) == 3  # a fifth of 10 good videos, a fifth of 5 bad ones
    again = split_by_video(groups, labels, seed=3)
    assert np.array_equal(again[0], train) and np.array_equal(again[1], held)


def test_a_video_counts_as_the_kind_most_of_its_reps_are():
    groups = np.array(["a", "a", "a", "b", "b", "c", "c"])
    labels = np.array([True, False, False, True, True, False, False])
    train, held = split_by_video(groups, labels, seed=0, fraction=0.5)
    # "b" is the only mostly-anomalous video: it cannot be held out without emptying training
    assert set(groups[train]) >= {"b"}
    assert set(groups[held]) in ({"a"}, {"c"})


def test_heldout_report_scores_each_true_class():
    images = np.array([[0.1], [0.7], [0.9], [0.2]])
    y = np.array([False, False, True, True])
    report = heldout_report(ScoreJudge(), images, y)
    assert report["accuracy"] == 0.5
    assert report["roc_auc"] == 0.75  # 3 of the 4 (anomalous, good) pairs in order
    assert report["scores"] == {"good": [0.1, 0.7], "anomalous": [0.9, 0.2]}
    assert summary(report) == {
        "accuracy": 0.5,
        "roc_auc": 0.75,
        "anomaly_recall": 0.5,
        "good_recall": 0.5,
    }


def s(roc_auc, accuracy):
    return {"roc_auc": roc_auc, "accuracy": accuracy}


@pytest.mark.parametrize(
    ("comparison", "wins"),
    [
        ({"active": None}, True),  # nothing to beat
        ({"active": "v1", "error": "v1 could not be loaded"}, True),
        ({"active": "v1"}, False),  # no held-out reps to compare on
        ({"active": "v1", "new": s(0.9, 0.7), "old": s(0.8, 0.9)}, True),  # AUC first
        ({"active": "v1", "new": s(0.8, 0.9), "old": s(0.8, 0.8)}, True),  # then accuracy
        ({"active": "v1", "new": s(0.8, 0.8), "old": s(0.8, 0.8)}, False),  # a tie keeps v1
        ({"active": "v1", "new": s(None, 0.9), "old": s(0.1, 0.5)}, False),  # no AUC = -1
    ],
)
def test_a_new_version_beats_the_active_one_on_roc_auc_then_accuracy(comparison, wins):
    assert beats(comparison) is wins


def test_reps_the_active_version_trained_on_are_left_out_while_both_labels_remain():
    y = np.array([False, False, True, True])
    shas = ["a", "b", "c", "d"]
    assert comparable(y, shas, {"a"}).tolist() == [False, True, True, True]
    # Leaving out "c" and "d" would leave no anomalous rep: compare on all of them.
    assert comparable(y, shas, {"c", "d"}).tolist() == [True, True, True, True]
    manifest = {"training_images": [{"sha256": "a"}, {"sha256": "c", "role": "anomaly"}]}
    assert training_hashes(manifest) == {"a", "c"}
    assert training_hashes({}) == frozenset()


def test_compare_versions_records_both_versions_on_the_same_reps():
    images = np.array([[0.1], [0.3], [0.6], [0.9], [0.8]])
    y = np.array([False, False, False, True, True])
    shas = ["a", "b", "c", "d", "e"]

    first = compare_versions(ScoreJudge(), None, images, y, shas)
    assert first["heldout"]["accuracy"] == 0.8
    assert first["comparison"] == {"active": None}
    assert first["beats_active"] is True

    class AlwaysGood:
        def judge(self, images, views=None):
            return [Judgement("good", 0.0, 0.5, []) for _ in images]

    active = ActiveVersion("v1", AlwaysGood(), trained_on=frozenset({"a"}))
    metrics = compare_versions(ScoreJudge(), active, images, y, shas)
    comparison = metrics["comparison"]
    assert comparison["active"] == "v1"
    assert comparison["reps"] == 4 and comparison["excluded_seen_by_active"] == 1
    assert comparison["new"]["roc_auc"] == 1.0 and comparison["old"]["roc_auc"] == 0.5
    assert metrics["beats_active"] is True

    broken = ActiveVersion("v1", error="v1 could not be loaded: gone")
    metrics = compare_versions(ScoreJudge(), broken, images, y, shas)
    assert metrics["comparison"] == {"active": "v1", "error": "v1 could not be loaded: gone"}
    assert metrics["beats_active"] is True

    empty = compare_versions(ScoreJudge(), active, images[:0], y[:0], [])
    assert empty["heldout"] is None and empty["beats_active"] is False


def test_version_names_count_up_past_names_already_taken():
    assert next_version_name(0, lambda name: False) == "v1"
    assert next_version_name(2, lambda name: name in {"v3", "v4"}) == "v5"


PARAMS = [
    "config", "filters", "epochs", "batch_size", "learning_rate", "patience",
    "validation_fraction", "false_alarm_rate", "bandwidth", "weight", "top_k", "seed",
]  # fmt: skip


def test_the_detector_is_a_scikit_learn_estimator_with_the_saved_parameter_names():
    det = AnomalyDetector(filters=[8, 8, 4], epochs=3)
    params = det.get_params()
    assert sorted(params) == sorted(PARAMS)  # what config.json and training metrics hold
    assert params["filters"] == [8, 8, 4] and params["epochs"] == 3  # stored as given
    assert det.encoder_filters == (8, 8, 4)
    copy = clone(det).set_params(epochs=5)
    assert copy.get_params() == {**params, "epochs": 5}
    assert AnomalyDetector(**params).get_params() == params
    assert not hasattr(copy, "net_")  # nothing learned is copied
