"""The API's one exception handler (after HackSoft's Django Styleguide): services raise
Django's own `ValidationError` and `PermissionDenied`, and the API answers them here, so no
view translates them by hand.

- `ValidationError` -> 400, keyed by field when the service said which
  (`ValidationError({"body": "..."})` -> `{"body": ["..."]}`), else `{"detail": [...]}`;
- `PermissionDenied` -> 403 with the service's sentence; `Http404` -> 404.

Everything else goes to DRF's own handler unchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    return exception_handler(exc, context)
