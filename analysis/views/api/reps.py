"""Reps through the API: a rep, its comments, the coach's label and its history, and the
admins' exclusion from training."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from analysis.models import Fault, Label, Rep, RepLabel
from analysis.selectors.reps import rep_visible_queryset
from analysis.services import rep_exclude, rep_include, rep_label, rep_label_authorize
from analysis.views.api.comments import CommentSerializer, comments_respond
from analysis.views.api.common import IsAdmin, paginated

LABEL_STATE_FIELDS = ["label", "faults", "label_note", "labelled_by"]


class RepLabelStateSerializer(serializers.ModelSerializer):
    """The coach's label on a rep: part of every rep the API answers, and of the queue
    page's items (its script copies the label API's answer into them)."""

    labelled_by = serializers.CharField(source="labelled_by.username", read_only=True, default=None)

    class Meta:
        model = Rep
        fields = LABEL_STATE_FIELDS
        read_only_fields = fields


class RepSerializer(RepLabelStateSerializer):
    session = serializers.IntegerField(source="analysis.session_id", read_only=True, default=None)
    detector_version = serializers.CharField(
        source="detector_version.name", read_only=True, default=None
    )
    image_url = serializers.SerializerMethodField()

    class Meta:
        model = Rep
        fields = [
            "id",
            "session",
            "index",
            "start_s",
            "lockout_s",
            "end_s",
            "complete",
            "verdict",
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
    author = serializers.CharField(source="author.username", read_only=True, default=None)

    class Meta:
        model = RepLabel
        fields = [
            "id", "author", "from_label", "to_label", "from_faults", "to_faults", "note",
            "created_at",
        ]  # fmt: skip


class ExclusionSerializer(serializers.Serializer):
    excluded = serializers.BooleanField(default=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RepViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RepSerializer

    def get_queryset(self):
        return rep_visible_queryset(self.request.user).select_related(
            "analysis", "detector_version", "labelled_by"
        )

    @extend_schema(request=CommentSerializer, responses=CommentSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def comments(self, request: Request, pk: str | None = None) -> Response:
        rep = self.get_object()
        if rep.analysis is None:
            raise ValidationError({"rep": ["Imported reps have no session to comment on."]})
        return comments_respond(self, session=rep.analysis.session, rep=rep)

    @extend_schema(request=LabelSerializer, responses=RepSerializer)
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
