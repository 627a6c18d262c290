"""The compare page's overlay: this rep's and the reference's skeletons on one picture, each
in its lifter's own frame, both on one timeline of the rep's phases (core/reps/phase_align.py)
from the landmarks the review page's overlay draws (media.overlay_landmarks). Both reps come
through `compare_reps_queryset` in the view: what the viewer may not see is a 404 there."""

from __future__ import annotations

from typing import Any

from analysis.models import Rep
from analysis.selectors.compare import rep_names
from analysis.selectors.media import analysis_report, overlay_landmarks
from core import lifts

# What the points are in, as the page says it.
UNIT = "standing heights (ankles to nose) from the mid-ankles"


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return None


def phase_names(lift_name: str) -> tuple[str, str, str]:
    """The start, turn and end of a rep of the lift: a pull (or a curl) goes from the bottom
    to lockout and back, a rep that goes down first from the top to the bottom and back."""
    if lifts.get(lift_name).rise.lowering_first:
        return ("top", "bottom", "top")
    return ("bottom", "lockout", "bottom")


def _aligned(rep: Rep, face: int):
    from core.reps.phase_align import Window, align

    if rep.analysis_id is None:
        return None
    landmarks = overlay_landmarks(rep.analysis)
    if landmarks is None:
        return None
    report = analysis_report(rep.analysis)
    video = report.get("input") or rep.analysis.video_info or {}
    width, height = _number(video.get("width")), _number(video.get("height"))
    # Older analyses without the picture's size: its fractions as if it were square.
    size = (width, height) if width and height else (1.0, 1.0)
    fps = _number(video.get("fps")) or 30.0
    window = Window(rep.start_frame, rep.lockout_frame, rep.end_frame)
    return align(landmarks, window, size, fps, face=face)


def compare_overlay_data(a: Rep, b: Rep) -> dict[str, Any] | None:
    """Both reps' skeletons per sample of the phase timeline (2 * PER_PHASE + 1 samples, the
    turn at the middle), this rep (`a`) and the reference (`b`, mirrored to face the same
    way as `a` in a side view), with the samples' seconds into each rep and the phases'
    names; None when either kept no usable landmarks."""
    from core.pose.landmarks import SKELETON_EDGES
    from core.reps.phase_align import PER_PHASE

    this = _aligned(a, 0)
    if this is None:
        return None
    reference = _aligned(b, this.facing)
    if reference is None:
        return None
    names = rep_names([a, b])
    start, turn, end = phase_names(a.lift)

    def side(rep: Rep, aligned, role: str) -> dict[str, Any]:
        return {
            "rep": rep.pk,
            "role": role,
            "title": names[rep.pk],
            "points": aligned.points,
            "seconds": aligned.seconds,
            "mirrored": aligned.mirrored,
        }

    return {
        "lift": lifts.get(a.lift).label,
        "samples": 2 * PER_PHASE + 1,
        "markers": [
            {"index": 0, "name": start},
            {"index": PER_PHASE, "name": turn},
            {"index": 2 * PER_PHASE, "name": end},
        ],
        "unit": UNIT,
        "edges": [list(e) for e in SKELETON_EDGES],
        "a": side(a, this, "this rep"),
        "b": side(b, reference, "reference"),
    }
