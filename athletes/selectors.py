"""Reads: who a person is, whom they coach, and which sessions they may see.

`session_visible_queryset` is the one place that decides visibility; every page, media file
and API endpoint starts from it (or from `analysis.selectors.reps.rep_visible_queryset`,
built on it), so a check forgotten in a template cannot leak a session.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from athletes.models import InvitationStatus, Profile, Role, RosterInvitation

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


def user_can_review(user: AnyUser) -> bool:
    """Coaches and admins: they keep rosters, review sessions and label reps."""
    return user_role(user) in (Role.COACH, Role.ADMIN)


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


def athlete_upload_choices(user: AnyUser) -> QuerySet:
    """Whom `user` may upload for: themself (athlete), the athletes they coach, or (admin)
    any athlete. The one rule for the upload page, the API and the upload service."""
    if not user.is_authenticated:
        return User.objects.none()
    if user_role(user) == Role.ATHLETE:
        return User.objects.filter(pk=user.pk)
    return roster_list(user)


def athlete_can_be_uploaded_for(user: AnyUser, athlete: AnyUser) -> bool:
    return athlete_upload_choices(user).filter(pk=athlete.pk).exists()


def athlete_visible_queryset(user: AnyUser) -> QuerySet:
    """Athletes whose pages `user` may open."""
    if not user.is_authenticated:
        return User.objects.none()
    if user_is_admin(user):
        return User.objects.all()
    return User.objects.filter(Q(pk=user.pk) | Q(coach_links__coach=user)).distinct()


class EmailStatus(TypedDict):
    email: str
    confirmed: bool
    confirmed_at: datetime | None
    pending: str
    pending_at: datetime | None


def _confirmed(user: AnyUser, profile: Profile | None) -> bool:
    return bool(
        user.email
        and profile is not None
        and profile.email_confirmed_at is not None
        and profile.confirmed_email == user.email
    )


def email_confirmed(user: AnyUser) -> bool:
    """Whether `user`'s current address is one its owner proved they read (the only kind
    password reset mails)."""
    if not user.is_authenticated:
        return False
    return _confirmed(user, Profile.objects.filter(user_id=user.pk).first())


def email_status(user: AnyUser) -> EmailStatus:
    """The account's address, whether it is confirmed, and a change waiting for its link."""
    profile = Profile.objects.filter(user_id=user.pk).first() if user.is_authenticated else None
    confirmed = _confirmed(user, profile)
    return {
        "email": getattr(user, "email", "") or "",
        "confirmed": confirmed,
        "confirmed_at": profile.email_confirmed_at if confirmed and profile else None,
        "pending": profile.pending_email if profile else "",
        "pending_at": profile.pending_email_at if profile and profile.pending_email else None,
    }


def display_name(user: AnyUser | None) -> str:
    """What people outside the platform (a share link's page) read for a person: their full
    name when they gave one, else their role; never the login name."""
    if user is None:
        return "deleted user"
    full = user.get_full_name().strip()
    if full:
        return full
    role = user_role(user)
    return Role(role).label if role else "Member"
