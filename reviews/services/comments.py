"""Writes about what people say on a session: comments and what each person has read."""

from __future__ import annotations

import math
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from athletes.selectors import coaches_of
from coach_platform.storage import media_remove
from notifications.models import Notification, NotificationKind
from notifications.services import notify, people, set_name
from reviews.models import COMMENT_MAX_LENGTH, Comment, SessionReadMarker
from reviews.services.voice_overs import voice_over_check_rate, voice_over_store
from sets.models import TrainingSession

# A drawing (an annotation) is a list of shapes on the paused frame, each
# {"kind", "points": [[x, y], ...] in fractions of the picture (0..1), "color": "#rrggbb"};
# an angle also gets "degrees", computed here so every reader shows the same number.
DRAWING_MAX_SHAPES = 50
FREE_MAX_POINTS = 500
# In all: a page lists up to 50 comments, each drawing at most this many points (~40 KB).
DRAWING_MAX_POINTS = 2000
SHAPE_POINTS = {"line": (2, 2), "arrow": (2, 2), "circle": (2, 2), "angle": (3, 3)}
SHAPE_POINTS["free"] = (2, FREE_MAX_POINTS)
SHAPE_NAMES = {
    "line": "A line",
    "arrow": "An arrow",
    "circle": "A circle (centre and a point on the rim)",
    "angle": "An angle (arm end, vertex, arm end)",
}
COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def session_mark_seen(*, session: TrainingSession, user) -> None:
    """Everything in the session up to now counts as read by `user`: its comments and the
    notifications about it (opened from an e-mail or a bookmark, not only from the list)."""
    now = timezone.now()
    SessionReadMarker.objects.update_or_create(
        user=user, session=session, defaults={"last_seen_at": now}
    )
    Notification.objects.filter(recipient=user, session=session, read_at__isnull=True).update(
        read_at=now
    )


def angle_degrees(points: list[list[float]], width: float, height: float) -> float:
    """The angle at the vertex (the middle point) between the two arms, 0..180 degrees, one
    decimal. Measured in pixels: the points are fractions of a picture that is not square."""
    (ax, ay), (vx, vy), (bx, by) = points
    u = ((ax - vx) * width, (ay - vy) * height)
    v = ((bx - vx) * width, (by - vy) * height)
    if not any(u) or not any(v):
        return 0.0
    turn = math.atan2(u[0] * v[1] - u[1] * v[0], u[0] * v[0] + u[1] * v[1])
    return round(abs(math.degrees(turn)), 1)


def _picture_size(session: TrainingSession) -> tuple[float, float]:
    """The picture's width and height in pixels (display orientation) from the analysis; a
    square when unknown, so degrees are still defined."""
    analysis = getattr(session, "analysis", None)
    info = (analysis.video_info if analysis is not None else None) or {}
    width, height = info.get("width"), info.get("height")
    numbers = isinstance(width, (int, float)) and isinstance(height, (int, float))
    if numbers and width > 0 and height > 0:
        return float(width), float(height)
    return 1.0, 1.0


def _video_time(session: TrainingSession, seconds: Any) -> float:
    """A time in the video, in seconds: a number from 0 to the video's length (the upload
    limit's while the video is not measured yet; a frame's rounding allowed)."""
    number = isinstance(seconds, (int, float)) and not isinstance(seconds, bool)
    if not number or not math.isfinite(seconds):
        raise ValidationError({"video_time_s": "The video time is a number of seconds."})
    if seconds < 0:
        raise ValidationError({"video_time_s": "The video time cannot be negative."})
    analysis = getattr(session, "analysis", None)
    length = ((analysis.video_info if analysis is not None else None) or {}).get("duration_s")
    if not isinstance(length, (int, float)) or length <= 0:
        length = float(settings.VIDEO_MAX_SECONDS)
    if seconds > length + 0.1:
        raise ValidationError(
            {"video_time_s": f"The video is {length:.1f} s long: a time within it, please."}
        )
    return float(seconds)


def _point(raw: Any, where: str) -> list[float]:
    if (
        not isinstance(raw, (list, tuple))
        or len(raw) != 2
        or not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in raw)
    ):
        raise ValidationError({"drawing": f"{where}: each point is a pair of numbers [x, y]."})
    x, y = float(raw[0]), float(raw[1])
    if not (math.isfinite(x) and math.isfinite(y) and 0 <= x <= 1 and 0 <= y <= 1):
        raise ValidationError(
            {"drawing": f"{where}: points are fractions of the picture, from 0 to 1."}
        )
    return [round(x, 5), round(y, 5)]


def drawing_clean(drawing: Any, *, width: float, height: float) -> list[dict[str, Any]]:
    """A checked copy of a drawing (only the known keys), each angle with its degrees; a
    ValidationError with a sentence for anything else."""
    if not isinstance(drawing, list):
        raise ValidationError({"drawing": "A drawing is a list of shapes."})
    if not drawing:
        raise ValidationError({"drawing": "The drawing is empty: draw something first."})
    if len(drawing) > DRAWING_MAX_SHAPES:
        raise ValidationError(
            {
                "drawing": f"A drawing has at most {DRAWING_MAX_SHAPES} shapes "
                f"(this one has {len(drawing)})."
            }
        )
    shapes = []
    for n, raw in enumerate(drawing, start=1):
        where = f"Shape {n}"
        if not isinstance(raw, dict):
            raise ValidationError({"drawing": f"{where} is not a shape."})
        kind = raw.get("kind")
        if kind not in SHAPE_POINTS:
            raise ValidationError(
                {"drawing": f"{where}: the kind is one of line, arrow, circle, free or angle."}
            )
        color = raw.get("color")
        if not isinstance(color, str) or not COLOR.fullmatch(color):
            raise ValidationError({"drawing": f"{where}: the colour is written #rrggbb."})
        points = raw.get("points")
        low, high = SHAPE_POINTS[kind]
        if not isinstance(points, list) or not low <= len(points) <= high:
            if kind == "free":
                need = f"A free-hand line has 2 to {FREE_MAX_POINTS} points"
            else:
                need = f"{SHAPE_NAMES[kind]} has {low} points"
            raise ValidationError({"drawing": f"{where}: {need}."})
        shape: dict[str, Any] = {
            "kind": kind,
            "points": [_point(p, where) for p in points],
            "color": color.lower(),
        }
        if kind == "angle":
            shape["degrees"] = angle_degrees(shape["points"], width, height)
        shapes.append(shape)
    total = sum(len(s["points"]) for s in shapes)
    if total > DRAWING_MAX_POINTS:
        raise ValidationError(
            {
                "drawing": f"A drawing has at most {DRAWING_MAX_POINTS} points in all "
                f"(this one has {total}): save it in parts."
            }
        )
    return shapes


def comment_create(
    *,
    author,
    session: TrainingSession,
    body: str,
    rep=None,
    video_time_s: float | None = None,
    drawing: Any = None,
    audio: UploadedFile | None = None,
) -> Comment:
    """A comment, or an annotation (a comment with a drawing, pinned to a video time; its
    text may be blank), or a voice-over (a comment with a recording, `audio`, pinned to a
    video time, with or without a drawing; services/voice_overs.py checks and stores it)."""
    body = (body or "").strip()
    if drawing is not None:
        if video_time_s is None:
            raise ValidationError(
                {"video_time_s": "A drawing is pinned to a video time: pause the video first."}
            )
        width, height = _picture_size(session)
        drawing = drawing_clean(drawing, width=width, height=height)
    if audio is not None and video_time_s is None:
        raise ValidationError(
            {"video_time_s": "A voice-over is pinned to a video time: the time it starts at."}
        )
    if not body and drawing is None and audio is None:
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
    if video_time_s is not None:
        video_time_s = _video_time(session, video_time_s)
    stored = None
    if audio is not None:  # last: everything else is checked before a file is written
        voice_over_check_rate(author)
        stored = voice_over_store(session=session, audio=audio)
    try:
        comment = Comment.objects.create(
            session=session,
            rep=rep,
            author=author,
            body=body,
            video_time_s=video_time_s,
            drawing=drawing,
            audio=stored.key if stored else "",
            audio_duration_s=stored.duration_s if stored else None,
        )
    except Exception:
        if stored:
            media_remove(stored.key)
        raise
    # Writing a comment means the author has read the thread so far.
    session_mark_seen(session=session, user=author)
    notify_comment(comment)
    return comment


def notify_comment(comment: Comment) -> int:
    """A new comment or drawing: everyone in the session's conversation except its author."""
    session = comment.session
    author = comment.author
    earlier = Comment.objects.filter(session=session).exclude(author=None).select_related("author")
    audience = people(
        [session.athlete, session.uploaded_by],
        coaches_of(session.athlete),
        (c.author for c in earlier),
    )
    what = "drew on" if comment.drawing else "commented on"
    if comment.audio:
        what = "recorded a voice-over on"
    where = f" rep {comment.rep.index} of" if comment.rep_id else ""
    who = author.username if author else "Someone"
    body = " ".join(comment.body.split())
    text = f"{who} {what}{where} {session.athlete.username}'s {set_name(session)}"
    text += f": “{body[:120]}{'…' if len(body) > 120 else ''}”" if body else "."
    return notify(NotificationKind.COMMENT, session, audience, text, actor=author)
