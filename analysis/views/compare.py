"""The compare page: two reps side by side (`?a=ID&b=ID`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from analysis.selectors.compare import (
    compare_choices,
    compare_partner,
    compare_reps_queryset,
    compare_rows,
    compare_side,
)


@login_required
def rep_compare(request: HttpRequest) -> HttpResponse:
    """Two reps side by side: `?a=ID&b=ID`; without `b`, the best other rep of A's set."""
    reps = compare_reps_queryset(request.user)

    def pick(name: str):
        value = request.GET.get(name, "")
        return get_object_or_404(reps, pk=int(value)) if value.isdigit() else None

    a = pick("a")
    if a is None:
        raise Http404
    b = pick("b") if request.GET.get("b") else compare_partner(a)
    context = {
        "a": compare_side(a),
        "b": compare_side(b) if b else None,
        "rows": compare_rows(a, b),
        "choices": compare_choices(request.user, [a] + ([b] if b else [])),
    }
    return render(request, "analysis/compare.html", context)
