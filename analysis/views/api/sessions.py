"""Sessions through the API: upload, list and status (the review page's status JSON is the
same payload), correct (PATCH) and delete, reps, comments, retry."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from analysis.selectors.lifts import lift_probabilities, lift_told
from analysis.selectors.media import playback_url, result_video_url
from analysis.services.analyses import analysis_analyse_as, analysis_can_retry, analysis_retry
from analysis.services.rep_counts import candidate_count, rep_count_authorize
from analysis.services.set_edits import session_edit
from analysis.services.videos import analysis_export_request
from analysis.views.api.common import absolute, paginated
from analysis.views.api.reps import REP_PREFETCH, NotARepSerializer, RepSerializer
from athletes.models import Role
from athletes.selectors import athlete_upload_choices, user_role
from coach_platform.uploads import upload_error
from reviews.api import comments_respond, comments_schema
from sets.models import (
    EXERCISE_DEFAULT,
    EXERCISE_RECOGNISE,
    LOAD_MAX_KG,
    NOTES_MAX_LENGTH,
    Exercise,
    TrainingSession,
)
from sets.selectors import session_can_delete, session_can_edit, session_visible_queryset
from sets.services import session_delete
from uploads.services.uploads import session_upload


class SessionSerializer(serializers.ModelSerializer):
    athlete = serializers.IntegerField(source="athlete_id", read_only=True)
    athlete_username = serializers.CharField(source="athlete.username", read_only=True)
    status = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()
    rep_count = serializers.SerializerMethodField()
    can_retry = serializers.SerializerMethodField()
    result_video_url = serializers.SerializerMethodField(
        help_text="The annotated video, once made on request (`export`)."
    )
    export = serializers.SerializerMethodField()
    playback = serializers.SerializerMethodField()
    playback_url = serializers.SerializerMethodField()
    overlay_url = serializers.SerializerMethodField()
    video_url = serializers.SerializerMethodField()
    review_url = serializers.SerializerMethodField()
    candidates = serializers.SerializerMethodField()
    lift_note = serializers.SerializerMethodField(
        help_text="When the athlete said one lift and the analysis saw another, a sentence."
    )
    analyse_as = serializers.SerializerMethodField(
        help_text="The lifts `POST .../analyse-as/` may analyse it as instead."
    )
    lift_probabilities = serializers.SerializerMethodField(
        help_text=(
            "How likely each lift looked from the lifter's posture over the set (0-1, the "
            'likeliest first; "other": none of them); {} before the analysis finished.'
        )
    )
    can_edit = serializers.SerializerMethodField(
        help_text="Whether you may correct the set (`PATCH`): its athlete, who uploaded it, "
        "their coaches, admins."
    )
    can_delete = serializers.SerializerMethodField(
        help_text="Whether you may delete the set (`DELETE`): its athlete, admins."
    )

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
            "can_retry",
            "result_video_url",
            "export",
            "playback",
            "playback_url",
            "overlay_url",
            "video_url",
            "review_url",
            "candidates",
            "lift_note",
            "analyse_as",
            "lift_probabilities",
            "trim_start_s",
            "trim_end_s",
            "can_edit",
            "can_delete",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "trim_start_s": {"help_text": "The analysed span's start (s); null: the video's."},
            "trim_end_s": {"help_text": "The analysed span's end (s); null: the video's."},
        }

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

    def get_lift_note(self, obj) -> str:
        return lift_told(obj, self._analysis(obj))["note"]

    def get_analyse_as(self, obj) -> list[dict[str, str]]:
        told = lift_told(obj, self._analysis(obj))
        return [{"lift": value, "label": label} for value, label in told["analyse_as"]]

    def get_lift_probabilities(self, obj) -> dict[str, float]:
        return lift_probabilities(self._analysis(obj))

    def get_can_edit(self, obj) -> bool:
        return session_can_edit(self.context["request"].user, obj)

    def get_can_delete(self, obj) -> bool:
        return session_can_delete(self.context["request"].user, obj)

    def get_can_retry(self, obj) -> bool:
        """Whether `POST .../retry/` would queue the analysis again (the page's rule)."""
        analysis = self._analysis(obj)
        return analysis_can_retry(analysis) if analysis else False

    def get_result_video_url(self, obj) -> str | None:
        analysis = self._analysis(obj)
        url = result_video_url(analysis) if analysis else None
        return absolute(self.context["request"], url)

    def get_export(self, obj) -> str:
        """The annotated video: "" not asked for, "making", "ready" or "failed"."""
        analysis = self._analysis(obj)
        return analysis.export if analysis else ""

    def get_playback(self, obj) -> str:
        """How the upload plays: "original" (as it is, in browsers), "preparing" (a playable
        copy is being made), "copy" or "failed"; "" until the analysis is stored."""
        analysis = self._analysis(obj)
        return analysis.playback if analysis else ""

    def get_playback_url(self, obj) -> str | None:
        """What to play: the upload, or its playable copy; null while none plays."""
        analysis = self._analysis(obj)
        return absolute(self.context["request"], playback_url(analysis) if analysis else None)

    def get_overlay_url(self, obj) -> str | None:
        """Per-frame landmarks, stages and the reps' outcomes, to draw over the video."""
        analysis = self._analysis(obj)
        if not analysis or analysis.status != "done":
            return None
        return absolute(self.context["request"], reverse("session_overlay", args=[obj.pk]))

    def get_video_url(self, obj) -> str:
        return absolute(self.context["request"], reverse("session_video", args=[obj.pk]))

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_candidates(self, obj) -> list[dict]:
        """Rises the counter saw and did not count (kind, reason, start/lockout/end frame
        and seconds); `POST .../candidates/{n}/count/` counts the n-th (from 0) as a rep."""
        analysis = self._analysis(obj)
        return list(analysis.candidates or []) if analysis else []

    def get_review_url(self, obj) -> str:
        return absolute(self.context["request"], reverse("session_review", args=[obj.pk]))


class CandidateCountSerializer(NotARepSerializer):
    start_frame = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The candidate's start frame as listed: refused if the list changed meanwhile.",
    )


class AnalyseAsSerializer(serializers.Serializer):
    lift = serializers.ChoiceField(choices=Exercise.choices)


class SessionPatchSerializer(serializers.Serializer):
    """A correction of a set: any of these; the rules are the set's (`sets.services`)."""

    load_kg = serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        required=False,
        allow_null=True,
        help_text=f"The load in kg, 0 to {LOAD_MAX_KG}; null: not said.",
    )
    performed_at = serializers.DateField(
        required=False, help_text="The day of the set: not in the future, not before 1900."
    )
    exercise = serializers.ChoiceField(
        choices=Exercise.choices,
        required=False,
        help_text="The lift: a new one (or the lift of a failed set) is analysed again as it.",
    )
    trim_start_s = serializers.FloatField(
        required=False,
        allow_null=True,
        help_text="Analyse from here (seconds of the video; null: its start); analysed again.",
    )
    trim_end_s = serializers.FloatField(
        required=False,
        allow_null=True,
        help_text="Analyse up to here (null: its end); at least 1 s kept; analysed again.",
    )


class SessionCreateSerializer(serializers.Serializer):
    video = serializers.FileField()
    exercise = serializers.ChoiceField(
        choices=[(EXERCISE_RECOGNISE, "recognise it"), *Exercise.choices],
        default=EXERCISE_RECOGNISE,
        allow_blank=True,
        help_text="The lift, or empty to have it recognised.",
    )
    performed_at = serializers.DateField(required=False)
    load_kg = serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        min_value=0,
        max_value=LOAD_MAX_KG,
        required=False,
        allow_null=True,
    )
    notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTES_MAX_LENGTH
    )
    athlete = serializers.IntegerField(
        required=False, help_text="Athlete's user id, when a coach uploads on their behalf."
    )


class SessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Uploaded sets and the state of their analysis; their people correct them, their
    athlete deletes them."""

    serializer_class = SessionSerializer

    def get_queryset(self):
        return (
            session_visible_queryset(self.request.user)
            .select_related("athlete", "analysis")
            .order_by("-created_at")
        )

    @extend_schema(
        request={"multipart/form-data": SessionCreateSerializer},
        responses={201: SessionSerializer},
        examples=[
            OpenApiExample(
                "A coach uploads a set for an athlete",
                request_only=True,
                media_type="multipart/form-data",
                value={
                    "video": "(the video file: MP4, MOV, WebM...)",
                    "exercise": EXERCISE_DEFAULT,
                    "performed_at": "2026-11-20",
                    "load_kg": "140.0",
                    "notes": "felt ok",
                    "athlete": 7,
                },
            ),
            OpenApiExample(
                "Not a video",
                response_only=True,
                status_codes=["400"],
                value={"video": ["This file could not be read as a video."]},
            ),
        ],
    )
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
            # One answer for "no such user" and "not yours": an id reveals no account.
            athlete = athlete_upload_choices(request.user).filter(pk=data["athlete"]).first()
            if athlete is None:
                raise PermissionDenied("You cannot upload for this athlete.")
        elif user_role(request.user) != Role.ATHLETE:
            raise ValidationError({"athlete": ["Say which athlete this set belongs to."]})
        session = session_upload(
            uploaded_by=request.user,
            athlete=athlete,
            video=data["video"],
            exercise=data["exercise"],
            performed_at=data.get("performed_at"),
            load_kg=data.get("load_kg"),
            notes=data.get("notes", ""),
        )
        session = self.get_queryset().get(pk=session.pk)
        body = self.get_serializer(session).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=SessionPatchSerializer,
        responses={
            200: SessionSerializer,
            400: OpenApiResponse(
                description="Refused, a sentence per field: a load, date, lift or span out of "
                'bounds; `{"status": [...]}` while the analysis runs (nothing is changed).'
            ),
            403: OpenApiResponse(description="You see the set but may not correct it."),
        },
        examples=[
            OpenApiExample(
                "The load was a typo",
                request_only=True,
                value={"load_kg": "142.5", "performed_at": "2026-11-20"},
            ),
            OpenApiExample(
                "It is a squat: analysed again as one",
                request_only=True,
                value={"exercise": "squat"},
            ),
            OpenApiExample(
                "Only the set: from 3 s to 21.5 s",
                request_only=True,
                value={"trim_start_s": 3.0, "trim_end_s": 21.5},
            ),
            OpenApiExample(
                "A load out of bounds",
                response_only=True,
                status_codes=["400"],
                value={"load_kg": [f"The load is from 0 to {LOAD_MAX_KG} kg."]},
            ),
        ],
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Correct the set: load and date are stored (progress, volume and 1RM follow); a new
        lift, or a new span of the video, is analysed again (`status` "queued")."""
        session = self.get_object()
        body = SessionPatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        session_edit(session=session, user=request.user, changes=dict(body.validated_data))
        session = self.get_queryset().get(pk=session.pk)
        return Response(self.get_serializer(session).data)

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="Deleted, with its analysis, comments and files."),
            403: OpenApiResponse(description="Only the athlete (or an admin) deletes a set."),
        },
    )
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        """Delete the set for everyone: its analysis, reps, labels, comments, notifications,
        share links and every file. A running analysis stops counting (its result is
        discarded). Cannot be undone."""
        session = self.get_object()
        session_delete(session=session, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        responses=RepSerializer(many=True),
        parameters=[
            OpenApiParameter(
                "counted",
                bool,
                description="true: only reps that count; false: only reps a coach marked "
                '"not a rep". Without it, every rep: counted ones 1..n first.',
            )
        ],
    )
    @action(detail=True, methods=["get"])
    def reps(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        analysis = getattr(session, "analysis", None)
        if analysis is None:
            return paginated(self, [], RepSerializer)
        reps = (
            analysis.reps.select_related("analysis", "detector_version", "labelled_by")
            .prefetch_related(*REP_PREFETCH)
            .order_by("index")
        )
        counted = request.query_params.get("counted", "").lower()
        if counted in ("true", "1", "yes"):
            reps = reps.counted()
        elif counted in ("false", "0", "no"):
            reps = reps.filter(counted=False)
        return paginated(self, reps, RepSerializer)

    @extend_schema(request=CandidateCountSerializer, responses={201: RepSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path=r"candidates/(?P<candidate>[0-9]+)/count",
        url_name="candidate-count",
    )
    def candidate_count(
        self, request: Request, pk: str | None = None, candidate: str | None = None
    ) -> Response:
        """Coaches and admins: count the set's `candidate`-th uncounted rise (from 0, as
        listed in `candidates`) as a rep, rebuilt on its span and judged by the active
        detector; the set is renumbered and the candidate leaves the list."""
        session = self.get_object()
        analysis = getattr(session, "analysis", None)
        if analysis is None:
            raise ValidationError({"candidate": ["This session has no analysis."]})
        rep_count_authorize(analysis=analysis, author=request.user)
        params = CandidateCountSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        rep = candidate_count(
            analysis=analysis,
            candidate=candidate,
            author=request.user,
            note=params.validated_data["note"],
            start_frame=params.validated_data["start_frame"],
        )
        rep = (
            analysis.reps.select_related("analysis", "detector_version", "labelled_by")
            .prefetch_related(*REP_PREFETCH)
            .get(pk=rep.pk)
        )
        body = RepSerializer(rep, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @comments_schema()
    @action(detail=True, methods=["get", "post"])
    def comments(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        return comments_respond(self, session=session, rep=None)

    @extend_schema(
        request=None,
        responses={
            202: SessionSerializer,
            400: OpenApiResponse(description='Refused: `{"export": [...]}` until it is done.'),
        },
    )
    @action(detail=True, methods=["post"])
    def export(self, request: Request, pk: str | None = None) -> Response:
        """Make the annotated video in the background (`export`: "making", then "ready"
        with `result_video_url`); a made one is kept, so asking again changes nothing."""
        session = self.get_object()
        analysis = getattr(session, "analysis", None)
        if analysis is None:
            raise ValidationError({"export": ["This session has no analysis."]})
        analysis_export_request(analysis)  # refused ({"export": ...}) until it is done
        session = self.get_queryset().get(pk=session.pk)
        return Response(self.get_serializer(session).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=None,
        responses={
            202: SessionSerializer,
            400: OpenApiResponse(
                description='Refused (`{"status": [...]}`): only a failed or stalled analysis '
                "is queued again (`can_retry`)."
            ),
        },
        examples=[
            OpenApiExample(
                "Queued again",
                response_only=True,
                status_codes=["202"],
                value={
                    "id": 12,
                    "status": "queued",
                    "progress": 0.0,
                    "error": "",
                    "can_retry": False,
                },
            ),
            OpenApiExample(
                "A finished analysis is kept",
                response_only=True,
                status_codes=["400"],
                value={
                    "status": [
                        "This analysis has finished; only a failed or stalled one can run again."
                    ]
                },
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        """Queue a failed (or stalled) analysis again; the upload and its result are kept."""
        session = self.get_object()
        analysis = getattr(session, "analysis", None)
        if analysis is None:
            raise ValidationError({"status": ["This session has no analysis to retry."]})
        analysis_retry(analysis=analysis)  # the one retry rule; refused ({"status": ...})
        session = self.get_queryset().get(pk=session.pk)
        return Response(self.get_serializer(session).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=AnalyseAsSerializer,
        responses={
            202: SessionSerializer,
            400: OpenApiResponse(
                description='Refused: `{"lift": [...]}` for a lift not judged, `{"status": '
                "[...]}` while the analysis runs."
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path="analyse-as")
    def analyse_as(self, request: Request, pk: str | None = None) -> Response:
        """Analyse the set again as this lift (someone said what it is): the set is of that
        lift from now on; its current result stays until the new one is stored."""
        session = self.get_object()
        body = AnalyseAsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        analysis = getattr(session, "analysis", None)
        if analysis is None:
            raise ValidationError({"status": ["This session has no analysis."]})
        analysis_analyse_as(analysis=analysis, lift=body.validated_data["lift"])
        session = self.get_queryset().get(pk=session.pk)
        return Response(self.get_serializer(session).data, status=status.HTTP_202_ACCEPTED)
