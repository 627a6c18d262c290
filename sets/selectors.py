"""Reads about sets: who may see which.

`session_visible_queryset` is the one place that decides visibility; every page, media file
and API endpoint starts from it (or from `analysis.selectors.reps.rep_visible_queryset`,
built on it), so a check forgotten in a template cannot leak a session.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from athletes.models import CoachAssignment
from athletes.selectors import AnyUser, athlete_can_be_uploaded_for, user_is_admin
from sets.models import TrainingSession


def session_visible_queryset(user: AnyUser) -> QuerySet[TrainingSession]:
    """Sessions `user` may see: own, their roster's (coach), all (admin), none (anonymous)."""
    sessions = TrainingSession.objects.all()
    if not user.is_authenticated:
        return sessions.none()
    if user_is_admin(user):
        return sessions
    roster = CoachAssignment.objects.filter(coach=user).values("athlete_id")
    return sessions.filter(Q(athlete=user) | Q(athlete_id__in=roster))


def session_can_edit(user: AnyUser, session: TrainingSession) -> bool:
    """Who may correct a set's details (load, date, lift, trim): the athlete, whoever
    uploaded it for them, their coaches and admins: among those who see it, whoever may
    upload for the athlete (`athletes.selectors.athlete_can_be_uploaded_for`), and the set's
    own two people."""
    if not user.is_authenticated:
        return False
    if user.pk == session.athlete_id or user_is_admin(user):
        return True
    if not session_visible_queryset(user).filter(pk=session.pk).exists():
        return False  # e.g. a coach who uploaded it, since taken off the roster
    return user.pk == session.uploaded_by_id or athlete_can_be_uploaded_for(user, session.athlete)


def session_can_delete(user: AnyUser, session: TrainingSession) -> bool:
    """Who may delete a set: its athlete, and admins; never a coach (the set is the
    athlete's data)."""
    return user.is_authenticated and (user.pk == session.athlete_id or user_is_admin(user))
