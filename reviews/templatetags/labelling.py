"""Template helpers for labels: the nav's queue count and readable fault names."""

from __future__ import annotations

from django import template

from analysis.models import FAULT_NAMES
from analysis.selectors.reps import queue_count
from athletes.selectors import AnyUser, user_can_review

register = template.Library()


@register.simple_tag
def review_queue_count(user: AnyUser) -> int | None:
    """None for people without a queue, so the nav shows no link at all."""
    if not user_can_review(user):
        return None
    return queue_count(user)


@register.filter
def fault_names(faults: list[str] | None) -> str:
    """["rounded_back", "jerky"] -> "rounded back, jerky" (unknown values as they are)."""
    return ", ".join(FAULT_NAMES.get(f, f) for f in faults or [])


@register.filter
def fault_name(fault: str) -> str:
    """ "rounded_back" -> "Rounded back"."""
    return FAULT_NAMES.get(fault, fault).capitalize()
