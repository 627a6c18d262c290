"""Reads about sessions as people follow them: the dashboards' session lists (with their
analysis' status, flags and unread comments), an athlete's progress, a session's comments."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from analysis.models import FLAGGED, Comment, Outcome, Rep, SessionReadMarker
from athletes.models import TrainingSession
from athletes.selectors import AnyUser, session_visible_queryset


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
    """Visible sessions with what a dashboard shows; flagged (reps whose outcome is a fault or
    unusual) first when
    listing the review queue."""
    sessions = session_visible_queryset(user).select_related(
        "athlete", "analysis", "analysis__rejudged_by"
    )
    if athlete_id:
        sessions = sessions.filter(athlete_id=athlete_id)
    if date_from:
        sessions = sessions.filter(performed_at__gte=date_from)
    if date_to:
        sessions = sessions.filter(performed_at__lte=date_to)
    if status:
        sessions = sessions.filter(analysis__status=status)
    unread = _unread_comments(user).filter(session=OuterRef("pk"))
    flagged = (
        Rep.objects.counted()
        .with_outcomes()
        .filter(analysis__session=OuterRef("pk"), outcome_sql__in=FLAGGED)
        .values("analysis__session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    sessions = sessions.annotate(
        flagged_count=Coalesce(Subquery(flagged), 0),
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
    """Per finished session, oldest first: share of judged reps that are good (the coach's
    label first, Rep.outcome), mean tempo
    (rep duration and concentric time) and mean bar-path range, for the progress chart. Only
    counted reps: one a coach marked "not a rep" is no lift."""
    sessions = (
        session_visible_queryset(viewer)
        .filter(athlete=athlete, analysis__status="done")
        .select_related("analysis")
        .prefetch_related("analysis__reps")
        .order_by("performed_at", "created_at")
    )
    points = []
    for session in sessions:
        reps = [r for r in session.analysis.reps.all() if r.counted]  # "not a rep" is none
        judged = [r for r in reps if r.outcome != Outcome.NOT_JUDGED]
        points.append(
            {
                "session_id": session.pk,
                "date": session.performed_at.isoformat(),
                "load_kg": float(session.load_kg) if session.load_kg is not None else None,
                "reps": len(reps),
                "judged": len(judged),
                "good_share": (
                    sum(r.outcome == Outcome.GOOD for r in judged) / len(judged) if judged else None
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
