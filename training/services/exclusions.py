"""Leaving a rep out of the training set (or taking it back), with the reason and its history."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from analysis.models import Rep
from athletes.selectors import user_is_admin
from training.models import RepExclusion


def _exclusion_set(rep: Rep, author, excluded: bool, reason: str) -> Rep:
    if not user_is_admin(author):
        raise PermissionDenied("Only admins may change the training set.")
    reason = (reason or "").strip()
    if excluded and not reason:
        raise ValidationError({"reason": "Say why this rep is excluded from training."})
    with transaction.atomic():
        rep = Rep.objects.select_for_update().get(pk=rep.pk)
        if rep.excluded == excluded:
            return rep
        RepExclusion.objects.create(rep=rep, excluded=excluded, reason=reason, author=author)
        rep.excluded = excluded
        if excluded:
            rep.exclusion_reason = reason
        rep.save(update_fields=["excluded", "exclusion_reason"])
    return rep


def rep_exclude(*, rep: Rep, author, reason: str) -> Rep:
    """Leave a rep out of future training; the reason is kept."""
    return _exclusion_set(rep, author, True, reason)


def rep_include(*, rep: Rep, author, reason: str = "") -> Rep:
    """Put an excluded rep back into the training set (the old reason stays in history)."""
    return _exclusion_set(rep, author, False, reason)
