"""Pages about reps: a rep's files (its SkeleMotion image and arrays), the coaches' review
queue, one rep at a time (labels are set through the API, `api/reps.py`), and the review
page's forms that correct the rep count ("not a rep", restore, move)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from rest_framework import serializers

from analysis.models import Rep
from analysis.selectors.media import watch_url
from analysis.selectors.reps import (
    fault_choices,
    queue_count,
    queue_reps,
    rep_headline,
    rep_visible_queryset,
)
from analysis.services.rep_counts import rep_move, rep_not_a_rep, rep_restore
from analysis.views.api.reps import LABEL_STATE_FIELDS, RepLabelStateSerializer
from analysis.views.common import media_file_response
from athletes.selectors import user_can_review
from coach_platform.media import media_login_required


@media_login_required
def rep_image(request: HttpRequest, rep_id: int) -> HttpResponse:
    rep = get_object_or_404(rep_visible_queryset(request.user), pk=rep_id)
    return media_file_response(request, rep.image)


@media_login_required
def rep_array(request: HttpRequest, rep_id: int, kind: str) -> HttpResponse:
    """The SkeleMotion float arrays (.npy) behind a rep's image, for download."""
    rep = get_object_or_404(rep_visible_queryset(request.user), pk=rep_id)
    relative = {
        "orientation": rep.orientation,
        "magnitude": rep.magnitude,
        "landmarks": rep.landmarks,
    }.get(kind)
    if not relative:  # unknown kind, or an imported rep (no arrays kept)
        raise Http404
    name = f"session{rep.analysis.session_id}-rep{rep.index}-{kind}.npy"
    return media_file_response(request, relative, download_name=name)


class QueueItemSerializer(RepLabelStateSerializer):
    """A rep of the review queue as the queue page's script reads it; the label fields are
    the API's own (`RepLabelStateSerializer`), so an answer of the label API fits in."""

    athlete = serializers.CharField(source="analysis.session.athlete.username")
    session_id = serializers.IntegerField(source="analysis.session_id")
    session_url = serializers.SerializerMethodField()
    date = serializers.DateField(source="analysis.session.performed_at")
    image_url = serializers.SerializerMethodField()
    video_url = serializers.SerializerMethodField()
    overlay_url = serializers.SerializerMethodField()
    detector = serializers.CharField(source="detector_version.name", default=None)
    headline = serializers.SerializerMethodField()
    faults_offered = serializers.SerializerMethodField()

    class Meta:
        model = Rep
        fields = [
            "id", "athlete", "session_id", "session_url", "date", "index", "image_url",
            "video_url", "overlay_url", "start_s", "end_s", "verdict", "score", "threshold",
            "detector", "joints", "headline", "faults_offered", "detected_faults",
            "not_judged_reason", "detector_abstained", *LABEL_STATE_FIELDS,
        ]  # fmt: skip
        read_only_fields = fields

    def get_session_url(self, rep: Rep) -> str:
        return reverse("session_review", args=[rep.analysis.session_id])

    def get_image_url(self, rep: Rep) -> str:
        return reverse("rep_image", args=[rep.pk])

    def get_overlay_url(self, rep: Rep) -> str:
        return reverse("session_overlay", args=[rep.analysis.session_id])

    def get_video_url(self, rep: Rep) -> str:
        videos = self.context.setdefault("videos", {})  # one file lookup per set, not per rep
        if rep.analysis_id not in videos:
            videos[rep.analysis_id] = watch_url(rep.analysis)
        return videos[rep.analysis_id]

    def get_headline(self, rep: Rep) -> list[str]:
        return rep_headline(rep.kinematics)

    def get_faults_offered(self, rep: Rep) -> list[str]:
        """The fault tags of the rep's lift (the chips the page shows for it)."""
        return [f["value"] for f in fault_choices(rep.lift)]


@login_required
def review_queue_page(request: HttpRequest) -> HttpResponse:
    """One rep at a time, most informative first, labelled with the keyboard."""
    if not user_can_review(request.user):
        raise Http404
    context = {
        "items": QueueItemSerializer(queue_reps(request.user), many=True).data,
        "waiting": queue_count(request.user),
        "faults": fault_choices(),
    }
    return render(request, "analysis/queue.html", context)


# --- corrections of the rep count (the review page's forms; the API has the same) ---------
def _correct(request: HttpRequest, rep_id: int, change, done: str) -> HttpResponse:
    """Apply `change(rep)` and return to the rep's card on the review page with a sentence;
    a rep this person may not see, or not correct, is a 404 (the page has no form for it)."""
    rep = get_object_or_404(
        rep_visible_queryset(request.user).filter(analysis__isnull=False), pk=rep_id
    )
    session_id = rep.analysis.session_id
    try:
        rep = change(rep)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done.format(index=rep.index))
    return redirect(reverse("session_review", args=[session_id]) + f"#rep-card-{rep.pk}")


@login_required
@require_POST
def rep_not_a_rep_view(request: HttpRequest, rep_id: int) -> HttpResponse:
    note = request.POST.get("note", "")
    return _correct(
        request,
        rep_id,
        lambda rep: rep_not_a_rep(rep=rep, author=request.user, note=note),
        "Marked as not a rep; the set is renumbered.",
    )


@login_required
@require_POST
def rep_restore_view(request: HttpRequest, rep_id: int) -> HttpResponse:
    return _correct(
        request,
        rep_id,
        lambda rep: rep_restore(rep=rep, author=request.user),
        "Counted again as rep {index}.",
    )


@login_required
@require_POST
def rep_span_view(request: HttpRequest, rep_id: int) -> HttpResponse:
    post = request.POST
    return _correct(
        request,
        rep_id,
        lambda rep: rep_move(
            rep=rep,
            author=request.user,
            start_frame=post.get("start_frame"),
            lockout_frame=post.get("lockout_frame"),
            end_frame=post.get("end_frame"),
        ),
        "Rep {index} moved: its image, measurements and verdict are rebuilt.",
    )
