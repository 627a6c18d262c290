"""Writes about people and sessions: accounts, rosters, uploads, comments, read markers."""

from __future__ import annotations

import logging
import secrets
import shutil
import unicodedata
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from athletes.media import stored_video_suffix
from athletes.models import (
    COMMENT_MAX_LENGTH,
    NOTES_MAX_LENGTH,
    CoachAssignment,
    Comment,
    Exercise,
    InvitationStatus,
    Profile,
    Role,
    RosterInvitation,
    SessionReadMarker,
    TrainingSession,
)
from athletes.selectors import athlete_can_be_uploaded_for, user_role
from athletes.uploads import duration_text, size_text, upload_local_path

logger = logging.getLogger(__name__)
User = get_user_model()
USERNAME_MAX_LENGTH = 150


def password_generate() -> str:
    return secrets.token_urlsafe(9)


def user_create(
    *, username: str, role: str, password: str | None = None, email: str = ""
) -> tuple[object, str]:
    """Create an account with a role; returns (user, password). A password is generated
    when none is given, to be handed to the person once.

    Every account path comes through here, so Django's username validator (letters, digits
    and @.+-_ only: no line breaks or quotes to break a header or a CSV) and the password
    validators hold for all of them."""
    username = (username or "").strip()
    if not username:
        raise ValidationError("A username is required.")
    if len(username) > USERNAME_MAX_LENGTH:
        raise ValidationError(f"A username has at most {USERNAME_MAX_LENGTH} characters.")
    User.username_validator(username)
    email = (email or "").strip()
    if email:
        validate_email(email)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError("That username is not available; choose another.")
    if password:
        validate_password(password, User(username=username, email=email))
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


def _require_coach(user) -> None:
    if user_role(user) not in (Role.COACH, Role.ADMIN):
        raise PermissionDenied("Only a coach can have a roster.")


def athlete_account_create(
    *, coach, username: str, password: str | None = None, email: str = ""
) -> tuple[object, str]:
    """A coach makes an account for a new athlete, who starts on that coach's roster (the
    athlete can leave it). Returns (athlete, password)."""
    _require_coach(coach)
    with transaction.atomic():
        athlete, password = user_create(
            username=username, role=Role.ATHLETE, password=password, email=email
        )
        CoachAssignment.objects.create(coach=coach, athlete=athlete)
    return athlete, password


def roster_invite(*, coach, who: str) -> RosterInvitation | None:
    """Invite the athlete whose username or e-mail is `who` to the coach's roster.

    The coach learns nothing from the answer: whether `who` names no one, a coach, an
    athlete already on the roster or one already invited, the caller says the same sentence.
    Returns the new invitation (for tests and notices), or None."""
    _require_coach(coach)
    who = (who or "").strip()
    if not who:
        raise ValidationError("Give the athlete's username or e-mail.")
    matches = User.objects.filter(
        Q(username__iexact=who) | (Q(email__iexact=who) & ~Q(email=""))
    ).filter(Q(profile__role=Role.ATHLETE), is_staff=False, is_active=True)
    athlete = matches.order_by("pk").first()
    if athlete is None or athlete.pk == coach.pk:
        return None
    if CoachAssignment.objects.filter(coach=coach, athlete=athlete).exists():
        return None
    invitation, created = RosterInvitation.objects.get_or_create(
        coach=coach, athlete=athlete, status=InvitationStatus.PENDING
    )
    if created:
        logger.info("coach %s invited athlete %s", coach.username, athlete.username)
    return invitation if created else None


def invitation_respond(*, athlete, invitation_id: int, accept: bool) -> RosterInvitation:
    """The athlete's yes (the coach joins their coaches) or no."""
    with transaction.atomic():
        invitation = (
            RosterInvitation.objects.select_for_update()
            .filter(pk=invitation_id, athlete=athlete, status=InvitationStatus.PENDING)
            .first()
        )
        if invitation is None:
            raise ValidationError("That invitation is no longer open.")
        invitation.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
        invitation.responded_at = timezone.now()
        invitation.save(update_fields=["status", "responded_at"])
        if accept:
            CoachAssignment.objects.get_or_create(coach=invitation.coach, athlete=athlete)
    return invitation


def invitation_cancel(*, coach, invitation_id: int) -> None:
    RosterInvitation.objects.filter(
        pk=invitation_id, coach=coach, status=InvitationStatus.PENDING
    ).update(status=InvitationStatus.CANCELLED, responded_at=timezone.now())


def roster_assign(*, by, coach, athlete) -> None:
    """Admins put an athlete on a coach's roster directly."""
    if user_role(by) != Role.ADMIN:
        raise PermissionDenied("Only an admin assigns athletes to coaches.")
    if user_role(coach) != Role.COACH or user_role(athlete) != Role.ATHLETE:
        raise ValidationError("Choose a coach and an athlete.")
    CoachAssignment.objects.get_or_create(coach=coach, athlete=athlete)


def roster_remove_athlete(*, coach, athlete) -> None:
    """The link ends from either side (a coach drops an athlete, an athlete leaves a coach);
    coming back takes a new invitation and a new yes."""
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

    The file is refused when it is over the size limit, does not decode as video, or is
    longer than `VIDEO_MAX_SECONDS`. It is probed before anything is stored (from the
    temporary file Django streamed it to, never whole in memory), and stored under a name
    the server chooses from the container the decoder found (`original.mp4`, ...): the
    client's file name is kept only as text to show.
    """
    from analysis.pipeline.errors import VideoUnreadable
    from analysis.pipeline.video import probe_video
    from analysis.services import analysis_create

    if not athlete_can_be_uploaded_for(uploaded_by, athlete):
        raise PermissionDenied("You cannot upload for this athlete.")
    if exercise not in Exercise.values:
        raise ValidationError(f"Only these exercises are analysed: {', '.join(Exercise.values)}.")
    if len(notes or "") > NOTES_MAX_LENGTH:
        raise ValidationError(f"Notes have at most {NOTES_MAX_LENGTH} characters.")
    limit = settings.UPLOAD_MAX_BYTES
    if video.size is not None and video.size > limit:
        raise ValidationError(
            f"The video is {size_text(video.size)}; the limit is {size_text(limit)}."
        )
    if video.size == 0:
        raise ValidationError("The video file is empty.")
    with upload_local_path(video) as local:
        try:
            info = probe_video(local)
        except VideoUnreadable as error:
            raise ValidationError(str(error)) from error
        except Exception as error:  # a probe crash is still a refusal, never a 500
            logger.exception("probe_video failed on an upload named %r", video.name)
            raise ValidationError("This file could not be read as a video.") from error
    max_seconds = settings.VIDEO_MAX_SECONDS
    if info.duration_s > max_seconds:
        raise ValidationError(
            f"The video is {duration_text(info.duration_s, whole_minutes=False)} long; the "
            f"limit is {duration_text(max_seconds)}. Trim it to the set before uploading."
        )

    session = TrainingSession(
        athlete=athlete,
        uploaded_by=uploaded_by,
        folder=f"{timezone.now():%Y%m%d}-{uuid.uuid4().hex[:12]}",
        original_filename=_display_filename(video.name),
        video_size=video.size or 0,
        exercise=exercise,
        performed_at=performed_at or timezone.localdate(),
        load_kg=load_kg,
        notes=notes,
    )
    suffix = stored_video_suffix(info.container, info.codec, info.brand)
    session.video.save(f"original{suffix}", video, save=False)
    stored = Path(session.video.path)
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


def _display_filename(name: str | None) -> str:
    """The client's file name as text to show: its last path part (either slash), without
    control or invisible formatting characters (line breaks, bidi overrides)."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C")).strip()
    return name[:255] or "video"


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
    if len(body) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            f"A comment has at most {COMMENT_MAX_LENGTH} characters (this one has {len(body)})."
        )
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
