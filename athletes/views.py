"""Pages about people: rosters, invitations, coaches. Thin: parse, call a selector or
service, render. (The dashboards, which list sessions with their analyses, live in
`analysis.views.sessions`.)
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from athletes.forms import AthleteCreateForm, CoachCreateForm, RosterAssignForm, RosterInviteForm
from athletes.selectors import (
    coaches_of,
    invitations_sent,
    roster_list,
    user_can_review,
    user_is_admin,
    user_role,
)
from athletes.services import (
    athlete_account_create,
    coach_create,
    invitation_cancel,
    invitation_respond,
    roster_assign,
    roster_invite,
    roster_remove_athlete,
)
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
def roster(request: HttpRequest) -> HttpResponse:
    if not user_can_review(request.user):
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
                "and join your roster when they accept it; an e-mail address no account uses "
                "is sent a link to make one on your roster.",
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
    # Only among the coach's own athletes: an id must not reveal whose account it is.
    athlete = get_object_or_404(roster_list(request.user), pk=athlete_id)
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
    coach = get_object_or_404(coaches_of(request.user), pk=coach_id)
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
