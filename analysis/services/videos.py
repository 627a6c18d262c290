"""Writes about the videos people watch: the playable copy of an upload browsers cannot
play, and the annotated MP4 made on request (the export), redrawn when what it shows
changes. Both are background tasks after the results are stored: nothing waits for them.

The copy lives in the session's folder (it survives re-analyses: it depends on the upload
only); the export in the analysis' output folder (it shows that analysis' reps).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction

from analysis.models import Analysis, AnalysisStatus, Export, Playback
from coach_platform.storage import (
    media_file,
    media_key,
    media_path,
    media_publish,
    media_remove,
    media_stat,
)

logger = logging.getLogger(__name__)
PLAYABLE_NAME = "playable.mp4"


def playback_decide(analysis: Analysis, video_info) -> None:
    """After an analysis is stored (inside its transaction): play the upload as it is when
    browsers can (video_info: the pipeline's VideoInfo), else make a copy in the
    background unless one exists. Saves the field."""
    from core.video.playable import plays_in_browsers

    if plays_in_browsers(video_info):
        analysis.playback = Playback.ORIGINAL
    elif analysis.playback == Playback.COPY and media_stat(analysis.playable_video):
        return
    else:
        analysis.playback = Playback.PREPARING
        transaction.on_commit(lambda: _enqueue(analysis_playable_make, analysis.pk, "playable"))
    analysis.save(update_fields=["playback"])


def analysis_playable_make(analysis_id: int) -> str:
    """The task: transcode the upload to an H.264 copy browsers play; returns the new
    playback state. A copy that cannot be made says so on the page (the original stays
    downloadable)."""
    from core.video.playable import make_playable

    analysis = Analysis.objects.select_related("session").filter(pk=analysis_id).first()
    if analysis is None or analysis.playback != Playback.PREPARING:
        return analysis.playback if analysis else "missing"
    try:
        upload = media_file(analysis.session.video.name)
        dest = upload.parent / PLAYABLE_NAME
        make_playable(upload, dest)
        media_publish(dest)
    except Exception:
        logger.exception("analysis %s: no playable copy could be made", analysis_id)
        state, relative = Playback.FAILED, ""
    else:
        state, relative = Playback.COPY, media_key(dest)
    stored = Analysis.objects.filter(pk=analysis_id).update(playback=state, playable_video=relative)
    if not stored and relative:  # the set was deleted meanwhile: its copy goes too
        media_remove(relative)
    return state


def analysis_export_request(analysis: Analysis) -> Analysis:
    """The "Download annotated video" button: make it in the background, once (a made one
    is kept and redrawn when the verdicts or the count change; a failed one may be asked
    for again)."""
    if analysis.status != AnalysisStatus.DONE:
        raise ValidationError({"export": "The analysis has not finished yet."})
    asked = (
        Analysis.objects.filter(pk=analysis.pk, status=AnalysisStatus.DONE)
        .filter(export__in=[Export.NONE, Export.FAILED])
        .update(export=Export.MAKING)
    )
    if asked:
        transaction.on_commit(lambda: _enqueue(analysis_export_make, analysis.pk, "export"))
    analysis.refresh_from_db()
    return analysis


def analysis_export_make(analysis_id: int) -> str:
    """The task: draw the annotated video of the counted reps as they stand now."""
    analysis = Analysis.objects.filter(pk=analysis_id, export=Export.MAKING).first()
    if analysis is None:
        return "nothing asked"
    drawn = _draw(analysis, force=True)
    update = {"export": Export.READY if drawn else Export.FAILED}
    if drawn:
        update["result_video"] = drawn
    # Only if the analysis still writes to the folder it was drawn in (no re-run since).
    Analysis.objects.filter(pk=analysis_id, output_dir=analysis.output_dir).update(**update)
    if drawn and not Analysis.objects.filter(pk=analysis_id).exists():
        media_remove(analysis.output_dir)  # the set was deleted meanwhile: what it drew goes
    return update["export"]


def analysis_video_redraw(analysis_id: int) -> bool:
    """Redraw an export when what it shows changed since it was drawn: the verdicts (a
    newer detector re-scored the reps) or the reps themselves (a coach's count
    correction). Analyses without an export have nothing to redraw. Returns False when
    the video already shows this; a redraw that fails leaves the previous video in place."""
    analysis = (
        Analysis.objects.filter(pk=analysis_id, status=AnalysisStatus.DONE)
        .exclude(result_video="")
        .first()
    )
    return bool(analysis and _draw(analysis, force=False))


def analysis_video_redraw_enqueue(analysis_ids: set[int]) -> None:
    """One background redraw per export whose reps or verdicts changed."""
    exported = Analysis.objects.filter(pk__in=analysis_ids).exclude(result_video="")
    for analysis_id in sorted(exported.values_list("pk", flat=True)):
        _enqueue(analysis_video_redraw, analysis_id, "redraw")


def _draw(analysis: Analysis, *, force: bool) -> str:
    """Draw the export with the counted reps (numbered, starting and judged as the rows
    say, labels included); its key, or "" when there was nothing to do (unless `force`) or
    it failed."""
    from core.images.overlay import RepMark
    from core.pipeline.run import OVERLAY_LANDMARKS, RESULT_VIDEO, VIDEO_MARKS, export_video

    landmarks = media_path(f"{analysis.output_dir}/{OVERLAY_LANDMARKS}")
    if not analysis.output_dir or landmarks is None:
        logger.info("analysis %s kept no landmarks: nothing to draw", analysis.pk)
        return ""
    out_dir = landmarks.parent
    for name in ("report.json", VIDEO_MARKS, RESULT_VIDEO):  # what export_video reads
        media_path(f"{analysis.output_dir}/{name}")
    marks = [
        RepMark(r.index, r.start_frame, r.outcome.value, tuple(r.outcome_faults))
        for r in analysis.reps.counted().order_by("start_frame", "index")
    ]
    try:
        drawn = export_video(media_file(analysis.session.video.name), out_dir, marks)
        if drawn:
            media_publish(out_dir / RESULT_VIDEO)
            media_publish(out_dir / VIDEO_MARKS)
    except Exception:
        logger.exception("analysis %s: the annotated video could not be drawn", analysis.pk)
        return ""
    if not (drawn or force):
        return ""
    return f"{analysis.output_dir}/{RESULT_VIDEO}"


def _enqueue(task: Callable[[int], object], analysis_id: int, kind: str) -> None:
    from django_q.tasks import async_task

    async_task(task, analysis_id, task_name=f"{kind}-{analysis_id}")
