"""Writes about what people say on a session: comments and what each person has read."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from analysis.models import COMMENT_MAX_LENGTH, Comment, SessionReadMarker
from athletes.models import TrainingSession


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
        raise ValidationError({"body": "A comment needs some text."})
    if len(body) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "body": f"A comment has at most {COMMENT_MAX_LENGTH} characters "
                f"(this one has {len(body)})."
            }
        )
    if rep is not None and rep.analysis.session_id != session.pk:
        raise ValidationError({"rep": "That rep belongs to another session."})
    if video_time_s is not None and video_time_s < 0:
        raise ValidationError({"video_time_s": "The video time cannot be negative."})
    comment = Comment.objects.create(
        session=session, rep=rep, author=author, body=body, video_time_s=video_time_s
    )
    # Writing a comment means the author has read the thread so far.
    session_mark_seen(session=session, user=author)
    return comment
