"""Pages about sessions as they are judged: the dashboards (sessions with their analysis'
status and flags, progress), the upload, the original video, comments, "reviewed". Thin:
parse, call a selector or service, render.

Every session lookup goes through `session_visible_queryset`, so a session someone may not
see is a 404, the same as one that does not exist.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from analysis.forms import CommentForm, SessionFilterForm, SessionUploadForm
from analysis.selectors import athlete_progress, media_path, rep_visible_queryset, session_list
from analysis.services import comment_create, session_upload
from athletes.selectors import (
    athlete_upload_choices,
    athlete_visible_queryset,
    coaches_of,
    invitations_pending,
    roster_list,
    session_visible_queryset,
    user_role,
)
from athletes.services import session_mark_reviewed
from coach_platform.media import media_login_required, ranged_file_response
from coach_platform.pagination import page_of
from coach_platform.uploads import duration_text, size_text, upload_error


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def coach_dashboard(request: HttpRequest) -> HttpResponse:
    if user_role(request.user) == "athlete":
        return redirect("athlete_dashboard")
    filters = SessionFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    criteria = {
        "athlete_id": cleaned.get("athlete"),
        "date_from": cleaned.get("date_from"),
        "date_to": cleaned.get("date_to"),
        "status": cleaned.get("status") or None,
    }
    context = {
        "roster": roster_list(request.user),
        "queue": page_of(
            request, session_list(request.user, awaiting_review=True, **criteria), param="qpage"
        ),
        "sessions": page_of(request, session_list(request.user, **criteria)),
        "filters": filters,
        "selected_athlete": criteria["athlete_id"],
    }
    return render(request, "analysis/coach_dashboard.html", context)


def _athlete_page(request: HttpRequest, athlete) -> HttpResponse:
    context = {
        "athlete": athlete,
        "sessions": page_of(request, session_list(request.user, athlete_id=athlete.pk)),
        "progress": athlete_progress(athlete, request.user),
        "is_self": athlete.pk == request.user.pk,
    }
    if context["is_self"]:
        context["invitations"] = invitations_pending(athlete)
        context["coaches"] = coaches_of(athlete)
    return render(request, "analysis/athlete_dashboard.html", context)


@login_required
def athlete_dashboard(request: HttpRequest) -> HttpResponse:
    return _athlete_page(request, request.user)


@login_required
def athlete_detail(request: HttpRequest, athlete_id: int) -> HttpResponse:
    athlete = get_object_or_404(athlete_visible_queryset(request.user), pk=athlete_id)
    return _athlete_page(request, athlete)


@login_required
def session_upload_page(request: HttpRequest) -> HttpResponse:
    athletes = athlete_upload_choices(request.user)
    if not athletes:
        messages.info(request, "Add an athlete to your roster before uploading for them.")
        return redirect("roster")
    form = SessionUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        athletes=athletes,
        initial={"athlete": request.GET.get("athlete")} if len(athletes) > 1 else None,
    )
    if request.method == "POST":
        valid = form.is_valid()
        too_large = upload_error(request)
        if too_large:
            form.errors.pop("video", None)  # "required" would hide the real reason
            form.add_error("video", too_large)
        elif valid:
            data = form.cleaned_data
            try:
                session = session_upload(
                    uploaded_by=request.user,
                    athlete=data["athlete"],
                    video=data["video"],
                    exercise=data["exercise"],
                    performed_at=data["performed_at"],
                    load_kg=data["load_kg"],
                    notes=data["notes"],
                )
            except ValidationError as error:
                form.add_error("video", _errors(error))
            except PermissionDenied as error:
                form.add_error("athlete", str(error))
            else:
                messages.success(request, "Uploaded. The analysis is queued.")
                return redirect("session_review", session_id=session.pk)
    limits = {
        "max_size": size_text(settings.UPLOAD_MAX_BYTES),
        "max_duration": duration_text(settings.VIDEO_MAX_SECONDS),
    }
    return render(request, "analysis/upload.html", {"form": form, **limits})


@media_login_required
def session_video(request: HttpRequest, session_id: int) -> HttpResponse:
    """The original upload, typed by its stored name (`original.mp4`...): a file stored
    under another suffix by an older version (`original.html`) is only ever a download."""
    session = get_object_or_404(session_visible_queryset(request.user), pk=session_id)
    path = media_path(session.video.name)
    if path is None:
        raise Http404
    return ranged_file_response(request, path)


@login_required
@require_POST
def comment_add(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(session_visible_queryset(request.user), pk=session_id)
    form = CommentForm(request.POST)
    anchor = "comments"
    if form.is_valid():
        data = form.cleaned_data
        rep = None
        if data["rep"]:
            rep = get_object_or_404(
                rep_visible_queryset(request.user), pk=data["rep"], analysis__session=session
            )
        try:
            comment = comment_create(
                author=request.user,
                session=session,
                body=data["body"],
                rep=rep,
                video_time_s=data["video_time_s"],
            )
            anchor = f"comment-{comment.pk}"
        except ValidationError as error:
            messages.error(request, _errors(error))
    else:
        messages.error(request, "A comment needs some text.")
    return redirect(reverse("session_review", args=[session.pk]) + f"#{anchor}")


@login_required
@require_POST
def session_reviewed(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(session_visible_queryset(request.user), pk=session_id)
    try:
        session_mark_reviewed(session=session, user=request.user)
    except PermissionDenied as error:
        raise Http404 from error
    messages.success(request, "Marked as reviewed.")
    return redirect("coach_dashboard")
