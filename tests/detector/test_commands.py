"""train_anomaly_model and evaluate_anomaly_model end to end on a few shared images."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.detector import load_judge
from core.detector.data import group_of, load_folders
from tests.conftest import shared_path


def _subset(src: Path, dst: Path, videos: set[str], per_video: int) -> Path:
    dst.mkdir(parents=True)
    counts: dict[str, int] = {}
    for p in sorted(src.glob("*.png")):
        g = group_of(p.name)
        if g in videos and counts.get(g, 0) < per_video:
            counts[g] = counts.get(g, 0) + 1
            shutil.copy(p, dst / p.name)
    return dst


@pytest.fixture(scope="module")
def subset(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    seed = shared_path("skelemotion", "seed")
    root = tmp_path_factory.mktemp("subset")
    videos = {f"deadlift{i}" for i in (1, 2, 5, 6, 7, 10)}
    return {
        "normal": _subset(seed / "train", root / "normal", videos, 5),
        "test_normal": _subset(seed / "valid", root / "test_normal", videos, 3),
        "anomaly": _subset(seed / "anomaly", root / "anomaly", {"anomaly1", "anomaly2"}, 6),
        "test_anomaly": _subset(seed / "anomaly", root / "test_anomaly", {"anomaly3"}, 4),
        "root": root,
    }


def test_train_then_evaluate_end_to_end(subset: dict[str, Path]) -> None:
    model = subset["root"] / "model-v1"
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "train_anomaly_model",
        "--normal", str(subset["normal"]), "--anomaly", str(subset["anomaly"]),
        "--out", str(model), "--epochs", "3", "--filters", "8,8,4",
        stdout=out, stderr=err,
    )  # fmt: skip
    assert "Saved model version" in out.getvalue()
    assert "epochs" in err.getvalue()  # the progress bar
    manifest = json.loads((model / "manifest.json").read_text())
    roles = [im["role"] for im in manifest["training_images"]]
    n_anomaly = len(list(subset["anomaly"].glob("*.png")))
    assert roles.count("normal") == 30 and roles.count("anomaly") == n_anomaly > 0
    assert all(len(im["sha256"]) == 64 for im in manifest["training_images"])
    metrics = json.loads((model / "metrics.json").read_text())
    assert metrics["epochs_run"] == 3 and len(metrics["heldout_videos"]) >= 1
    assert (model / "loss_curve.png").stat().st_size > 0

    report_path = subset["root"] / "report.json"
    out = io.StringIO()
    call_command(
        "evaluate_anomaly_model", str(model),
        "--normal", str(subset["test_normal"]), "--anomaly", str(subset["test_anomaly"]),
        "--json", str(report_path), stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    for needle in ("Good Deadlift Form", "Anomaly", "macro avg", "weighted avg", "ROC AUC"):
        assert needle in text
    report = json.loads(report_path.read_text())
    assert 0 <= report["accuracy"] <= 1
    assert report["Anomaly"]["support"] == 4
    n_normal = len(list(subset["test_normal"].glob("*.png")))
    assert report["Good Deadlift Form"]["support"] == n_normal > 0
    assert sum(map(sum, report["confusion_matrix"])) == n_normal + 4
    assert (model / "evaluation" / "confusion_matrix.png").stat().st_size > 0

    images, _, _ = load_folders([subset["test_anomaly"]])
    judgements = load_judge(model).judge(images)
    assert len(judgements) == 4 and all(0 <= j.score <= 1 for j in judgements)


def test_commands_refuse_bad_input(subset: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no .png"):
        call_command("train_anomaly_model", "--normal", str(tmp_path), "--out", str(tmp_path / "m"))
    with pytest.raises(CommandError, match="not a detector model directory"):
        call_command(
            "evaluate_anomaly_model", str(tmp_path),
            "--normal", str(subset["test_normal"]), "--anomaly", str(subset["test_anomaly"]),
        )  # fmt: skip
