"""API authentication classes named in REST_FRAMEWORK settings (so this module must not
import DRF's views: DRF loads it while importing them), django-axes' lock-out answer, and
what a new password ends (named in AUTH_PASSWORD_VALIDATORS).

Tokens are DRF's own (one per user); a token older than API_TOKEN_TTL is refused, and the
token endpoint (coach_platform/api_token.py) replaces it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: the API's JSON error shape under /api/,
    a page elsewhere; 429 either way."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": settings.AXES_COOLOFF_MESSAGE}, status=429)
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)


def token_expired(token: Token) -> bool:
    return timezone.now() - token.created > settings.API_TOKEN_TTL


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise AuthenticationFailed("Token expired: ask POST /api/auth/token/ for a new one.")
        return user, token


class EndTokensOnPasswordChange:
    """Named in AUTH_PASSWORD_VALIDATORS for its `password_changed` hook, which Django calls
    whenever a user's password is saved: a new password ends every API token (browser
    sessions end by themselves: each carries a hash of the password it logged in with)."""

    def validate(self, password: str, user=None) -> None:
        return None

    def password_changed(self, password: str, user=None) -> None:
        if user is not None and user.pk is not None:
            Token.objects.filter(user=user).delete()

    def get_help_text(self) -> str:  # shown with the rules under a new password
        return "A new password signs you out everywhere else and ends your API tokens."
