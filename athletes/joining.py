"""Joining by a coach's invitation: a coach invites an e-mail address no account uses, the
address gets a link, and whoever opens it makes an athlete account on that coach's roster.

The link is signed (`django.core.signing`, as the e-mail change links are) with the coach and
the address, and expires; it is void once any account uses the address (a second account
from one link), once the coach is no longer a coach, and for a logged-in visitor. Opening it
proves the address, so the new account's address starts confirmed (password reset mails it).
The coach learns nothing from the sending: the roster page says the same sentence whether an
address has an account, none, or a coach's (`athletes.views.roster`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from athletes.email_change import PROFILE_EMAIL_FIELDS, email_clean, mail_after_commit
from athletes.models import CoachAssignment, Profile, Role
from athletes.selectors import user_can_review

logger = logging.getLogger(__name__)
User = get_user_model()

JOIN_LINK_MAX_AGE = timedelta(days=14)
# A coach's join mails per hour: an invitation must not make the site a way to fill inboxes.
JOIN_MAILS_PER_HOUR = 20
_SALT = "athletes.joining"
BAD_LINK = (
    "This invitation link does not work: it expired, or an account already uses its address "
    "(then log in). Ask your coach for a new one."
)


@dataclass(frozen=True)
class JoinLink:
    coach: Any
    email: str


def join_link(coach, email: str) -> str:
    token = signing.dumps({"c": coach.pk, "e": email}, salt=_SALT, compress=True)
    return settings.SITE_URL.rstrip("/") + reverse("join", args=[token])


def join_invite(*, coach, email: str) -> bool:
    """Mail `email` a link to join `coach`'s roster with a new account, when no account uses
    the address (the caller checked the rest: `roster_invite`). Returns whether it was sent;
    past JOIN_MAILS_PER_HOUR a coach's further ones are not (logged)."""
    email = email_clean(email)
    if not email or User.objects.filter(email__iexact=email).exists():
        return False
    key = f"join-mails:{coach.pk}"
    cache.add(key, 0, 3600)
    if cache.incr(key) > JOIN_MAILS_PER_HOUR:
        logger.warning("coach %s is over the join mails' hourly limit", coach.username)
        return False
    days = JOIN_LINK_MAX_AGE.days
    mail_after_commit(
        f"{settings.SITE_NAME}: {coach.username} invites you to be coached",
        f"Hello,\n\n{coach.username} coaches on {settings.SITE_NAME}, where athletes upload "
        "videos of their sets and get each rep judged, with what to fix. They invite you to "
        f"join them. Open this link within {days} days to make your account:\n\n"
        f"{join_link(coach, email)}\n\nIf you do not know them, ignore this message.\n",
        email,
    )
    logger.info("coach %s sent a join link", coach.username)
    return True


def join_link_open(token: str) -> JoinLink:
    """What a join link offers, or ValidationError(BAD_LINK)."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=JOIN_LINK_MAX_AGE)
        coach_id, email = int(data["c"]), str(data["e"])
    except (signing.BadSignature, TypeError, KeyError, ValueError) as error:
        raise ValidationError(BAD_LINK) from error
    coach = User.objects.filter(pk=coach_id, is_active=True).first()
    if coach is None or not user_can_review(coach):
        raise ValidationError(BAD_LINK)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(BAD_LINK)
    return JoinLink(coach=coach, email=email)


def join_account_create(*, token: str, username: str, password: str):
    """Make the athlete account a join link offers: its address confirmed, on the inviting
    coach's roster (following the coach's link is the athlete's yes)."""
    from athletes.services import user_create  # athletes.services imports this module

    with transaction.atomic():
        link = join_link_open(token)
        user, _ = user_create(
            username=username, role=Role.ATHLETE, password=password, email=link.email
        )
        profile = Profile.objects.get(user=user)
        profile.confirmed_email, profile.email_confirmed_at = link.email, timezone.now()
        profile.save(update_fields=PROFILE_EMAIL_FIELDS)
        CoachAssignment.objects.create(coach=link.coach, athlete=user)
    logger.info("%s joined by %s's invitation", user.username, link.coach.username)
    return user
