"""A recorded set: the uploaded video and what the athlete says about it (exercise, day, load,
notes), and whether a coach has reviewed it. Its table keeps the name it had in `athletes`
(migrations moved the model, not the rows)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core import lifts

NOTES_MAX_LENGTH = 2000  # what the athlete says about a set


# The heaviest load a set may name (the heaviest lifts on record are about half): a typo of a
# digit too many would skew volume and estimated 1RM for good.
LOAD_MAX_KG = 1000


# What a set may be: the lifts the platform judges (core/lifts' registry); a set that names
# none is of the registry's DEFAULT.
Exercise = models.TextChoices(
    "Exercise", [(lift.name.upper(), (lift.name, lift.label)) for lift in lifts.LIFTS.values()]
)
EXERCISE_DEFAULT = lifts.DEFAULT.name
EXERCISE_RECOGNISE = ""  # the athlete left it to the platform: the lift it recognises


def session_upload_path(instance: TrainingSession, filename: str) -> str:
    # Per-session folder; the original name is kept for the person, not trusted as a path.
    return f"sessions/{instance.folder}/upload/{filename}"


class TrainingSession(models.Model):
    """One uploaded set: the video and what the athlete says about it."""

    athlete = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_sessions"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="uploaded_sessions",
    )
    folder = models.CharField(max_length=64, unique=True)
    video = models.FileField(upload_to=session_upload_path, max_length=500)
    original_filename = models.CharField(max_length=255, blank=True)
    video_size = models.BigIntegerField(default=0)
    # The set's lift: what the athlete said, else what the analysis recognised ("" until then).
    exercise = models.CharField(
        max_length=32, choices=Exercise.choices, blank=True, default=EXERCISE_DEFAULT
    )
    exercise_chosen = models.BooleanField(default=False)  # the athlete said which lift it is
    performed_at = models.DateField(default=timezone.localdate)
    load_kg = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    notes = models.TextField(blank=True, max_length=NOTES_MAX_LENGTH)
    # The span of the video the set is analysed on, in seconds of the video's own time
    # (null: from its start, to its end); the video itself is kept whole.
    trim_start_s = models.FloatField(null=True, blank=True)
    trim_end_s = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "athletes_trainingsession"
        ordering = ["-performed_at", "-created_at"]
        indexes = [models.Index(fields=["athlete", "-performed_at"])]

    def __str__(self) -> str:
        return f"{self.athlete} {self.exercise} {self.performed_at}"
