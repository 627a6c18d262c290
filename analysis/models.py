"""Judging a session: the analysis job, its reps, the verdict history and detector versions.

A rep's current verdict sits on the rep (fast to list and filter); every verdict ever made
is also kept in `RepVerdict`, so re-scoring with a new detector version adds history rather
than overwriting it. Coach labels (next issue) will be a separate table beside these.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class DetectorVersion(models.Model):
    """A trained anomaly detector on disk; immutable once trained, at most one is active."""

    name = models.CharField(max_length=100, unique=True)
    model_dir = models.CharField(max_length=500)
    metrics = models.JSONField(default=dict, blank=True)
    notes = models.TextField(blank=True)
    is_active = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="one_active_detector",
            )
        ]

    def __str__(self) -> str:
        return self.name + (" (active)" if self.is_active else "")


class AnalysisStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Analysis(models.Model):
    """The background job for one session, and a summary of its result."""

    session = models.OneToOneField(
        "athletes.TrainingSession", on_delete=models.CASCADE, related_name="analysis"
    )
    status = models.CharField(
        max_length=16, choices=AnalysisStatus.choices, default=AnalysisStatus.QUEUED
    )
    progress = models.FloatField(default=0.0)  # percent, 0..100
    error = models.TextField(blank=True)  # a sentence for the person, when failed
    attempts = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Paths relative to MEDIA_ROOT: never exposed as URLs, served by permission-checked views.
    output_dir = models.CharField(max_length=500, blank=True)
    result_video = models.CharField(max_length=500, blank=True)
    report_file = models.CharField(max_length=500, blank=True)
    exercise_detected = models.CharField(max_length=32, blank=True)
    rep_count = models.PositiveIntegerField(default=0)
    video_info = models.JSONField(default=dict, blank=True)
    timings_ms = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    detector_version = models.ForeignKey(
        DetectorVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "analyses"

    def __str__(self) -> str:
        return f"analysis of session {self.session_id}: {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (AnalysisStatus.DONE, AnalysisStatus.FAILED)


class Verdict(models.TextChoices):
    GOOD = "good", "Good"
    ANOMALOUS = "anomalous", "Anomalous"


class Rep(models.Model):
    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="reps")
    index = models.PositiveIntegerField()  # 1-based, in order
    start_frame = models.IntegerField()
    lockout_frame = models.IntegerField()
    end_frame = models.IntegerField()
    start_s = models.FloatField()
    lockout_s = models.FloatField()
    end_s = models.FloatField()
    complete = models.BooleanField(default=True)
    stages = models.JSONField(default=dict, blank=True)
    kinematics = models.JSONField(default=dict, blank=True)
    # Files relative to MEDIA_ROOT (SkeleMotion PNG and its float arrays).
    image = models.CharField(max_length=500, blank=True)
    orientation = models.CharField(max_length=500, blank=True)
    magnitude = models.CharField(max_length=500, blank=True)
    landmarks = models.CharField(max_length=500, blank=True)
    # The current verdict; null means "not judged yet". History: RepVerdict.
    verdict = models.CharField(max_length=16, choices=Verdict.choices, null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    joints = models.JSONField(default=list, blank=True)
    detector_version = models.ForeignKey(
        DetectorVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    judged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["analysis_id", "index"]
        constraints = [
            models.UniqueConstraint(fields=["analysis", "index"], name="unique_rep_index")
        ]

    def __str__(self) -> str:
        return f"rep {self.index} of analysis {self.analysis_id}"


class RepVerdict(models.Model):
    """Every verdict a detector version gave a rep: the history behind `Rep.verdict`."""

    rep = models.ForeignKey(Rep, on_delete=models.CASCADE, related_name="verdicts")
    detector_version = models.ForeignKey(
        DetectorVersion, on_delete=models.PROTECT, related_name="verdicts"
    )
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    score = models.FloatField()
    threshold = models.FloatField()
    joints = models.JSONField(default=list, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One verdict per rep per version: re-running an analysis does not duplicate it.
            models.UniqueConstraint(fields=["rep", "detector_version"], name="unique_rep_verdict")
        ]
