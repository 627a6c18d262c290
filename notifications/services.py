"""Notifications: who hears about what happened to a session, in the app and by e-mail.

Each event's module says who hears about it (the list below) and calls `notify`, which
applies everyone's choices (`NotificationPreference`, no row = the kind's default below),
never tells someone who cannot see the session (re-checked with `session_visible_queryset`,
the one visibility rule), and folds a burst of the same event into one unread notification
per person and session (a re-scoring that re-judges a session's reps in two batches, three
labels in a row). E-mail
leaves after the event's transaction commits; a failing mail server is logged, never raised:
the event's own write (a comment, a stored analysis) must not depend on it.

Recipients, by kind:
- analysis done: the athlete, the uploader and the athlete's coaches (they review it);
- analysis failed: the athlete and the uploader only (the ones who retry or upload again; a
  coach who uploaded gets it as the uploader);
- a comment or drawing: the athlete, their coaches, the uploader and everyone who already
  commented on the session (an admin who joined the thread), never the author;
- a coach label: the athlete;
- re-judged by a new model: the athlete and their coaches.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification, NotificationKind, NotificationPreference
from sets.models import TrainingSession
from sets.selectors import session_visible_queryset

logger = logging.getLogger(__name__)

# E-mail is on by default only for what people wait for (their upload's result).
EMAIL_BY_DEFAULT = frozenset({NotificationKind.ANALYSIS_DONE, NotificationKind.ANALYSIS_FAILED})
# An e-mail-only recipient has no unread row to fold a burst into: one e-mail per person,
# kind and session in this many seconds (the cache is per process without Redis, which is
# where a burst happens: one worker's re-scoring).
EMAIL_QUIET_SECONDS = 600
TEXT_MAX = 300  # Notification.text


def preference_defaults(kind: str) -> dict[str, bool]:
    """What a person gets for `kind` before they chose: in-app always, e-mail for results."""
    return {"in_app": True, "email": kind in EMAIL_BY_DEFAULT}


def preferences_of(user) -> dict[str, dict[str, bool]]:
    """Every kind's {"in_app", "email"} for `user`, their rows over the defaults."""
    prefs = {kind: preference_defaults(kind) for kind in NotificationKind.values}
    for row in NotificationPreference.objects.filter(user=user):
        if row.kind in prefs:
            prefs[row.kind] = {"in_app": row.in_app, "email": row.email}
    return prefs


def notification_preferences_set(*, user, choices: dict[str, dict[str, bool]]) -> None:
    """Store `user`'s choices: {kind: {"in_app": bool, "email": bool}}; a kind left out keeps
    its choice. Unknown kinds are refused with a sentence."""
    unknown = sorted(set(choices) - set(NotificationKind.values))
    if unknown:
        raise ValidationError({"kind": f"Unknown kind of notification: {', '.join(unknown)}."})
    with transaction.atomic():
        for kind, choice in choices.items():
            NotificationPreference.objects.update_or_create(
                user=user,
                kind=kind,
                defaults={"in_app": bool(choice.get("in_app")), "email": bool(choice.get("email"))},
            )


def session_url(session: TrainingSession) -> str:
    """The session's absolute address for an e-mail (a worker has no request: SITE_URL)."""
    site = getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    return site + reverse("session_review", args=[session.pk])


def set_name(session: TrainingSession) -> str:
    day = session.performed_at
    return f"set of {day.day} {day:%b %Y}"


def _clip(text: str) -> str:
    return text if len(text) <= TEXT_MAX else text[: TEXT_MAX - 1] + "…"


def people(*groups: Iterable[Any]) -> list[Any]:
    """Users from several groups, once each, in order, without None."""
    seen: dict[int, Any] = {}
    for group in groups:
        for user in group:
            if user is not None and user.pk not in seen:
                seen[user.pk] = user
    return list(seen.values())


def notify(
    kind: str,
    session: TrainingSession,
    recipients: Iterable[Any],
    text: str,
    *,
    actor=None,
) -> int:
    """Notify each recipient who may see the session (never the actor) as they chose; returns
    how many in-app notifications were created or refreshed. Errors are logged, not raised."""
    try:
        with transaction.atomic():  # a savepoint: a failure here leaves the event's write
            return _deliver_inside(kind, session, recipients, _clip(text), actor=actor)
    except Exception:
        logger.exception("notifications for %s on session %s were not stored", kind, session.pk)
        return 0


def _deliver_inside(kind, session, recipients, text, *, actor) -> int:
    now = timezone.now()
    stored = 0
    mails: list[tuple[str, str, str, list[str]]] = []
    for user in recipients:
        if actor is not None and user.pk == actor.pk:
            continue
        if not user.is_active or not session_visible_queryset(user).filter(pk=session.pk).exists():
            continue
        prefs = preferences_of(user)[kind]
        fresh = True
        if prefs["in_app"]:
            # Burst: an unread one for the same thing is refreshed, not repeated.
            updated = Notification.objects.filter(
                recipient=user, kind=kind, session=session, read_at__isnull=True
            ).update(text=text, actor=actor, created_at=now)
            if updated:
                fresh = False
            else:
                Notification.objects.create(
                    recipient=user, kind=kind, session=session, actor=actor, text=text
                )
            stored += 1
        elif prefs["email"]:
            fresh = cache.add(f"notify-mail:{kind}:{session.pk}:{user.pk}", 1, EMAIL_QUIET_SECONDS)
        if prefs["email"] and fresh and user.email:
            mails.append(_mail(kind, session, text, user))
    if mails:
        transaction.on_commit(lambda: _send(mails))
    return stored


def _mail(kind: str, session: TrainingSession, text: str, user) -> tuple[str, str, str, list[str]]:
    subject = f"{settings.SITE_NAME}: {NotificationKind(kind).label.lower()}"
    body = (
        f"Hello {user.username},\n\n{text}\n\nOpen the set: {session_url(session)}\n\n"
        f"Choose what you are told about: "
        f"{settings.SITE_URL.rstrip('/')}{reverse('notification_settings')}\n"
    )
    return subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]


def _send(mails: list[tuple[str, str, str, list[str]]]) -> None:
    try:
        send_mass_mail(mails, fail_silently=False)
    except Exception:
        logger.exception("%d notification e-mail(s) could not be sent", len(mails))


# --- reading -------------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification, user) -> Notification:
    """Mark one of `user`'s own notifications read (the caller found it through
    `selectors.notifications.notification_get`, so another's is a 404 before this)."""
    if notification.recipient_id != user.pk:
        raise PermissionDenied("That notification is someone else's.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notification_mark_all_read(*, user) -> int:
    """Mark every unread notification of `user` read; returns how many were unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
