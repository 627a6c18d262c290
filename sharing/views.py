"""Share links: the page where the athlete and their coaches make and revoke them, and the
public pages a link opens without an account (the session's page, its video and overlay).

Everything under /s/<token>/ answers for the one session of one live link: a revoked,
expired or unknown token is the same plain 404 page on every URL, and nothing there links
to the rest of the platform but the login page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from rest_framework import serializers

from analysis.models import AnalysisStatus
from analysis.selectors.media import analysis_chart_data, analysis_overlay_data, playback_url
from analysis.selectors.summary import set_summary
from analysis.views.common import media_file_response, session_or_404
from athletes.selectors import display_name
from coach_platform.pagination import page_of
from coach_platform.redirects import back_url
from coach_platform.throttles import AddressRateThrottle
from core import lifts
from reviews.api import CommentSerializer
from reviews.selectors import comment_audio_key
from sharing.models import ShareLink
from sharing.selectors import (
    share_link_list,
    share_link_live,
    share_link_managed_queryset,
    shared_comments,
    shared_reps,
    shared_video_key,
    shared_video_version,
)
from sharing.services import (
    SHARE_DAYS,
    SHARE_DAYS_DEFAULT,
    SHARE_LIVE_MAX,
    SHARE_NOTE_MAX,
    share_link_authorize,
    share_link_count_view,
    share_link_create,
    share_link_revoke,
)

# Requests per minute and client address on the public URLs. The video's limit is high: a
# player seeking asks for many byte ranges.
SHARE_RATES = {"page": "60/min", "overlay": "60/min", "video": "1200/min"}


class SharedCommentSerializer(CommentSerializer):
    """A comment as the public page shows it: its author by display name, not login name."""

    author = serializers.SerializerMethodField()

    def get_author(self, comment) -> str:
        return display_name(comment.author)

    def audio_path(self, comment) -> str:
        """The voice-over under the link's token (the page's context names it)."""
        return reverse("shared_comment_audio", args=[self.context["share_token"], comment.pk])


# --- the share page (logged in) --------------------------------------------------------------
def share_url(request: HttpRequest, link: ShareLink) -> str:
    return request.build_absolute_uri(reverse("shared_session", args=[link.token]))


@login_required
def share_page(request: HttpRequest, session_id: int) -> HttpResponse:
    """GET: the session's links and a form for a new one; POST: make one. Whoever can see
    the session (the athlete, their coaches, admins) sees its links; making one is the
    athlete's and their coaches' (services.shares.share_link_authorize)."""
    session = session_or_404(request, session_id)
    if request.method == "POST":
        try:
            link = share_link_create(
                by=request.user,
                session=session,
                days=request.POST.get("days"),
                note=request.POST.get("note", ""),
            )
        except PermissionDenied as error:
            messages.error(request, str(error))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Link made: copy it below and send it to whoever needs it.")
            return redirect(reverse("share_page", args=[session.pk]) + f"#share-{link.pk}")
        return redirect("share_page", session_id=session.pk)
    try:
        share_link_authorize(by=request.user, session=session)
        can_create = True
    except PermissionDenied:
        can_create = False
    links = page_of(request, share_link_list(request.user, session), per_page=20)
    for link in links:
        link.url = share_url(request, link)
    context = {
        "session": session,
        "links": links,
        "can_create": can_create,
        "day_choices": SHARE_DAYS,
        "default_days": SHARE_DAYS_DEFAULT,
        "note_max": SHARE_NOTE_MAX,
        "live_max": SHARE_LIVE_MAX,
    }
    return render(request, "analysis/share.html", context)


@login_required
@require_POST
def share_revoke(request: HttpRequest, session_id: int, link_id: int) -> HttpResponse:
    session = session_or_404(request, session_id)
    link = get_object_or_404(share_link_managed_queryset(request.user), pk=link_id, session=session)
    try:
        share_link_revoke(by=request.user, link=link)
    except PermissionDenied as error:
        raise Http404 from error
    messages.success(request, "Revoked: the link no longer opens anything.")
    return redirect(back_url(request, reverse("share_page", args=[session.pk])))


# --- the public pages under /s/<token>/ ------------------------------------------------------
def _private(response: HttpResponse) -> HttpResponse:
    """No shared cache keeps it, no search engine lists it, and the token in the address
    never leaves in a Referer header."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _gone(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "analysis/share_gone.html", status=404))


def _shared(scope: str) -> Callable:
    """A public view for the live link of the URL's token (else the plain 404 page), a
    little throttled, with the private headers on every answer."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, token: str, **kwargs) -> HttpResponse:
            throttle = AddressRateThrottle(f"share-{scope}", SHARE_RATES[scope])
            if not throttle.allow_request(request, None):
                response = HttpResponse(
                    "Too many requests for this link: wait a minute and try again.",
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = "60"
                return _private(response)
            link = share_link_live(token)
            if link is None:
                return _gone(request)
            try:
                return _private(view(request, link, **kwargs))
            except Http404:
                return _gone(request)

        return require_GET(wrapper)

    return decorate


@_shared("page")
def shared_session(request: HttpRequest, link: ShareLink) -> HttpResponse:
    """The one session, read-only: video with the skeleton drawn over it, reps with their
    verdicts and evidence, comments. Each open counts as a view."""
    session = link.session
    analysis = getattr(session, "analysis", None)
    done = analysis is not None and analysis.status == AnalysisStatus.DONE
    reps = shared_reps(session) if done else []
    comments = page_of(
        request, list(shared_comments(session)), per_page=50, param="cpage", last=True
    )
    version = shared_video_version(session)
    video_url = reverse("shared_video", args=[link.token]) + (f"?{version}" if version else "")
    context = {
        "link": link,
        "session": session,
        "analysis": analysis,
        "done": done,
        "reps": reps,
        "summary": set_summary(list(reps)) if done else None,
        "comments": comments,
        "comments_data": SharedCommentSerializer(
            comments.object_list, many=True, context={"share_token": link.token}
        ).data,
        "chart": analysis_chart_data(analysis, reps) if done else {},
        "lift_judged": lifts.of_exercise(analysis.exercise_detected if analysis else ""),
        "plays": done and playback_url(analysis) is not None,
        "video_url": video_url,
        "overlay_url": reverse("shared_overlay", args=[link.token]),
        "fps": (analysis.video_info.get("fps") if analysis else None) or 30,
    }
    response = render(request, "analysis/shared_session.html", context)
    share_link_count_view(link)
    return response


@_shared("video")
def shared_video(request: HttpRequest, link: ShareLink) -> HttpResponse:
    """The video the page plays, with HTTP Range (seeking); byte ranges are no new view."""
    return media_file_response(request, shared_video_key(link.session))


@_shared("video")
def shared_comment_audio(request: HttpRequest, link: ShareLink, comment_id: int) -> HttpResponse:
    """A comment's voice-over on the shared page, with HTTP Range, as the video is."""
    key = comment_audio_key(link.session, comment_id)
    if key is None:
        raise Http404
    return media_file_response(request, key)


@_shared("overlay")
def shared_overlay(request: HttpRequest, link: ShareLink) -> HttpResponse:
    analysis = getattr(link.session, "analysis", None)
    if analysis is None or analysis.status != AnalysisStatus.DONE:
        raise Http404
    data = analysis_overlay_data(analysis)
    if data is None:
        raise Http404
    return JsonResponse(data)
