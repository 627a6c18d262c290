"""Pages of the learning loop: the coaches' review queue, the admins' training set, training
runs and detector versions. Thin: check who asks, call a selector or service, render.

Like the other management pages, a page someone may not use is a 404, not a 403: it might
as well not exist for them.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from analysis import pages
from analysis.models import DetectorVersion, Rep
from analysis.selectors import training_set_summary
from analysis.services import (
    TrainingBusy,
    detector_activate,
    rep_exclude,
    rep_include,
    training_start,
)
from analysis.services.training_runs import CONFIGS, MAX_EPOCHS
from athletes.selectors import user_is_admin, user_role
from coach_platform.pagination import page_of

REPS_PER_PAGE = 40
DEFAULT_EPOCHS = 20


def _admin_only(request: HttpRequest) -> None:
    if not user_is_admin(request.user):
        raise Http404


def _back(request: HttpRequest, fallback: str) -> str:
    """Where a form posted from a filtered, paginated list returns to."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return fallback


@login_required
def review_queue_page(request: HttpRequest) -> HttpResponse:
    """One rep at a time, most informative first, labelled with the keyboard."""
    if user_role(request.user) not in ("coach", "admin"):
        raise Http404
    items = pages.queue_items(request.user)
    context = {
        "items": items,
        "waiting": pages.queue_count(request.user),
        "faults": pages.fault_choices(),
    }
    return render(request, "analysis/queue.html", context)


@login_required
def training_page(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    filters = {key: request.GET.get(key, "") for key in ("source", "label", "excluded")}
    paginator = Paginator(pages.training_rep_list(**filters), REPS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in filters.items() if v})
    run = pages.training_run_latest()
    context = {
        "summary": training_set_summary(),
        "filters": filters,
        "query": query,
        "sources": pages.training_sources(),
        "page": page,
        "run": run,
        "run_data": pages.training_run_payload(run) if run else None,
        "configs": CONFIGS,
        "default_epochs": DEFAULT_EPOCHS,
        "max_epochs": MAX_EPOCHS,
    }
    return render(request, "analysis/training.html", context)


@login_required
@require_POST
def training_rep_exclusion(request: HttpRequest, rep_id: int) -> HttpResponse:
    """Exclude (reason required) or include a rep; `action` says which."""
    _admin_only(request)
    rep = get_object_or_404(Rep, pk=rep_id)
    back = _back(request, reverse("training"))
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
    _admin_only(request)
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


@login_required
def detectors_page(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    versions = page_of(request, pages.detector_list())
    return render(request, "analysis/detectors.html", {"versions": versions})


@login_required
def detector_page(request: HttpRequest, version_id: int) -> HttpResponse:
    _admin_only(request)
    version = get_object_or_404(DetectorVersion.objects.select_related("run"), pk=version_id)
    context = {"version": version, **pages.detector_page(version)}
    return render(request, "analysis/detector.html", context)


@login_required
@require_POST
def detector_activate_view(request: HttpRequest, version_id: int) -> HttpResponse:
    """Activate a version (rolling back is activating an older one)."""
    _admin_only(request)
    version = get_object_or_404(DetectorVersion, pk=version_id)
    detector_activate(version=version, author=request.user)
    messages.success(
        request, f"{version.name} is now the active detector; stored reps are being re-scored."
    )
    return redirect(_back(request, reverse("detector", args=[version.pk])))
