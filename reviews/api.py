"""Comments through the API: on a session (`/api/sessions/{id}/comments/`) or on one rep
(`/api/reps/{id}/comments/`), both answered here."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from analysis.selectors.reps import rep_visible_queryset
from analysis.views.api.common import absolute, paginated
from coach_platform.uploads import upload_error
from reviews.models import Comment
from reviews.selectors import comment_list
from reviews.services.comments import comment_create
from reviews.services.voice_overs import voice_over_too_large


@extend_schema_field(OpenApiTypes.BINARY)
class RecordingField(serializers.FileField):
    """A recording sent as a file of a multipart body (the schema says binary)."""


class CommentSerializer(serializers.ModelSerializer):
    """A comment; with `drawing`, an annotation (see services/comments.py for the shapes:
    points in picture fractions, and each angle's `degrees` as the server computed it); with
    `audio` (multipart), a voice-over: `audio_url` serves it to whoever may see the set."""

    author = serializers.CharField(
        source="author.username", read_only=True, default=None, allow_null=True
    )
    rep = serializers.IntegerField(source="rep_id", required=False, allow_null=True)
    rep_index = serializers.IntegerField(
        source="rep.index", read_only=True, default=None, allow_null=True
    )
    body = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False, max_length=None
    )
    drawing = serializers.JSONField(required=False, allow_null=True, default=None)
    audio = RecordingField(
        write_only=True,
        required=False,
        allow_null=True,
        default=None,
        help_text="A voice-over (multipart): WebM, Ogg or M4A sound as a browser's "
        "MediaRecorder makes it, at most 10 MB and 5 minutes; needs `video_time_s`.",
    )
    audio_url = serializers.SerializerMethodField(
        help_text="Where the voice-over plays from (sound, with HTTP Range); null without one."
    )
    unread = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = Comment
        fields = [
            "id",
            "session",
            "rep",
            "rep_index",
            "author",
            "body",
            "video_time_s",
            "drawing",
            "audio",
            "audio_url",
            "audio_duration_s",
            "created_at",
            "unread",
        ]
        read_only_fields = [
            "id",
            "session",
            "author",
            "audio_duration_s",
            "created_at",
            "unread",
        ]

    def audio_path(self, comment: Comment) -> str:
        """The recording's address on this site (a share page's serializer has its own)."""
        return reverse("comment_audio", args=[comment.session_id, comment.pk])

    def get_audio_url(self, comment: Comment) -> str | None:
        if not comment.audio:
            return None
        request = self.context.get("request")
        path = self.audio_path(comment)
        return absolute(request, path) if request is not None else path


class CommentJsonSerializer(CommentSerializer):
    """A comment posted as JSON or a form: everything but a recording (multipart only)."""

    audio = None

    class Meta(CommentSerializer.Meta):
        fields = [f for f in CommentSerializer.Meta.fields if f != "audio"]


def comments_schema(*, imported: bool = False):
    """Both comment actions' schema: GET a page of comments, POST one (201). `imported`: on
    a rep, which may be an imported one (no session: both refused with 400)."""
    no_session = OpenApiResponse(description='`{"rep": [...]}`: an imported rep has no session.')
    refused = OpenApiResponse(
        description="Refused: an empty comment, a bad drawing, a recording that is not a "
        "voice-over, or a rep not in this session (a sentence per field)."
    )
    listed = {200: CommentSerializer(many=True), **({400: no_session} if imported else {})}

    def decorate(action):
        action = extend_schema(methods=["GET"], responses=listed)(action)
        return extend_schema(
            methods=["POST"],
            request={
                "application/json": CommentJsonSerializer,
                "application/x-www-form-urlencoded": CommentJsonSerializer,
                "multipart/form-data": CommentSerializer,
            },
            responses={201: CommentSerializer, 400: refused},
        )(action)

    return decorate


def comments_respond(view, *, session, rep) -> Response:
    """GET lists the comments (of the session, or of one rep), a page at a time; POST adds
    one."""
    request = view.request
    if request.method == "GET":
        comments = comment_list(session, request.user)
        if rep is not None:
            comments = [c for c in comments if c.rep_id == rep.pk]
        return paginated(view, comments, CommentSerializer)
    body = request.data  # DRF parses lazily: the size-limit handler has run by now
    if upload_error(request._request):  # over even a video's limit: stopped while arriving
        raise ValidationError({"audio": [voice_over_too_large()]})
    params = CommentSerializer(data=body)
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
    comment = comment_create(
        author=request.user,
        session=session,
        body=data["body"],
        rep=target,
        video_time_s=data.get("video_time_s"),
        drawing=data.get("drawing"),
        audio=data.get("audio"),
    )
    body = CommentSerializer(comment, context={"request": request}).data
    return Response(body, status=status.HTTP_201_CREATED)
