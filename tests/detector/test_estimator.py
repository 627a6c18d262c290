"""The detector on synthetic data with planted anomalies (tiny network, few epochs)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from core.detector import AnomalyDetector, ImageFormatError, ModelDirError, load_judge
from core.detector.calibration import auc
from core.detector.joints import JOINT_NAMES

from .synth import normal_reps, plant

TINY = {"filters": (8, 8, 4), "epochs": 12, "batch_size": 8, "patience": 12}


@pytest.fixture(scope="module")
def data() -> dict:
    train, groups = normal_reps(n_videos=8, reps=10, seed=0)
    test, _ = normal_reps(n_videos=4, reps=10, seed=1)
    joints = [JOINT_NAMES[i % len(JOINT_NAMES)] for i in range(20)]
    anomalies = np.concatenate([plant(test[i : i + 1], j, seed=i) for i, j in enumerate(joints)])
    return {"train": train, "groups": groups, "test": test, "anomalies": anomalies}


@pytest.fixture(scope="module")
def fitted(data: dict) -> AnomalyDetector:
    return AnomalyDetector(seed=0, false_alarm_rate=0.1, **TINY).fit(
        data["train"], groups=data["groups"]
    )


@pytest.fixture(scope="module")
def saved(fitted: AnomalyDetector, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fitted.save(tmp_path_factory.mktemp("model") / "v1")


def test_planted_anomalies_score_higher_than_new_normals(
    fitted: AnomalyDetector, data: dict
) -> None:
    normal, anom = fitted.explain(data["test"]), fitted.explain(data["anomalies"])
    assert auc(normal.score, anom.score) >= 0.9
    assert anom.anomalous.mean() >= 0.7
    for s in (normal, anom):
        assert np.all((s.score >= 0) & (s.score <= 1))
        assert np.array_equal(s.anomalous, s.score > 0.5)  # the threshold sits at 0.5


def test_false_alarm_rate_on_new_normals_is_near_its_target(
    fitted: AnomalyDetector, data: dict
) -> None:
    fresh, _ = normal_reps(n_videos=10, reps=10, seed=7)
    far = fitted.explain(fresh).anomalous.mean()
    assert far <= 0.3  # target 0.1, calibrated on ~20 held-out reps: loose but not trivial
    assert fitted.metrics_["calibration_false_alarm_rate"] == pytest.approx(0.1, abs=0.02)


def test_attribution_points_at_the_perturbed_joint(fitted: AnomalyDetector, data: dict) -> None:
    for joint in ("left knee", "right wrist", "left hip"):
        s = fitted.explain(plant(data["test"][:6], joint, seed=3))
        assert all(top[0] == joint for top in s.joints), (joint, s.joints)


def test_labelled_anomalies_tune_the_threshold(data: dict) -> None:
    det = AnomalyDetector(seed=0, false_alarm_rate=0.01, **TINY)
    tuning = data["anomalies"][:10]
    det.fit(
        np.concatenate([data["train"], tuning]),
        [0] * len(data["train"]) + [1] * len(tuning),
        groups=[*data["groups"], *(f"anomaly-{i}" for i in range(len(tuning)))],
    )
    assert det.metrics_["tuning_anomaly_recall"] == 1.0
    assert det.explain(data["anomalies"][10:]).anomalous.mean() >= 0.7


def test_fit_is_deterministic_given_a_seed(fitted: AnomalyDetector, data: dict) -> None:
    again = AnomalyDetector(seed=0, false_alarm_rate=0.1, **TINY).fit(
        data["train"], groups=data["groups"]
    )
    np.testing.assert_array_equal(
        again.explain(data["test"]).score, fitted.explain(data["test"]).score
    )


def test_save_load_round_trip_scores_identically(
    fitted: AnomalyDetector, saved: Path, data: dict
) -> None:
    loaded = AnomalyDetector.load(saved)
    images = np.concatenate([data["test"], data["anomalies"]])
    a, b = fitted.explain(images), loaded.explain(images)
    for field in ("score", "reconstruction_error", "log_density", "anomalous"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert a.joints == b.joints
    manifest = json.loads((saved / "manifest.json").read_text())
    assert manifest["format_version"] == 1 and "tensorflow" in manifest["libraries"]
    assert (saved / "loss_curve.png").stat().st_size > 0
    history = json.loads((saved / "history.json").read_text())
    assert len(history["loss"]) == fitted.metrics_["epochs_run"]


def test_judge_returns_judgements_for_the_pipeline(saved: Path, data: dict) -> None:
    judge = load_judge(saved)
    assert judge.version.startswith("native-")
    out = judge.judge(np.concatenate([data["test"][:2], data["anomalies"][:2]]))
    assert [j.verdict for j in out][2:] == ["anomalous", "anomalous"]
    for j in out:
        assert 0 <= j.score <= 1 and j.threshold == 0.5 and len(j.joints) == 3
        assert {"reconstruction_error", "log_density"} <= set(j.details)
    assert judge.judge(np.zeros((0, 45, 100, 3), np.uint8)) == []
    with pytest.raises(ImageFormatError):
        judge.judge(np.zeros((1, 256, 256, 3), np.uint8))


def test_corrupt_or_incompatible_dirs_are_refused(saved: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelDirError, match="not found"):
        load_judge(tmp_path / "nope")
    bad = tmp_path / "bad"
    shutil.copytree(saved, bad)
    weights = bad / "autoencoder.weights.h5"
    weights.write_bytes(weights.read_bytes()[:-100])
    with pytest.raises(ModelDirError, match="corrupt"):
        load_judge(bad)
    old = tmp_path / "old"
    shutil.copytree(saved, old)
    manifest = json.loads((old / "manifest.json").read_text())
    manifest["format_version"] = 99
    (old / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelDirError, match="format version"):
        load_judge(old)
    (old / "manifest.json").write_text("{not json")
    with pytest.raises(ModelDirError, match="corrupt"):
        load_judge(old)


def test_seed_config_is_the_dissertations_network() -> None:
    from core.detector.model import build_autoencoder, get_config

    net = build_autoencoder(get_config("seed"))
    assert net.count_params() == 52067
    assert tuple(net.outputs[0].shape[1:]) == (32, 32, 16)
    assert tuple(build_autoencoder(get_config("native")).outputs[0].shape[1:]) == (6, 13, 16)


def test_it_follows_scikit_learns_conventions(fitted: AnomalyDetector, data: dict) -> None:
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        clone(fitted).score_samples(data["test"])
    scores = fitted.score_samples(data["test"])
    assert scores.shape == (len(data["test"]),)
    np.testing.assert_array_equal(scores, fitted.explain(data["test"]).score)
    np.testing.assert_array_equal(fitted.predict(data["test"]), scores > 0.5)
    with pytest.raises(ValueError, match="0 \\(good\\) or 1"):
        clone(fitted).fit(data["train"][:6], [0, 1, 2, 0, 0, 0])
