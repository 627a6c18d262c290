"""The per-frame stage classifier: invariant features, the 0.7 rule, files, and the command."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command

from core.reps.stage_model import (
    FEATURE_NAMES,
    NEUTRAL,
    StageModel,
    StageModelFileError,
    cross_validate,
    load_annotation_csv,
    mirror,
    scale_about_centre,
    stage_features,
    translate,
)
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def annotated() -> tuple[np.ndarray, np.ndarray]:
    return load_annotation_csv(shared_path("stages", "annotation_data.csv"))


def synthetic_poses(n: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Random plausible-ish poses with labels: no real data needed."""
    rng = np.random.default_rng(seed)
    lm = np.empty((n, 33, 4))
    lm[..., :2] = rng.uniform(0.3, 0.7, size=(n, 33, 2))
    lm[..., 2] = rng.normal(0, 0.2, size=(n, 33))
    lm[..., 3] = rng.uniform(0.5, 1.0, size=(n, 33))
    labels = np.array(["up", "down"] * (n // 2))
    # Make the label learnable: wrists high when up, low when down.
    lm[labels == "up", 15:17, 1] = 0.35
    lm[labels == "down", 15:17, 1] = 0.65
    return lm, labels


def test_features_shape_and_nan_rows() -> None:
    lm, _ = synthetic_poses()
    lm[3, 25, 0] = np.nan  # a missing knee
    feats = stage_features(lm)
    assert feats.shape == (len(lm), len(FEATURE_NAMES))
    assert np.isnan(feats[3]).all()
    assert np.isfinite(np.delete(feats, 3, axis=0)).all()
    assert stage_features(lm[..., :3]).shape == feats.shape  # visibility is optional


@pytest.mark.parametrize(
    "perturb",
    [
        lambda lm: translate(lm, 0.25, -0.1),
        lambda lm: scale_about_centre(lm, 0.5),
        lambda lm: translate(scale_about_centre(lm, 1.7), -0.3, 0.2),
        mirror,
    ],
    ids=["translate", "scale", "scale+translate", "mirror"],
)
def test_features_invariant(perturb) -> None:
    lm, _ = synthetic_poses()
    np.testing.assert_allclose(stage_features(perturb(lm)), stage_features(lm), atol=1e-9)


def test_neutral_below_point_seven_and_missing_pose() -> None:
    lm, labels = synthetic_poses(60)
    model = StageModel().fit(lm, labels)
    lm[0] = np.nan
    stages, prob = model.predict(lm)
    assert stages[0] == NEUTRAL and np.isnan(prob[0])
    proba = model.predict_proba(lm[1:])
    top = proba.max(axis=1)
    for stage, p, t in zip(stages[1:], prob[1:], top, strict=True):
        assert p == pytest.approx(t)
        assert (stage == NEUTRAL) == (t < 0.7)
        assert stage in ("up", "down", NEUTRAL)


@pytest.mark.parametrize("features", ["invariant", "raw"])
def test_save_load_round_trip(tmp_path: Path, features: str) -> None:
    lm, labels = synthetic_poses()
    model = StageModel(features=features).fit(lm, labels)
    path = model.save(tmp_path / "stage.joblib")
    loaded = StageModel.load(path)
    assert loaded.features == features
    s1, p1 = model.predict(lm)
    s2, p2 = loaded.predict(lm)
    assert s1 == s2
    np.testing.assert_array_equal(p1, p2)


def test_corrupt_and_foreign_files_refused(tmp_path: Path) -> None:
    import joblib

    bad = tmp_path / "bad.joblib"
    bad.write_bytes(b"not a model at all")
    with pytest.raises(StageModelFileError, match="not a readable stage model"):
        StageModel.load(bad)
    with pytest.raises(ValueError):  # the error is a ValueError for callers that catch that
        StageModel.load(bad)

    foreign = tmp_path / "foreign.joblib"
    joblib.dump({"weights": [1, 2, 3]}, foreign)
    with pytest.raises(StageModelFileError, match="not a stage model"):
        StageModel.load(foreign)

    lm, labels = synthetic_poses()
    good = StageModel().fit(lm, labels).save(tmp_path / "good.joblib")
    payload = joblib.load(good)
    payload["format_version"] = 999
    joblib.dump(payload, good)
    with pytest.raises(StageModelFileError, match="format 999"):
        StageModel.load(good)

    truncated = tmp_path / "truncated.joblib"
    data = StageModel().fit(lm, labels).save(tmp_path / "whole.joblib").read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(StageModelFileError):
        StageModel.load(truncated)

    with pytest.raises(StageModelFileError, match="no stage model file"):
        StageModel.load(tmp_path / "absent.joblib")


def test_load_annotation_csv(annotated) -> None:
    lm, labels = annotated
    assert lm.shape == (502, 33, 4)
    assert sorted(set(labels.tolist())) == ["down", "up"]
    assert int(np.sum(labels == "up")) == 210


def test_real_features_invariant(annotated) -> None:
    lm, _ = annotated
    moved = mirror(translate(scale_about_centre(lm, 0.5), 0.25, -0.1))
    np.testing.assert_allclose(stage_features(moved), stage_features(lm), atol=1e-9)


def test_invariant_model_robust_where_raw_baseline_is_not(annotated) -> None:
    # Measured (5-fold, seed 0, sklearn 1.9): both 0.996 on unmoved frames; with the test
    # frames translated (x+0.25, y-0.1) and scaled 0.5x, raw 0.850 ± 0.117, invariant 0.996.
    lm, labels = annotated
    raw = cross_validate(lm, labels, "raw")
    inv = cross_validate(lm, labels, "invariant")
    assert np.mean(raw["none"]) >= 0.97
    assert np.mean(inv["none"]) >= 0.97
    assert min(inv["translate+scale"]) >= 0.97
    assert min(inv["mirror"]) >= 0.97
    assert np.mean(raw["translate+scale"]) <= 0.93
    assert np.mean(raw["scale+depth"]) <= 0.85  # measured 0.757
    assert np.mean(inv["translate+scale"]) - np.mean(raw["translate+scale"]) >= 0.05


def test_command_trains_and_writes(tmp_path: Path) -> None:
    from io import StringIO

    csv = shared_path("stages", "annotation_data.csv")
    out = tmp_path / "models" / "stage.joblib"
    buf = StringIO()
    call_command("train_stage_model", csv=str(csv), out=str(out), folds=3, stdout=buf)
    text = buf.getvalue()
    assert out.is_file()
    assert "translate+scale" in text and "invariant" in text and "raw" in text
    model = StageModel.load(out)
    assert model.features == "invariant"
    lm, labels = load_annotation_csv(csv)
    stages, prob = model.predict(lm[:20])
    assert len(stages) == 20 and prob.shape == (20,)


def test_command_raw_features_and_missing_csv(tmp_path: Path) -> None:
    from io import StringIO

    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no such CSV"):
        call_command("train_stage_model", csv=str(tmp_path / "none.csv"), out=str(tmp_path / "m"))
    csv = shared_path("stages", "annotation_data.csv")
    out = tmp_path / "raw.joblib"
    call_command(
        "train_stage_model", csv=str(csv), out=str(out), features="raw", folds=2, stdout=StringIO()
    )
    assert StageModel.load(out).features == "raw"
