"""Training a new detector version: the runs (a background job) and the reps admins leave out."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from coach_platform.jobs import Job, JobStatus

TrainingStatus = JobStatus  # the life cycle every job shares


class TrainingRun(Job):
    """One training of a new detector version; at most one is open (queued or running)."""

    # True while queued or running; the partial unique constraint makes "one run at a time"
    # hold even when two requests race.
    is_open = models.BooleanField(default=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    params = models.JSONField(default=dict, blank=True)  # config, epochs, seed
    auto_activate = models.BooleanField(default=False)
    phase = models.CharField(max_length=32, blank=True)  # snapshot, training, evaluating...
    epoch = models.PositiveIntegerField(default=0)
    epochs = models.PositiveIntegerField(default=0)
    history = models.JSONField(default=list, blank=True)  # [{epoch, loss, val_loss}]
    snapshot = models.JSONField(default=dict, blank=True)  # rep ids per side, counts
    version = models.OneToOneField(
        "detectors.DetectorVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="run",
    )
    activated = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "analysis_trainingrun"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_open"], condition=models.Q(is_open=True), name="one_open_training_run"
            )
        ]

    def __str__(self) -> str:
        return f"training run {self.pk}: {self.status}"


class RepExclusion(models.Model):
    """Every exclusion from (or return to) the training set, with its reason."""

    rep = models.ForeignKey("analysis.Rep", on_delete=models.CASCADE, related_name="exclusions")
    excluded = models.BooleanField()
    reason = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "analysis_repexclusion"
        ordering = ["-created_at", "-pk"]
