"""Judging a session: the analysis job, its reps, the verdict history, detector versions, and
what people say about a session (comments, what they have read).

A rep's current verdict sits on the rep (fast to list and filter); every verdict ever made
is also kept in `RepVerdict`, so re-scoring with a new detector version adds history rather
than overwriting it. A coach's label is a different field from the model's verdict, with its
own history in `RepLabel`; re-scoring never touches it. Reps imported from a dataset have no
analysis (no video), only an image and a label.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from coach_platform.jobs import Job, JobStatus
from core import lifts
from core import result as outcomes
from core.lifts.faults import explained

SOURCE_PLATFORM = "platform"  # reps found in uploaded sets; imports carry their own name


AnalysisStatus = JobStatus


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
        "sets.TrainingSession", on_delete=models.CASCADE, related_name="analysis"
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
    # How likely each lift of the registry (and "other") is from the set's posture, 0..1,
    # the likeliest first (core/lifts/posture.py); empty for analyses from before.
    lift_probabilities = models.JSONField(default=dict, blank=True)
    # Analysed as this lift only (a registry name) because someone said so ("analyse as");
    # empty: the lift it recognises.
    lift_forced = models.CharField(max_length=32, blank=True)
    rep_count = models.PositiveIntegerField(default=0)
    video_info = models.JSONField(default=dict, blank=True)
    timings_ms = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    detector_version = models.ForeignKey(
        "detectors.DetectorVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The last version whose re-scoring changed what a rep of this set shows (its outcome).
    rejudged_by = models.ForeignKey(
        "detectors.DetectorVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
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


# A coach's fault tags: every lift's named faults (core/lifts, in the coach's key order),
# and "other" with a note, right after the default lift's: its shift+key stays where coaches
# learnt it as lifts are added.
_TAGS = [(f.id.upper(), (f.id, f.label)) for f in lifts.all_faults()]
_FIRST = len(lifts.DEFAULT.faults)
Fault = models.TextChoices(
    "Fault", [*_TAGS[:_FIRST], ("OTHER", ("other", "Other")), *_TAGS[_FIRST:]]
)
FAULT_NAMES = {value: str(label).lower() for value, label in Fault.choices}  # as sentences read


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
    models.When(personal_effect=outcomes.CLEARED, then=models.Value(Outcome.GOOD)),
    models.When(
        models.Q(detected_faults__isnull=False) & ~models.Q(detected_faults=[]),
        then=models.Value(Outcome.FAULTS),
    ),
    models.When(
        models.Q(verdict="anomalous") | models.Q(personal_effect=outcomes.FLAGGED),
        then=models.Value(Outcome.UNUSUAL),
    ),
    models.When(verdict="good", then=models.Value(Outcome.GOOD)),
    models.When(detected_faults__isnull=False, then=models.Value(Outcome.GOOD)),
)
_LABEL_WHENS = (
    models.When(label="good", then=models.Value(Outcome.GOOD)),
    models.When(label="anomalous", then=models.Value(Outcome.FAULTS)),
)


def lift_filter(name: str, analysis: str = "analysis") -> models.Q:
    """Reps of the lift `name` (a registry name, its variants included), as a filter on Rep
    (`analysis`: the lookup path to the rep's Analysis). The default lift's include the
    reps imported from a dataset and analyses from before the lift was recorded."""
    lift = lifts.get(name)
    q = models.Q(**{f"{analysis}__exercise_detected__in": (lift.name, *lift.variants)})
    if lift is lifts.DEFAULT:
        q |= models.Q(**{f"{analysis}__isnull": True})
        q |= models.Q(**{f"{analysis}__exercise_detected": ""})
    return q


class RepQuerySet(models.QuerySet):
    def of_lift(self, name: str) -> RepQuerySet:
        """Reps of the lift `name` (lift_filter)."""
        return self.filter(lift_filter(name))

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
        "detectors.DetectorVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
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
    # Against the athlete's reps a coach marked good (one lift, one view): the comparison
    # (detector/personal.py: compare; {} without a baseline) and its effect on the outcome
    # ("", flagged, cleared). Written by services/personal.py: personal_refresh only.
    personal = models.JSONField(default=dict, blank=True)
    personal_effect = models.CharField(max_length=8, blank=True)

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
    def lift(self) -> str:
        """The lift it is a rep of (a registry name; imports and older sets: the default's)."""
        seen = self.analysis.exercise_detected if self.analysis_id else ""
        return lifts.of_exercise(seen).name

    @property
    def model_outcome(self) -> Outcome:
        return Outcome(
            outcomes.model_outcome(
                self.not_judged_reason, self.detected_faults, self.verdict, self.personal_effect
            )
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
    def evidence_explained(self) -> dict[str, dict[str, Any]]:
        """Every fault checked, as people read it: cue, drill, close to the line (faults.py)."""
        return explained(self.fault_evidence or {})

    @property
    def outcome_faults(self) -> list[str]:
        """The faults behind the outcome: the coach's tags when labelled, else the model's
        (none when the athlete's own good reps set its borderline ones aside)."""
        if self.label:
            return list(self.faults or [])
        if self.personal_effect == outcomes.CLEARED:  # usual for them: judged good
            return []
        return list(self.detected_faults or [])


class RepVerdict(models.Model):
    """Every verdict a detector version gave a rep: the history behind `Rep.verdict`."""

    rep = models.ForeignKey(Rep, on_delete=models.CASCADE, related_name="verdicts")
    detector_version = models.ForeignKey(
        "detectors.DetectorVersion", on_delete=models.PROTECT, related_name="verdicts"
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
