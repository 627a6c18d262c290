"""REST API for sessions and comments. Querysets start from the same visibility selector
as the pages, so an invisible session is a 404 here too."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from analysis.api import CommentSerializer, RepSerializer, comments_respond, paginated
from analysis.selectors import result_video_url
from analysis.services import analysis_can_retry, analysis_retry
from athletes.models import NOTES_MAX_LENGTH, Exercise, TrainingSession
from athletes.selectors import session_visible_queryset, user_role
from athletes.services import session_create
from athletes.uploads import upload_error

User = get_user_model()


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
            session = session_create(
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
