"""The review page, the job's status, and the analysis' private files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from analysis.compare import (
    compare_choices,
    compare_partner,
    compare_reps_queryset,
    compare_rows,
    compare_side,
)
from analysis.exports import analysis_reps_csv
from analysis.models import Analysis
from analysis.pages import fault_choices
from analysis.selectors import (
    analysis_chart_data,
    comment_list,
    media_path,
    rep_labelable_queryset,
    rep_visible_queryset,
    result_video_url,
)
from analysis.services import analysis_can_retry, analysis_retry, session_mark_seen
from athletes.selectors import session_visible_queryset, user_role
from coach_platform.media import download_response, media_login_required, ranged_file_response
from coach_platform.pagination import page_of


def _session(request: HttpRequest, session_id: int):
    sessions = session_visible_queryset(request.user).select_related("athlete", "analysis")
    return get_object_or_404(sessions, pk=session_id)


def _analysis(session) -> Analysis:
    try:
        return session.analysis
    except Analysis.DoesNotExist as error:
        raise Http404 from error


def analysis_status_payload(analysis: Analysis) -> dict:
    return {
        "status": analysis.status,
        "progress": round(analysis.progress, 1),
        "error": analysis.error,
        "rep_count": analysis.rep_count,
        "result_video_url": result_video_url(analysis),
        "can_retry": analysis_can_retry(analysis),
    }


@login_required
def session_review(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    analysis = _analysis(session)
    reps = list(analysis.reps.select_related("detector_version", "labelled_by"))
    labelable = set(
        rep_labelable_queryset(request.user).filter(analysis=analysis).values_list("pk", flat=True)
    )
    comments = comment_list(session, request.user)
    by_rep: dict[int, list] = {}
    for comment in comments:
        if comment.rep_id:
            by_rep.setdefault(comment.rep_id, []).append(comment)
    for rep in reps:
        rep.comment_count = len(by_rep.get(rep.pk, []))
        rep.can_label = rep.pk in labelable
    context = {
        "session": session,
        "analysis": analysis,
        "reps": reps,
        # Newest page first: a comment just posted lands on the page the redirect opens.
        "comments": page_of(request, comments, per_page=50, param="cpage", last=True),
        "unread_count": sum(c.unread for c in comments),
        "chart": analysis_chart_data(analysis, reps),
        "status": analysis_status_payload(analysis),
        "fps": analysis.video_info.get("fps") or 30,
        "can_retry": analysis_can_retry(analysis),
        "can_mark_reviewed": user_role(request.user) in ("coach", "admin"),
        "any_judged": any(r.verdict for r in reps),
        "can_label": bool(labelable),
        "faults": fault_choices(),
    }
    response = render(request, "analysis/review.html", context)
    session_mark_seen(session=session, user=request.user)  # after: this render shows "new"
    return response


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


@login_required
def session_status(request: HttpRequest, session_id: int) -> JsonResponse:
    analysis = _analysis(_session(request, session_id))
    return JsonResponse(analysis_status_payload(analysis))


@login_required
@require_POST
def session_retry(request: HttpRequest, session_id: int) -> HttpResponse:
    analysis = _analysis(_session(request, session_id))
    try:
        analysis_retry(analysis=analysis)
        messages.success(request, "The analysis is queued again.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("session_review", session_id=session_id)


def _serve(request: HttpRequest, relative: str, **kwargs) -> HttpResponse:
    path = media_path(relative)
    if path is None:
        raise Http404
    return ranged_file_response(request, path, **kwargs)


@media_login_required
def result_video(request: HttpRequest, session_id: int) -> HttpResponse:
    analysis = _analysis(_session(request, session_id))
    return _serve(request, analysis.result_video)


@media_login_required
def report_json(request: HttpRequest, session_id: int) -> HttpResponse:
    analysis = _analysis(_session(request, session_id))
    return _serve(request, analysis.report_file)


@media_login_required
def reps_csv(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    name = f"{session.athlete.username}-{session.performed_at:%Y-%m-%d}-reps.csv"
    response = download_response(analysis_reps_csv(_analysis(session)), filename=name)
    response["Cache-Control"] = "private, no-cache"
    return response


@media_login_required
def rep_image(request: HttpRequest, rep_id: int) -> HttpResponse:
    rep = get_object_or_404(rep_visible_queryset(request.user), pk=rep_id)
    return _serve(request, rep.image)


@media_login_required
def rep_array(request: HttpRequest, rep_id: int, kind: str) -> HttpResponse:
    """The SkeleMotion float arrays (.npy) behind a rep's image, for download."""
    rep = get_object_or_404(rep_visible_queryset(request.user), pk=rep_id)
    relative = {
        "orientation": rep.orientation,
        "magnitude": rep.magnitude,
        "landmarks": rep.landmarks,
    }.get(kind)
    if relative is None:
        raise Http404
    name = f"session{rep.analysis.session_id}-rep{rep.index}-{kind}.npy"
    return _serve(request, relative, download_name=name)
