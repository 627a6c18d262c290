"""Reads for review: the dashboards' session lists (with their analysis' status, flagged reps
first when a coach works through what awaits review, and unread comments) and a session's
comments with what each person has read."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from analysis.models import FLAGGED, Rep
from athletes.selectors import AnyUser
from reviews.models import Comment, SessionReadMarker
from sets.models import TrainingSession
from sets.selectors import session_visible_queryset


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


def comment_audio_key(session: TrainingSession, comment_id: int) -> str | None:
    """The stored recording of comment `comment_id` of `session` (which the caller found
    through the visibility selectors, or a live share link); None when there is none."""
    key = session.comments.filter(pk=comment_id).values_list("audio", flat=True).first()
    return key or None
