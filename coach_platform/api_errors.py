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
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
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


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 404 (`handler404`): under /api/ the API's error body, so a client never
    gets an HTML page from a URL that matches no route; elsewhere Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


# --- the same answers in the OpenAPI schema ------------------------------------------------
# One body for every error: DRF's `{"detail": "..."}` (or a list of sentences), or
# `{field: [sentences]}` (nested by index or key for list and object fields).
ERROR_SCHEMA = {
    "type": "object",
    "description": 'The one error body: `{"detail": "..."}` or `{"detail": ["..."]}`, or '
    '`{field: ["..."]}` per refused field (nested by position or key for list fields).',
    "properties": {
        "detail": {
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
        }
    },
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]
    },
    "example": {"detail": "Not found."},
}

# Status -> (component name, what it means in this API).
ERROR_ANSWERS = {
    "400": ("BadRequest", "The request was refused: a sentence per field (or `detail`)."),
    "401": ("Unauthorized", "Not logged in: no, an unknown or an expired token."),
    "403": (
        "Forbidden",
        "Not allowed: your role may not do this, or (cookie sessions) the CSRF token is missing.",
    ),
    "404": ("NotFound", "No such object that you may see (or no such page of the list)."),
    "429": ("Throttled", "Too many requests: `detail` says when to try again."),
}

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _error_codes(view, operation: dict, path: str, method: str) -> set[str]:
    """The error answers this operation can really give, decided from its view: who may call
    it (authentication and permissions), what it reads (path, page, body) and its throttles."""
    from rest_framework.authentication import SessionAuthentication
    from rest_framework.permissions import AllowAny, IsAuthenticated

    codes = set()
    authenticators = view.get_authenticators()
    permissions = view.get_permissions()
    if authenticators and any(not isinstance(p, AllowAny) for p in permissions):
        codes.add("401")
    beyond_login = any(not isinstance(p, (AllowAny, IsAuthenticated)) for p in permissions)
    session_write = method not in SAFE_METHODS and any(
        isinstance(a, SessionAuthentication) for a in authenticators
    )
    if beyond_login or session_write:  # a role check, or CSRF (services refuse with 403 too)
        codes.add("403")
    names = {p.get("name") for p in operation.get("parameters", []) if p.get("in") == "query"}
    if "{" in path or "page" in names:  # a detail route, or a page past the last
        codes.add("404")
    if method not in SAFE_METHODS and "requestBody" in operation:
        codes.add("400")
    if view.get_throttles():
        codes.add("429")
    return codes


def error_responses_hook(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: declare the error answers every operation can give
    (`_error_codes`) as references to shared responses with the one error body, and give
    the errors a view declared by hand (with only a description) that same body."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    shared = components.setdefault("responses", {})
    for name, description in ERROR_ANSWERS.values():
        shared[name] = {"description": description, "content": body}
    paths = result.get("paths", {})
    for path, _regex, method, callback in generator.endpoints or []:
        view = generator.create_view(callback, method)
        operation = paths.get(generator.coerce_path(path, method, view), {}).get(method.lower())
        if operation is None:
            continue
        responses = operation.setdefault("responses", {})
        for code, answer in responses.items():
            if code.startswith("4") and "content" not in answer and "$ref" not in answer:
                answer["content"] = body
        for code in sorted(_error_codes(view, operation, path, method)):
            responses.setdefault(code, {"$ref": f"#/components/responses/{ERROR_ANSWERS[code][0]}"})
        operation["responses"] = dict(sorted(responses.items()))
    return result
