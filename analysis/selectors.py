"""Reads about analyses: reps a person may see or label, the review queue, the training set,
and the data behind the review charts."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, F, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Abs, Coalesce
from django.urls import reverse

from analysis.models import Analysis, AnalysisStatus, Rep
from athletes.models import CoachAssignment
from athletes.selectors import AnyUser, session_visible_queryset, user_is_admin

logger = logging.getLogger(__name__)
MAX_CHART_POINTS = 600
# Scores this close to the threshold are the ones a label teaches the detector most about.
QUEUE_NEAR_THRESHOLD = 0.15


def rep_visible_queryset(user: AnyUser) -> QuerySet[Rep]:
    """Reps of the sessions `user` may see; admins also see imported reps (no session)."""
    visible = Q(analysis__session__in=session_visible_queryset(user))
    if user_is_admin(user):
        visible |= Q(analysis__isnull=True)
    return Rep.objects.filter(visible)


def rep_labelable_queryset(user: AnyUser) -> QuerySet[Rep]:
    """Reps `user` may label: their roster's (coach), every rep (admin), none otherwise.
    An athlete cannot label their own reps, even though they see them."""
    if not user.is_authenticated:
        return Rep.objects.none()
    if user_is_admin(user):
        return Rep.objects.all()
    roster = CoachAssignment.objects.filter(coach=user).values("athlete_id")
    return Rep.objects.filter(analysis__session__athlete_id__in=roster)


def review_queue(user: AnyUser) -> QuerySet[Rep]:
    """Unlabelled reps of finished analyses the user may label, most informative first:
    scores near the threshold (closest first), then flagged reps, then the other judged
    reps, then reps no detector has judged yet (newest sessions first)."""
    distance = Abs(F("score") - Coalesce(F("threshold"), Value(0.5)))
    return (
        rep_labelable_queryset(user)
        .filter(
            label__isnull=True,
            analysis__isnull=False,
            analysis__status=AnalysisStatus.DONE,
        )
        .exclude(image="")
        .annotate(
            distance=Coalesce(distance, Value(1.0), output_field=FloatField()),
            tier=Case(
                When(score__isnull=True, then=Value(3)),
                When(distance__lte=QUEUE_NEAR_THRESHOLD, then=Value(0)),
                When(verdict="anomalous", then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        )
        .select_related("analysis__session__athlete", "detector_version")
        .order_by("tier", "distance", "-analysis__session__performed_at", "analysis_id", "index")
    )


# The training set, defined once: a labelled rep with an image that no admin excluded, either
# imported from a dataset (no analysis) or from an uploaded set whose athlete said yes to
# training. No answer yet counts as no. Runs, the training page and its counts all use it.
_CONSENTED = Q(analysis__session__athlete__profile__training_consent=True)
_LABELLED = Q(label__isnull=False, excluded=False) & ~Q(image="")


def training_set_filter() -> Q:
    """The one definition of the training set, as a filter on `Rep`."""
    return _LABELLED & (Q(analysis__isnull=True) | _CONSENTED)


def training_set_awaiting_consent_filter() -> Q:
    """Reps that would be in the training set but for their athlete's consent."""
    return _LABELLED & Q(analysis__isnull=False) & ~_CONSENTED


def training_set_queryset() -> QuerySet[Rep]:
    """Reps a new training run may use (a run snapshots them when it starts)."""
    return Rep.objects.filter(training_set_filter()).select_related("analysis").order_by("pk")


def training_set_summary() -> dict[str, Any]:
    """Counts an admin needs to judge the training set: by label and source, by athlete, by
    the detector's verdict against the label, how many reps are excluded, and how many
    labelled reps (of how many athletes) are left out because their athlete has not said yes."""
    reps = Rep.objects.exclude(image="")
    in_set = training_set_filter()
    awaiting = reps.filter(training_set_awaiting_consent_filter())

    def table(*fields: str) -> list[dict[str, Any]]:
        return list(
            reps.values(*fields)
            .annotate(total=Count("pk"), in_training=Count("pk", filter=in_set))
            .order_by(*fields)
        )

    return {
        "total": reps.count(),
        "in_training": reps.filter(in_set).count(),
        "excluded": reps.filter(excluded=True).count(),
        "unlabelled": reps.filter(label__isnull=True).count(),
        "no_consent_reps": awaiting.count(),
        "no_consent_athletes": awaiting.values("analysis__session__athlete").distinct().count(),
        "by_source_label": table("source", "label"),
        "by_athlete_label": [
            {**row, "consent": row.pop("analysis__session__athlete__profile__training_consent")}
            for row in table(
                "analysis__session__athlete__username",
                "analysis__session__athlete__profile__training_consent",
                "label",
            )
        ],
        "by_verdict_label": table("verdict", "label"),
    }


def media_path(relative: str) -> Path | None:
    """An absolute path under MEDIA_ROOT for a stored relative path, or None when it is
    empty, missing, or tries to leave MEDIA_ROOT."""
    if not relative:
        return None
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def result_video_url(analysis: Analysis) -> str | None:
    """The annotated video's URL, versioned by the file's time: a redrawn video (new
    verdicts) must not come from the browser's cache."""
    path = media_path(analysis.result_video)
    if path is None:
        return None
    stamp = path.stat().st_mtime_ns // 1_000_000
    return f"{reverse('result_video', args=[analysis.session_id])}?v={stamp}"


def analysis_report(analysis: Analysis) -> dict[str, Any]:
    path = media_path(analysis.report_file)
    if path is None:
        return {}
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        logger.warning("unreadable report %s", path)
        return {}


def analysis_chart_data(analysis: Analysis, reps: list[Rep]) -> dict[str, Any]:
    """What the review page draws: score per rep against the threshold, and bar height over
    time with rep boundaries. Read defensively: older reports may lack keys."""
    report = analysis_report(analysis)
    frames = report.get("frames") or []
    step = max(1, len(frames) // MAX_CHART_POINTS)
    bar = []
    for frame in frames[::step]:
        t = frame.get("t")
        if not isinstance(t, int | float):
            continue
        y = frame.get("bar_y")
        bar.append([round(float(t), 3), round(float(y), 4) if isinstance(y, int | float) else None])
    duration = (report.get("input") or {}).get("duration_s") or analysis.video_info.get(
        "duration_s"
    )
    return {
        "duration_s": duration,
        "bar": bar,
        "reps": [
            {
                "index": r.index,
                "start_s": r.start_s,
                "lockout_s": r.lockout_s,
                "end_s": r.end_s,
                "verdict": r.verdict,
                "score": r.score,
                "threshold": r.threshold,
            }
            for r in reps
        ],
    }


def detector_summary(version) -> dict[str, Any]:
    """The headline numbers of a version: held-out accuracy, ROC AUC, anomaly recall, the
    comparison with the version that was active when it was trained."""
    metrics = version.metrics or {}
    heldout = metrics.get("heldout") or {}
    comparison = metrics.get("comparison") or {}
    return {
        "accuracy": heldout.get("accuracy"),
        "roc_auc": heldout.get("roc_auc"),
        "anomaly_recall": (heldout.get("Anomaly") or {}).get("recall"),
        "heldout_reps": sum(len(v) for v in (heldout.get("scores") or {}).values()),
        "compared_with": comparison.get("active"),
        "beats_active": metrics.get("beats_active"),
    }
