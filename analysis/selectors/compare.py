"""Two reps side by side: what the compare page shows and which reps it offers.

A coach compares a rep with the athlete's best one, or this week's with last month's. Both
reps come through `rep_visible_queryset`, so a rep nobody showed this user is a 404.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, QuerySet
from django.urls import reverse
from django.utils import timezone

from analysis.models import AnalysisStatus, Label, Outcome, Rep
from analysis.selectors.media import watch_url
from analysis.selectors.reps import rep_visible_queryset
from athletes.selectors import AnyUser
from sets.models import TrainingSession

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


# Why the reference (side B) is the rep it is: the page says it in these words.
REFERENCE_CHOSEN = "chosen"
REFERENCE_LABELLED = "labelled"
REFERENCE_MODEL = "model"
REFERENCE_SAME_SET = "same_set"
BEST_RULE = (
    "the athlete's best rep of the same lift: a rep a coach labelled good, else one the "
    "model judged good, the one with the lowest detector score (newest set on a tie), "
    "from the sets you may see"
)


def compare_reference(user: AnyUser, rep: Rep) -> tuple[Rep | None, str]:
    """The reference for `rep` when none was chosen, and why (REFERENCE_*): the athlete's
    best other rep of the same lift among the reps `user` may see (`BEST_RULE`): a counted rep
    a coach labelled good, else one the model judged good (its outcome, unlabelled), the
    lowest detector score first; without any, another rep of its set (`compare_partner`)."""
    if rep.analysis_id is None:
        return None, REFERENCE_SAME_SET
    pool = (
        compare_reps_queryset(user)
        .counted()
        .of_lift(rep.lift)
        .filter(
            analysis__session__athlete_id=rep.analysis.session.athlete_id,
            analysis__status=AnalysisStatus.DONE,
        )
        .exclude(pk=rep.pk)
        .with_outcomes()
        .filter(outcome_sql=Outcome.GOOD)
        .order_by(
            F("score").asc(nulls_last=True),
            F("analysis__session__performed_at").desc(),
            F("analysis__session__created_at").desc(),
            "index",
            "pk",
        )
    )
    best = pool.filter(label=Label.GOOD).first()
    if best is not None:
        return best, REFERENCE_LABELLED
    best = pool.filter(label__isnull=True).first()
    if best is not None:
        return best, REFERENCE_MODEL
    return compare_partner(rep), REFERENCE_SAME_SET


def compare_same_lift(a: Rep, b: Rep) -> bool:
    """Whether B is a rep of A's lift (the rule `compare_choices` offers reps by)."""
    return Rep.objects.of_lift(a.lift).filter(pk=b.pk).exists()


def rep_names(reps: Iterable[Rep]) -> dict[int, str]:
    """Each rep's name (by pk), the one naming of reps wherever two are put side by side:
    "alice · 12 Mar 2026 · rep 2". Two sets of one athlete on the same date would read the
    same, so then the upload time joins the date ("alice · 12 Mar 2026 18:05 · rep 2"), and
    the set's number when even the minute is shared. The name depends only on the rep and the
    athlete's other sets (which everyone who sees the rep may see), so a rep reads the same
    on every page. Imported reps are named by their source and file."""
    reps = list(reps)
    sessions = {r.analysis.session_id: r.analysis.session for r in reps if r.analysis_id}
    days = {(s.athlete_id, s.performed_at) for s in sessions.values()}
    crowded: set[tuple[int, Any]] = set()
    minutes: Counter[tuple[int, Any, str]] = Counter()
    if days:
        same_day = TrainingSession.objects.filter(
            athlete_id__in={a for a, _ in days}, performed_at__in={d for _, d in days}
        )
        crowded = {
            (row["athlete_id"], row["performed_at"])
            for row in same_day.values("athlete_id", "performed_at")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
        }
        for athlete_id, day, created in same_day.values_list(
            "athlete_id", "performed_at", "created_at"
        ):
            if (athlete_id, day) in crowded:
                minutes[(athlete_id, day, _clock(created))] += 1

    names: dict[int, str] = {}
    for rep in reps:
        if not rep.analysis_id:
            names[rep.pk] = f"{rep.source} · {rep.source_name or f'rep {rep.pk}'}"
            continue
        session = sessions[rep.analysis.session_id]
        day = session.performed_at
        when = f"{day.day} {day:%b %Y}"
        if (session.athlete_id, day) in crowded:
            clock = _clock(session.created_at)
            when += f" {clock}"
            if minutes[(session.athlete_id, day, clock)] > 1:
                when += f" (set {session.pk})"
        names[rep.pk] = f"{session.athlete.username} · {when} · rep {rep.index}"
    # Whatever is left alike (two imported files of one name): the rep's own number.
    alike = Counter(names.values())
    return {pk: f"{name} (#{pk})" if alike[name] > 1 else name for pk, name in names.items()}


def _clock(moment) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


def rep_name(rep: Rep) -> str:
    """One rep's name (see `rep_names`)."""
    return rep_names([rep])[rep.pk]


def compare_side(rep: Rep) -> dict[str, Any]:
    session = rep.analysis.session if rep.analysis_id else None
    video_url = watch_url(rep.analysis) if session is not None else None
    return {
        "rep": rep,
        "title": rep_name(rep),
        "session_url": reverse("session_review", args=[session.pk]) if session else None,
        "video_url": video_url,
        "overlay_url": reverse("session_overlay", args=[session.pk]) if session else None,
        "image_url": reverse("rep_image", args=[rep.pk]) if rep.image else None,
    }


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def number_text(value: float | None, places: int, *, signed: bool = False) -> str:
    """A measurement as the compare table prints it, with `places` decimals (a sign when
    `signed`, for B minus A). Never "-0": a negative zero, or anything that rounds to zero,
    is no difference, so a difference prints "0" and a value "0", "0.00"..."""
    if value is None or not math.isfinite(value):
        return "–"
    rounded = round(value, places)
    if rounded == 0:
        return "0" if signed else f"{0:.{places}f}"
    return f"{rounded:+.{places}f}" if signed else f"{rounded:.{places}f}"


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
                "a": number_text(va, places),
                "b": number_text(vb, places),
                # The difference of the numbers as shown, so the columns add up on screen.
                "diff": number_text(
                    None if diff is None else round(vb, places) - round(va, places),
                    places,
                    signed=True,
                ),
            }
        )
    return rows


def compare_choices(user: AnyUser, reps: list[Rep]) -> list[dict[str, Any]]:
    """Reps that can take either side: those of the same athletes (or, for imported reps,
    the same source) and the same lift as the first, newest sets first."""
    athletes = {r.analysis.session.athlete_id for r in reps if r.analysis_id}
    sources = {r.source for r in reps if not r.analysis_id}
    # "not a rep" is no lift to compare; a squat is compared with squats
    qs = compare_reps_queryset(user).counted().of_lift(reps[0].lift)
    picked = qs.filter(analysis__session__athlete_id__in=athletes) | qs.filter(
        analysis__isnull=True, source__in=sources
    )
    picked = picked.order_by(
        F("analysis__session__performed_at").desc(nulls_last=True),
        F("analysis__session__created_at").desc(nulls_last=True),
        "analysis_id",
        "index",
        "pk",
    )
    reps = list(picked.distinct()[:CHOICES_LIMIT])
    names = rep_names(reps)
    return [{"id": r.pk, "text": f"{names[r.pk]} · {r.outcome.label.lower()}"} for r in reps]
