"""What several page modules share: the session (and its analysis) a person may see, a
stored file as a ranged response, the admins-only gate, and where a posted form returns.

Every session lookup goes through `session_visible_queryset`, so a session someone may not
see is a 404, the same as one that does not exist. Like the other management pages, a page
someone may not use is a 404, not a 403: it might as well not exist for them.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404

from analysis.models import Analysis
from athletes.selectors import user_is_admin
from coach_platform.media import ranged_file_response, served_type
from coach_platform.storage import media_is_local, media_path, media_stat, media_url
from sets.models import TrainingSession
from sets.selectors import session_visible_queryset


def session_or_404(request: HttpRequest, session_id: int) -> TrainingSession:
    sessions = session_visible_queryset(request.user).select_related("athlete", "analysis")
    return get_object_or_404(sessions, pk=session_id)


def analysis_or_404(session: TrainingSession) -> Analysis:
    try:
        return session.analysis
    except Analysis.DoesNotExist as error:
        raise Http404 from error


def media_file_response(
    request: HttpRequest, key: str, *, download_name: str | None = None
) -> HttpResponse:
    """A stored file by its key, with HTTP Range; a 404 when missing. Object-stored files
    are a redirect to a pre-signed URL of the bucket (which answers ranges itself), typed
    as this server would type them."""
    if not media_is_local():
        if media_stat(key) is None:
            raise Http404
        content_type, attachment = served_type(key)
        if attachment and download_name is None:
            download_name = ""
        url = media_url(key, content_type=content_type, download_name=download_name)
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"  # the URL expires: never reuse it
        response["Referrer-Policy"] = "no-referrer"
        response["X-Content-Type-Options"] = "nosniff"
        return response
    path = media_path(key)
    if path is None:
        raise Http404
    return ranged_file_response(request, path, download_name=download_name)


def admin_only(request: HttpRequest) -> None:
    if not user_is_admin(request.user):
        raise Http404
