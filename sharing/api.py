"""Share links through the API: a session's links (`/api/sessions/{id}/share-links/`, list
and create), every link you may revoke (`/api/share-links/`) and revoking one
(`/api/share-links/{id}/revoke/`). A session or link you may not see is a 404."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from analysis.views.api.common import paginated
from sets.selectors import session_visible_queryset
from sharing.models import ShareLink
from sharing.selectors import share_link_list, share_link_managed_queryset
from sharing.services import (
    SHARE_DAYS,
    SHARE_DAYS_DEFAULT,
    SHARE_NOTE_MAX,
    share_link_create,
    share_link_revoke,
)

NO_SESSION = OpenApiResponse(description="No such session of yours (or of your athletes).")
NO_LINK = OpenApiResponse(description="No such link that you may revoke.")
REFUSED = OpenApiResponse(
    description='{"detail": "..."}: admins see every set, but only the athlete and the '
    "athlete's coaches share one."
)
INVALID = OpenApiResponse(
    description='{"days": [...]} or {"note": [...]}: a sentence per field; {"detail": [...]} '
    "when the session already has its maximum of live links."
)


class ShareLinkSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, default=None, allow_null=True
    )
    status = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = ShareLink
        fields = [
            "id",
            "session",
            "url",
            "note",
            "created_by",
            "created_at",
            "expires_at",
            "revoked_at",
            "view_count",
            "last_viewed_at",
            "status",
        ]
        read_only_fields = fields

    def get_status(self, obj: ShareLink) -> str:
        """One of live, expired and revoked."""
        return getattr(obj, "status", None) or ("revoked" if obj.revoked_at else "live")

    def get_url(self, obj: ShareLink) -> str:
        """The page the link opens, without an account (only while it is live)."""
        return self.context["request"].build_absolute_uri(
            reverse("shared_session", args=[obj.token])
        )


class ShareLinkCreateSerializer(serializers.Serializer):
    days = serializers.ChoiceField(
        choices=SHARE_DAYS, default=SHARE_DAYS_DEFAULT, help_text="How long the link lasts."
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=SHARE_NOTE_MAX,
        help_text='Who it is for ("for the physio").',
    )


# The route takes a whole number (`<int:pk>`): a negative id is no route at all.
SESSION_ID = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 0},
    OpenApiParameter.PATH,
    description="The session's id.",
)


@extend_schema_view(
    get=extend_schema(parameters=[SESSION_ID]), post=extend_schema(parameters=[SESSION_ID])
)
class SessionShareLinksView(generics.GenericAPIView):
    """A session's share links, newest first (GET), or a new one (POST)."""

    serializer_class = ShareLinkSerializer

    def _session(self):
        return get_object_or_404(session_visible_queryset(self.request.user), pk=self.kwargs["pk"])

    @extend_schema(
        responses={
            200: ShareLinkSerializer(many=True),
            404: NO_SESSION,
        }
    )
    def get(self, request: Request, pk: int) -> Response:
        return paginated(self, share_link_list(request.user, self._session()), ShareLinkSerializer)

    @extend_schema(
        request=ShareLinkCreateSerializer,
        responses={
            201: ShareLinkSerializer,
            400: INVALID,
            403: REFUSED,
            404: NO_SESSION,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        session = self._session()
        params = ShareLinkCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        link = share_link_create(by=request.user, session=session, **params.validated_data)
        link = share_link_list(request.user, session).get(pk=link.pk)  # with its status
        body = ShareLinkSerializer(link, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


class ShareLinkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Share links you may revoke: yours, your sessions', your athletes' (an admin's: all)."""

    serializer_class = ShareLinkSerializer

    def get_queryset(self):
        return share_link_managed_queryset(self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        request=None,
        responses={200: ShareLinkSerializer, 404: NO_LINK},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        """The link stops working at once; revoking a revoked link changes nothing."""
        link = self.get_object()
        share_link_revoke(by=request.user, link=link)
        link = self.get_queryset().get(pk=link.pk)
        return Response(self.get_serializer(link).data)
