"""Trained anomaly detectors: immutable versions, at most one active, and the log of switches."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class DetectorVersion(models.Model):
    """A trained anomaly detector; immutable once trained, at most one is active."""

    name = models.CharField(max_length=100, unique=True)
    # The version's folder as a media key ("detectors/<folder>", any machine fetches it);
    # versions registered before keys hold an absolute path.
    model_dir = models.CharField(max_length=500)
    metrics = models.JSONField(default=dict, blank=True)
    notes = models.TextField(blank=True)
    is_active = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    # Re-scoring of every stored rep after activation (see services.detectors).
    rescore_status = models.CharField(max_length=16, blank=True)  # "", running, done, stopped
    rescored_count = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "analysis_detectorversion"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="one_active_detector",
            )
        ]

    def __str__(self) -> str:
        return self.name + (" (active)" if self.is_active else "")


class DetectorActivation(models.Model):
    """The log of switches: which version became active, replacing which, by whom."""

    version = models.ForeignKey(DetectorVersion, on_delete=models.PROTECT, related_name="+")
    previous = models.ForeignKey(
        DetectorVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    automatic = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "analysis_detectoractivation"
        ordering = ["-created_at", "-pk"]
