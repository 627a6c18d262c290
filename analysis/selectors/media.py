"""Reads of stored files: a stored key as a path under MEDIA_ROOT, the annotated video's
URL, the analysis report, and the data the review page's charts draw from it."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse

from analysis.models import Analysis, Rep

logger = logging.getLogger(__name__)
MAX_CHART_POINTS = 600


def media_path(relative: str) -> Path | None:
    """An absolute path under MEDIA_ROOT for a stored relative path, or None when it is
    empty, missing, or tries to leave MEDIA_ROOT."""
    if not relative:
        return None
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def result_video_url(analysis: Analysis) -> str | None:
    """The annotated video's URL, versioned by the file's time: a redrawn video (new
    verdicts) must not come from the browser's cache."""
    path = media_path(analysis.result_video)
    if path is None:
        return None
    stamp = path.stat().st_mtime_ns // 1_000_000
    return f"{reverse('result_video', args=[analysis.session_id])}?v={stamp}"


def analysis_report(analysis: Analysis) -> dict[str, Any]:
    path = media_path(analysis.report_file)
    if path is None:
        return {}
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        logger.warning("unreadable report %s", path)
        return {}


def analysis_chart_data(analysis: Analysis, reps: list[Rep]) -> dict[str, Any]:
    """What the review page draws: score per rep against the threshold, and bar height over
    time with rep boundaries. Read defensively: older reports may lack keys."""
    report = analysis_report(analysis)
    frames = report.get("frames") or []
    step = max(1, len(frames) // MAX_CHART_POINTS)
    bar = []
    for frame in frames[::step]:
        t = frame.get("t")
        if not isinstance(t, int | float):
            continue
        y = frame.get("bar_y")
        bar.append([round(float(t), 3), round(float(y), 4) if isinstance(y, int | float) else None])
    duration = (report.get("input") or {}).get("duration_s") or analysis.video_info.get(
        "duration_s"
    )
    return {
        "duration_s": duration,
        "bar": bar,
        "reps": [
            {
                "index": r.index,
                "start_s": r.start_s,
                "lockout_s": r.lockout_s,
                "end_s": r.end_s,
                "verdict": r.verdict,
                "outcome": r.outcome.value,
                "score": r.score,
                "threshold": r.threshold,
            }
            for r in reps
        ],
    }
