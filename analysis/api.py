"""REST API for reps and the comments on sessions and reps."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from analysis.models import Rep
from analysis.selectors import rep_visible_queryset
from athletes.models import Comment
from athletes.selectors import comment_list
from athletes.services import comment_create


class RepSerializer(serializers.ModelSerializer):
    session = serializers.IntegerField(source="analysis.session_id", read_only=True)
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
            "kinematics",
            "image_url",
        ]
        read_only_fields = fields

    def get_image_url(self, obj) -> str | None:
        if not obj.image:
            return None
        return self.context["request"].build_absolute_uri(reverse("rep_image", args=[obj.pk]))


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True, default=None)
    rep = serializers.IntegerField(source="rep_id", required=False, allow_null=True)
    unread = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = Comment
        fields = ["id", "session", "rep", "author", "body", "video_time_s", "created_at", "unread"]
        read_only_fields = ["id", "session", "author", "created_at", "unread"]


def comments_respond(request: Request, *, session, rep) -> Response:
    """GET lists the comments (of the session, or of one rep); POST adds one."""
    if request.method == "GET":
        comments = comment_list(session, request.user)
        if rep is not None:
            comments = [c for c in comments if c.rep_id == rep.pk]
        return Response(CommentSerializer(comments, many=True).data)
    params = CommentSerializer(data=request.data)
    params.is_valid(raise_exception=True)
    data = params.validated_data
    target = rep
    rep_id = data.get("rep_id")
    if target is None and rep_id:
        target = rep_visible_queryset(request.user).filter(pk=rep_id).first()
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
        return comments_respond(request, session=rep.analysis.session, rep=rep)
