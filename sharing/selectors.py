"""Reads about share links: the live link behind a token (the only key to a shared page,
its video and its overlay), a session's links for the people who manage them, and what the
shared page shows of the one session the link opens."""

from __future__ import annotations

import re

from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from analysis.models import Rep
from analysis.selectors.media import watch_url
from athletes.selectors import AnyUser, user_is_admin
from reviews.models import Comment
from sets.models import TrainingSession
from sets.selectors import session_visible_queryset
from sharing.models import ShareLink

# secrets.token_urlsafe(32) gives 43 characters; anything else is no token of ours, refused
# before the database is asked.
TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


def share_link_live(token: str) -> ShareLink | None:
    """The link `token` opens: not revoked, not expired, its session still there; else None."""
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    return (
        ShareLink.objects.select_related("session", "session__athlete", "session__analysis")
        .filter(token=token, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def _with_status(links: QuerySet[ShareLink]) -> QuerySet[ShareLink]:
    now = timezone.now()
    return links.annotate(
        status=Case(
            When(revoked_at__isnull=False, then=Value("revoked")),
            When(expires_at__lte=now, then=Value("expired")),
            default=Value("live"),
            output_field=CharField(),
        )
    )


def share_link_list(user: AnyUser, session: TrainingSession) -> QuerySet[ShareLink]:
    """A session's links, newest first, each with `status` (live, expired, revoked): for
    people who can see the session; none for anyone else."""
    if not session_visible_queryset(user).filter(pk=session.pk).exists():
        return ShareLink.objects.none()
    return _with_status(session.share_links.select_related("created_by")).order_by(
        "-created_at", "-id"
    )


def share_link_managed_queryset(user: AnyUser) -> QuerySet[ShareLink]:
    """Links `user` may revoke (services.shares.share_link_can_revoke, as a query): their
    own, their sessions', their athletes'; every link for an admin."""
    if not user.is_authenticated:
        return ShareLink.objects.none()
    links = _with_status(ShareLink.objects.select_related("created_by", "session"))
    if user_is_admin(user):
        return links
    return links.filter(
        Q(created_by=user) | Q(session__athlete=user) | Q(session__athlete__coach_links__coach=user)
    ).distinct()


def shared_video_key(session: TrainingSession) -> str:
    """The stored file a link's video URL serves: what the review page plays (watch_url's
    rule: the playable copy when there is one, else the upload)."""
    analysis = getattr(session, "analysis", None)
    if analysis is not None and watch_url(analysis).startswith(
        reverse("session_playable", args=[session.pk])
    ):
        return analysis.playable_video
    return session.video.name


def shared_video_version(session: TrainingSession) -> str:
    """watch_url's `?v=...` (the file's time), so a remade copy is not taken from a cache."""
    analysis = getattr(session, "analysis", None)
    if analysis is None:
        return ""
    _, _, query = watch_url(analysis).partition("?")
    return query


def shared_reps(session: TrainingSession) -> list[Rep]:
    """The counted reps 1..n of the session's analysis (what a shared page lists)."""
    analysis = getattr(session, "analysis", None)
    if analysis is None:
        return []
    return list(
        analysis.reps.counted().select_related("detector_version", "labelled_by").order_by("index")
    )


def shared_comments(session: TrainingSession) -> QuerySet[Comment]:
    """The session's comments, oldest first (text, author, time; read-only)."""
    return session.comments.select_related("author", "rep").order_by("created_at", "id")
