"""Resumable uploads: a video arriving in pieces, so a phone on a weak connection can finish
a 500 MB set. The server side of the tus 1.0 core protocol with its creation and termination
extensions (https://tus.io/protocols/resumable-upload); the HTTP part is
analysis/views/uploads.py.

No kept library fits: django-tus stopped at Django 3.1 (2020), and drf-tus brings its own
upload model and migrations and pins the archived django-fsm. The protocol subset is small.

The rules are those of a whole upload, from the same functions (services/uploads.py): who
may upload for whom and the set's details are checked at creation (and again at the end),
the declared size against `UPLOAD_MAX_BYTES`; the bytes go to `uploads-partial/<key>.part`
in the media's local mirror, never past the declared size; when the last byte is in, the
file is handed to `session_upload` as it is (probe, length, container, stored name; the
file is moved, not copied) and becomes a session, or is refused with its sentence and
removed. An upload is its uploader's only: anyone else gets "not found".
"""

from __future__ import annotations

import fcntl
import logging
import secrets
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from analysis.models import ResumableUpload
from analysis.services.uploads import (
    display_filename,
    session_upload,
    upload_check_details,
    upload_check_size,
)
from coach_platform.storage import media_root
from coach_platform.uploads import size_text

logger = logging.getLogger(__name__)

PARTIAL_FOLDER = "uploads-partial"
# Unfinished uploads one person may keep; a new one past this drops their oldest, so a
# browser that lost track of its uploads never locks its owner out (nor fills the disk).
OPEN_UPLOADS_MAX = 5
READ_BYTES = 64 * 1024


class OffsetMismatch(Exception):
    """A piece sent for another offset than the server's (tus: 409 Conflict)."""

    def __init__(self, offset: int) -> None:
        super().__init__(f"The upload is at byte {offset}.")
        self.offset = offset


class PieceRefused(ValidationError):
    """A piece too large for one request, or past the declared size (tus: 413)."""


class UploadGone(Exception):
    """The upload was cancelled or removed while a piece arrived (tus: 404)."""


def partial_path(key: str) -> Path:
    return media_root() / PARTIAL_FOLDER / f"{key}.part"


def resumable_create(
    *,
    uploaded_by,
    athlete,
    filename: str,
    size: int,
    exercise: str,
    performed_at: date | None = None,
    load_kg: Decimal | None = None,
    notes: str = "",
) -> ResumableUpload:
    """Start an upload of `size` bytes for `athlete`, after the checks of a whole upload that
    need no bytes (permission, details, size)."""
    upload_check_details(uploaded_by=uploaded_by, athlete=athlete, exercise=exercise, notes=notes)
    upload_check_size(size)
    for old in ResumableUpload.objects.filter(
        uploaded_by=uploaded_by, session__isnull=True
    ).order_by("-updated_at")[OPEN_UPLOADS_MAX - 1 :]:
        resumable_cancel(upload=old)
    upload = ResumableUpload(
        key=secrets.token_urlsafe(24),
        uploaded_by=uploaded_by,
        athlete=athlete,
        filename=display_filename(filename),
        size=size,
        fields={
            "exercise": exercise,
            "performed_at": performed_at.isoformat() if performed_at else None,
            "load_kg": str(load_kg) if load_kg is not None else None,
            "notes": notes or "",
        },
    )
    path = partial_path(upload.key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(exist_ok=False)
    upload.save()
    return upload


def resumable_find(*, key: str, user) -> ResumableUpload | None:
    """The upload under `key` if `user` started it; None for anyone else, as for no upload."""
    if not getattr(user, "is_authenticated", False):
        return None
    return ResumableUpload.objects.filter(key=key, uploaded_by=user).first()


def resumable_append(
    *, upload: ResumableUpload, offset: int, length: int, read: Callable[[int], bytes]
) -> ResumableUpload:
    """Write a piece of `length` bytes (read with `read(n)`) at `offset`, which must be where
    the upload is. Stores what arrives even when the connection drops part-way (the client
    asks where to go on). The last byte turns the upload into a session (`upload.session`),
    or raises the refusal of a whole upload, after removing the upload."""
    if length > settings.RESUMABLE_PATCH_MAX_BYTES:
        raise PieceRefused(
            f"A piece may be at most {size_text(settings.RESUMABLE_PATCH_MAX_BYTES)}."
        )
    if upload.session_id is not None:  # finished: its bytes are the session's video now
        raise OffsetMismatch(upload.offset)
    path = partial_path(upload.key)
    try:
        part = path.open("r+b")
    except FileNotFoundError as error:
        upload.delete()
        raise UploadGone from error
    with part:
        # One writer at a time per upload: a second tab or a retried request waits, then
        # sees the offset the first one left.
        fcntl.flock(part, fcntl.LOCK_EX)
        try:
            upload.refresh_from_db()
        except ResumableUpload.DoesNotExist as error:
            raise UploadGone from error
        if upload.session_id is not None or offset != upload.offset:
            raise OffsetMismatch(upload.offset)
        if offset + length > upload.size:
            raise PieceRefused(
                f"The piece goes past the {upload.size} bytes this upload was created for."
            )
        part.seek(offset)
        part.truncate()  # bytes past the recorded offset are a dropped piece's tail
        received = 0
        while received < length:
            data = read(min(READ_BYTES, length - received))
            if not data:
                break  # the connection dropped: keep what came
            part.write(data)
            received += len(data)
        part.flush()
        upload.offset = offset + received
        upload.updated_at = timezone.now()
        moved = ResumableUpload.objects.filter(pk=upload.pk, session__isnull=True).update(
            offset=upload.offset, updated_at=upload.updated_at
        )
        if not moved:  # cancelled while this piece arrived
            raise UploadGone
        if upload.offset == upload.size:
            _complete(upload, path)
    return upload


class _AssembledVideo(UploadedFile):
    """The finished partial file as an upload: `session_upload` probes it where it lies and
    storage moves it into the session's folder (`temporary_file_path`), never a copy."""

    def __init__(self, path: Path, name: str, size: int) -> None:
        super().__init__(path.open("rb"), name=name, content_type=None, size=size)
        self._path = path

    def temporary_file_path(self) -> str:
        return str(self._path)


def _complete(upload: ResumableUpload, path: Path) -> None:
    fields = upload.fields or {}
    video = _AssembledVideo(path, upload.filename, upload.size)
    try:
        session = session_upload(
            uploaded_by=upload.uploaded_by,
            athlete=upload.athlete,
            video=video,
            exercise=fields.get("exercise") or "",
            performed_at=(
                date.fromisoformat(fields["performed_at"]) if fields.get("performed_at") else None
            ),
            load_kg=Decimal(fields["load_kg"]) if fields.get("load_kg") else None,
            notes=fields.get("notes") or "",
        )
    except Exception:
        video.close()
        resumable_cancel(upload=upload)  # a refused (or failed) file is not kept
        raise
    video.close()
    upload.session = session
    upload.save(update_fields=["session"])
    path.unlink(missing_ok=True)  # moved already; a leftover would be reaped anyway
    logger.info("resumable upload %s became session %s", upload.pk, session.pk)


def resumable_cancel(*, upload: ResumableUpload) -> None:
    """Cancel (tus termination): the upload and its bytes go. A finished upload's session
    stays; only the record of how it arrived goes."""
    partial_path(upload.key).unlink(missing_ok=True)
    ResumableUpload.objects.filter(pk=upload.pk).delete()


def resumable_reap(*, stale_seconds: float | None = None) -> int:
    """Remove uploads without a new piece for `stale_seconds` (default
    RESUMABLE_STALE_SECONDS) with their bytes, and partial files nobody's upload owns.
    Returns how many uploads went."""
    if stale_seconds is None:
        stale_seconds = settings.RESUMABLE_STALE_SECONDS
    cutoff = timezone.now() - timedelta(seconds=stale_seconds)
    removed = 0
    for upload in ResumableUpload.objects.filter(updated_at__lt=cutoff):
        resumable_cancel(upload=upload)
        removed += 1
    folder = media_root() / PARTIAL_FOLDER
    if folder.is_dir():
        known = set(ResumableUpload.objects.values_list("key", flat=True))
        for stray in folder.glob("*.part"):
            old = stray.stat().st_mtime < cutoff.timestamp()
            if old and stray.stem not in known:
                stray.unlink(missing_ok=True)
    return removed
