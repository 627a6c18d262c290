"""REST API: sessions (upload, status, reps, comments, retry), reps (with labels and comments),
detector versions, training runs. Querysets start from the same visibility selectors as the
pages, so an invisible session or rep is a 404 here too."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from analysis.models import Comment, DetectorVersion, Fault, Label, Rep, RepLabel, TrainingRun
from analysis.selectors import (
    comment_list,
    detector_summary,
    rep_labelable_queryset,
    rep_visible_queryset,
    result_video_url,
)
from analysis.services import (
    TrainingBusy,
    analysis_can_retry,
    analysis_retry,
    comment_create,
    detector_activate,
    rep_exclude,
    rep_include,
    rep_label,
    session_upload,
    training_start,
)
from analysis.services.training_runs import CONFIGS, MAX_EPOCHS
from athletes.models import NOTES_MAX_LENGTH, Exercise, TrainingSession
from athletes.selectors import session_visible_queryset, user_is_admin, user_role
from coach_platform.uploads import upload_error

User = get_user_model()


class RepSerializer(serializers.ModelSerializer):
    session = serializers.IntegerField(source="analysis.session_id", read_only=True, default=None)
    detector_version = serializers.CharField(
        source="detector_version.name", read_only=True, default=None
    )
    labelled_by = serializers.CharField(source="labelled_by.username", read_only=True, default=None)
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


class IsAdmin(BasePermission):
    """The platform's admin role (staff or superuser), the same test the pages use."""

    def has_permission(self, request, view) -> bool:
        return user_is_admin(request.user)


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


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True, default=None)
    rep = serializers.IntegerField(source="rep_id", required=False, allow_null=True)
    unread = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = Comment
        fields = ["id", "session", "rep", "author", "body", "video_time_s", "created_at", "unread"]
        read_only_fields = ["id", "session", "author", "created_at", "unread"]


def paginated(view, items, serializer_class) -> Response:
    """A list action's answer in the same pages as the viewsets' own lists."""
    page = view.paginate_queryset(items)
    context = {"request": view.request}
    return view.get_paginated_response(serializer_class(page, many=True, context=context).data)


def comments_respond(view, *, session, rep) -> Response:
    """GET lists the comments (of the session, or of one rep), a page at a time; POST adds
    one."""
    request = view.request
    if request.method == "GET":
        comments = comment_list(session, request.user)
        if rep is not None:
            comments = [c for c in comments if c.rep_id == rep.pk]
        return paginated(view, comments, CommentSerializer)
    params = CommentSerializer(data=request.data)
    params.is_valid(raise_exception=True)
    data = params.validated_data
    target = rep
    rep_id = data.get("rep_id")
    if target is None and rep_id:
        target = (
            rep_visible_queryset(request.user).filter(pk=rep_id, analysis__session=session).first()
        )
        if target is None:
            raise ValidationError({"rep": ["No such rep in this session."]})
    try:
        comment = comment_create(
            author=request.user,
            session=session,
            body=data["body"],
            rep=target,
            video_time_s=data.get("video_time_s"),
        )
    except DjangoValidationError as error:
        raise ValidationError({"body": error.messages}) from error
    return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class RepViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RepSerializer

    def get_queryset(self):
        return rep_visible_queryset(self.request.user).select_related(
            "analysis", "detector_version"
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
        if not rep_labelable_queryset(request.user).filter(pk=rep.pk).exists():
            raise PermissionDenied("Only the athlete's coaches and admins may label this rep.")
        params = LabelSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        try:
            rep = rep_label(
                rep=rep,
                author=request.user,
                label=data["label"],
                faults=data.get("faults", []),
                note=data.get("note", ""),
            )
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        except DjangoValidationError as error:
            raise ValidationError({"label": error.messages}) from error
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
        try:
            rep = change(rep=rep, author=request.user, reason=data.get("reason", ""))
        except DjangoValidationError as error:
            raise ValidationError({"reason": error.messages}) from error
        return Response(self.get_serializer(rep).data)


class DetectorVersionSerializer(serializers.ModelSerializer):
    training_run = serializers.IntegerField(source="run.pk", read_only=True, default=None)
    summary = serializers.SerializerMethodField()

    class Meta:
        model = DetectorVersion
        fields = [
            "id",
            "name",
            "is_active",
            "created_at",
            "activated_at",
            "rescore_status",
            "rescored_count",
            "training_run",
            "summary",
            "metrics",
        ]
        read_only_fields = fields

    def get_summary(self, obj) -> dict:
        return detector_summary(obj)


class DetectorVersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Detector versions with their held-out metrics; which one is active. Admins only."""

    serializer_class = DetectorVersionSerializer
    permission_classes = [IsAdmin]
    queryset = DetectorVersion.objects.select_related("run")

    @extend_schema(request=None, responses=DetectorVersionSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        """Make this version the active one (also how to roll back); stored reps are
        re-scored in the background."""
        version = detector_activate(version=self.get_object(), author=request.user)
        return Response(self.get_serializer(version).data)


class TrainingRunSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(
        source="requested_by.username", read_only=True, default=None
    )
    version = serializers.CharField(source="version.name", read_only=True, default=None)
    version_id = serializers.IntegerField(read_only=True)
    epochs = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_EPOCHS
    )
    config = serializers.ChoiceField(choices=CONFIGS, default="native", write_only=True)

    class Meta:
        model = TrainingRun
        fields = [
            "id",
            "status",
            "phase",
            "epoch",
            "epochs",
            "config",
            "auto_activate",
            "history",
            "error",
            "requested_by",
            "version",
            "version_id",
            "activated",
            "params",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = [f for f in fields if f not in ("epochs", "config", "auto_activate")]


class TrainingRunViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Training runs. POST starts one in the background (409 while another is open)."""

    serializer_class = TrainingRunSerializer
    permission_classes = [IsAdmin]
    queryset = TrainingRun.objects.select_related("requested_by", "version")

    def create(self, request: Request, *args, **kwargs) -> Response:
        params = self.get_serializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        try:
            run = training_start(
                author=request.user,
                epochs=data.get("epochs"),
                config=data["config"],
                auto_activate=data.get("auto_activate", False),
            )
        except TrainingBusy as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(self.get_serializer(run).data, status=status.HTTP_202_ACCEPTED)


# --- sessions --------------------------------------------------------------------------------
def _absolute(request: Request, url: str | None) -> str | None:
    return request.build_absolute_uri(url) if url else None


class SessionSerializer(serializers.ModelSerializer):
    athlete = serializers.IntegerField(source="athlete_id", read_only=True)
    athlete_username = serializers.CharField(source="athlete.username", read_only=True)
    status = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()
    rep_count = serializers.SerializerMethodField()
    result_video_url = serializers.SerializerMethodField()
    video_url = serializers.SerializerMethodField()
    review_url = serializers.SerializerMethodField()

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "athlete",
            "athlete_username",
            "exercise",
            "performed_at",
            "load_kg",
            "notes",
            "original_filename",
            "created_at",
            "reviewed_at",
            "status",
            "progress",
            "error",
            "rep_count",
            "result_video_url",
            "video_url",
            "review_url",
        ]
        read_only_fields = fields

    def _analysis(self, obj):
        return getattr(obj, "analysis", None)

    def get_status(self, obj) -> str:
        analysis = self._analysis(obj)
        return analysis.status if analysis else "queued"

    def get_progress(self, obj) -> float:
        analysis = self._analysis(obj)
        return round(analysis.progress, 1) if analysis else 0.0

    def get_error(self, obj) -> str:
        analysis = self._analysis(obj)
        return analysis.error if analysis else ""

    def get_rep_count(self, obj) -> int:
        analysis = self._analysis(obj)
        return analysis.rep_count if analysis else 0

    def get_result_video_url(self, obj) -> str | None:
        analysis = self._analysis(obj)
        url = result_video_url(analysis) if analysis else None
        return _absolute(self.context["request"], url)

    def get_video_url(self, obj) -> str:
        return _absolute(self.context["request"], reverse("session_video", args=[obj.pk]))

    def get_review_url(self, obj) -> str:
        return _absolute(self.context["request"], reverse("session_review", args=[obj.pk]))


class SessionCreateSerializer(serializers.Serializer):
    video = serializers.FileField()
    exercise = serializers.ChoiceField(choices=Exercise.choices, default=Exercise.DEADLIFT)
    performed_at = serializers.DateField(required=False)
    load_kg = serializers.DecimalField(
        max_digits=6, decimal_places=1, min_value=0, required=False, allow_null=True
    )
    notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTES_MAX_LENGTH
    )
    athlete = serializers.IntegerField(
        required=False, help_text="Athlete's user id, when a coach uploads on their behalf."
    )


class SessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Uploaded sets and the state of their analysis."""

    serializer_class = SessionSerializer

    def get_throttles(self):
        if self.action == "create":  # uploads cost a worker minutes each: a tighter limit
            self.throttle_scope = "uploads"
            return [*super().get_throttles(), ScopedRateThrottle()]
        return super().get_throttles()

    def get_queryset(self):
        return (
            session_visible_queryset(self.request.user)
            .select_related("athlete", "analysis")
            .order_by("-created_at")
        )

    @extend_schema(request={"multipart/form-data": SessionCreateSerializer})
    def create(self, request: Request) -> Response:
        body = request.data  # DRF parses lazily: the size-limit handler runs only now
        too_large = upload_error(request._request)
        if too_large:
            raise ValidationError({"video": [too_large]})
        params = SessionCreateSerializer(data=body)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        athlete = request.user
        if "athlete" in data:
            athlete = User.objects.filter(pk=data["athlete"]).first()
            if athlete is None:
                raise ValidationError({"athlete": ["No such athlete."]})
        elif user_role(request.user) != "athlete":
            raise ValidationError({"athlete": ["Say which athlete this set belongs to."]})
        try:
            session = session_upload(
                uploaded_by=request.user,
                athlete=athlete,
                video=data["video"],
                exercise=data["exercise"],
                performed_at=data.get("performed_at"),
                load_kg=data.get("load_kg"),
                notes=data.get("notes", ""),
            )
        except DjangoValidationError as error:
            raise ValidationError({"video": error.messages}) from error
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        session = self.get_queryset().get(pk=session.pk)
        body = self.get_serializer(session).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses=RepSerializer(many=True))
    @action(detail=True, methods=["get"])
    def reps(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        analysis = getattr(session, "analysis", None)
        reps = analysis.reps.select_related("detector_version") if analysis else []
        return paginated(self, reps, RepSerializer)

    @extend_schema(request=CommentSerializer, responses=CommentSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def comments(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        return comments_respond(self, session=session, rep=None)

    @extend_schema(request=None, responses=SessionSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        analysis = getattr(session, "analysis", None)
        if analysis is None or not analysis_can_retry(analysis):  # the review page's rule
            raise ValidationError({"status": ["Only a failed or stalled analysis can be retried."]})
        try:
            analysis_retry(analysis=analysis)
        except DjangoValidationError as error:  # claimed by a worker in the meantime
            raise ValidationError({"status": error.messages}) from None
        session = self.get_queryset().get(pk=session.pk)
        return Response(self.get_serializer(session).data, status=status.HTTP_202_ACCEPTED)
