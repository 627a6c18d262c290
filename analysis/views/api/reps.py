"""Reps through the API: a rep, its comments, the coach's label and its history, the
admins' exclusion from training, and the coaches' corrections of the rep count ("not a rep",
restore, a moved span) with their history."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from analysis.models import CORRECTION_NOTE_MAX, Fault, Label, Outcome, Rep, RepCorrection
from analysis.selectors.reps import rep_visible_queryset
from analysis.services.rep_counts import rep_correct_authorize, rep_move, rep_not_a_rep, rep_restore
from analysis.views.api.common import IsAdmin, paginated
from reviews.api import comments_respond, comments_schema
from reviews.models import RepLabel
from reviews.services.labels import rep_label, rep_label_authorize
from training.services.exclusions import rep_exclude, rep_include

LABEL_STATE_FIELDS = ["label", "faults", "label_note", "labelled_by"]


class RepLabelStateSerializer(serializers.ModelSerializer):
    """The coach's label on a rep: part of every rep the API answers, and of the queue
    page's items (its script copies the label API's answer into them)."""

    labelled_by = serializers.CharField(
        source="labelled_by.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Rep
        fields = LABEL_STATE_FIELDS
        read_only_fields = fields


class RepCorrectionSerializer(serializers.ModelSerializer):
    """One correction of the rep count: who, when, what, and the span or state around it."""

    author = serializers.CharField(
        source="author.username", read_only=True, default=None, allow_null=True
    )
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = RepCorrection
        fields = ["id", "rep", "kind", "kind_display", "before", "after", "note", "author",
                  "created_at"]  # fmt: skip
        read_only_fields = fields


class RepSerializer(RepLabelStateSerializer):
    session = serializers.IntegerField(
        source="analysis.session_id", read_only=True, default=None, allow_null=True
    )
    detector_version = serializers.CharField(
        source="detector_version.name", read_only=True, default=None, allow_null=True
    )
    image_url = serializers.SerializerMethodField()
    corrections = RepCorrectionSerializer(many=True, read_only=True)
    # One verdict for people (models.Outcome): the coach's label, else the model's.
    # The words are the pages' (templates/analysis/_model_vs_coach.html): the form check
    # (named faults), the movement model (the detector), the coach's label.
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        read_only=True,
        help_text="What people see: the coach's label when there is one, else `model_outcome`.",
    )
    outcome_faults = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The faults behind `outcome`: the coach's tags, else the form check's.",
    )
    model_outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        read_only=True,
        help_text="The platform's outcome before a coach: the form check's named faults "
        "first, then the movement model's `unusual`, then good; `not_judged` with a reason.",
    )
    personal = serializers.SerializerMethodField()
    fault_evidence = serializers.SerializerMethodField(
        help_text=(
            "Per fault checked: its measure, threshold, whether it is a fault (`detected`), "
            "the sentence with the numbers (`says`), what to do about it (`cue`), an exercise "
            "that practises it (`drill`) and whether a measure that is not a fault is within "
            "10% of its threshold, 5° for an angle (`close`: close to the line)."
        )
    )

    class Meta:
        model = Rep
        fields = [
            "id",
            "session",
            "index",
            "start_s",
            "lockout_s",
            "end_s",
            "start_frame",
            "lockout_frame",
            "end_frame",
            "complete",
            "counted",
            "counted_by",
            "confidence",
            "evidence",
            "corrections",
            "outcome",
            "outcome_faults",
            "model_outcome",
            "personal",
            "detected_faults",
            "fault_evidence",
            "camera_view",
            "not_judged_reason",
            "verdict",
            "detector_abstained",
            "score",
            "threshold",
            "joints",
            "detector_version",
            "label",
            "faults",
            "label_note",
            "labelled_by",
            "labelled_at",
            "excluded",
            "source",
            "kinematics",
            "image_url",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "detected_faults": {"help_text": "The form check: the named faults found (null: "
                                "not checked)."},
            "verdict": {"help_text": "The movement model (a detector of unusual movement): "
                        "`good` is usual, `anomalous` unusual; null when it did not judge."},
            "detector_abstained": {"help_text": "Why the movement model did not judge."},
            "score": {"help_text": "The movement model's score: above `threshold` is unusual."},
            "joints": {"help_text": "The joints the movement model found most unusual."},
            "label": {"help_text": "The coach's label (null: not labelled)."},
            "faults": {"help_text": "The coach's fault tags."},
        }  # fmt: skip

    def get_personal(self, obj) -> dict[str, Any] | None:
        """Compared with the athlete's own good reps of the lift from the same camera view
        (services.personal), with its `effect` on the outcome: `flagged` (unusual for them),
        `cleared` (usual for them: the general model's borderline flags set aside) or ""."""
        return {**obj.personal, "effect": obj.personal_effect} if obj.personal else None

    def get_fault_evidence(self, obj) -> dict[str, Any]:
        return obj.evidence_explained

    def get_image_url(self, obj) -> str | None:
        if not obj.image:
            return None
        return self.context["request"].build_absolute_uri(reverse("rep_image", args=[obj.pk]))


class LabelSerializer(serializers.Serializer):
    label = serializers.ChoiceField(choices=Label.choices)
    faults = serializers.ListField(
        child=serializers.ChoiceField(choices=Fault.choices), required=False, default=list
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RepLabelSerializer(serializers.ModelSerializer):
    author = serializers.CharField(
        source="author.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = RepLabel
        fields = [
            "id", "author", "from_label", "to_label", "from_faults", "to_faults", "note",
            "created_at",
        ]  # fmt: skip


class NotARepSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=CORRECTION_NOTE_MAX
    )


class SpanSerializer(NotARepSerializer):
    """A rep's new span in frame numbers of the uploaded video (start <= lockout <= end)."""

    start_frame = serializers.IntegerField(min_value=0)
    lockout_frame = serializers.IntegerField(min_value=0)
    end_frame = serializers.IntegerField(min_value=0)


REP_PREFETCH = ("corrections__author",)


class ExclusionSerializer(serializers.Serializer):
    excluded = serializers.BooleanField(default=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RepViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RepSerializer

    def get_queryset(self):
        return (
            rep_visible_queryset(self.request.user)
            .select_related("analysis__session", "detector_version", "labelled_by")
            .prefetch_related(*REP_PREFETCH)
        )

    def _answer(self, rep: Rep, status_code: int = 200) -> Response:
        rep = self.get_queryset().get(pk=rep.pk)
        return Response(self.get_serializer(rep).data, status=status_code)

    def _count_change(self, change) -> Response:
        """Take the rep out of the count or put it back (`change`: the service), with the
        optional note."""
        rep = self._correctable()
        params = NotARepSerializer(data=self.request.data)
        params.is_valid(raise_exception=True)
        rep = change(rep=rep, author=self.request.user, note=params.validated_data["note"])
        return self._answer(rep)

    def _correctable(self) -> Rep:
        """The rep, if this user may see it (else 404) and correct its count (else 403,
        before the body is read)."""
        rep = self.get_object()
        rep_correct_authorize(rep=rep, author=self.request.user)
        return rep

    @comments_schema(imported=True)
    @action(detail=True, methods=["get", "post"])
    def comments(self, request: Request, pk: str | None = None) -> Response:
        rep = self.get_object()
        if rep.analysis is None:
            raise ValidationError({"rep": ["Imported reps have no session to comment on."]})
        return comments_respond(self, session=rep.analysis.session, rep=rep)

    @extend_schema(
        request=LabelSerializer,
        responses=RepSerializer,
        examples=[
            OpenApiExample(
                "Anomalous, with its faults",
                request_only=True,
                value={
                    "label": "anomalous",
                    "faults": Fault.values[:2],
                    "note": "Seen on the second pull too.",
                },
            ),
            OpenApiExample("Good", request_only=True, value={"label": "good"}),
            OpenApiExample(
                "Not your athlete's rep",
                response_only=True,
                status_codes=["403"],
                value={"detail": "Only the athlete's coaches and admins may label this rep."},
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def label(self, request: Request, pk: str | None = None) -> Response:
        """Set the coach's label: `label` (good | anomalous), optional `faults`, `note`."""
        rep = self.get_object()
        rep_label_authorize(rep=rep, author=request.user)  # a 403 before the body is read
        params = LabelSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        rep = rep_label(
            rep=rep,
            author=request.user,
            label=data["label"],
            faults=data.get("faults", []),
            note=data.get("note", ""),
        )
        return Response(self.get_serializer(rep).data)

    @extend_schema(responses=RepLabelSerializer(many=True))
    @action(detail=True, methods=["get"])
    def labels(self, request: Request, pk: str | None = None) -> Response:
        """The rep's label history, newest first."""
        rep = self.get_object()
        history = rep.label_history.select_related("author")
        return paginated(self, history, RepLabelSerializer)

    @extend_schema(request=ExclusionSerializer, responses=RepSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAdmin])
    def exclude(self, request: Request, pk: str | None = None) -> Response:
        """Admins: leave the rep out of training (`reason` required) or, with
        `excluded: false`, put it back."""
        rep = self.get_object()
        params = ExclusionSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        change = rep_exclude if data["excluded"] else rep_include
        rep = change(rep=rep, author=request.user, reason=data.get("reason", ""))
        return Response(self.get_serializer(rep).data)

    @extend_schema(request=NotARepSerializer, responses=RepSerializer)
    @action(detail=True, methods=["post"], url_path="not-a-rep")
    def not_a_rep(self, request: Request, pk: str | None = None) -> Response:
        """Coaches and admins: this is not a rep (optional `note`). It leaves the count,
        verdict lists, flags, progress, CSV and training set; the row stays for the history
        and a restore. The set is renumbered (counted reps 1..n in time order)."""
        return self._count_change(rep_not_a_rep)

    @extend_schema(request=NotARepSerializer, responses=RepSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str | None = None) -> Response:
        """Coaches and admins: count a rep marked "not a rep" again."""
        return self._count_change(rep_restore)

    @extend_schema(request=SpanSerializer, responses=RepSerializer)
    @action(detail=True, methods=["post"])
    def span(self, request: Request, pk: str | None = None) -> Response:
        """Coaches and admins: move the rep's start, lockout and end (frame numbers of the
        uploaded video). Its SkeleMotion image, kinematics and verdict are rebuilt from the
        landmarks kept with the analysis; a span that cannot be a rep is refused (`span`)."""
        rep = self._correctable()
        params = SpanSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        rep = rep_move(
            rep=rep,
            author=request.user,
            start_frame=data["start_frame"],
            lockout_frame=data["lockout_frame"],
            end_frame=data["end_frame"],
            note=data["note"],
        )
        return self._answer(rep)

    @extend_schema(responses=RepCorrectionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def corrections(self, request: Request, pk: str | None = None) -> Response:
        """The rep's count corrections, newest first."""
        rep = self.get_object()
        history = rep.corrections.select_related("author")
        return paginated(self, history, RepCorrectionSerializer)
