"""Judging a session: the analysis job, its reps, the verdict history, detector versions, and
what people say about a session (comments, what they have read).

A rep's current verdict sits on the rep (fast to list and filter); every verdict ever made
is also kept in `RepVerdict`, so re-scoring with a new detector version adds history rather
than overwriting it. A coach's label is a different field from the model's verdict, with its
own history in `RepLabel`; re-scoring never touches it. Reps imported from a dataset have no
analysis (no video), only an image and a label.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from core import lifts
from core import result as outcomes

SOURCE_PLATFORM = "platform"  # reps found in uploaded sets; imports carry their own name


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


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


AnalysisStatus = TrainingStatus = JobStatus  # both jobs share one life cycle


class Job(models.Model):
    """What the two background jobs (analyses, training runs) share: queued -> running ->
    done | failed, a sentence when failed, and a heartbeat while running, kept fresh by the
    worker (analysis.services.heartbeats). A running job whose last sign of life is older
    than JOB_STALE_SECONDS lost its worker: the reaper fails it so it can be run again."""

    ASKED_AT = "created_at"  # the field that says when the job was asked for

    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    error = models.TextField(blank=True)  # a sentence for the person, when failed
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def last_sign_of_life(self) -> datetime:
        return self.heartbeat_at or self.started_at or getattr(self, self.ASKED_AT)

    @classmethod
    def silent_since(cls, moment: datetime) -> models.Q:
        """Jobs whose last sign of life (heartbeat, else start, else when asked for) is
        before `moment`."""
        return (
            models.Q(heartbeat_at__lt=moment)
            | models.Q(heartbeat_at__isnull=True, started_at__lt=moment)
            | models.Q(
                heartbeat_at__isnull=True,
                started_at__isnull=True,
                **{f"{cls.ASKED_AT}__lt": moment},
            )
        )


class Playback(models.TextChoices):
    """How the review page plays the upload: as it is, or from a copy made for browsers."""

    ORIGINAL = "original", "the upload plays in browsers"
    PREPARING = "preparing", "a playable copy is being made"
    COPY = "copy", "a playable copy plays"
    FAILED = "failed", "no playable copy could be made"


class Export(models.TextChoices):
    """The annotated video, made on request (`result_video` once ready)."""

    NONE = "", "not asked for"
    MAKING = "making", "being made"
    READY = "ready", "ready"
    FAILED = "failed", "could not be made"


class Analysis(Job):
    """The background job for one session, and a summary of its result."""

    ASKED_AT = "queued_at"

    session = models.OneToOneField(
        "athletes.TrainingSession", on_delete=models.CASCADE, related_name="analysis"
    )
    progress = models.FloatField(default=0.0)  # percent, 0..100
    attempts = models.PositiveIntegerField(default=0)  # a run's claim: its attempt number
    # Runs in a row whose worker stopped (killed, its machine gone): the reaper queues such a
    # run again while this is under ANALYSIS_LOST_REQUEUES, then fails it.
    worker_losses = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=100, blank=True)  # "host:pid" of the last claim
    queued_at = models.DateTimeField(default=timezone.now)
    # Media keys (coach_platform/storage.py), never URLs: served by permission-checked views.
    output_dir = models.CharField(max_length=500, blank=True)
    result_video = models.CharField(max_length=500, blank=True)  # the export, once made
    export = models.CharField(max_length=16, choices=Export.choices, blank=True, default="")
    # The upload itself when browsers play it, else a copy in the session's folder (kept
    # across re-analyses); empty playback: decided when the analysis is stored.
    playback = models.CharField(max_length=16, choices=Playback.choices, blank=True, default="")
    playable_video = models.CharField(max_length=500, blank=True)
    report_file = models.CharField(max_length=500, blank=True)
    exercise_detected = models.CharField(max_length=32, blank=True)
    rep_count = models.PositiveIntegerField(default=0)
    video_info = models.JSONField(default=dict, blank=True)
    timings_ms = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    detector_version = models.ForeignKey(
        DetectorVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The last version whose re-scoring changed what a rep of this set shows (its outcome).
    rejudged_by = models.ForeignKey(
        DetectorVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejudged_at = models.DateTimeField(null=True, blank=True)
    # Rises the counter saw and did not count (report.json's "candidates": kind, reason,
    # start/lockout/end frame and seconds); a coach may count one as a rep.
    candidates = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name_plural = "analyses"

    def __str__(self) -> str:
        return f"analysis of session {self.session_id}: {self.status}"


class Verdict(models.TextChoices):
    GOOD = "good", "Good"
    ANOMALOUS = "anomalous", "Anomalous"


class Label(models.TextChoices):
    GOOD = "good", "Good"
    ANOMALOUS = "anomalous", "Anomalous"


# A coach's fault tags: every lift's named faults (core/lifts, in the coach's key
# order), and "other" with a note.
Fault = models.TextChoices(
    "Fault",
    [(f.id.upper(), (f.id, f.label)) for f in lifts.all_faults()] + [("OTHER", ("other", "Other"))],
)


class Outcome(models.TextChoices):
    """What people are shown for a rep: the coach's label when there is one, else the
    model's (pipeline.result.model_outcome: named faults, "unusual", good, not judged)."""

    GOOD = outcomes.GOOD, "Good"
    FAULTS = outcomes.FAULTS, "Form fault"
    UNUSUAL = outcomes.UNUSUAL, "Unusual movement"
    NOT_JUDGED = outcomes.NOT_JUDGED, "Not judged"


FLAGGED = (Outcome.FAULTS, Outcome.UNUSUAL)  # what a coach should look at


def _outcome_sql(*whens: models.When) -> models.Case:
    return models.Case(
        *whens, default=models.Value(Outcome.NOT_JUDGED), output_field=models.CharField()
    )


# pipeline.result.model_outcome in SQL, to filter and count on (a test holds them equal).
_MODEL_WHENS = (
    models.When(~models.Q(not_judged_reason=""), then=models.Value(Outcome.NOT_JUDGED)),
    models.When(
        models.Q(detected_faults__isnull=False) & ~models.Q(detected_faults=[]),
        then=models.Value(Outcome.FAULTS),
    ),
    models.When(verdict="anomalous", then=models.Value(Outcome.UNUSUAL)),
    models.When(verdict="good", then=models.Value(Outcome.GOOD)),
    models.When(detected_faults__isnull=False, then=models.Value(Outcome.GOOD)),
)
_LABEL_WHENS = (
    models.When(label="good", then=models.Value(Outcome.GOOD)),
    models.When(label="anomalous", then=models.Value(Outcome.FAULTS)),
)


class RepQuerySet(models.QuerySet):
    def counted(self) -> RepQuerySet:
        """Reps that count: everything downstream (verdict lists, flags, progress, CSV, the
        review queue, training, re-scoring) reads these; "not a rep" rows stay for history."""
        return self.filter(counted=True)

    def with_outcomes(self) -> RepQuerySet:
        """Annotate `model_outcome_sql` and `outcome_sql` (the properties' rule, in SQL) to
        filter and count on."""
        return self.annotate(
            model_outcome_sql=_outcome_sql(*_MODEL_WHENS),
            outcome_sql=_outcome_sql(*_LABEL_WHENS, *_MODEL_WHENS),
        )


class CountedBy(models.TextChoices):
    DETECTOR = "detector", "Detector"
    COACH = "coach", "Coach"


class Rep(models.Model):
    # Null for reps imported from a dataset of images (no video, no session).
    analysis = models.ForeignKey(
        Analysis, on_delete=models.CASCADE, related_name="reps", null=True, blank=True
    )
    index = models.PositiveIntegerField()  # 1-based, in order
    source = models.CharField(max_length=100, default=SOURCE_PLATFORM, db_index=True)
    source_name = models.CharField(max_length=255, blank=True)  # imported file name
    # Reps of one video are alike: training splits never put a group on both sides.
    group = models.CharField(max_length=255, blank=True)
    image_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    start_frame = models.IntegerField(default=0)
    lockout_frame = models.IntegerField(default=0)
    end_frame = models.IntegerField(default=0)
    start_s = models.FloatField(default=0.0)
    lockout_s = models.FloatField(default=0.0)
    end_s = models.FloatField(default=0.0)
    complete = models.BooleanField(default=True)
    stages = models.JSONField(default=dict, blank=True)
    kinematics = models.JSONField(default=dict, blank=True)
    # Media keys (SkeleMotion PNG and its float arrays).
    image = models.CharField(max_length=500, blank=True)
    orientation = models.CharField(max_length=500, blank=True)
    magnitude = models.CharField(max_length=500, blank=True)
    landmarks = models.CharField(max_length=500, blank=True)
    body_image = models.CharField(max_length=500, blank=True)  # the body-frame SkeleMotion PNG
    # The current verdict; null means "not judged yet". History: RepVerdict.
    verdict = models.CharField(max_length=16, choices=Verdict.choices, null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    joints = models.JSONField(default=list, blank=True)
    detector_version = models.ForeignKey(
        DetectorVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    judged_at = models.DateTimeField(null=True, blank=True)
    # Why the detector gave no verdict (a camera view it did not learn from): it abstained.
    detector_abstained = models.CharField(max_length=300, blank=True)
    # The coach's label: a different field from the verdict. Null = unlabelled.
    label = models.CharField(max_length=16, choices=Label.choices, null=True, blank=True)
    faults = models.JSONField(default=list, blank=True)
    label_note = models.TextField(blank=True)
    labelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    labelled_at = models.DateTimeField(null=True, blank=True)
    # Left out of training by an admin; the reason stays (history: RepExclusion).
    excluded = models.BooleanField(default=False)
    exclusion_reason = models.TextField(blank=True)
    # The rep count: "not a rep" (a coach's correction) sets counted False; the row and its
    # files stay, for the history and a restore. History: RepCorrection.
    counted = models.BooleanField(default=True, db_index=True)
    counted_by = models.CharField(
        max_length=16, choices=CountedBy.choices, default=CountedBy.DETECTOR
    )
    confidence = models.FloatField(null=True, blank=True)  # 0..1, the counter's
    evidence = models.JSONField(default=dict, blank=True)  # what it was counted on
    # Named faults (pipeline/faults.py): null = not checked (not judged, or older reps);
    # the evidence has the measure, value, threshold and video time of every fault checked.
    detected_faults = models.JSONField(null=True, blank=True)
    fault_evidence = models.JSONField(default=dict, blank=True)
    camera_view = models.CharField(max_length=16, blank=True)  # side, oblique, front
    not_judged_reason = models.CharField(max_length=300, blank=True)

    objects = RepQuerySet.as_manager()

    class Meta:
        ordering = ["analysis_id", "index", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["analysis", "index"], name="unique_rep_index"),
            # Importing the same image into the same source twice does not duplicate it.
            models.UniqueConstraint(
                fields=["source", "image_sha256"],
                condition=models.Q(analysis__isnull=True),
                name="unique_imported_image",
            ),
        ]

    def __str__(self) -> str:
        return f"rep {self.index} of analysis {self.analysis_id}"

    @property
    def model_outcome(self) -> Outcome:
        return Outcome(
            outcomes.model_outcome(self.not_judged_reason, self.detected_faults, self.verdict)
        )

    @property
    def outcome(self) -> Outcome:
        """What people see: the coach's label when there is one, else the model's."""
        if self.label == Label.GOOD:
            return Outcome.GOOD
        if self.label == Label.ANOMALOUS:
            return Outcome.FAULTS
        return self.model_outcome

    @property
    def outcome_faults(self) -> list[str]:
        """The faults behind the outcome: the coach's tags when labelled, else the model's."""
        if self.label:
            return list(self.faults or [])
        return list(self.detected_faults or [])


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


class RepLabel(models.Model):
    """Every labelling of a rep: who, when, from what to what, and why."""

    rep = models.ForeignKey(Rep, on_delete=models.CASCADE, related_name="label_history")
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
        ordering = ["-created_at", "-pk"]


class RepExclusion(models.Model):
    """Every exclusion from (or return to) the training set, with its reason."""

    rep = models.ForeignKey(Rep, on_delete=models.CASCADE, related_name="exclusions")
    excluded = models.BooleanField()
    reason = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]


class CorrectionKind(models.TextChoices):
    NOT_A_REP = "not_a_rep", "Not a rep"
    RESTORED = "restored", "Restored"
    COUNTED_CANDIDATE = "counted_candidate", "Counted a candidate"
    MOVED = "moved", "Moved"


CORRECTION_NOTE_MAX = 500


class RepCorrection(models.Model):
    """Every correction of a set's rep count: who, when, what, and the span or state before
    and after (training data for a learned counter)."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="corrections")
    rep = models.ForeignKey(
        Rep, on_delete=models.SET_NULL, null=True, blank=True, related_name="corrections"
    )
    kind = models.CharField(max_length=32, choices=CorrectionKind.choices)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=CORRECTION_NOTE_MAX, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} on analysis {self.analysis_id}"


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
        ordering = ["-created_at", "-pk"]


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
        DetectorVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="run"
    )
    activated = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_open"], condition=models.Q(is_open=True), name="one_open_training_run"
            )
        ]

    def __str__(self) -> str:
        return f"training run {self.pk}: {self.status}"


COMMENT_MAX_LENGTH = 4000  # a long coaching note fits; a 9 MB page does not


class Comment(models.Model):
    """A comment on a session, or on one of its reps, optionally pinned to a video time.

    Part of the review, so it lives here; its table keeps the name it had when comments
    lived in `athletes` (migrations moved the model, not the rows)."""

    session = models.ForeignKey(
        "athletes.TrainingSession", on_delete=models.CASCADE, related_name="comments"
    )
    rep = models.ForeignKey(
        Rep,
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
        "athletes.TrainingSession", on_delete=models.CASCADE, related_name="read_markers"
    )
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "athletes_sessionreadmarker"
        constraints = [
            models.UniqueConstraint(fields=["user", "session"], name="unique_read_marker")
        ]


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
        "athletes.TrainingSession",
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
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="unique_notification_pref")
        ]


class ShareLink(models.Model):
    """A read-only, expiring, revocable link to one session for someone without an account."""

    session = models.ForeignKey(
        "athletes.TrainingSession", on_delete=models.CASCADE, related_name="share_links"
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
        ordering = ["-created_at", "-id"]


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
        "athletes.TrainingSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
