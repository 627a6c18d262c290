"""Two reps side by side: what the compare page shows and which reps it offers.

A coach compares a rep with the athlete's best one, or this week's with last month's. Both
reps come through `rep_visible_queryset`, so a rep nobody showed this user is a 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.urls import reverse

from analysis.models import Rep
from analysis.selectors.media import watch_url
from analysis.selectors.reps import rep_visible_queryset
from athletes.selectors import AnyUser

CHOICES_LIMIT = 300
# (kinematics key, what a coach calls it, unit, decimals)
MEASURES = [
    ("duration_s", "Rep duration", "s", 2),
    ("concentric_s", "Time up", "s", 2),
    ("eccentric_s", "Time down", "s", 2),
    ("bar_path_vertical_body_heights", "Bar travel", "body heights", 2),
    ("bar_path_horizontal_body_heights", "Bar drift", "body heights", 2),
    ("hip_angle_bottom_deg", "Hip at the bottom", "°", 0),
    ("knee_angle_bottom_deg", "Knee at the bottom", "°", 0),
    ("trunk_angle_bottom_deg", "Trunk at the bottom", "° from upright", 0),
    ("hip_angle_lockout_deg", "Hip at lockout", "°", 0),
    ("knee_angle_lockout_deg", "Knee at lockout", "°", 0),
    ("trunk_angle_lockout_deg", "Trunk at lockout", "° from upright", 0),
    ("asymmetry_hip_angle_deg", "Hip left/right difference", "°", 1),
    ("asymmetry_knee_angle_deg", "Knee left/right difference", "°", 1),
]


def compare_reps_queryset(user: AnyUser) -> QuerySet[Rep]:
    return rep_visible_queryset(user).select_related(
        "analysis__session__athlete", "detector_version", "labelled_by"
    )


def compare_partner(rep: Rep) -> Rep | None:
    """The rep to compare with when none was chosen: the best-scored other rep of the same
    set (the athlete's own model of good form), else the next one."""
    if rep.analysis_id is None:
        return None
    others = Rep.objects.counted().filter(analysis_id=rep.analysis_id).exclude(pk=rep.pk)
    return (
        others.filter(score__isnull=False).order_by("score").first()
        or others.order_by("index").first()
    )


def compare_side(rep: Rep) -> dict[str, Any]:
    session = rep.analysis.session if rep.analysis_id else None
    if session is None:
        title, video_url = f"{rep.source} · {rep.source_name or f'rep {rep.pk}'}", None
    else:
        title = f"{session.athlete.username} · {session.performed_at:%d %b %Y} · rep {rep.index}"
        video_url = watch_url(rep.analysis)
    return {
        "rep": rep,
        "title": title,
        "session_url": reverse("session_review", args=[session.pk]) if session else None,
        "video_url": video_url,
        "overlay_url": reverse("session_overlay", args=[session.pk]) if session else None,
        "image_url": reverse("rep_image", args=[rep.pk]) if rep.image else None,
    }


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def compare_rows(a: Rep, b: Rep | None) -> list[dict[str, Any]]:
    """Kinematics side by side with B minus A, as text with the row's decimals."""
    rows = []
    for key, name, unit, places in MEASURES:
        va = _number((a.kinematics or {}).get(key))
        vb = _number((b.kinematics or {}).get(key)) if b else None
        if va is None and vb is None:
            continue
        diff = vb - va if va is not None and vb is not None else None
        rows.append(
            {
                "name": name,
                "unit": unit,
                "a": "–" if va is None else f"{va:.{places}f}",
                "b": "–" if vb is None else f"{vb:.{places}f}",
                "diff": "–" if diff is None else f"{diff:+.{places}f}",
            }
        )
    return rows


def compare_choices(user: AnyUser, reps: list[Rep]) -> list[dict[str, Any]]:
    """Reps that can take either side: those of the same athletes (or, for imported reps,
    the same source), newest sets first."""
    athletes = {r.analysis.session.athlete_id for r in reps if r.analysis_id}
    sources = {r.source for r in reps if not r.analysis_id}
    qs = compare_reps_queryset(user).counted()  # "not a rep" is no lift to compare
    picked = qs.filter(analysis__session__athlete_id__in=athletes) | qs.filter(
        analysis__isnull=True, source__in=sources
    )
    picked = picked.order_by(
        F("analysis__session__performed_at").desc(nulls_last=True), "analysis_id", "index", "pk"
    )
    return [{"id": rep.pk, "text": _choice_text(rep)} for rep in picked.distinct()[:CHOICES_LIMIT]]


def _choice_text(rep: Rep) -> str:
    verdict = rep.outcome.label.lower()
    if not rep.analysis_id:
        return f"{rep.source} · {rep.source_name or rep.pk} · {verdict}"
    session = rep.analysis.session
    when = f"{session.performed_at:%Y-%m-%d}"
    return f"{session.athlete.username} · {when} · rep {rep.index} · {verdict}"
