"""Writes about sets: a coach marks one reviewed; a set's files go with its row."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from athletes.selectors import user_can_review
from coach_platform.storage import media_remove
from sets.models import TrainingSession

logger = logging.getLogger(__name__)


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
