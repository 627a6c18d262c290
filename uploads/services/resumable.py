"""Resumable uploads: a video arriving in pieces, so a phone on a weak connection can finish
a 500 MB set. The server side of the tus 1.0 core protocol with its creation and termination
extensions (https://tus.io/protocols/resumable-upload); the HTTP part is
analysis/views/uploads.py.

No kept library fits: django-tus stopped at Django 3.1 (2020), and drf-tus brings its own
upload model and migrations and pins the archived django-fsm. The protocol subset is small.

The rules are those of a whole upload, from the same functions (services/uploads.py): who
may upload for whom and the set's details are checked at creation (and again at the end),
the declared size against `UPLOAD_MAX_BYTES`. Each piece is stored as it arrives, through
the storage API (`uploads-partial/<key>/<offset>-<token>`: a file, or an object in the
bucket) and recorded in the upload's row, so whichever web machine takes the next piece
carries on (no sticky sessions, no shared disk); of two requests racing for one offset the
row's conditional update keeps one. Never past the declared size. When the last byte is in,
the pieces are put together in one local file and handed to `session_upload` (probe,
length, container, stored name) and become a session, or are refused with its sentence and
removed. An upload is its uploader's only: anyone else gets "not found".
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from coach_platform.storage import (
    media_folders,
    media_remove,
    media_root,
    media_storage,
)
from coach_platform.throttles import RateLimited
from coach_platform.uploads import size_text
from uploads.models import ResumableUpload
from uploads.services.uploads import (
    display_filename,
    session_upload,
    upload_check_details,
    upload_check_rate,
    upload_check_size,
)

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


def _pieces_key(key: str) -> str:
    return f"{PARTIAL_FOLDER}/{key}"


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
    upload_check_details(
        uploaded_by=uploaded_by,
        athlete=athlete,
        exercise=exercise,
        notes=notes,
        performed_at=performed_at,
        load_kg=load_kg,
    )
    upload_check_size(size)
    upload_check_rate(uploaded_by)  # the place this upload takes in the hourly limit
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
    """Store a piece of `length` bytes (read with `read(n)`) at `offset`, which must be where
    the upload is. Stores what arrives even when the connection drops part-way (the client
    asks where to go on). The last byte turns the upload into a session (`upload.session`),
    or raises the refusal of a whole upload, after removing the upload; over the hourly
    limit it is kept, and a piece of no bytes at its end tries again."""
    if length > settings.RESUMABLE_PATCH_MAX_BYTES:
        raise PieceRefused(
            f"A piece may be at most {size_text(settings.RESUMABLE_PATCH_MAX_BYTES)}."
        )
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
    with tempfile.SpooledTemporaryFile(max_size=1 << 20) as piece:
        received = 0
        while received < length:
            data = read(min(READ_BYTES, length - received))
            if not data:
                break  # the connection dropped: keep what came
            piece.write(data)
            received += len(data)
        if not received:
            if upload.offset == upload.size:  # all here, refused for the limit: again
                _complete(upload)
            return upload
        piece.seek(0)
        name = f"{offset:012d}-{secrets.token_hex(4)}"
        stored = f"{_pieces_key(upload.key)}/{name}"
        media_storage().save(stored, File(piece, name=name))
    # Only from the offset this piece was read for: of two requests racing for one offset
    # (a second tab, a retried request) one moves the upload on, the other's piece goes.
    moved = ResumableUpload.objects.filter(
        pk=upload.pk, session__isnull=True, offset=offset
    ).update(offset=offset + received, pieces=[*upload.pieces, name], updated_at=timezone.now())
    if not moved:
        media_remove(stored)
        current = ResumableUpload.objects.filter(pk=upload.pk).first()
        if current is None:
            raise UploadGone
        raise OffsetMismatch(current.offset)
    upload.refresh_from_db()
    if upload.offset == upload.size:
        _complete(upload)
    return upload


class _AssembledVideo(UploadedFile):
    """The pieces put together in one local file, as an upload: `session_upload` probes it
    where it lies, and storage moves (file system) or sends (object storage) it into the
    session's folder (`temporary_file_path`)."""

    def __init__(self, path: Path, name: str, size: int) -> None:
        super().__init__(path.open("rb"), name=name, content_type=None, size=size)
        self._path = path

    def temporary_file_path(self) -> str:
        return str(self._path)


def _assemble(upload: ResumableUpload) -> Path:
    """The stored pieces, in order, in one file of the local mirror."""
    folder = media_root() / PARTIAL_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix=f"{upload.key}-", suffix=".assembling")
    with os.fdopen(fd, "wb") as out:
        for piece in upload.pieces:
            with media_storage().open(f"{_pieces_key(upload.key)}/{piece}", "rb") as data:
                shutil.copyfileobj(data, out, 1 << 20)
    return Path(name)


def _complete(upload: ResumableUpload) -> None:
    fields = upload.fields or {}
    path = _assemble(upload)
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
            arriving_as=upload.pk,
        )
    except Exception as error:
        video.close()
        path.unlink(missing_ok=True)
        if not isinstance(error, RateLimited):  # over the limit: kept, to finish later
            resumable_cancel(upload=upload)  # a refused (or failed) file is not kept
        raise
    video.close()
    path.unlink(missing_ok=True)  # moved already on the file system; sent on object storage
    upload.session = session
    upload.save(update_fields=["session"])
    media_remove(_pieces_key(upload.key))
    logger.info("resumable upload %s became session %s", upload.pk, session.pk)


def resumable_cancel(*, upload: ResumableUpload) -> None:
    """Cancel (tus termination): the upload and its bytes go. A finished upload's session
    stays; only the record of how it arrived goes."""
    ResumableUpload.objects.filter(pk=upload.pk).delete()
    media_remove(_pieces_key(upload.key))


def resumable_reap(*, stale_seconds: float | None = None) -> int:
    """Remove uploads without a new piece for `stale_seconds` (default
    RESUMABLE_STALE_SECONDS) with their pieces, and pieces nobody's upload owns.
    Returns how many uploads went."""
    if stale_seconds is None:
        stale_seconds = settings.RESUMABLE_STALE_SECONDS
    cutoff = timezone.now() - timedelta(seconds=stale_seconds)
    removed = 0
    for upload in ResumableUpload.objects.filter(updated_at__lt=cutoff):
        resumable_cancel(upload=upload)
        removed += 1
    # Pieces no upload owns: a crash between a cancel's row and its pieces. (A row exists
    # before its first piece; a piece stored for a row just deleted is removed by its request.)
    known = set(ResumableUpload.objects.values_list("key", flat=True))
    for key in set(media_folders(PARTIAL_FOLDER)) - known:
        media_remove(_pieces_key(key))
    return removed


def uploads_reap(*, stale_seconds: float | None = None) -> dict[str, int]:
    """The reaper's pass (coach_platform.jobs): unfinished uploads keep their own clock (a
    day without a piece), not the jobs'; logged, not counted: the counts are about jobs."""
    removed = resumable_reap()
    if removed:
        logger.info("reaper: %d abandoned resumable uploads removed", removed)
    return {}
