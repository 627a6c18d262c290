"""What several page modules share: the session (and its analysis) a person may see, a
stored file as a ranged response, the admins-only gate, and where a posted form returns.

Every session lookup goes through `session_visible_queryset`, so a session someone may not
see is a 404, the same as one that does not exist. Like the other management pages, a page
someone may not use is a 404, not a 403: it might as well not exist for them.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from analysis.models import Analysis
from analysis.selectors.media import media_path
from athletes.models import TrainingSession
from athletes.selectors import session_visible_queryset, user_is_admin
from coach_platform.media import ranged_file_response


def session_or_404(request: HttpRequest, session_id: int) -> TrainingSession:
    sessions = session_visible_queryset(request.user).select_related("athlete", "analysis")
    return get_object_or_404(sessions, pk=session_id)


def analysis_or_404(session: TrainingSession) -> Analysis:
    try:
        return session.analysis
    except Analysis.DoesNotExist as error:
        raise Http404 from error


def media_file_response(request: HttpRequest, relative: str, **kwargs) -> HttpResponse:
    """A stored file (by its key under MEDIA_ROOT), with HTTP Range; a 404 when missing."""
    path = media_path(relative)
    if path is None:
        raise Http404
    return ranged_file_response(request, path, **kwargs)


def admin_only(request: HttpRequest) -> None:
    if not user_is_admin(request.user):
        raise Http404


def back_url(request: HttpRequest, fallback: str) -> str:
    """Where a form posted from a filtered, paginated list returns to."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return fallback
