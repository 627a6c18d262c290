"""Reads shaped for the labelling and training pages: the queue as JSON items, the filtered
training-set list, the detector versions with their headline numbers.

Built on `analysis.selectors` (which decides who may see and label what); this module only
selects, orders and reshapes for templates and page scripts.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, QuerySet
from django.urls import reverse

from analysis.models import DetectorVersion, Fault, Label, Rep, TrainingRun
from analysis.selectors import (
    detector_summary,
    result_video_url,
    review_queue,
    training_set_filter,
)
from athletes.selectors import AnyUser

QUEUE_LIMIT = 200
REPORT_ROWS = ("Good Deadlift Form", "Anomaly", "macro avg", "weighted avg")


def fault_choices() -> list[dict[str, str]]:
    """The fault tags in key order (1-7 on the queue page)."""
    return [{"value": v, "label": str(lbl)} for v, lbl in Fault.choices]


def _headline(kinematics: dict[str, Any]) -> list[str]:
    """Three or four numbers a coach reads first; older reports may lack any of them."""
    k = kinematics or {}
    out = []
    if isinstance(k.get("duration_s"), int | float):
        out.append(f"tempo {k['duration_s']:.2f} s")
    bottom, lockout = k.get("hip_angle_bottom_deg"), k.get("hip_angle_lockout_deg")
    if isinstance(bottom, int | float) and isinstance(lockout, int | float):
        out.append(f"hip {bottom:.0f}° → {lockout:.0f}°")
    if isinstance(k.get("bar_path_horizontal_body_heights"), int | float):
        out.append(f"bar drift {k['bar_path_horizontal_body_heights']:.2f} bh")
    if k.get("lockout_complete") is False:
        out.append("lockout incomplete")
    return out


def rep_label_state(rep: Rep) -> dict[str, Any]:
    """The coach's label as the page script shows it (same shape as the API's rep JSON)."""
    return {
        "label": rep.label,
        "faults": list(rep.faults or []),
        "label_note": rep.label_note,
        "labelled_by": rep.labelled_by.username if rep.labelled_by_id and rep.labelled_by else None,
    }


def queue_items(user: AnyUser, limit: int = QUEUE_LIMIT) -> list[dict[str, Any]]:
    """The first `limit` reps of the user's review queue, as the queue page's JSON."""
    reps = review_queue(user).select_related("labelled_by")[:limit]
    items = []
    videos: dict[int, str] = {}  # one file lookup per set, not per rep
    for rep in reps:
        session = rep.analysis.session
        if rep.analysis_id not in videos:
            videos[rep.analysis_id] = result_video_url(rep.analysis) or reverse(
                "session_video", args=[session.pk]
            )
        items.append(
            {
                "id": rep.pk,
                "athlete": session.athlete.username,
                "session_id": session.pk,
                "session_url": reverse("session_review", args=[session.pk]),
                "date": session.performed_at.isoformat() if session.performed_at else None,
                "index": rep.index,
                "image_url": reverse("rep_image", args=[rep.pk]),
                "video_url": videos[rep.analysis_id],
                "start_s": rep.start_s,
                "end_s": rep.end_s,
                "verdict": rep.verdict,
                "score": rep.score,
                "threshold": rep.threshold,
                "detector": rep.detector_version.name if rep.detector_version else None,
                "joints": list(rep.joints or []),
                "headline": _headline(rep.kinematics),
                **rep_label_state(rep),
            }
        )
    return items


def queue_count(user: AnyUser) -> int:
    return review_queue(user).count()


# --- training set ------------------------------------------------------------------------
LABEL_FILTERS = {"good": Label.GOOD, "anomalous": Label.ANOMALOUS, "none": None}


def training_rep_list(*, source: str = "", label: str = "", excluded: str = "") -> QuerySet[Rep]:
    """Reps with an image (the only ones training can use), filtered as the page asks:
    `label` good / anomalous / none, `excluded` yes / no; unknown values are ignored."""
    reps = (
        Rep.objects.exclude(image="")
        .select_related("analysis__session__athlete", "labelled_by", "detector_version")
        .annotate(in_set=ExpressionWrapper(training_set_filter(), output_field=BooleanField()))
        .order_by("-pk")
    )
    if source:
        reps = reps.filter(source=source)
    if label in LABEL_FILTERS:
        reps = (
            reps.filter(label=LABEL_FILTERS[label])
            if label != "none"
            else reps.filter(label__isnull=True)
        )
    if excluded in ("yes", "no"):
        reps = reps.filter(excluded=excluded == "yes")
    return reps


def training_sources() -> list[str]:
    return list(Rep.objects.order_by("source").values_list("source", flat=True).distinct())


def training_run_latest() -> TrainingRun | None:
    """The open run if there is one, else the most recent."""
    return (
        TrainingRun.objects.filter(is_open=True).first()
        or TrainingRun.objects.select_related("version").first()
    )


def training_run_payload(run: TrainingRun) -> dict[str, Any]:
    """What the progress box starts from (the API's run JSON takes over when polling)."""
    return {
        "id": run.pk,
        "status": run.status,
        "phase": run.phase,
        "epoch": run.epoch,
        "epochs": run.epochs,
        "history": run.history or [],
        "error": run.error,
        "version": run.version.name if run.version_id else None,
        "version_id": run.version_id,
        "activated": run.activated,
        "api_url": f"/api/training-runs/{run.pk}/",
    }


# --- detector versions ---------------------------------------------------------------------
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


def detector_page(version: DetectorVersion) -> dict[str, Any]:
    """The version page: the dissertation's report rows, the confusion matrix, what the
    charts draw (loss per epoch, held-out scores per true class) and the comparison."""
    metrics = version.metrics or {}
    heldout = metrics.get("heldout") or {}
    rows = []
    for name in REPORT_ROWS:
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
    return {
        "summary": detector_summary(version),
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
