"""Writes about sets: a coach marks one reviewed; its people correct its details (load,
date, the span of the video it is analysed on); its athlete deletes it; a set's files go
with its row.

The rules of a set's details live here, for every way they arrive (an upload, the API's
PATCH, the review page's form): `session_check_load`, `session_check_date`,
`session_check_trim`. A lift changed, or a span, is analysed again by the analysis app
(`analysis.services.set_edits`), which calls these."""

from __future__ import annotations

import logging
import math
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from athletes.selectors import user_can_review
from coach_platform.storage import media_remove
from sets.models import LOAD_MAX_KG, TrainingSession
from sets.selectors import session_can_delete, session_can_edit

logger = logging.getLogger(__name__)

EARLIEST_SET = date(1900, 1, 1)  # a date before any video of a lift
TRIM_MIN_KEPT_S = 1.0  # the shortest span worth analysing: about one rep's lowering
TRIM_SLACK_S = 0.05  # a player's "end" may read a frame past the duration the file states
TRIM_FIELDS = ("trim_start_s", "trim_end_s")
DETAIL_FIELDS = ("load_kg", "performed_at", *TRIM_FIELDS)
MESSAGE_EDIT_FORBIDDEN = (
    "Only the athlete, whoever uploaded the set for them, their coaches and admins may correct it."
)
MESSAGE_DELETE_FORBIDDEN = "Only the athlete deletes a set (or an admin): ask them to."


def session_mark_reviewed(*, session: TrainingSession, user) -> None:
    if not user_can_review(user):
        raise PermissionDenied("Only a coach marks a session reviewed.")
    session.reviewed_at = timezone.now()
    session.reviewed_by = user
    session.save(update_fields=["reviewed_at", "reviewed_by"])


@receiver(post_delete, sender=TrainingSession, dispatch_uid="set_files_go_with_the_row")
def _files_go_with_the_row(sender, instance: TrainingSession, **kwargs) -> None:
    """Whoever deletes a set (an erased account's cascade, the admin), its folder goes once
    the deletion commits; a rolled-back deletion keeps rows and files together."""
    folder = instance.folder
    if not folder or "/" in folder:
        logger.warning("not removing suspicious session folder %r", folder)
        return
    transaction.on_commit(lambda: media_remove(f"sessions/{folder}"))


# --- the rules of a set's details ------------------------------------------------------------
def session_check_load(load_kg: Decimal | float | None) -> None:
    """A load is optional; given, from 0 to LOAD_MAX_KG kg."""
    if load_kg is not None and not 0 <= load_kg <= LOAD_MAX_KG:
        raise ValidationError({"load_kg": f"The load is from 0 to {LOAD_MAX_KG} kg."})


def session_check_date(performed_at: date | None) -> None:
    """Not in the future (a day of slack for time zones), not before any video of a lift."""
    if performed_at is None:
        return
    if performed_at > timezone.localdate() + timedelta(1):
        raise ValidationError({"performed_at": "The set's date cannot be in the future."})
    if performed_at < EARLIEST_SET:
        raise ValidationError(
            {"performed_at": f"The set's date cannot be before {EARLIEST_SET.year}."}
        )


def session_check_trim(start_s: float | None, end_s: float | None, duration_s: float | None):
    """The kept span, in seconds of the video (None: its start, its end): 0 <= start < end
    <= the video's duration (`duration_s`, when known), at least TRIM_MIN_KEPT_S long."""
    for field, value in (("trim_start_s", start_s), ("trim_end_s", end_s)):
        if value is not None and not math.isfinite(value):
            raise ValidationError({field: "A time is a number of seconds."})
    known = duration_s if duration_s and duration_s > 0 else None
    start = 0.0 if start_s is None else start_s
    end = end_s if end_s is not None else known
    if start < 0:
        raise ValidationError({"trim_start_s": "The start is at 0 s or later."})
    if known is not None and start >= known:
        raise ValidationError({"trim_start_s": f"The video is {known:.1f} s long: start earlier."})
    if end is not None and end <= start:
        raise ValidationError({"trim_end_s": "The end comes after the start."})
    if known is not None and end is not None and end > known + TRIM_SLACK_S:
        raise ValidationError(
            {"trim_end_s": f"The video is {known:.1f} s long: the span ends within it."}
        )
    if end is not None and end - start < TRIM_MIN_KEPT_S:
        field = "trim_end_s" if end_s is not None else "trim_start_s"
        raise ValidationError(
            {field: f"Keep at least {TRIM_MIN_KEPT_S:.0f} s of the video to analyse."}
        )


# --- correcting a set, deleting it -----------------------------------------------------------
def session_edit_authorize(*, session: TrainingSession, user) -> None:
    if not session_can_edit(user, session):
        raise PermissionDenied(MESSAGE_EDIT_FORBIDDEN)


def session_details_update(
    *,
    session: TrainingSession,
    user,
    changes: dict[str, Any],
    duration_s: float | None = None,
) -> list[str]:
    """Correct a set's load, date and kept span (`changes`: any of DETAIL_FIELDS; the video's
    `duration_s` checks the span). Returns the fields that changed. Progress, volume and the
    estimated 1RM read the fields, so they follow; a changed span needs a new analysis,
    which is the caller's (`analysis.services.set_edits.session_edit`)."""
    session_edit_authorize(session=session, user=user)
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise ValidationError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    if "load_kg" in changes:
        session_check_load(changes["load_kg"])
    if "performed_at" in changes:
        if changes["performed_at"] is None:
            raise ValidationError({"performed_at": "Say which day the set was done."})
        session_check_date(changes["performed_at"])
    if any(field in changes for field in TRIM_FIELDS):
        start, end = (changes.get(f, getattr(session, f)) for f in TRIM_FIELDS)
        session_check_trim(start, end, duration_s)
    changed = [f for f in DETAIL_FIELDS if f in changes and getattr(session, f) != changes[f]]
    for field in changed:
        setattr(session, field, changes[field])
    if changed:
        session.save(update_fields=changed)
        logger.info("session %s: %s corrected by %s", session.pk, ", ".join(changed), user.pk)
    return changed


def session_delete(*, session: TrainingSession, user) -> None:
    """Delete a set for everyone: its row and, through the database's cascades, its
    analysis, reps, verdicts, count corrections, labels, comments and drawings, read
    markers, notifications and share links; its folder (the upload, every analysis folder,
    the playable copy, the annotated video) goes once the deletion commits
    (`_files_go_with_the_row`, the same path as an erased account's sets). An analysis still
    running loses its row: its worker's later writes match no claim and do nothing, and it
    removes what it was writing. Only the athlete (or an admin) deletes a set."""
    if not session_can_delete(user, session):
        raise PermissionDenied(MESSAGE_DELETE_FORBIDDEN)
    pk = session.pk
    with transaction.atomic():
        session.delete()
    logger.info("session %s deleted by %s", pk, user.pk)
