"""A person's notifications through the API: their list (newest first, a page at a time),
marking one read, marking all read. Only ever the caller's own: anyone else's is a 404."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from notifications.models import Notification
from notifications.selectors import notification_list, notification_unread_count
from notifications.services import notification_mark_all_read, notification_mark_read, session_url

NOT_YOURS = OpenApiResponse(description="No such notification of yours.")


class NotificationSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor.username", read_only=True, default=None, allow_null=True
    )
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    unread = serializers.SerializerMethodField()
    session_url = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_display",
            "session",
            "session_url",
            "actor",
            "text",
            "created_at",
            "read_at",
            "unread",
        ]
        read_only_fields = fields

    def get_unread(self, obj: Notification) -> bool:
        return obj.read_at is None

    def get_session_url(self, obj: Notification) -> str | None:
        return session_url(obj.session) if obj.session_id else None


READ_ALL = inline_serializer(
    "NotificationsReadAll",
    {"marked_read": serializers.IntegerField(), "unread": serializers.IntegerField()},
)


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your notifications, newest first; `unread` says which you have not opened."""

    serializer_class = NotificationSerializer

    def get_queryset(self):
        return notification_list(self.request.user)

    @extend_schema(responses={200: NotificationSerializer(many=True)})
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=None,
        responses={200: NotificationSerializer, 404: NOT_YOURS},
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        """Mark one of your notifications read (again is harmless)."""
        notification = self.get_object()  # from your own list: another's is a 404
        notification = notification_mark_read(notification=notification, user=request.user)
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses={200: READ_ALL})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        """Mark all your notifications read; says how many were unread."""
        marked = notification_mark_all_read(user=request.user)
        return Response({"marked_read": marked, "unread": notification_unread_count(request.user)})
