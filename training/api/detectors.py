"""Detector versions through the API: their held-out metrics, which one is active, and
activation (also how to roll back). Admins only."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from analysis.views.api.common import IsAdmin
from detectors.models import DetectorVersion
from training.selectors.detectors import detector_summary
from training.services.activation import detector_activate


class DetectorVersionSerializer(serializers.ModelSerializer):
    training_run = serializers.IntegerField(
        source="run.pk", read_only=True, default=None, allow_null=True
    )
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


class ActivateSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(
        default=False, help_text="activate even though it is not known to beat the active one"
    )


class DetectorVersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Detector versions with their held-out metrics; which one is active. Admins only."""

    serializer_class = DetectorVersionSerializer
    permission_classes = [IsAdmin]
    queryset = DetectorVersion.objects.select_related("run")

    @extend_schema(
        request=ActivateSerializer,
        responses={
            200: DetectorVersionSerializer,
            400: OpenApiResponse(
                description='`{"confirm": [...]}`: not known to beat the active version; '
                "send `confirm: true` to activate it anyway."
            ),
        },
        examples=[
            OpenApiExample("Activate a better version", request_only=True, value={}),
            OpenApiExample("Roll back (confirmed)", request_only=True, value={"confirm": True}),
            OpenApiExample(
                "Needs a confirmation",
                response_only=True,
                status_codes=["400"],
                value={
                    "confirm": [
                        "v3 was never compared with the active v4. Confirm to activate it anyway."
                    ]
                },
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        """Make this version the active one (also how to roll back); stored reps are
        re-scored in the background. A version not known to beat the active one needs
        `confirm: true` (400 with the reason otherwise)."""
        body = ActivateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = detector_activate(
            version=self.get_object(),
            author=request.user,
            confirmed=body.validated_data["confirm"],
        )
        return Response(self.get_serializer(version).data)
