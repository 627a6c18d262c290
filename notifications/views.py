"""Pages about a person's notifications: the list (open one, mark all read), their choices
per kind, and the tiny JSON the header polls for the unread count."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from athletes.selectors import email_status
from coach_platform.pagination import page_of
from notifications.models import NotificationKind
from notifications.selectors import notification_get, notification_list, notification_unread_count
from notifications.services import (
    notification_mark_all_read,
    notification_mark_read,
    notification_preferences_set,
    preferences_of,
)


@login_required
@require_GET
def notifications_page(request: HttpRequest) -> HttpResponse:
    page = page_of(request, notification_list(request.user))
    unread = notification_unread_count(request.user)
    return render(request, "analysis/notifications.html", {"page": page, "unread": unread})


@login_required
@require_GET
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Opening a notification marks it read and goes to its session. A GET (a link, so it
    opens in a new tab too): the only change is the person's own read mark."""
    notification = notification_get(request.user, notification_id)
    if notification is None:
        raise Http404("No such notification.")
    notification_mark_read(notification=notification, user=request.user)
    if notification.session_id is None:
        return redirect("notifications")
    return redirect("session_review", session_id=notification.session_id)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = notification_mark_all_read(user=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect("notifications")


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """For each kind: in the app and/or by e-mail. Unchecked boxes are not sent by browsers,
    so every kind is written from what arrived (anything else in the form is ignored, an
    address too: the address has its own form, with the password and a link to confirm it,
    in `athletes.account_views`)."""
    if request.method == "POST":
        choices = {
            kind: {
                "in_app": request.POST.get(f"{kind}-in_app") == "on",
                "email": request.POST.get(f"{kind}-email") == "on",
            }
            for kind in NotificationKind.values
        }
        try:
            notification_preferences_set(user=request.user, choices=choices)
        except ValidationError as error:
            for sentence in error.messages:
                messages.error(request, sentence)
        else:
            messages.success(request, "Your notification choices are saved.")
        return redirect("notification_settings")
    prefs = preferences_of(request.user)
    rows = [
        {"kind": kind, "label": label, **prefs[kind]} for kind, label in NotificationKind.choices
    ]
    return render(
        request,
        "analysis/notification_settings.html",
        {"rows": rows, "email_status": email_status(request.user), "email_next": request.path},
    )


@require_GET
def notifications_unread_json(request: HttpRequest) -> JsonResponse:
    """{"unread": n} for the header's badge; 401 (not a login page) when logged out."""
    if not request.user.is_authenticated:
        response = JsonResponse({"detail": "Log in to see your notifications."}, status=401)
    else:
        response = JsonResponse(
            {
                "unread": notification_unread_count(request.user),
                "url": reverse("notifications"),
            }
        )
    response["Cache-Control"] = "no-store"
    return response
