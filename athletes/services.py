"""Writes about people: accounts, rosters and invitations, a session marked reviewed."""

from __future__ import annotations

import logging
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from athletes.email_change import TAKEN, email_clean
from athletes.joining import join_invite
from athletes.models import CoachAssignment, InvitationStatus, Profile, Role, RosterInvitation
from athletes.selectors import user_can_review, user_role

logger = logging.getLogger(__name__)
User = get_user_model()
USERNAME_MAX_LENGTH = 150


def password_generate() -> str:
    return secrets.token_urlsafe(9)


def user_create(
    *, username: str, role: str, password: str | None = None, email: str = ""
) -> tuple[object, str]:
    """Create an account with a role; returns (user, password). A password is generated
    when none is given, to be handed to the person once.

    Every account path comes through here, so Django's username validator (letters, digits
    and @.+-_ only: no line breaks or quotes to break a header or a CSV) and the password
    validators hold for all of them. An `email` given here starts unconfirmed: password reset
    does not mail it until its owner opens a confirmation link (`athletes.email_change`)."""
    username = (username or "").strip()
    if not username:
        raise ValidationError("A username is required.")
    if len(username) > USERNAME_MAX_LENGTH:
        raise ValidationError(f"A username has at most {USERNAME_MAX_LENGTH} characters.")
    User.username_validator(username)
    email = email_clean(email)  # the rules of a changed address: valid, no line breaks
    if email and User.objects.filter(email__iexact=email).exists():
        raise ValidationError(TAKEN)  # addresses are unique, in any case
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError("That username is not available; choose another.")
    if password:
        validate_password(password, User(username=username, email=email))
    password = password or password_generate()
    user = User.objects.create_user(
        username=username,
        email=email,
        password=password,
        is_staff=role == Role.ADMIN,
    )
    Profile.objects.create(user=user, role=role)
    return user, password


def coach_create(*, created_by, username: str, password: str | None = None, email: str = ""):
    """Admins create coaches."""
    if user_role(created_by) != Role.ADMIN:
        raise PermissionDenied("Only an admin can create coaches.")
    return user_create(username=username, role=Role.COACH, password=password, email=email)


def _require_coach(user) -> None:
    if not user_can_review(user):
        raise PermissionDenied("Only a coach can have a roster.")


def athlete_account_create(
    *, coach, username: str, password: str | None = None, email: str = ""
) -> tuple[object, str]:
    """A coach makes an account for a new athlete, who starts on that coach's roster (the
    athlete can leave it). Returns (athlete, password)."""
    _require_coach(coach)
    with transaction.atomic():
        athlete, password = user_create(
            username=username, role=Role.ATHLETE, password=password, email=email
        )
        CoachAssignment.objects.create(coach=coach, athlete=athlete)
    return athlete, password


def roster_invite(*, coach, who: str) -> RosterInvitation | None:
    """Invite the athlete whose username or e-mail is `who` to the coach's roster; an
    address no account uses is mailed a link to join with a new account (athletes.joining).

    The coach learns nothing from the answer: whether `who` names no one, a coach, an
    athlete already on the roster or one already invited, the caller says the same sentence.
    Returns the new invitation (for tests and notices), or None."""
    _require_coach(coach)
    who = (who or "").strip()
    if not who:
        raise ValidationError("Give the athlete's username or e-mail.")
    matches = User.objects.filter(
        Q(username__iexact=who) | (Q(email__iexact=who) & ~Q(email=""))
    ).filter(Q(profile__role=Role.ATHLETE), is_staff=False, is_active=True)
    athlete = matches.order_by("pk").first()
    if athlete is None and "@" in who:  # no athlete: an address no account uses gets a link
        join_invite(coach=coach, email=who)
    if athlete is None or athlete.pk == coach.pk:
        return None
    if CoachAssignment.objects.filter(coach=coach, athlete=athlete).exists():
        return None
    invitation, created = RosterInvitation.objects.get_or_create(
        coach=coach, athlete=athlete, status=InvitationStatus.PENDING
    )
    if created:
        logger.info("coach %s invited athlete %s", coach.username, athlete.username)
    return invitation if created else None


def invitation_respond(*, athlete, invitation_id: int, accept: bool) -> RosterInvitation:
    """The athlete's yes (the coach joins their coaches) or no."""
    with transaction.atomic():
        invitation = (
            RosterInvitation.objects.select_for_update()
            .filter(pk=invitation_id, athlete=athlete, status=InvitationStatus.PENDING)
            .first()
        )
        if invitation is None:
            raise ValidationError("That invitation is no longer open.")
        invitation.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
        invitation.responded_at = timezone.now()
        invitation.save(update_fields=["status", "responded_at"])
        if accept:
            CoachAssignment.objects.get_or_create(coach=invitation.coach, athlete=athlete)
    return invitation


def invitation_cancel(*, coach, invitation_id: int) -> None:
    RosterInvitation.objects.filter(
        pk=invitation_id, coach=coach, status=InvitationStatus.PENDING
    ).update(status=InvitationStatus.CANCELLED, responded_at=timezone.now())


def roster_assign(*, by, coach, athlete) -> None:
    """Admins put an athlete on a coach's roster directly."""
    if user_role(by) != Role.ADMIN:
        raise PermissionDenied("Only an admin assigns athletes to coaches.")
    if user_role(coach) != Role.COACH or user_role(athlete) != Role.ATHLETE:
        raise ValidationError("Choose a coach and an athlete.")
    CoachAssignment.objects.get_or_create(coach=coach, athlete=athlete)


def roster_remove_athlete(*, coach, athlete) -> None:
    """The link ends from either side (a coach drops an athlete, an athlete leaves a coach);
    coming back takes a new invitation and a new yes."""
    CoachAssignment.objects.filter(coach=coach, athlete=athlete).delete()
