"""Training runs through the API: start one (409 while another is open), follow it. Admins
only. The training page starts its progress box from the same JSON (`training_run_data`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from analysis.views.api.common import IsAdmin
from training.models import TrainingRun
from training.services.runs import CONFIGS, MAX_EPOCHS, TrainingBusy, training_start


class TrainingRunSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(
        source="requested_by.username", read_only=True, default=None, allow_null=True
    )
    version = serializers.CharField(
        source="version.name", read_only=True, default=None, allow_null=True
    )
    version_id = serializers.IntegerField(read_only=True, allow_null=True)
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


def training_run_data(run: TrainingRun, request) -> dict[str, Any]:
    """A run as the API answers it, and where the page's script polls for the next state."""
    data = TrainingRunSerializer(run, context={"request": request}).data
    return {**data, "api_url": reverse("api-training-run-detail", args=[run.pk])}


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

    @extend_schema(
        responses={
            202: TrainingRunSerializer,
            409: OpenApiResponse(description="Another training run is open: wait for it."),
        },
        examples=[
            OpenApiExample(
                "Train with the defaults", request_only=True, value={"config": "native"}
            ),
            OpenApiExample(
                "A short run, activated if it beats the active version",
                request_only=True,
                value={"epochs": 20, "config": "native", "auto_activate": True},
            ),
            OpenApiExample(
                "Busy",
                response_only=True,
                status_codes=["409"],
                value={
                    "detail": "A training run is already in progress (run #3, running). "
                    "Wait for it to finish, then start another."
                },
            ),
        ],
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        """Start a training run in the background (202); follow it at its `id`."""
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
        except TrainingBusy as error:  # not a Django exception: the handler does not know it
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(self.get_serializer(run).data, status=status.HTTP_202_ACCEPTED)
