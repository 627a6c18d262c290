"""Resumable uploads over HTTP: the tus 1.0 core protocol with creation and termination
(https://tus.io/protocols/resumable-upload), the logic in services/resumable.py.

    POST   /uploads/resumable/        Upload-Length, Upload-Metadata -> 201, Location
    HEAD   /uploads/resumable/<key>/  -> Upload-Offset (and Session-Location once finished)
    PATCH  /uploads/resumable/<key>/  Upload-Offset + application/offset+octet-stream -> 204
    DELETE /uploads/resumable/<key>/  cancel -> 204

Refusals carry `{"errors": {field: [sentence]}}` as JSON, the fields named as on the upload
form ("__all__" for the form as a whole), so the page shows them where a posted form would.
Sessions log people in and the CSRF header guards the writes, as for the pages.
"""

from __future__ import annotations

import base64
import binascii
from functools import wraps
from math import ceil

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from athletes.selectors import athlete_upload_choices
from coach_platform.throttles import RateLimited
from coach_platform.uploads import duration_text, size_text, upload_error
from sets.models import EXERCISE_RECOGNISE
from uploads.forms import SessionDetailsForm, SessionUploadForm
from uploads.models import ResumableUpload
from uploads.services.resumable import (
    OffsetMismatch,
    PieceRefused,
    UploadGone,
    resumable_append,
    resumable_cancel,
    resumable_create,
    resumable_find,
)
from uploads.services.uploads import session_upload

TUS_VERSION = "1.0.0"
METADATA_MAX_CHARS = 16 * 1024  # the notes (2000 characters) fit with room to spare
DETAILS = ("athlete", "exercise", "performed_at", "load_kg", "notes")


def _tus(response: HttpResponse) -> HttpResponse:
    response["Tus-Resumable"] = TUS_VERSION
    return response


def _refusal(status: int, errors: dict[str, list[str]], **headers: str) -> HttpResponse:
    response = _tus(JsonResponse({"errors": errors}, status=status))
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _limited(limited: RateLimited) -> HttpResponse:
    return _refusal(429, {"__all__": [limited.message]}, Retry_After=str(ceil(limited.wait_s)))


def _errors(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def _tus_endpoint(view):
    """Signed in, and speaking tus 1.0 (OPTIONS, the discovery request, excepted)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Tus-Version"] = TUS_VERSION
            response["Tus-Extension"] = "creation,termination"
            response["Tus-Max-Size"] = str(settings.UPLOAD_MAX_BYTES)
            return _tus(response)
        if not request.user.is_authenticated:
            return _refusal(403, {"__all__": ["Sign in to upload."]})
        if request.headers.get("Tus-Resumable") != TUS_VERSION:
            return _refusal(
                412, {"__all__": ["This server speaks tus 1.0.0."]}, Tus_Version=TUS_VERSION
            )
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def _whole_number(text: str | None) -> int | None:
    """A header's non-negative whole number, or None (no sign, no spaces, no "1e3")."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


def _metadata(header: str) -> dict[str, str]:
    """tus Upload-Metadata: comma-separated "key base64(value)" pairs, a value optional."""
    if len(header) > METADATA_MAX_CHARS:
        raise ValueError("too long")
    found: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _, encoded = pair.partition(" ")
        if not key or key in found:
            raise ValueError("a key is empty or repeated")
        try:
            found[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise ValueError("not base64 UTF-8") from error
    return found


@require_http_methods(["OPTIONS", "POST"])
@_tus_endpoint
def resumable_start(request: HttpRequest) -> HttpResponse:
    """Creation: the set's details are checked now, as on the upload form, before any byte."""
    size = _whole_number(request.headers.get("Upload-Length"))
    if size is None:
        return _refusal(400, {"video": ["Say the video's size (Upload-Length) in bytes."]})
    try:
        meta = _metadata(request.headers.get("Upload-Metadata", ""))
    except ValueError:
        return _refusal(400, {"__all__": ["The upload's details could not be read."]})
    athletes = athlete_upload_choices(request.user)
    data = {name: meta[name] for name in DETAILS if name in meta}
    if len(athletes) == 1:  # as on the form: one athlete is no choice
        data.setdefault("athlete", str(athletes[0].pk))
    data.setdefault("exercise", EXERCISE_RECOGNISE)
    data.setdefault("performed_at", timezone.localdate().isoformat())
    form = SessionDetailsForm(data, athletes=athletes)
    if not form.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        return _refusal(400, errors)
    details = form.cleaned_data
    try:
        upload = resumable_create(
            uploaded_by=request.user,
            athlete=details["athlete"],
            filename=meta.get("filename") or meta.get("name") or "",
            size=size,
            exercise=details["exercise"],
            performed_at=details["performed_at"],
            load_kg=details["load_kg"],
            notes=details["notes"],
        )
    except ValidationError as error:
        too_large = size > settings.UPLOAD_MAX_BYTES
        return _refusal(413 if too_large else 400, _errors(error))
    except PermissionDenied as error:
        return _refusal(403, {"athlete": [str(error)]})
    except RateLimited as limited:
        return _limited(limited)
    response = _tus(HttpResponse(status=201))
    response["Location"] = reverse("resumable_upload", args=[upload.key])
    response["Upload-Offset"] = "0"
    return response


def _where(upload: ResumableUpload, status: int) -> HttpResponse:
    response = _tus(HttpResponse(status=status))
    response["Upload-Offset"] = str(upload.offset)
    response["Upload-Length"] = str(upload.size)
    if upload.session_id is not None:  # finished: where the set is now
        response["Session-Location"] = reverse("session_review", args=[upload.session_id])
    return response


@require_http_methods(["OPTIONS", "HEAD", "PATCH", "DELETE"])
@_tus_endpoint
def resumable_upload(request: HttpRequest, key: str) -> HttpResponse:
    upload = resumable_find(key=key, user=request.user)
    if upload is None:
        raise Http404
    if request.method == "HEAD":
        return _where(upload, 200)
    if request.method == "DELETE":
        resumable_cancel(upload=upload)
        return _tus(HttpResponse(status=204))
    if request.content_type != "application/offset+octet-stream":
        return _refusal(415, {"__all__": ["Send the piece as application/offset+octet-stream."]})
    offset = _whole_number(request.headers.get("Upload-Offset"))
    if offset is None:
        return _refusal(400, {"__all__": ["Say where the piece goes (Upload-Offset)."]})
    length = _whole_number(request.META.get("CONTENT_LENGTH"))
    if length is None:
        return _refusal(411, {"__all__": ["Say the piece's length (Content-Length)."]})
    try:
        upload = resumable_append(upload=upload, offset=offset, length=length, read=request.read)
    except OffsetMismatch as mismatch:
        return _refusal(
            409,
            {"__all__": [f"The upload is at byte {mismatch.offset}; ask again where it is."]},
            Upload_Offset=str(mismatch.offset),
        )
    except UploadGone as error:
        raise Http404 from error
    except PieceRefused as error:
        return _refusal(413, _errors(error))
    except ValidationError as error:  # the finished file is refused, as a whole upload would be
        return _refusal(422, _errors(error))
    except PermissionDenied as error:
        return _refusal(403, {"athlete": [str(error)]})
    except RateLimited as limited:
        return _limited(limited)
    if upload.session_id is not None:
        messages.success(request, "Uploaded. The analysis is queued.")
    return _where(upload, 204)


# --- upload --------------------------------------------------------------------------------
@login_required
def session_upload_page(request: HttpRequest) -> HttpResponse:
    athletes = athlete_upload_choices(request.user)
    if not athletes:
        messages.info(request, "Add an athlete to your roster before uploading for them.")
        return redirect("roster")
    form = SessionUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        athletes=athletes,
        initial={"athlete": request.GET.get("athlete")} if len(athletes) > 1 else None,
    )
    status = 200
    if request.method == "POST":
        valid = form.is_valid()
        too_large = upload_error(request)
        if too_large:
            form.errors.pop("video", None)  # "required" would hide the real reason
            form.add_error("video", too_large)
        elif valid:
            data = form.cleaned_data
            try:
                session = session_upload(
                    uploaded_by=request.user,
                    athlete=data["athlete"],
                    video=data["video"],
                    exercise=data["exercise"],
                    performed_at=data["performed_at"],
                    load_kg=data["load_kg"],
                    notes=data["notes"],
                )
            except ValidationError as error:
                form.add_error(None, error)  # keyed errors land on their own fields
            except PermissionDenied as error:
                form.add_error("athlete", str(error))
            except RateLimited as limited:
                form.add_error(None, limited.message)
                status = 429
            else:
                messages.success(request, "Uploaded. The analysis is queued.")
                return redirect("session_review", session_id=session.pk)
    limits = {
        "max_size": size_text(settings.UPLOAD_MAX_BYTES),
        "max_duration": duration_text(settings.VIDEO_MAX_SECONDS),
    }
    return render(request, "analysis/upload.html", {"form": form, **limits}, status=status)
