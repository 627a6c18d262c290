"""Reads about detector versions: their headline numbers, the list with which activation is
a roll back, and what a version's page shows of its held-out report."""

from __future__ import annotations

from typing import Any

from detectors.models import DetectorVersion
from training.models import TrainingRun

FEW_HELDOUT = 10  # held-out reps of a class under which a figure is marked rough


def _class_names() -> tuple[str, str]:
    """The report's two classes (the default lift's good form, "Anomaly"), named where the report
    is made. Imported here, not at the top: the detector package loads scikit-learn."""
    from core.detector.evaluation import LABELS

    return LABELS


def detector_summary(version: DetectorVersion) -> dict[str, Any]:
    """The headline numbers of a version: held-out accuracy, ROC AUC, anomaly recall, the
    comparison with the version that was active when it was trained."""
    metrics = version.metrics or {}
    heldout = metrics.get("heldout") or {}
    comparison = metrics.get("comparison") or {}
    _, anomaly = _class_names()
    scores = heldout.get("scores") or {}
    good, anomalous = len(scores.get("good") or []), len(scores.get("anomalous") or [])
    return {
        "accuracy": heldout.get("accuracy"),
        "roc_auc": heldout.get("roc_auc"),
        "anomaly_recall": (heldout.get(anomaly) or {}).get("recall"),
        "heldout_reps": good + anomalous,
        "heldout_good": good,
        "heldout_anomalous": anomalous,
        # A figure from a handful of reps is a rough one: the page says so.
        "few_heldout": min(good, anomalous) < FEW_HELDOUT,
        "compared_with": comparison.get("active"),
        "beats_active": metrics.get("beats_active"),
    }


def detector_list() -> list[DetectorVersion]:
    """Versions, newest first, with their headline numbers; `rollback` marks those older
    than the active one (activating them is a roll back)."""
    versions = list(DetectorVersion.objects.select_related("run"))
    active = next((v for v in versions if v.is_active), None)
    for version in versions:
        version.summary = detector_summary(version)
        version.rollback = active is not None and version.created_at < active.created_at
    return versions


def _run_of(version: DetectorVersion) -> TrainingRun | None:
    try:
        return version.run
    except TrainingRun.DoesNotExist:
        return None


def detector_page_context(version: DetectorVersion) -> dict[str, Any]:
    """The version page: the dissertation's report rows, the confusion matrix, what the
    charts draw (loss per epoch, held-out scores per true class) and the comparison."""
    metrics = version.metrics or {}
    heldout = metrics.get("heldout") or {}
    classes = _class_names()
    rows = []
    for name in (*classes, "macro avg", "weighted avg"):
        row = heldout.get(name)
        if isinstance(row, dict):
            rows.append({"name": name, **{k.replace("-", "_"): v for k, v in row.items()}})
    matrix = heldout.get("confusion_matrix")
    confusion = None
    if isinstance(matrix, list) and len(matrix) == 2:
        confusion = {"tn": matrix[0][0], "fp": matrix[0][1], "fn": matrix[1][0], "tp": matrix[1][1]}
    run = _run_of(version)
    comparison = metrics.get("comparison") or {}
    compare_rows = []
    for key, title in (
        ("accuracy", "Accuracy"),
        ("roc_auc", "ROC AUC"),
        ("anomaly_recall", "Anomaly recall"),
        ("good_recall", "Good recall"),
    ):
        new, old = (comparison.get("new") or {}).get(key), (comparison.get("old") or {}).get(key)
        if new is not None or old is not None:
            compare_rows.append({"title": title, "new": new, "old": old})
    faults = metrics.get("faults") or {}
    learnt = faults.get("learnt") or {}
    per_fault = (faults.get("heldout") or {}).get("per_fault") or {}
    fault_rows = [
        {"fault": f, "learnt": learnt.get(f), **per_fault.get(f, {})}
        for f in dict.fromkeys([*learnt, *per_fault])
    ]
    return {
        "summary": detector_summary(version),
        "fault_rows": fault_rows,
        "fault_reps": (faults.get("heldout") or {}).get("reps"),
        "fault_train_reps": faults.get("train_reps"),
        "fault_views": (faults.get("heldout") or {}).get("by_view") or {},
        "views": metrics.get("by_view") or {},
        "classes": classes,
        "report_rows": rows,
        "accuracy": heldout.get("accuracy"),
        "roc_auc": heldout.get("roc_auc"),
        "confusion": confusion,
        "comparison": comparison,
        "compare_rows": compare_rows,
        "snapshot": metrics.get("snapshot") or {},
        "fit_seconds": metrics.get("fit_seconds"),
        "run": run,
        "charts": {
            "history": (run.history if run else None) or [],
            "scores": heldout.get("scores") or {},
            "threshold": 0.5,  # the calibrated scale: 0.5 is every version's threshold
        },
    }
