"""The account's e-mail address: change or remove it (with the password), (re)send the link
that confirms it, and the page a mailed link opens. Thin: parse, call
`athletes.email_change`, render.

Nothing here takes an account id: the forms act on the person asking, and a link acts only on
the account it was made for (refused when someone else is logged in)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from athletes.email_change import (
    EMAIL_LINK_MAX_AGE,
    email_link_check,
    user_email_change_confirm,
    user_email_change_request,
    user_email_confirmation_send,
)
from athletes.forms import JoinForm
from athletes.joining import join_account_create, join_link_open
from athletes.selectors import email_status
from coach_platform.redirects import back_url


def _back(request: HttpRequest) -> HttpResponse:
    """To `next` (the page the form was on, e.g. notification settings) or the e-mail page."""
    return redirect(back_url(request, reverse("account_email")))


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for sentence in error.messages:
        messages.error(request, sentence)


@login_required
@require_GET
def account_email(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "athletes/account_email.html",
        {"email_status": email_status(request.user), "email_next": request.path},
    )


@login_required
@require_POST
def account_email_change(request: HttpRequest) -> HttpResponse:
    try:
        email = user_email_change_request(
            user=request.user,
            password=request.POST.get("password", ""),
            email=request.POST.get("email", ""),
            request=request,
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        if not email:
            messages.success(request, "Your e-mail address is removed: nothing is mailed to you.")
        else:
            messages.success(
                request,
                f"We sent a link to {email}. Open it within {EMAIL_LINK_MAX_AGE.days} days "
                "to confirm the address; until then nothing changes.",
            )
    return _back(request)


@login_required
@require_POST
def account_email_confirmation_send(request: HttpRequest) -> HttpResponse:
    try:
        email = user_email_confirmation_send(user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, f"We sent a link to {email}: open it to confirm the address.")
    return _back(request)


@never_cache
@require_http_methods(["GET", "POST"])
def account_email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A GET shows what the link would do, with a button; only the POST does it (mail
    scanners open links, and a GET should change nothing). Logged in or not."""
    context: dict[str, object] = {"token": token}
    try:
        if request.method == "POST":
            context["link"] = user_email_change_confirm(token=token, by=request.user)
            context["done"] = True
        else:
            context["link"] = email_link_check(token=token, by=request.user)
    except PermissionDenied as error:
        context["problem"] = str(error)
        return render(request, "athletes/email_confirm.html", context, status=403)
    except ValidationError as error:
        context["problem"] = " ".join(error.messages)
        return render(request, "athletes/email_confirm.html", context, status=400)
    return render(request, "athletes/email_confirm.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """A coach's invitation link: make an athlete account on their roster, then in."""
    if request.user.is_authenticated:
        context = {"problem": "You are logged in: this link is for someone without an account."}
        return render(request, "athletes/join.html", context, status=403)
    try:
        link = join_link_open(token)
    except ValidationError as error:
        return render(request, "athletes/join.html", {"problem": error.messages[0]}, status=400)
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = join_account_create(
                token=token, username=data["username"], password=data["password"]
            )
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                f"Welcome, {user.username}: {link.coach.username} is your coach. Upload a set "
                "to get each rep judged.",
            )
            return redirect("athlete_dashboard")
    context = {"form": form, "link": link, "token": token}
    return render(request, "athletes/join.html", context, status=400 if form.errors else 200)
