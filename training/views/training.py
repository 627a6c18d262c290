"""The admins' training pages: the training set (filtered, with exclusions) and training
runs. A page someone may not use is a 404 (`admin_only`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from analysis.models import Rep
from analysis.views.common import admin_only
from coach_platform.pagination import page_of
from coach_platform.redirects import back_url
from training.api.training import training_run_data
from training.selectors.training import (
    training_rep_list,
    training_run_latest,
    training_set_summary,
    training_sources,
)
from training.services.exclusions import rep_exclude, rep_include
from training.services.runs import CONFIGS, MAX_EPOCHS, TrainingBusy, training_start

REPS_PER_PAGE = 40
DEFAULT_EPOCHS = 20


@login_required
def training_page(request: HttpRequest) -> HttpResponse:
    admin_only(request)
    filters = {key: request.GET.get(key, "") for key in ("source", "label", "excluded")}
    page = page_of(request, training_rep_list(**filters), per_page=REPS_PER_PAGE)
    run = training_run_latest()
    context = {
        "summary": training_set_summary(),
        "filters": filters,
        "sources": training_sources(),
        "page": page,
        "run": run,
        # The API's run JSON: the page's script starts from it, then polls `api_url`.
        "run_data": training_run_data(run, request) if run else None,
        "configs": CONFIGS,
        "default_epochs": DEFAULT_EPOCHS,
        "max_epochs": MAX_EPOCHS,
    }
    return render(request, "analysis/training.html", context)


@login_required
@require_POST
def training_rep_exclusion(request: HttpRequest, rep_id: int) -> HttpResponse:
    """Exclude (reason required) or include a rep; `action` says which."""
    admin_only(request)
    rep = get_object_or_404(Rep, pk=rep_id)
    back = back_url(request, reverse("training"))
    try:
        if request.POST.get("action") == "include":
            rep_include(rep=rep, author=request.user)
            messages.success(request, f"Rep #{rep.pk} is back in the training set.")
        else:
            rep_exclude(rep=rep, author=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, f"Rep #{rep.pk} is excluded from training.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(back)


@login_required
@require_POST
def training_start_view(request: HttpRequest) -> HttpResponse:
    admin_only(request)
    try:
        epochs = int(request.POST.get("epochs") or DEFAULT_EPOCHS)
    except ValueError:
        messages.error(request, "Epochs must be a whole number.")
        return redirect("training")
    try:
        run = training_start(
            author=request.user,
            epochs=epochs,
            config=request.POST.get("config", "native"),
            auto_activate=request.POST.get("auto_activate") == "on",
        )
    except TrainingBusy as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Training run #{run.pk} is queued.")
    return redirect(reverse("training") + "#run")
