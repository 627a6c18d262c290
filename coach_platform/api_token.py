"""The API token endpoint. It hands Django's request to `authenticate`, so django-axes
counts its failures and locks it out like the login page."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coach_platform.auth import token_expired
from coach_platform.throttles import AnonRateThrottle


class TokenView(APIView):
    """POST username and password: your API token (a new one when the old has expired)."""

    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        request=AuthTokenSerializer,
        responses=inline_serializer(
            "Token", {"token": serializers.CharField(), "expires": serializers.DateTimeField()}
        ),
    )
    def post(self, request: Request) -> Response:
        # Django's request, not DRF's: axes flags a lock-out on the object it is given.
        params = AuthTokenSerializer(data=request.data, context={"request": request._request})
        if not params.is_valid():  # a lock-out is answered by axes' middleware (429)
            return Response(params.errors, status=status.HTTP_400_BAD_REQUEST)
        user = params.validated_data["user"]
        token, _ = Token.objects.get_or_create(user=user)
        if token_expired(token):
            token.delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key, "expires": token.created + settings.API_TOKEN_TTL})
