"""Reads about sets: who may see which.

`session_visible_queryset` is the one place that decides visibility; every page, media file
and API endpoint starts from it (or from `analysis.selectors.reps.rep_visible_queryset`,
built on it), so a check forgotten in a template cannot leak a session.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from athletes.models import CoachAssignment
from athletes.selectors import AnyUser, user_is_admin
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
