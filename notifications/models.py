"""What happened to a set, told to one person, and each person's choice of what they hear."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class NotificationKind(models.TextChoices):
    ANALYSIS_DONE = "analysis_done", "An analysis is done"
    ANALYSIS_FAILED = "analysis_failed", "An analysis failed"
    COMMENT = "comment", "A new comment or drawing"
    LABEL = "label", "A coach labelled a rep"
    REJUDGED = "rejudged", "A set was re-judged by a new model"


class Notification(models.Model):
    """Something that happened to a session, for one person; unread until `read_at`."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    session = models.ForeignKey(
        "sets.TrainingSession",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "analysis_notification"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]


class NotificationPreference(models.Model):
    """One person's choice for one kind; no row means the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=False)

    class Meta:
        db_table = "analysis_notificationpreference"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="unique_notification_pref")
        ]
