"""Template helpers for the header's notification bell: the unread count and how often the
page asks for it again (static/js/notifications.js)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.timesince import timesince

from athletes.selectors import AnyUser
from notifications.selectors import notification_unread_count

register = template.Library()


@register.simple_tag
def notifications_unread(user: AnyUser) -> int:
    return notification_unread_count(user) if user.is_authenticated else 0


@register.simple_tag
def notifications_poll_ms() -> int:
    """NOTIFICATIONS_POLL_SECONDS in ms, at least one second (a typo must not hammer us)."""
    return max(1000, int(float(getattr(settings, "NOTIFICATIONS_POLL_SECONDS", 30)) * 1000))


@register.filter
def notice_ago(moment: datetime) -> str:
    """ "just now" under a minute, else Django's "3 hours ago" (largest unit only)."""
    if timezone.now() - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment, depth=1)} ago"
