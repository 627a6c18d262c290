"""Reads about analyses: reps a person may see or label, the review queue, the training set,
the data behind the review charts, the dashboards' session lists and progress, comments."""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Abs, Coalesce
from django.urls import reverse

from analysis.models import Analysis, AnalysisStatus, Comment, Rep, SessionReadMarker
from athletes.models import CoachAssignment, TrainingSession
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


# --- dashboards and comments ---------------------------------------------------------------
def _unread_comments(user: AnyUser) -> QuerySet[Comment]:
    seen = SessionReadMarker.objects.filter(
        user=user, session=OuterRef("session"), last_seen_at__gte=OuterRef("created_at")
    )
    return Comment.objects.exclude(author=user).exclude(Exists(seen))


def session_list(
    user: AnyUser,
    *,
    athlete_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    status: str | None = None,
    awaiting_review: bool = False,
) -> QuerySet[TrainingSession]:
    """Visible sessions with what a dashboard shows; flagged (anomalous reps) first when
    listing the review queue."""
    sessions = session_visible_queryset(user).select_related("athlete", "analysis")
    if athlete_id:
        sessions = sessions.filter(athlete_id=athlete_id)
    if date_from:
        sessions = sessions.filter(performed_at__gte=date_from)
    if date_to:
        sessions = sessions.filter(performed_at__lte=date_to)
    if status:
        sessions = sessions.filter(analysis__status=status)
    unread = _unread_comments(user).filter(session=OuterRef("pk"))
    sessions = sessions.annotate(
        flagged_count=Count(
            "analysis__reps", filter=Q(analysis__reps__verdict="anomalous"), distinct=True
        ),
        has_unread=Exists(unread),
    )
    if awaiting_review:
        return sessions.filter(reviewed_at__isnull=True, analysis__status="done").order_by(
            F("flagged_count").desc(), "-performed_at", "-created_at", "-pk"
        )
    return sessions.order_by("-performed_at", "-created_at", "-pk")


def comment_list(session: TrainingSession, user: AnyUser) -> list[Comment]:
    """Comments of a session, oldest first, each with `.unread` for this person."""
    marker = SessionReadMarker.objects.filter(user=user, session=session).first()
    comments = list(session.comments.select_related("author", "rep"))
    for comment in comments:
        comment.unread = comment.author_id != user.pk and (
            marker is None or comment.created_at > marker.last_seen_at
        )
    return comments


def athlete_progress(athlete: AnyUser, viewer: AnyUser) -> list[dict[str, Any]]:
    """Per finished session, oldest first: share of judged reps that are good, mean tempo
    (rep duration and concentric time) and mean bar-path range, for the progress chart."""
    sessions = (
        session_visible_queryset(viewer)
        .filter(athlete=athlete, analysis__status="done")
        .select_related("analysis")
        .prefetch_related("analysis__reps")
        .order_by("performed_at", "created_at")
    )
    points = []
    for session in sessions:
        reps = list(session.analysis.reps.all())
        judged = [r for r in reps if r.verdict]
        points.append(
            {
                "session_id": session.pk,
                "date": session.performed_at.isoformat(),
                "load_kg": float(session.load_kg) if session.load_kg is not None else None,
                "reps": len(reps),
                "judged": len(judged),
                "good_share": (
                    sum(r.verdict == "good" for r in judged) / len(judged) if judged else None
                ),
                "duration_s": _mean(r.kinematics.get("duration_s") for r in reps),
                "concentric_s": _mean(r.kinematics.get("concentric_s") for r in reps),
                "range": _mean(
                    r.kinematics.get("bar_path_vertical_body_heights")
                    or r.kinematics.get("bar_path_range_body_heights")
                    for r in reps
                ),
            }
        )
    return points


def _mean(values) -> float | None:
    numbers = [float(v) for v in values if isinstance(v, int | float)]
    return round(sum(numbers) / len(numbers), 3) if numbers else None
