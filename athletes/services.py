"""Writes about people and sessions: accounts, rosters, uploads, comments, read markers."""

from __future__ import annotations

import logging
import secrets
import shutil
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from athletes.models import (
    CoachAssignment,
    Comment,
    Exercise,
    Profile,
    Role,
    SessionReadMarker,
    TrainingSession,
)
from athletes.selectors import athlete_can_be_uploaded_for, user_role

logger = logging.getLogger(__name__)
User = get_user_model()


def password_generate() -> str:
    return secrets.token_urlsafe(9)


def user_create(
    *, username: str, role: str, password: str | None = None, email: str = ""
) -> tuple[object, str]:
    """Create an account with a role; returns (user, password). A password is generated
    when none is given, to be handed to the person once."""
    username = username.strip()
    if not username:
        raise ValidationError("A username is required.")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(f"The username {username!r} is taken.")
    password = password or password_generate()
    user = User.objects.create_user(
        username=username,
        email=email,
        password=password,
        is_staff=role == Role.ADMIN,
    )
    Profile.objects.create(user=user, role=role)
    return user, password


def coach_create(*, created_by, username: str, password: str | None = None, email: str = ""):
    """Admins create coaches."""
    if user_role(created_by) != Role.ADMIN:
        raise PermissionDenied("Only an admin can create coaches.")
    return user_create(username=username, role=Role.COACH, password=password, email=email)


def roster_add_athlete(
    *, coach, username: str, password: str | None = None, email: str = ""
) -> tuple[object, str | None]:
    """Put an athlete on a coach's roster, creating the account when it does not exist.

    Returns (athlete, password); password is None when the account already existed.
    """
    if user_role(coach) not in (Role.COACH, Role.ADMIN):
        raise PermissionDenied("Only a coach can have a roster.")
    username = username.strip()
    with transaction.atomic():
        athlete = User.objects.filter(username__iexact=username).first()
        new_password = None
        if athlete is None:
            athlete, new_password = user_create(
                username=username, role=Role.ATHLETE, password=password, email=email
            )
        elif user_role(athlete) != Role.ATHLETE:
            raise ValidationError(f"{athlete.username} is not an athlete.")
        CoachAssignment.objects.get_or_create(coach=coach, athlete=athlete)
    return athlete, new_password


def roster_remove_athlete(*, coach, athlete) -> None:
    CoachAssignment.objects.filter(coach=coach, athlete=athlete).delete()


def session_create(
    *,
    uploaded_by,
    athlete,
    video: UploadedFile,
    exercise: str = Exercise.DEADLIFT,
    performed_at: date | None = None,
    load_kg: Decimal | float | None = None,
    notes: str = "",
) -> TrainingSession:
    """Accept an uploaded set: check who and what, store the video, queue its analysis.

    The file is refused when it is over the size limit or does not decode as video; the
    check runs on the stored copy (Django already streamed it to disk, never whole in
    memory), which is removed again when refused.
    """
    from analysis.pipeline.errors import VideoUnreadable
    from analysis.pipeline.video import probe_video
    from analysis.services import analysis_create

    if not athlete_can_be_uploaded_for(uploaded_by, athlete):
        raise PermissionDenied("You cannot upload for this athlete.")
    if exercise not in Exercise.values:
        raise ValidationError(f"Only these exercises are analysed: {', '.join(Exercise.values)}.")
    limit = settings.UPLOAD_MAX_BYTES
    if video.size is not None and video.size > limit:
        raise ValidationError(
            f"The video is {video.size / 1e6:.0f} MB; the limit is {limit / 1e6:.0f} MB."
        )
    if video.size == 0:
        raise ValidationError("The video file is empty.")

    session = TrainingSession(
        athlete=athlete,
        uploaded_by=uploaded_by,
        folder=f"{timezone.now():%Y%m%d}-{uuid.uuid4().hex[:12]}",
        original_filename=Path(video.name or "video").name[:255],
        video_size=video.size or 0,
        exercise=exercise,
        performed_at=performed_at or timezone.localdate(),
        load_kg=load_kg,
        notes=notes,
    )
    suffix = Path(video.name or "").suffix.lower()[:8] or ".mp4"
    session.video.save(f"original{suffix}", video, save=False)
    stored = Path(session.video.path)
    try:
        info = probe_video(str(stored))
    except VideoUnreadable as error:
        shutil.rmtree(stored.parent.parent, ignore_errors=True)
        raise ValidationError(str(error)) from error
    except Exception as error:  # a probe crash is still a refusal, never a 500
        logger.exception("probe_video failed on %s", stored)
        shutil.rmtree(stored.parent.parent, ignore_errors=True)
        raise ValidationError("This file could not be read as a video.") from error
    try:
        with transaction.atomic():
            session.save()
            analysis_create(session=session, video_info=_info_dict(info))
    except Exception:
        shutil.rmtree(stored.parent.parent, ignore_errors=True)
        raise
    logger.info(
        "session %s uploaded by %s for %s (%d bytes)",
        session.pk,
        uploaded_by.username,
        athlete.username,
        session.video_size,
    )
    return session


def _info_dict(info) -> dict:
    keys = ("frames", "fps", "width", "height", "duration_s", "rotation", "codec")
    return {k: getattr(info, k, None) for k in keys}


def session_mark_reviewed(*, session: TrainingSession, user) -> None:
    if user_role(user) not in (Role.COACH, Role.ADMIN):
        raise PermissionDenied("Only a coach marks a session reviewed.")
    session.reviewed_at = timezone.now()
    session.reviewed_by = user
    session.save(update_fields=["reviewed_at", "reviewed_by"])


def session_mark_seen(*, session: TrainingSession, user) -> None:
    """Everything in the session up to now counts as read by `user`."""
    SessionReadMarker.objects.update_or_create(
        user=user, session=session, defaults={"last_seen_at": timezone.now()}
    )


def comment_create(
    *,
    author,
    session: TrainingSession,
    body: str,
    rep=None,
    video_time_s: float | None = None,
) -> Comment:
    body = (body or "").strip()
    if not body:
        raise ValidationError("A comment needs some text.")
    if rep is not None and rep.analysis.session_id != session.pk:
        raise ValidationError("That rep belongs to another session.")
    if video_time_s is not None and video_time_s < 0:
        raise ValidationError("The video time cannot be negative.")
    comment = Comment.objects.create(
        session=session, rep=rep, author=author, body=body, video_time_s=video_time_s
    )
    # Writing a comment means the author has read the thread so far.
    session_mark_seen(session=session, user=author)
    return comment
