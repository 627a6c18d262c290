"""An upload: a new training session with its video, and the analysis that will judge it.

Who may upload for whom is the athletes app's answer (`athlete_can_be_uploaded_for`); what
a video must be (size, container, length) and how many sets a person may start in an hour
are decided here, before anything is stored.
"""

from __future__ import annotations

import logging
import unicodedata
import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from analysis.services.analyses import analysis_create
from athletes.selectors import athlete_can_be_uploaded_for
from coach_platform.media import stored_video_suffix
from coach_platform.storage import media_remove
from coach_platform.throttles import hourly_limit_check
from coach_platform.uploads import duration_text, size_text, upload_local_path
from sets.models import EXERCISE_RECOGNISE, NOTES_MAX_LENGTH, Exercise, TrainingSession
from sets.services import session_check_date, session_check_load
from uploads.models import ResumableUpload

logger = logging.getLogger(__name__)
UPLOAD_WINDOW = timedelta(hours=1)


def session_upload(
    *,
    uploaded_by,
    athlete,
    video: UploadedFile,
    exercise: str = EXERCISE_RECOGNISE,
    performed_at: date | None = None,
    load_kg: Decimal | float | None = None,
    notes: str = "",
    arriving_as: int | None = None,
) -> TrainingSession:
    """Accept an uploaded set: check who and what, store the video, queue its analysis.
    `arriving_as`: the resumable upload (id) this set is the end of, which already holds
    its place in the uploader's hourly limit.

    The file is refused when it is over the size limit, does not decode as video, or is
    longer than `VIDEO_MAX_SECONDS`. It is probed before anything is stored (from the
    temporary file Django streamed it to, never whole in memory), and stored under a name
    the server chooses from the container the decoder found (`original.mp4`, ...): the
    client's file name is kept only as text to show.
    """
    from core.errors import VideoUnreadable
    from core.video.decode import probe_video  # PyAV: imported when needed

    upload_check_details(
        uploaded_by=uploaded_by,
        athlete=athlete,
        exercise=exercise,
        notes=notes,
        performed_at=performed_at,
        load_kg=load_kg,
    )
    upload_check_rate(uploaded_by, arriving_as=arriving_as)
    upload_check_size(video.size)
    with upload_local_path(video) as local:
        try:
            info = probe_video(local)
        except VideoUnreadable as error:
            raise ValidationError({"video": str(error)}) from error
        except Exception as error:  # a probe crash is still a refusal, never a 500
            logger.exception("probe_video failed on an upload named %r", video.name)
            raise ValidationError({"video": "This file could not be read as a video."}) from error
    max_seconds = settings.VIDEO_MAX_SECONDS
    if info.duration_s > max_seconds:
        raise ValidationError(
            {
                "video": f"The video is {duration_text(info.duration_s, whole_minutes=False)} "
                f"long; the limit is {duration_text(max_seconds)}. Trim it to the set before "
                "uploading."
            }
        )

    session = TrainingSession(
        athlete=athlete,
        uploaded_by=uploaded_by,
        folder=f"{timezone.now():%Y%m%d}-{uuid.uuid4().hex[:12]}",
        original_filename=display_filename(video.name),
        video_size=video.size or 0,
        exercise=exercise,
        exercise_chosen=bool(exercise),
        performed_at=performed_at or timezone.localdate(),
        load_kg=load_kg,
        notes=notes,
    )
    suffix = stored_video_suffix(info.container, info.codec, info.brand)
    session.video.save(f"original{suffix}", video, save=False)
    try:
        with transaction.atomic():
            session.save()
            analysis_create(session=session, video_info=info.summary())
    except Exception:
        media_remove(f"sessions/{session.folder}")
        raise
    logger.info(
        "session %s uploaded by %s for %s (%d bytes)",
        session.pk,
        uploaded_by.username,
        athlete.username,
        session.video_size,
    )
    return session


def upload_check_details(
    *,
    uploaded_by,
    athlete,
    exercise: str,
    notes: str,
    performed_at: date | None = None,
    load_kg: Decimal | float | None = None,
) -> None:
    """Who may upload for whom, and the set's details: the rules of every upload, whole or in
    pieces (a resumable upload runs them when it is created, and again when it completes)."""
    if not athlete_can_be_uploaded_for(uploaded_by, athlete):
        raise PermissionDenied("You cannot upload for this athlete.")
    if exercise and exercise not in Exercise.values:
        raise ValidationError(
            {
                "exercise": f"Only these exercises are analysed: {', '.join(Exercise.values)}; "
                "or leave it empty to have the lift recognised."
            }
        )
    if len(notes or "") > NOTES_MAX_LENGTH:
        raise ValidationError({"notes": f"Notes have at most {NOTES_MAX_LENGTH} characters."})
    session_check_load(load_kg)  # the same rules as a correction of the set (sets)
    session_check_date(performed_at)


def upload_check_rate(uploaded_by, *, arriving_as: int | None = None) -> None:
    """The one upload limit, per person and whichever way a set arrives (API, page,
    resumable creation and completion): fewer than `UPLOADS_PER_HOUR` sets started in the
    last hour before this one, counting stored sets and resumable uploads still arriving
    (each holds its place from its creation; `arriving_as` is the one completing now).
    Counted in the database, so every web machine agrees; raises `RateLimited`."""
    limit = settings.UPLOADS_PER_HOUR
    since = timezone.now() - UPLOAD_WINDOW
    started = sorted(
        [
            *TrainingSession.objects.filter(uploaded_by=uploaded_by, created_at__gte=since)
            .order_by("-created_at")
            .values_list("created_at", flat=True)[:limit],
            *ResumableUpload.objects.filter(
                uploaded_by=uploaded_by, session__isnull=True, created_at__gte=since
            )
            .exclude(pk=arriving_as)
            .order_by("-created_at")
            .values_list("created_at", flat=True)[:limit],
        ],
        reverse=True,
    )
    hourly_limit_check(started, limit, UPLOAD_WINDOW, f"started {limit} uploads")


def upload_check_size(size: int | None) -> None:
    """The size limit (in MB as people count them) and no empty file; `None`: not known."""
    limit = settings.UPLOAD_MAX_BYTES
    if size is not None and size > limit:
        raise ValidationError(
            {"video": f"The video is {size_text(size)}; the limit is {size_text(limit)}."}
        )
    if size == 0:
        raise ValidationError({"video": "The video file is empty."})


def display_filename(name: str | None) -> str:
    """The client's file name as text to show: its last path part (either slash), without
    control or invisible formatting characters (line breaks, bidi overrides)."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C")).strip()
    return name[:255] or "video"
