"""Pages about people and sessions. Thin: parse, call a selector or service, render.

Every session lookup goes through `session_visible_queryset`, so a session someone may not
see is a 404, the same as one that does not exist.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from analysis.selectors import media_path, rep_visible_queryset
from athletes.forms import (
    AthleteCreateForm,
    CoachCreateForm,
    CommentForm,
    RosterAssignForm,
    RosterInviteForm,
    SessionFilterForm,
    SessionUploadForm,
)
from athletes.media import media_login_required, ranged_file_response
from athletes.selectors import (
    athlete_progress,
    athlete_upload_choices,
    athlete_visible_queryset,
    coaches_of,
    invitations_pending,
    invitations_sent,
    roster_list,
    session_list,
    session_visible_queryset,
    user_is_admin,
    user_role,
)
from athletes.services import (
    athlete_account_create,
    coach_create,
    comment_create,
    invitation_cancel,
    invitation_respond,
    roster_assign,
    roster_invite,
    roster_remove_athlete,
    session_create,
    session_mark_reviewed,
)
from athletes.uploads import duration_text, size_text, upload_error
from coach_platform.pagination import page_of

User = get_user_model()


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if user_role(request.user) == "athlete":
        return redirect("athlete_dashboard")
    return redirect("coach_dashboard")


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
    return render(request, "athletes/coach_dashboard.html", context)


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
    return render(request, "athletes/athlete_dashboard.html", context)


@login_required
def athlete_dashboard(request: HttpRequest) -> HttpResponse:
    return _athlete_page(request, request.user)


@login_required
def athlete_detail(request: HttpRequest, athlete_id: int) -> HttpResponse:
    athlete = get_object_or_404(athlete_visible_queryset(request.user), pk=athlete_id)
    return _athlete_page(request, athlete)


@login_required
def roster(request: HttpRequest) -> HttpResponse:
    if user_role(request.user) not in ("coach", "admin"):
        raise Http404
    is_post = request.method == "POST"
    action = request.POST.get("action") if is_post else None
    invite_form = RosterInviteForm(request.POST if action == "invite" else None, prefix="invite")
    create_form = AthleteCreateForm(request.POST if action == "create" else None, prefix="create")
    if action == "invite" and invite_form.is_valid():
        who = invite_form.cleaned_data["who"]
        try:
            roster_invite(coach=request.user, who=who)
        except ValidationError as error:
            invite_form.add_error("who", _errors(error))
        else:
            # The same sentence whoever `who` is: the answer tells no one which accounts exist.
            messages.success(
                request,
                f"If an athlete account matches “{who}”, they have an invitation from you "
                "and join your roster when they accept it.",
            )
            return redirect("roster")
    elif action == "create" and create_form.is_valid():
        try:
            athlete, password = athlete_account_create(
                coach=request.user, **create_form.cleaned_data
            )
        except ValidationError as error:
            create_form.add_error(None, _errors(error))
        else:
            messages.success(
                request,
                f"Account {athlete.username} created with password {password} "
                "(shown once: pass it on).",
            )
            return redirect("roster")
    elif action == "cancel":
        invitation_cancel(coach=request.user, invitation_id=_int(request.POST.get("invitation")))
        messages.info(request, "Invitation withdrawn.")
        return redirect("roster")
    context = {
        "invite_form": invite_form,
        "create_form": create_form,
        "roster": page_of(request, roster_list(request.user)),
        "invitations": invitations_sent(request.user),
    }
    return render(request, "athletes/roster.html", context)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@login_required
@require_POST
def roster_remove(request: HttpRequest, athlete_id: int) -> HttpResponse:
    athlete = get_object_or_404(User, pk=athlete_id)
    roster_remove_athlete(coach=request.user, athlete=athlete)
    messages.info(request, f"{athlete.username} left your roster; their sessions stay.")
    return redirect("roster")


@login_required
@require_POST
def invitation_answer(request: HttpRequest, invitation_id: int) -> HttpResponse:
    accept = request.POST.get("answer") == "accept"
    try:
        invitation = invitation_respond(
            athlete=request.user, invitation_id=invitation_id, accept=accept
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        coach = invitation.coach.username
        if accept:
            messages.success(request, f"{coach} is now one of your coaches.")
        else:
            messages.info(request, f"You declined {coach}'s invitation.")
    return redirect("athlete_dashboard")


@login_required
@require_POST
def coach_leave(request: HttpRequest, coach_id: int) -> HttpResponse:
    """An athlete ends a coach's access to their sessions."""
    coach = get_object_or_404(User, pk=coach_id)
    roster_remove_athlete(coach=coach, athlete=request.user)
    messages.info(request, f"{coach.username} no longer coaches you.")
    return redirect("athlete_dashboard")


@login_required
def coaches(request: HttpRequest) -> HttpResponse:
    if not user_is_admin(request.user):
        raise Http404
    action = request.POST.get("action") if request.method == "POST" else None
    form = CoachCreateForm(request.POST if action == "create" else None, prefix="create")
    assign_form = RosterAssignForm(request.POST if action == "assign" else None, prefix="assign")
    if action == "create" and form.is_valid():
        try:
            coach, password = coach_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(
                request, f"Coach {coach.username} created with password {password} (shown once)."
            )
            return redirect("coaches")
    elif action == "assign" and assign_form.is_valid():
        data = assign_form.cleaned_data
        roster_assign(by=request.user, coach=data["coach"], athlete=data["athlete"])
        messages.success(request, f"{data['athlete']} is on {data['coach']}'s roster.")
        return redirect("coaches")
    coach_list = (
        User.objects.filter(profile__role="coach")
        .annotate(athlete_count=Count("athlete_links"))
        .order_by("username")
    )
    context = {"form": form, "assign_form": assign_form, "coaches": page_of(request, coach_list)}
    return render(request, "athletes/coaches.html", context)


@login_required
def session_upload(request: HttpRequest) -> HttpResponse:
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
                session = session_create(
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
    return render(request, "athletes/upload.html", {"form": form, **limits})


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
