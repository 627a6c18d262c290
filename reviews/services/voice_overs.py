"""Voice-overs: a recording someone attaches to a comment, checked and stored here, and
removed with its comment.

A recording is a file a person gave us (docs/architecture.md, "Files people gave us"): it is
refused over `VOICE_OVER_MAX_BYTES` before it is read, probed (core/video/audio.py: only the
sound containers and codecs browsers record, a sound stream that decodes, its length counted
from its packets and refused over `VOICE_OVER_MAX_SECONDS`), and its sound alone is copied into
a file the server writes, `sessions/<folder>/comments/<random>.weba|.m4a`, served with the
type of that suffix. The client's file name and type are never used.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from coach_platform.storage import media_key, media_publish, media_remove, media_root
from coach_platform.throttles import hourly_limit_check
from coach_platform.uploads import duration_text, size_text, upload_local_path
from reviews.models import Comment
from sets.models import TrainingSession

logger = logging.getLogger(__name__)
VOICE_OVER_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class StoredAudio:
    key: str
    duration_s: float


def voice_over_too_large() -> str:
    """The sentence for a recording over the size limit (also when the upload handler
    stopped reading it)."""
    limit = size_text(settings.VOICE_OVER_MAX_BYTES)
    return f"The recording is larger than the {limit} a voice-over may be: record a shorter one."


def voice_over_check_size(size: int | None) -> None:
    if size is not None and size > settings.VOICE_OVER_MAX_BYTES:
        raise ValidationError({"audio": voice_over_too_large()})
    if not size:
        raise ValidationError({"audio": "The recording is empty."})


def voice_over_check_rate(author) -> None:
    """At most `VOICE_OVERS_PER_HOUR` recordings per person an hour (each is stored):
    counted in the database; raises `RateLimited`."""
    limit = settings.VOICE_OVERS_PER_HOUR
    since = timezone.now() - VOICE_OVER_WINDOW
    recent = list(
        Comment.objects.filter(author=author, created_at__gte=since)
        .exclude(audio="")
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    hourly_limit_check(recent, limit, VOICE_OVER_WINDOW, f"recorded {limit} voice-overs")


def voice_over_store(*, session: TrainingSession, audio: UploadedFile) -> StoredAudio:
    """Check a recording and store its sound under a name the server chose in the set's
    folder; a ValidationError ({"audio": sentence}) for anything that is not a voice-over.
    The caller names the key in a row, or removes it (`media_remove`) when that fails."""
    from core.errors import AudioUnreadable
    from core.video.audio import probe_audio, remux_audio  # PyAV: imported when needed

    voice_over_check_size(audio.size)
    folder = session.folder
    if not folder or "/" in folder:
        raise ValidationError({"audio": "This set has no folder to keep a recording in."})
    with upload_local_path(audio) as local:
        try:
            info = probe_audio(local)
        except AudioUnreadable as error:
            raise ValidationError({"audio": str(error)}) from error
        except Exception as error:  # a probe crash is still a refusal, never a 500
            logger.exception("probe_audio failed on a recording for session %s", session.pk)
            raise ValidationError(
                {"audio": "This file could not be read as a sound recording."}
            ) from error
        limit = settings.VOICE_OVER_MAX_SECONDS
        if info.duration_s > limit:
            raise ValidationError(
                {
                    "audio": f"The recording is {duration_text(info.duration_s)} long; a "
                    f"voice-over is at most {duration_text(limit)}."
                }
            )
        if info.duration_s < 0.1:
            raise ValidationError({"audio": "The recording is too short to hear anything."})
        name = f"{secrets.token_urlsafe(12)}{info.suffix}"  # unguessable, no client part
        target = media_root() / "sessions" / folder / "comments" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            remux_audio(local, target)
            media_publish(target)
        except AudioUnreadable as error:
            target.unlink(missing_ok=True)
            raise ValidationError({"audio": str(error)}) from error
        except Exception:
            target.unlink(missing_ok=True)
            raise
    return StoredAudio(key=media_key(target), duration_s=round(info.duration_s, 3))


@receiver(post_delete, sender=Comment, dispatch_uid="voice_over_goes_with_its_comment")
def _recording_goes_with_the_row(sender, instance: Comment, **kwargs) -> None:
    """Whoever deletes a comment (the admin, its set's deletion, an erased account's cascade),
    its recording goes once the deletion commits; a rolled-back deletion keeps both."""
    key = instance.audio
    if not key:
        return
    if not key.startswith("sessions/") or "/comments/" not in key:
        logger.warning("not removing suspicious voice-over key %r", key)
        return
    transaction.on_commit(lambda: media_remove(key))
