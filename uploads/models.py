"""Uploads arriving in pieces, resumable after a dropped connection."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ResumableUpload(models.Model):
    """An upload arriving in pieces (resumable after a dropped connection); becomes a session
    when the last byte is in and the file passes the same checks as a whole upload."""

    key = models.CharField(max_length=64, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    athlete = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(max_length=255)
    size = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    # The stored pieces in order (names under media key uploads-partial/<key>/), each starting
    # at the offset in its name: any web machine takes the next piece, none keeps a file.
    pieces = models.JSONField(default=list)
    fields = models.JSONField(default=dict)  # exercise, performed_at, load_kg, notes
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    session = models.ForeignKey(
        "sets.TrainingSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "analysis_resumableupload"
