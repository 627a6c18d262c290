"""The compare page: two reps side by side (`?a=ID&b=ID`)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from analysis.selectors.compare import (
    BEST_RULE,
    REFERENCE_CHOSEN,
    compare_choices,
    compare_reference,
    compare_reps_queryset,
    compare_rows,
    compare_same_lift,
    compare_side,
)
from analysis.selectors.compare_overlay import compare_overlay_data


def _pick(request: HttpRequest, reps, name: str):
    """The rep `?name=ID` among `reps` (404 when not there), None without a number."""
    value = request.GET.get(name, "")
    return get_object_or_404(reps, pk=int(value)) if value.isdigit() else None


@login_required
def rep_compare(request: HttpRequest) -> HttpResponse:
    """Two reps side by side, A (this rep) and B (the reference): `?a=ID&b=ID`; without `b`,
    the athlete's best other rep of the same lift (selectors.compare.compare_reference)."""
    reps = compare_reps_queryset(request.user)
    a = _pick(request, reps, "a")
    if a is None:
        raise Http404
    if request.GET.get("b"):
        b, why = _pick(request, reps, "b"), REFERENCE_CHOSEN
    else:
        b, why = compare_reference(request.user, a)
    overlay_url = None
    if b is not None and a.analysis_id and b.analysis_id and compare_same_lift(a, b):
        overlay_url = f"{reverse('rep_compare_overlay')}?{urlencode({'a': a.pk, 'b': b.pk})}"
    context = {
        "a": compare_side(a),
        "b": compare_side(b) if b else None,
        "rows": compare_rows(a, b),
        "choices": compare_choices(request.user, [a] + ([b] if b else [])),
        "reference": why,
        "best_rule": BEST_RULE,
        "overlay_url": overlay_url,
        "same_lift": b is None or compare_same_lift(a, b),
        "swap_url": f"{reverse('rep_compare')}?{urlencode({'a': b.pk, 'b': a.pk})}" if b else None,
    }
    return render(request, "analysis/compare.html", context)


@login_required
def rep_compare_overlay(request: HttpRequest) -> JsonResponse:
    """Both reps' skeletons aligned by phase, for the compare page's overlay canvas
    (selectors.compare_overlay): `?a=ID&b=ID`, both reps the viewer may see and of one lift,
    with kept landmarks; anything else is a 404."""
    reps = compare_reps_queryset(request.user)
    a, b = _pick(request, reps, "a"), _pick(request, reps, "b")
    if a is None or b is None or not compare_same_lift(a, b):
        raise Http404
    data = compare_overlay_data(a, b)
    if data is None:
        raise Http404
    response = JsonResponse(data)
    response["Cache-Control"] = "private, no-cache"
    return response
