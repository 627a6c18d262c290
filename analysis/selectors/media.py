"""Reads of stored files (through coach_platform.storage): the annotated video's URL, the
analysis report, and the data the review page's charts draw from it."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.urls import reverse

from analysis.models import Analysis, Playback, Rep
from coach_platform.storage import media_path, media_stat
from core import lifts

logger = logging.getLogger(__name__)
MAX_CHART_POINTS = 600


def result_video_url(analysis: Analysis) -> str | None:
    """The annotated video's URL, versioned by the file's time: a redrawn video (new
    verdicts) must not come from the browser's cache."""
    stat = media_stat(analysis.result_video)
    if stat is None:
        return None
    return f"{reverse('result_video', args=[analysis.session_id])}?v={stat[1]}"


def playback_url(analysis: Analysis) -> str | None:
    """What the review page plays: the upload when browsers play it, else its playable copy
    once made; None while it is being made or when it could not be."""
    if analysis.playback == Playback.COPY:
        stat = media_stat(analysis.playable_video)
        if stat is None:
            return None
        return f"{reverse('session_playable', args=[analysis.session_id])}?v={stat[1]}"
    if analysis.playback in (Playback.PREPARING, Playback.FAILED):
        return None
    return reverse("session_video", args=[analysis.session_id])


def watch_url(analysis: Analysis) -> str:
    """The video a page shows for a set: playback_url, else the upload itself (its
    download link at least, while a copy is being made)."""
    return playback_url(analysis) or reverse("session_video", args=[analysis.session_id])


def analysis_report(analysis: Analysis) -> dict[str, Any]:
    path = media_path(analysis.report_file)
    if path is None:
        return {}
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        logger.warning("unreadable report %s", path)
        return {}


def _played_times(analysis: Analysis, report: dict[str, Any]) -> list[float]:
    """Each input frame's time on the played file's clock, as the overlay finds frames
    (analysis_overlay_data): its presentation time from the first frame, plus where the
    played file puts that frame (0 for the playable copy). Older reports: the nominal rate."""
    video = report.get("input") or analysis.video_info
    start = 0.0 if analysis.playback == Playback.COPY else float(video.get("start_s") or 0.0)
    out = []
    for frame in report.get("frames") or []:
        t = frame.get("pts", frame.get("t"))
        if not isinstance(t, int | float):
            return []  # a damaged report: no graphs rather than wrong ones
        out.append(float(t) + start)
    return out


def analysis_angle_data(analysis: Analysis, times: list[float]) -> dict[str, list] | None:
    """Hip, knee, trunk angle and bar height over the set (pipeline/angle_series.py) from the
    30 fps track kept beside the report, at the input frames' `times`; None when the analysis
    kept no track (older analyses) or it cannot be read."""
    import zipfile

    import numpy as np

    from core.pipeline.respan import TRACK_FILE
    from core.reps.angle_series import angle_series

    if not analysis.output_dir or not times:
        return None
    path = media_path(f"{analysis.output_dir}/{TRACK_FILE}")
    if path is None:
        return None
    try:
        with np.load(path) as z:
            landmarks, world = z["landmarks"], z["world"]
            source, shots = z["source_frame"], z["shots"]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        logger.warning("unreadable track %s", path)
        return None
    if (
        landmarks.ndim != 3
        or landmarks.shape[1:] != (33, 4)
        or world.shape != (len(landmarks), 33, 3)
        or source.shape != (len(landmarks),)
    ):
        logger.warning("track %s has unexpected shapes", path)
        return None
    cuts = [(int(a), int(b)) for a, b in shots.reshape(-1, 2)]
    series = angle_series(landmarks, world, source, times, cuts)
    return series.as_dict() if series.t else None


def analysis_chart_data(analysis: Analysis, reps: list[Rep]) -> dict[str, Any]:
    """What the review page draws: score per rep against the threshold; bar height and the
    hip, knee and trunk angles over time with the reps as bands, all on the played file's
    clock (what the video's currentTime reads). Read defensively: older reports may lack
    keys, older analyses the track the angles come from (then `angles` is None)."""
    report = analysis_report(analysis)
    frames = report.get("frames") or []
    times = _played_times(analysis, report)
    step = max(1, len(frames) // MAX_CHART_POINTS)
    bar = []
    for i in range(0, len(times), step):
        y = frames[i].get("bar_y")
        bar.append([round(times[i], 3), round(float(y), 4) if isinstance(y, int | float) else None])
    duration = (report.get("input") or {}).get("duration_s") or analysis.video_info.get(
        "duration_s"
    )

    def at(frame: int, fallback: float) -> float:
        """An input frame's time on the played clock (the stored seconds without frames)."""
        return round(times[min(max(frame, 0), len(times) - 1)], 3) if times else fallback

    return {
        "duration_s": duration,
        "bar": bar,
        "bar_unit": lifts.of_exercise(analysis.exercise_detected).bar_unit,
        "angle_names": list(lifts.of_exercise(analysis.exercise_detected).chart_angles),
        "angles": analysis_angle_data(analysis, times),
        "reps": [
            {
                "index": r.index,
                "start_s": r.start_s,
                "lockout_s": r.lockout_s,
                "end_s": r.end_s,
                # start, lockout, end where the graphs draw them (the played clock)
                "band": [
                    at(r.start_frame, r.start_s),
                    at(r.lockout_frame, r.lockout_s),
                    at(r.end_frame, r.end_s),
                ],
                "verdict": r.verdict,
                "outcome": r.outcome.value,
                "score": r.score,
                "threshold": r.threshold,
            }
            for r in reps
        ],
    }


OVERLAY_SCALE = 10_000  # landmark coordinates sent as integers in 1/10000 of the picture


def overlay_landmarks(analysis: Analysis):
    """The analysis' kept landmarks per input frame, (frames, 33, 2) x, y in fractions of the
    picture (NaN without a pose), or None when it kept none (older analyses)."""
    import numpy as np

    from core.pipeline.steps import OVERLAY_LANDMARKS

    if not analysis.output_dir:
        return None
    path = media_path(f"{analysis.output_dir}/{OVERLAY_LANDMARKS}")
    if path is None:
        return None
    return np.load(path)[:, :, :2]


def analysis_overlay_data(analysis: Analysis) -> dict[str, Any] | None:
    """What the review page's canvas draws over the playing video, per input frame: the
    skeleton's points, the stage and its probability, with the counted reps' frames and
    outcomes (the coach's label when there is one). `times` are the frames' presentation
    times from the first frame, which the played file shows at `start_s` on its clock, so a
    frame is found from the video's own clock (also for variable frame rates). None when the
    analysis kept no landmarks (older analyses)."""
    import numpy as np

    from core.images.overlay import verdict_style
    from core.pose.landmarks import SKELETON_EDGES

    landmarks = overlay_landmarks(analysis)
    if landmarks is None:
        return None
    found = np.isfinite(landmarks).all(axis=(1, 2))
    scaled = np.rint(np.nan_to_num(landmarks) * OVERLAY_SCALE).astype(int).reshape(len(found), -1)
    points = [row.tolist() if ok else None for row, ok in zip(scaled, found, strict=True)]
    report = analysis_report(analysis)
    video = report.get("input") or analysis.video_info
    fps = float(video.get("fps") or 30.0)
    frames = report.get("frames") or []
    frames = frames + [{"t": i / fps} for i in range(len(frames), len(points))]  # older reports
    reps = []
    for rep in analysis.reps.counted().order_by("start_frame", "index"):
        outcome, faults = rep.outcome.value, list(rep.outcome_faults)
        reps.append(
            {
                "index": rep.index,
                "start_frame": rep.start_frame,
                "lockout_frame": rep.lockout_frame,
                "end_frame": rep.end_frame,
                "outcome": outcome,
                "faults": faults,
                "verdict": verdict_style(outcome, tuple(faults))[0],
            }
        )
    return {
        "fps": round(fps, 4),
        "width": video.get("width"),
        "height": video.get("height"),
        "scale": OVERLAY_SCALE,
        "edges": [list(e) for e in SKELETON_EDGES],
        # The playable copy's first frame is at 0; the upload's where its file says.
        "start_s": 0.0 if analysis.playback == Playback.COPY else video.get("start_s", 0.0),
        "times": [f.get("pts", round(f.get("t", 0.0), 4)) for f in frames[: len(points)]],
        "points": points,
        "stage": [f.get("stage") for f in frames[: len(points)]],
        "prob": [f.get("prob") for f in frames[: len(points)]],
        "reps": reps,
    }
