"""Comments through the API: on a session (`/api/sessions/{id}/comments/`) or on one rep
(`/api/reps/{id}/comments/`), both answered here."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from analysis.selectors.reps import rep_visible_queryset
from analysis.views.api.common import paginated
from reviews.models import Comment
from reviews.selectors import comment_list
from reviews.services.comments import comment_create


class CommentSerializer(serializers.ModelSerializer):
    """A comment; with `drawing`, an annotation (see services/comments.py for the shapes:
    points in picture fractions, and each angle's `degrees` as the server computed it)."""

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
            "created_at",
            "unread",
        ]
        read_only_fields = ["id", "session", "author", "created_at", "unread"]


def comments_schema(*, imported: bool = False):
    """Both comment actions' schema: GET a page of comments, POST one (201). `imported`: on
    a rep, which may be an imported one (no session: both refused with 400)."""
    no_session = OpenApiResponse(description='`{"rep": [...]}`: an imported rep has no session.')
    refused = OpenApiResponse(
        description="Refused: an empty comment, a bad drawing, or a rep not in this session "
        "(a sentence per field)."
    )
    listed = {200: CommentSerializer(many=True), **({400: no_session} if imported else {})}

    def decorate(action):
        action = extend_schema(methods=["GET"], responses=listed)(action)
        return extend_schema(
            methods=["POST"],
            request=CommentSerializer,
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
    comment = comment_create(
        author=request.user,
        session=session,
        body=data["body"],
        rep=target,
        video_time_s=data.get("video_time_s"),
        drawing=data.get("drawing"),
    )
    return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
