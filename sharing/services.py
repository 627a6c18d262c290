"""Writes about share links: a read-only, expiring, revocable link to one session for someone
without an account (a physio, a training partner), and the count of its views."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from athletes.models import CoachAssignment
from athletes.selectors import AnyUser, user_is_admin
from sets.models import TrainingSession
from sets.selectors import session_visible_queryset
from sharing.models import ShareLink

SHARE_DAYS = (1, 7, 30, 90)  # the expiries people choose from
SHARE_DAYS_DEFAULT = 7
SHARE_LIVE_MAX = 20  # live links per session: enough for everyone who should see a set
SHARE_NOTE_MAX = ShareLink._meta.get_field("note").max_length


def _is_coach_of(user: AnyUser, athlete_id: int) -> bool:
    return CoachAssignment.objects.filter(coach=user, athlete_id=athlete_id).exists()


def share_link_authorize(*, by: AnyUser, session: TrainingSession) -> None:
    """The athlete and the athlete's coaches may share a set. Someone who cannot see the
    session at all gets the same refusal as for a session that does not exist (views answer
    404); an admin sees every set but sharing it is the athlete's or their coach's choice."""
    if not session_visible_queryset(by).filter(pk=session.pk).exists():
        raise PermissionDenied("No such session.")
    if session.athlete_id == by.pk or _is_coach_of(by, session.athlete_id):
        return
    raise PermissionDenied("Only the athlete and the athlete's coaches can share this set.")


def share_link_create(
    *, by: AnyUser, session: TrainingSession, days: int | str | None = None, note: str = ""
) -> ShareLink:
    """A new live link to `session` for `days` (one of SHARE_DAYS; default 7)."""
    share_link_authorize(by=by, session=session)
    choices = ", ".join(map(str, SHARE_DAYS[:-1])) + f" or {SHARE_DAYS[-1]}"
    if days in (None, ""):
        days = SHARE_DAYS_DEFAULT
    elif isinstance(days, str) and days.strip().isascii() and days.strip().isdigit():
        days = int(days)
    if type(days) is not int or days not in SHARE_DAYS:  # not 7.5, not True
        raise ValidationError({"days": f"Choose how long the link lasts: {choices} days."})
    note = (note or "").strip()
    if len(note) > SHARE_NOTE_MAX:
        raise ValidationError(
            {"note": f"A note has at most {SHARE_NOTE_MAX} characters (this one has {len(note)})."}
        )
    if any(ord(c) < 32 for c in note):
        raise ValidationError({"note": "A note is one line of text."})
    now = timezone.now()
    with transaction.atomic():
        live = session.share_links.filter(revoked_at__isnull=True, expires_at__gt=now).count()
        if live >= SHARE_LIVE_MAX:
            raise ValidationError(
                f"This set already has {SHARE_LIVE_MAX} live links: revoke one before making "
                "another."
            )
        return ShareLink.objects.create(
            session=session,
            created_by=by,
            token=secrets.token_urlsafe(32),
            note=note,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )


def share_link_can_revoke(*, by: AnyUser, link: ShareLink) -> bool:
    """Its creator, the athlete, a coach of the athlete, or an admin (revoking only ever
    takes access away, so an admin may stop a link that leaked)."""
    if not by.is_authenticated:
        return False
    return (
        link.created_by_id == by.pk
        or link.session.athlete_id == by.pk
        or _is_coach_of(by, link.session.athlete_id)
        or user_is_admin(by)
    )


def share_link_revoke(*, by: AnyUser, link: ShareLink) -> ShareLink:
    """The link stops working at once; revoking a revoked link changes nothing."""
    if not share_link_can_revoke(by=by, link=link):
        raise PermissionDenied("Only the link's creator, the athlete or their coach can revoke it.")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        # Only where still unrevoked: a second click in a race keeps the first time.
        ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
            revoked_at=link.revoked_at
        )
        link.refresh_from_db(fields=["revoked_at"])
    return link


def share_link_count_view(link: ShareLink) -> None:
    """One more view of the shared page, counted in the database (two at once count two)."""
    ShareLink.objects.filter(pk=link.pk).update(
        view_count=F("view_count") + 1, last_viewed_at=timezone.now()
    )
