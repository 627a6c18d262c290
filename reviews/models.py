"""What coaches and athletes say about a set: comments and drawings (pinned to a rep or a video
time), what each person has read, and the history of coaches' labels."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from analysis.models import Label

COMMENT_MAX_LENGTH = 4000  # a long coaching note fits; a 9 MB page does not


class Comment(models.Model):
    """A comment on a session, or on one of its reps, optionally pinned to a video time.

    Part of the review, so it lives here; its table keeps the name it had when comments
    lived in `athletes` (migrations moved the model, not the rows)."""

    session = models.ForeignKey(
        "sets.TrainingSession", on_delete=models.CASCADE, related_name="comments"
    )
    rep = models.ForeignKey(
        "analysis.Rep",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="comments"
    )
    body = models.TextField(max_length=COMMENT_MAX_LENGTH, blank=True)
    video_time_s = models.FloatField(null=True, blank=True)
    # An annotation is a comment with a drawing on the paused frame: a list of shapes in
    # picture fractions (see services/comments.py for the checked shape format).
    drawing = models.JSONField(null=True, blank=True)
    # A voice-over: the author's recording, pinned to the video time, as a media key the server
    # chose (sessions/<folder>/comments/<random>.weba or .m4a; services/voice_overs.py) with
    # its length; "" for none. The file goes with the row (a receiver there).
    audio = models.CharField(max_length=500, blank=True, default="")
    audio_duration_s = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "athletes_comment"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class SessionReadMarker(models.Model):
    """When a person last looked at a session: comments by others after it are unread."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        "sets.TrainingSession", on_delete=models.CASCADE, related_name="read_markers"
    )
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "athletes_sessionreadmarker"
        constraints = [
            models.UniqueConstraint(fields=["user", "session"], name="unique_read_marker")
        ]


class RepLabel(models.Model):
    """Every labelling of a rep: who, when, from what to what, and why."""

    rep = models.ForeignKey("analysis.Rep", on_delete=models.CASCADE, related_name="label_history")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_label = models.CharField(max_length=16, choices=Label.choices, null=True, blank=True)
    to_label = models.CharField(max_length=16, choices=Label.choices)
    from_faults = models.JSONField(default=list, blank=True)
    to_faults = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "analysis_replabel"
        ordering = ["-created_at", "-pk"]
