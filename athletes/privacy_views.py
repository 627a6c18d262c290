"""The "Privacy & data" page: an athlete's consent to training, the download of all their
data (served by `analysis.views.data`), and deleting their account. Thin: check who asks,
call `athletes.privacy`, render.

Everything here is about the person asking: no id in any URL, so nobody can act for
someone else. Coaches and admins get the page's explanation but none of its actions.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from athletes.models import Profile, Role
from athletes.privacy import account_erase, consent_set
from athletes.selectors import user_role
from coach_platform.redirects import back_url


def _athlete_only(request: HttpRequest) -> None:
    if user_role(request.user) != Role.ATHLETE:
        raise Http404


def _page(request: HttpRequest, *, delete_error: str = "", status: int = 200) -> HttpResponse:
    is_athlete = user_role(request.user) == Role.ATHLETE
    profile = Profile.objects.filter(user_id=request.user.pk).first() if is_athlete else None
    context = {
        "is_athlete": is_athlete,
        "consent": profile.training_consent if profile else None,
        "consent_changed_at": profile.consent_changed_at if profile else None,
        "delete_error": delete_error,
    }
    return render(request, "athletes/privacy.html", context, status=status)


@login_required
def privacy_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def consent_update(request: HttpRequest) -> HttpResponse:
    """`consent` = yes | no; back to `next` (the dashboard's card) or the privacy page."""
    _athlete_only(request)
    answer = request.POST.get("consent")
    if answer not in ("yes", "no"):
        messages.error(request, "Answer yes or no.")
        return redirect("privacy")
    consent_set(request.user, answer == "yes", by=request.user)
    if answer == "yes":
        messages.success(
            request, "Thank you: your labelled reps will help train the next detector versions."
        )
    else:
        messages.success(
            request,
            "Your reps will not be used to train any new detector version. "
            "You can change this any time on Privacy & data.",
        )
    return redirect(back_url(request, reverse("privacy")))


@login_required
@require_POST
def account_delete(request: HttpRequest) -> HttpResponse:
    _athlete_only(request)
    try:
        account_erase(
            user=request.user,
            password=request.POST.get("password", ""),
            confirmed=request.POST.get("confirm") == "yes",
            request=request,
        )
    except ValidationError as error:
        return _page(request, delete_error=" ".join(error.messages), status=400)
    logout(request)
    messages.success(request, "Your account and all your data have been deleted. Goodbye.")
    return redirect("login")
