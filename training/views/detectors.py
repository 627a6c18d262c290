"""The admins' detector pages: the versions, one version's held-out report, activation
(rolling back is activating an older one). A page someone may not use is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from analysis.views.common import admin_only
from coach_platform.pagination import page_of
from coach_platform.redirects import back_url
from detectors.models import DetectorVersion
from training.selectors.detectors import detector_list, detector_page_context
from training.services.activation import activation_warning, detector_activate


@login_required
def detectors_page(request: HttpRequest) -> HttpResponse:
    admin_only(request)
    versions = page_of(request, detector_list())
    return render(request, "analysis/detectors.html", {"versions": versions})


@login_required
def detector_page(request: HttpRequest, version_id: int) -> HttpResponse:
    admin_only(request)
    version = get_object_or_404(DetectorVersion.objects.select_related("run"), pk=version_id)
    context = {
        "version": version,
        "activation_warning": activation_warning(version),
        **detector_page_context(version),
    }
    return render(request, "analysis/detector.html", context)


@login_required
@require_POST
def detector_activate_view(request: HttpRequest, version_id: int) -> HttpResponse:
    """Activate a version (rolling back is activating an older one)."""
    admin_only(request)
    version = get_object_or_404(DetectorVersion, pk=version_id)
    try:
        detector_activate(
            version=version, author=request.user, confirmed=request.POST.get("confirm") == "1"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("detector", args=[version.pk]))
    messages.success(
        request, f"{version.name} is now the active detector; stored reps are being re-scored."
    )
    return redirect(back_url(request, reverse("detector", args=[version.pk])))
