"""Reads: who a person is, and which sessions they may see.

`session_visible_queryset` is the one place that decides visibility; every page, media file
and API endpoint starts from it (or from `rep_visible_queryset`, built on it), so a check
forgotten in a template cannot leak a session.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from athletes.models import (
    CoachAssignment,
    Comment,
    InvitationStatus,
    Role,
    RosterInvitation,
    SessionReadMarker,
    TrainingSession,
)

User = get_user_model()
AnyUser = AbstractBaseUser | AnonymousUser


def user_role(user: AnyUser) -> str | None:
    """'admin', 'coach', 'athlete', or None for anonymous. Staff users are admins."""
    if not user.is_authenticated:
        return None
    if user.is_staff or user.is_superuser:
        return Role.ADMIN
    profile = getattr(user, "profile", None)
    return profile.role if profile else Role.ATHLETE


def user_is_admin(user: AnyUser) -> bool:
    return user_role(user) == Role.ADMIN


def user_is_coach(user: AnyUser) -> bool:
    return user_role(user) == Role.COACH


def session_visible_queryset(user: AnyUser) -> QuerySet[TrainingSession]:
    """Sessions `user` may see: own, their roster's (coach), all (admin), none (anonymous)."""
    sessions = TrainingSession.objects.all()
    if not user.is_authenticated:
        return sessions.none()
    if user_is_admin(user):
        return sessions
    roster = CoachAssignment.objects.filter(coach=user).values("athlete_id")
    return sessions.filter(Q(athlete=user) | Q(athlete_id__in=roster))


def roster_list(coach: AnyUser) -> QuerySet:
    """Athletes on a coach's roster (every athlete for an admin)."""
    if user_is_admin(coach):
        return User.objects.filter(
            Q(profile__role=Role.ATHLETE) | Q(profile__isnull=True), is_staff=False
        ).order_by("username")
    return User.objects.filter(coach_links__coach=coach).order_by("username")


def invitations_pending(athlete: AnyUser) -> QuerySet[RosterInvitation]:
    """Invitations waiting for the athlete's answer."""
    return RosterInvitation.objects.filter(
        athlete=athlete, status=InvitationStatus.PENDING
    ).select_related("coach")


def invitations_sent(coach: AnyUser) -> QuerySet[RosterInvitation]:
    """A coach's invitations still waiting for an answer (the athlete's name is shown only
    because the coach typed it)."""
    return RosterInvitation.objects.filter(
        coach=coach, status=InvitationStatus.PENDING
    ).select_related("athlete")


def coaches_of(athlete: AnyUser) -> QuerySet:
    return User.objects.filter(athlete_links__athlete=athlete).order_by("username")


def athlete_upload_choices(user: AnyUser) -> list:
    """Whom `user` may upload for: themself (athlete) or the athletes they coach."""
    role = user_role(user)
    if role == Role.ATHLETE:
        return [user]
    return list(roster_list(user))


def athlete_can_be_uploaded_for(user: AnyUser, athlete: AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    if user.pk == athlete.pk and user_role(user) == Role.ATHLETE:
        return True
    if user_is_admin(user):
        return True
    return CoachAssignment.objects.filter(coach=user, athlete=athlete).exists()


def athlete_visible_queryset(user: AnyUser) -> QuerySet:
    """Athletes whose pages `user` may open."""
    if not user.is_authenticated:
        return User.objects.none()
    if user_is_admin(user):
        return User.objects.all()
    return User.objects.filter(Q(pk=user.pk) | Q(coach_links__coach=user)).distinct()


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


def unread_comment_count(user: AnyUser) -> int:
    if not user.is_authenticated:
        return 0
    return _unread_comments(user).filter(session__in=session_visible_queryset(user)).count()


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
