"""Reads about a person's notifications: their list and how many are unread.

A notification is only ever its recipient's; one about a session the person can no longer
see (a coach taken off the roster) is left out, so the list never names what is not theirs.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from athletes.selectors import AnyUser
from notifications.models import Notification
from sets.selectors import session_visible_queryset


def notification_list(user: AnyUser) -> QuerySet[Notification]:
    """`user`'s notifications, newest first, about sessions they may still see."""
    if not user.is_authenticated:
        return Notification.objects.none()
    visible = session_visible_queryset(user).values("pk")
    return (
        Notification.objects.filter(recipient=user)
        .filter(Q(session__isnull=True) | Q(session__in=visible))
        .select_related("actor", "session")
        .order_by("-created_at", "-id")
    )


def notification_unread_count(user: AnyUser) -> int:
    return notification_list(user).filter(read_at__isnull=True).count()


def notification_get(user: AnyUser, notification_id: int) -> Notification | None:
    """One of `user`'s own notifications; None (a 404) for anyone else's."""
    return notification_list(user).filter(pk=notification_id).first()
