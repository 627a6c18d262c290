"""Reads about reps: which ones a person may see or label, and the review queue (its order,
its first reps, the numbers a coach reads first)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, F, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Abs, Coalesce

from analysis.models import FLAGGED, AnalysisStatus, Fault, Label, Outcome, Rep
from athletes.models import CoachAssignment
from athletes.selectors import AnyUser, user_is_admin
from core import lifts
from sets.selectors import session_visible_queryset

# Scores this close to the threshold are the ones a label teaches the detector most about.
QUEUE_NEAR_THRESHOLD = 0.15
QUEUE_LIMIT = 200


def rep_visible_queryset(user: AnyUser) -> QuerySet[Rep]:
    """Reps of the sessions `user` may see; admins also see imported reps (no session)."""
    visible = Q(analysis__session__in=session_visible_queryset(user))
    if user_is_admin(user):
        visible |= Q(analysis__isnull=True)
    return Rep.objects.filter(visible)


def rep_labelable_queryset(user: AnyUser) -> QuerySet[Rep]:
    """Reps `user` may label: their roster's (coach), every rep (admin), none otherwise.
    An athlete cannot label their own reps, even though they see them."""
    if not user.is_authenticated:
        return Rep.objects.none()
    if user_is_admin(user):
        return Rep.objects.all()
    roster = CoachAssignment.objects.filter(coach=user).values("athlete_id")
    return Rep.objects.filter(analysis__session__athlete_id__in=roster)


def review_queue(user: AnyUser) -> QuerySet[Rep]:
    """Unlabelled counted reps of finished analyses the user may label, most informative first:
    scores near the threshold (closest first), then flagged reps, then the other judged
    reps, then reps no detector has judged yet (newest sessions first)."""
    distance = Abs(F("score") - Coalesce(F("threshold"), Value(0.5)))
    return (
        rep_labelable_queryset(user)
        .counted()
        .filter(
            label__isnull=True,
            analysis__isnull=False,
            analysis__status=AnalysisStatus.DONE,
        )
        .exclude(image="")
        .annotate(
            distance=Coalesce(distance, Value(1.0), output_field=FloatField()),
        )
        .with_outcomes()
        .annotate(
            tier=Case(
                When(score__isnull=False, distance__lte=QUEUE_NEAR_THRESHOLD, then=Value(0)),
                When(model_outcome_sql__in=FLAGGED, then=Value(1)),
                When(model_outcome_sql=Outcome.GOOD, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            ),
        )
        .select_related("analysis__session__athlete", "detector_version")
        .order_by("tier", "distance", "-analysis__session__performed_at", "analysis_id", "index")
    )


def fault_choices(lift: str | None = None) -> list[dict[str, str]]:
    """The fault tags in key order (1-7 on the queue page); of one `lift` (a registry
    name: its faults and "other") for a set of it."""
    own = {f.id for f in lifts.get(lift).faults} | {Fault.OTHER} if lift else None
    return [{"value": v, "label": str(lbl)} for v, lbl in Fault.choices if own is None or v in own]


def rep_headline(kinematics: dict[str, Any]) -> list[str]:
    """Three or four numbers a coach reads first; older reports may lack any of them."""
    k = kinematics or {}
    out = []
    if isinstance(k.get("duration_s"), int | float):
        out.append(f"tempo {k['duration_s']:.2f} s")
    bottom, lockout = k.get("hip_angle_bottom_deg"), k.get("hip_angle_lockout_deg")
    if isinstance(bottom, int | float) and isinstance(lockout, int | float):
        out.append(f"hip {bottom:.0f}° → {lockout:.0f}°")
    if isinstance(k.get("bar_path_horizontal_body_heights"), int | float):
        out.append(f"bar drift {k['bar_path_horizontal_body_heights']:.2f} bh")
    if k.get("lockout_complete") is False:
        out.append("lockout incomplete")
    return out


def queue_reps(user: AnyUser, limit: int = QUEUE_LIMIT) -> list[Rep]:
    """The first `limit` reps of the user's review queue, with what the queue page shows."""
    return list(review_queue(user).select_related("labelled_by")[:limit])


def queue_count(user: AnyUser) -> int:
    return review_queue(user).count()


def personal_baseline(athlete_id: int | None, lift: str, view: str):
    """The athlete's PersonalBaseline (detector/personal.py) in `lift` (a registry name)
    filmed from `view` (faults.camera_view; "" unknown) from their counted reps of it a coach
    marked good, or None (no athlete, or fewer than its minimum): a squat is compared with
    their good squats, a rep filmed from the front-3/4 with their good reps from there."""
    from core.detector.personal import PersonalBaseline, rep_measures

    if athlete_id is None:
        return None
    good = (
        Rep.objects.counted()
        .of_lift(lift)
        .filter(analysis__session__athlete_id=athlete_id, label=Label.GOOD, camera_view=view)
        .exclude(fault_evidence={})
        .values_list("fault_evidence", flat=True)
    )
    return PersonalBaseline.fit([rep_measures(e) for e in good])


def personal_comparison(rep: Rep, baseline) -> dict[str, Any] | None:
    """ "Unusual for this athlete" for one rep, or None when there is nothing to compare
    (no baseline yet, the rep not judged, or it is one of the baseline's good reps)."""
    from core.detector.personal import rep_measures

    if baseline is None or rep.label == Label.GOOD or rep.not_judged_reason:
        return None
    measures = rep_measures(rep.fault_evidence)
    return baseline.compare(measures) if measures else None
