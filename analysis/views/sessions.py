"""Pages about sessions as they are judged: the dashboards (sessions with their analysis'
status and flags, progress), the review page, the job's status and retry,
comments, "reviewed", and the session's files (original, annotated video, report, CSV)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from analysis.forms import SessionFilterForm, SetFixForm
from analysis.models import AnalysisStatus, Export, Outcome, Playback
from analysis.selectors.export import analysis_reps_csv
from analysis.selectors.lifts import lift_told
from analysis.selectors.media import (
    analysis_chart_data,
    analysis_overlay_data,
    playback_url,
    result_video_url,
)
from analysis.selectors.reps import (
    fault_choices,
    rep_labelable_queryset,
    rep_visible_queryset,
)
from analysis.selectors.sessions import (
    PROGRESS_PAGE_SIZE,
    progress_lifts,
    progress_points,
    progress_sessions,
)
from analysis.selectors.summary import set_summary
from analysis.selectors.trends import fault_trends, team_overview
from analysis.services.analyses import analysis_analyse_as, analysis_can_retry, analysis_retry
from analysis.services.rep_counts import candidate_count, rep_count_authorize
from analysis.services.set_edits import session_edit
from analysis.services.videos import analysis_export_request
from analysis.views.api.sessions import SessionSerializer
from analysis.views.common import analysis_or_404, media_file_response, session_or_404
from athletes.models import Role
from athletes.privacy import consent_needed
from athletes.selectors import (
    athlete_visible_queryset,
    coaches_of,
    invitations_pending,
    roster_list,
    user_can_review,
    user_role,
)
from coach_platform.media import download_response, media_login_required
from coach_platform.pagination import page_of
from core import lifts
from reviews.api import CommentSerializer
from reviews.forms import CommentForm
from reviews.selectors import comment_audio_key, comment_list, session_list
from reviews.services.comments import comment_create, session_mark_seen
from sets.models import LOAD_MAX_KG, Exercise
from sets.selectors import session_can_delete, session_can_edit
from sets.services import MESSAGE_DELETE_FORBIDDEN, session_delete, session_mark_reviewed


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- dashboards ----------------------------------------------------------------------------
TEAM_PAGE_SIZE = 20  # athletes per page of the coach's team table


@login_required
def coach_dashboard(request: HttpRequest) -> HttpResponse:
    if user_role(request.user) == Role.ATHLETE:
        return redirect("athlete_dashboard")
    filters = SessionFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    criteria = {
        "athlete_id": cleaned.get("athlete"),
        "date_from": cleaned.get("date_from"),
        "date_to": cleaned.get("date_to"),
        "status": cleaned.get("status") or None,
    }
    team = page_of(request, roster_list(request.user), per_page=TEAM_PAGE_SIZE, param="tpage")
    context = {
        "roster": roster_list(request.user),
        "team": team,
        "team_rows": team_overview(request.user, list(team.object_list)),
        "queue": page_of(
            request, session_list(request.user, awaiting_review=True, **criteria), param="qpage"
        ),
        "sessions": page_of(request, session_list(request.user, **criteria)),
        "filters": filters,
        "selected_athlete": criteria["athlete_id"],
    }
    return render(request, "analysis/coach_dashboard.html", context)


def _athlete_page(request: HttpRequest, athlete) -> HttpResponse:
    # Progress is per lift: the one asked for, else the lift of the latest set.
    shown = progress_lifts(athlete, request.user)
    lift = request.GET.get("lift") if request.GET.get("lift") in shown else None
    lift = lift or (shown[0] if shown else None)
    progress_page = page_of(  # page 1: the latest sessions; "Next" goes back in time
        request,
        progress_sessions(athlete, request.user, lift),
        per_page=PROGRESS_PAGE_SIZE,
        param="progress",
    )
    context = {
        "athlete": athlete,
        "sessions": page_of(request, session_list(request.user, athlete_id=athlete.pk)),
        "progress": progress_points(progress_page),
        "progress_page": progress_page,
        "progress_lift": lifts.get(lift) if lift else None,
        "progress_lifts": [lifts.get(name) for name in shown],
        "trends": fault_trends(athlete, request.user, lift),
        "is_self": athlete.pk == request.user.pk,
    }
    if context["is_self"]:
        context["invitations"] = invitations_pending(athlete)
        context["coaches"] = coaches_of(athlete)
        context["ask_consent"] = consent_needed(athlete)
    return render(request, "analysis/athlete_dashboard.html", context)


@login_required
def athlete_dashboard(request: HttpRequest) -> HttpResponse:
    return _athlete_page(request, request.user)


@login_required
def athlete_detail(request: HttpRequest, athlete_id: int) -> HttpResponse:
    athlete = get_object_or_404(athlete_visible_queryset(request.user), pk=athlete_id)
    return _athlete_page(request, athlete)


# --- the review page, the job's status -----------------------------------------------------
def _status(request: HttpRequest, session) -> dict:
    """The session and its job's state: the API's session JSON, one payload for both."""
    return SessionSerializer(session, context={"request": request}).data


def _may_correct(analysis, user) -> bool:
    try:
        rep_count_authorize(analysis=analysis, author=user)
    except PermissionDenied:
        return False
    return True


# How the counter's rise reads for each signal it is read on (reps.segment.RiseRule.signal):
# (what it did, the two numbers' sentence, the turn's arms, what follows the turn).
_RISES = {
    "shoulder": ("rose", "{:.2f} → {:.2f} of standing shoulder height", "arms at the top",
                 "lowering"),
    "sank": ("went down", "shoulders {:.2f} → {:.2f} of their standing height lower",
             "arms at the bottom", "standing back up"),
    "bar_lowered": ("lowered", "bar {:.2f} → {:.2f} of the way from lockout to the shoulders",
                    "arms at the chest", "pressing back up"),
}  # fmt: skip


def _evidence_items(evidence: dict) -> list[tuple[str, str]]:
    """The counter's evidence for a rep, as a coach reads it (reps.segment's keys)."""
    e = evidence or {}
    items = []
    signal = e.get("signal", "shoulder")  # counted before the key: a pull's
    did, numbers, arms, after = _RISES.get(signal, _RISES["shoulder"])
    if e.get("rise_from") is not None and e.get("rise_to") is not None:
        rose = numbers.format(e["rise_from"], e["rise_to"])
        if e.get("pull_s") is not None:
            rose += f" in {e['pull_s']:.2f} s"
        items.append((did, rose))
    if e.get("hands_below_shoulders") is not None and signal != "bar_lowered":
        items.append(("hands", f"{e['hands_below_shoulders']:.2f} body heights below shoulders"))
    if e.get("elbow_at_top_deg") is not None:
        items.append((arms, f"{e['elbow_at_top_deg']:.0f}°"))
    if e.get("lowering"):
        items.append((after, str(e["lowering"])))
    if e.get("pose_found_share") is not None:
        items.append(("pose found", f"{e['pose_found_share']:.0%}"))
    if e.get("doubts"):
        items.append(("doubts", "; ".join(map(str, e["doubts"]))))
    if isinstance(e.get("candidate"), dict) and e["candidate"].get("reason"):
        items.append(("the counter had said", str(e["candidate"]["reason"])))
    return items


@login_required
def session_review(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_or_404(request, session_id)
    analysis = analysis_or_404(session)
    # Counted reps 1..n, then those a coach marked "not a rep" (greyed, with who and when).
    reps = list(
        analysis.reps.select_related("detector_version", "labelled_by")
        .prefetch_related("corrections__author")
        .order_by("index")
    )
    counted = [r for r in reps if r.counted]
    can_correct = _may_correct(analysis, request.user)
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
        rep.can_label = rep.pk in labelable and rep.counted
        rep.history = list(rep.corrections.all())
        rep.uncounted = next((c for c in rep.history if c.kind == "not_a_rep"), None)
        rep.evidence_items = _evidence_items(rep.evidence)
    context = {
        "session": session,
        "analysis": analysis,
        "reps": reps,
        "counted_reps": counted,
        "can_correct": can_correct,
        "candidates": list(enumerate(analysis.candidates or [])),
        # Newest page first: a comment just posted lands on the page the redirect opens.
        "comments": page_of(request, comments, per_page=50, param="cpage", last=True),
        "unread_count": sum(c.unread for c in comments),
        "chart": analysis_chart_data(analysis, counted),
        "lift_judged": lifts.of_exercise(analysis.exercise_detected),  # its chart and facts
        "result_video_url": result_video_url(analysis),
        "playback_url": playback_url(analysis),
        "playback": analysis.playback,
        "fps": analysis.video_info.get("fps") or 30,
        "can_retry": analysis_can_retry(analysis),
        "can_mark_reviewed": user_can_review(request.user),
        # Coaches and admins: the drawing tools and the "Details" switch (the numbers).
        "is_coach": user_can_review(request.user),
        "summary": set_summary(counted),
        "any_judged": any(r.model_outcome != Outcome.NOT_JUDGED for r in counted),
        "not_judged_count": sum(bool(r.not_judged_reason) for r in counted),
        "can_label": bool(labelable),
        "faults": fault_choices(lifts.of_exercise(analysis.exercise_detected).name),
        "lift": lift_told(session, analysis),
    }
    # The shown page's comments as the API has them, for static/js/annotations.js.
    context["comments_data"] = CommentSerializer(context["comments"], many=True).data
    context.update(_fix_set_context(request, session, analysis))
    response = render(request, "analysis/review.html", context)
    session_mark_seen(session=session, user=request.user)  # after: this render shows "new"
    return response


@login_required
def session_status(request: HttpRequest, session_id: int) -> JsonResponse:
    session = session_or_404(request, session_id)
    analysis_or_404(session)
    return JsonResponse(_status(request, session))


@login_required
@require_POST
def session_retry(request: HttpRequest, session_id: int) -> HttpResponse:
    analysis = analysis_or_404(session_or_404(request, session_id))
    try:
        analysis_retry(analysis=analysis)
        messages.success(request, "The analysis is queued again.")
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect("session_review", session_id=session_id)


@login_required
@require_POST
def session_analyse_as(request: HttpRequest, session_id: int) -> HttpResponse:
    analysis = analysis_or_404(session_or_404(request, session_id))
    try:
        analysis_analyse_as(analysis=analysis, lift=request.POST.get("lift", ""))
        messages.success(request, "The set is analysed again as the lift you chose.")
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect("session_review", session_id=session_id)


def _fix_set_context(request: HttpRequest, session, analysis) -> dict:
    """What the page head's "Edit set", "Trim" and "Delete set" need (_fix_set.html)."""
    copy = analysis.playback == Playback.COPY  # its first frame at 0, as the overlay says
    return {
        "can_edit": session_can_edit(request.user, session),
        "can_delete": session_can_delete(request.user, session),
        "exercise_choices": Exercise.choices,
        "load_max": LOAD_MAX_KG,
        "today": timezone.localdate(),
        "video_start_s": 0.0 if copy else (analysis.video_info or {}).get("start_s", 0.0),
        "video_duration_s": (analysis.video_info or {}).get("duration_s"),
    }


# --- fixing a set: its details, its span; deleting it ----------------------------------------
@login_required
@require_POST
def session_edit_view(request: HttpRequest, session_id: int) -> HttpResponse:
    """The "Edit set" and "Trim" forms: the API's PATCH, as a form (one service)."""
    session = session_or_404(request, session_id)
    form = SetFixForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return redirect("session_review", session_id=session_id)
    try:
        done = session_edit(session=session, user=request.user, changes=form.changes())
    except (PermissionDenied, ValidationError) as error:
        sentence = _errors(error) if isinstance(error, ValidationError) else str(error)
        messages.error(request, sentence)
        return redirect("session_review", session_id=session_id)
    if done.lift:
        label = dict(Exercise.choices)[done.lift].lower()
        messages.success(request, f"Saved. The set is analysed again as a {label}.")
    elif done.analysed_again:
        messages.success(request, "Saved. The set is analysed again on the span you kept.")
    elif done.changed:
        names = {"load_kg": "load", "performed_at": "date"}
        messages.success(request, f"Saved the {' and '.join(names[f] for f in done.changed)}.")
    else:
        messages.info(request, "Nothing changed.")
    return redirect("session_review", session_id=session_id)


@login_required
def session_delete_view(request: HttpRequest, session_id: int) -> HttpResponse:
    """The "Delete set" button: a confirmation page (GET), then the deletion (POST with
    confirm=yes); to the dashboard with a message. Whoever sees the set but may not delete
    it is told so."""
    session = session_or_404(request, session_id)
    if not session_can_delete(request.user, session):
        messages.error(request, MESSAGE_DELETE_FORBIDDEN)
        return redirect("session_review", session_id=session_id)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        day = session.performed_at
        name = f"{(session.get_exercise_display() or 'set').lower()} of {day.day} {day:%b %Y}"
        try:
            session_delete(session=session, user=request.user)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("session_review", session_id=session_id)
        messages.success(request, f"Deleted the {name}, with its video and analysis.")
        return redirect(
            "athlete_dashboard" if user_role(request.user) == Role.ATHLETE else "coach_dashboard"
        )
    context = {
        "session": session,
        "analysis": getattr(session, "analysis", None),
        "comment_count": session.comments.count(),
    }
    return render(request, "analysis/session_delete.html", context)


@login_required
@require_POST
def session_candidate_count(request: HttpRequest, session_id: int, candidate: int) -> HttpResponse:
    """Count one of the set's uncounted rises as a rep (coaches and admins; else a 404)."""
    analysis = analysis_or_404(session_or_404(request, session_id))
    anchor = "reps"
    try:
        rep = candidate_count(
            analysis=analysis,
            candidate=candidate,
            author=request.user,
            start_frame=request.POST.get("start_frame"),
        )
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, f"Counted as rep {rep.index}; the set is renumbered.")
        anchor = f"rep-card-{rep.pk}"
    return redirect(reverse("session_review", args=[session_id]) + f"#{anchor}")


# --- comments, "reviewed" ------------------------------------------------------------------
@login_required
@require_POST
def comment_add(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_or_404(request, session_id)
    form = CommentForm(request.POST)
    anchor = "comments"
    if form.is_valid():
        data = form.cleaned_data
        rep = None
        if data["rep"]:
            rep = get_object_or_404(
                rep_visible_queryset(request.user), pk=data["rep"], analysis__session=session
            )
        try:
            comment = comment_create(
                author=request.user,
                session=session,
                body=data["body"],
                rep=rep,
                video_time_s=data["video_time_s"],
            )
            anchor = f"comment-{comment.pk}"
        except ValidationError as error:
            messages.error(request, _errors(error))
    else:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    return redirect(reverse("session_review", args=[session.pk]) + f"#{anchor}")


@login_required
@require_POST
def session_reviewed(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_or_404(request, session_id)
    try:
        session_mark_reviewed(session=session, user=request.user)
    except PermissionDenied as error:
        raise Http404 from error
    messages.success(request, "Marked as reviewed.")
    return redirect("coach_dashboard")


# --- the session's files -------------------------------------------------------------------
@media_login_required
def session_video(request: HttpRequest, session_id: int) -> HttpResponse:
    """The original upload, typed by its stored name (`original.mp4`...): a file stored
    under another suffix by an older version (`original.html`) is only ever a download."""
    session = session_or_404(request, session_id)
    return media_file_response(request, session.video.name)


@media_login_required
def comment_audio(request: HttpRequest, session_id: int, comment_id: int) -> HttpResponse:
    """A comment's voice-over, to whoever may see the set (the video's selector), typed by
    the name the server stored it under (audio/webm, audio/mp4), with HTTP Range."""
    key = comment_audio_key(session_or_404(request, session_id), comment_id)
    if key is None:
        raise Http404
    return media_file_response(request, key)


@media_login_required
def result_video(request: HttpRequest, session_id: int) -> HttpResponse:
    analysis = analysis_or_404(session_or_404(request, session_id))
    return media_file_response(request, analysis.result_video)


@login_required
@require_POST
def session_export(request: HttpRequest, session_id: int) -> HttpResponse:
    """The "Download annotated video" button: made in the background, offered once ready."""
    analysis = analysis_or_404(session_or_404(request, session_id))
    try:
        analysis = analysis_export_request(analysis)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        if analysis.export == Export.MAKING:
            messages.success(request, "Making the annotated video: it appears here when ready.")
    return redirect(reverse("session_review", args=[session_id]) + "#player-card")


@media_login_required
def session_playable(request: HttpRequest, session_id: int) -> HttpResponse:
    """The upload's browser-playable copy (made when browsers cannot play the upload)."""
    analysis = analysis_or_404(session_or_404(request, session_id))
    return media_file_response(request, analysis.playable_video)


@media_login_required
def session_overlay(request: HttpRequest, session_id: int) -> JsonResponse:
    """Per-frame landmarks, stages and the reps' outcomes: what the review page draws over
    the playing video (selectors.media.analysis_overlay_data)."""
    analysis = analysis_or_404(session_or_404(request, session_id))
    data = analysis_overlay_data(analysis) if analysis.status == AnalysisStatus.DONE else None
    if data is None:
        raise Http404
    response = JsonResponse(data)
    response["Cache-Control"] = "private, no-cache"
    return response


@media_login_required
def report_json(request: HttpRequest, session_id: int) -> HttpResponse:
    analysis = analysis_or_404(session_or_404(request, session_id))
    return media_file_response(request, analysis.report_file)


@media_login_required
def reps_csv(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_or_404(request, session_id)
    name = f"{session.athlete.username}-{session.performed_at:%Y-%m-%d}-reps.csv"
    response = download_response(analysis_reps_csv(analysis_or_404(session)), filename=name)
    response["Cache-Control"] = "private, no-cache"
    return response
