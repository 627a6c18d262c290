"""Read-only links to one set for someone without an account."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ShareLink(models.Model):
    """A read-only, expiring, revocable link to one session for someone without an account."""

    session = models.ForeignKey(
        "sets.TrainingSession", on_delete=models.CASCADE, related_name="share_links"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True)
    note = models.CharField(max_length=100, blank=True)  # "for the physio"
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "analysis_sharelink"
        ordering = ["-created_at", "-id"]
