"""The API's one exception handler (after HackSoft's Django Styleguide): services raise
Django's own `ValidationError` and `PermissionDenied`, and the API answers them here, so no
view translates them by hand.

- `ValidationError` -> 400, keyed by field when the service said which
  (`ValidationError({"body": "..."})` -> `{"body": ["..."]}`), else `{"detail": [...]}`;
- `PermissionDenied` -> 403 with the service's sentence; `Http404` -> 404;
- `RateLimited` (a limit a service counts, e.g. uploads per person) -> 429 with Retry-After.

`ApiErrorsMiddleware` gives what never reaches a view (no route, a refused body, a crash)
the same body.

Everything else goes to DRF's own handler unchanged.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from coach_platform.throttles import RateLimited
from coach_platform.uploads import size_text


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    elif isinstance(exc, RateLimited):
        exc = exceptions.Throttled(wait=exc.wait_s, detail=exc.message)
    elif isinstance(exc, SuspiciousOperation):  # e.g. too many form fields: the client's fault
        exc = exceptions.ParseError("The request could not be read.")
    return exception_handler(exc, context)


class ApiErrorsMiddleware:
    """Everything under /api/ answers with the API's error body, in every mode: a path that
    matches no route (Django's 404 page, the technical one with DEBUG on), a body Django
    refused before any view ran, a server error. A non-file body over
    DATA_UPLOAD_MAX_MEMORY_SIZE is refused here, before anything reads it."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        too_large = _body_too_large(request)
        response = too_large or self.get_response(request)
        if response.status_code >= 400 and not _is_json(response):
            replaced = JsonResponse({"detail": _sentence(response.status_code)})
            replaced.status_code = response.status_code
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    replaced[header] = response[header]
            response = replaced
        return response


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip() == "application/json"


def _body_too_large(request: HttpRequest) -> HttpResponse | None:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None or request.content_type == "multipart/form-data":  # files: own limit
        return None
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return JsonResponse({"detail": "Content-Length is not a number."}, status=400)
    if length > limit:
        return JsonResponse(
            {
                "detail": f"The request body is {size_text(length)}; the limit is "
                f"{size_text(limit)}."
            },
            status=413,
        )
    return None


def _sentence(status: int) -> str:
    known = {
        400: "The request could not be read.",
        404: "Not found.",
        500: "Something went wrong on our side; it has been logged.",
    }
    if status in known:
        return known[status]
    try:
        return f"{HTTPStatus(status).phrase}."
    except ValueError:
        return "The request was refused."


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
