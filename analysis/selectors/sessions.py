"""Reads about an athlete's sets over time: their progress (load, reps, outcomes, angles)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from analysis.models import AnalysisStatus, Outcome, Rep
from athletes.selectors import AnyUser
from core import lifts
from sets.models import TrainingSession
from sets.selectors import session_visible_queryset

# An athlete's page charts this many analysed sessions at a time (newest first pages).
PROGRESS_PAGE_SIZE = 30

# Angles at the bottom of a rep, as charted: (point key, kinematics keys, first found wins).
# The trunk in the lifter's own frame first (pipeline/bodyframe.py), else the image's.
_BOTTOM_ANGLES = (
    ("hip_deg", ("hip_angle_bottom_deg",)),
    ("knee_deg", ("knee_angle_bottom_deg",)),
    ("trunk_deg", ("trunk_body_frame_bottom_deg", "trunk_angle_bottom_deg")),
)


def progress_sessions(
    athlete: AnyUser, viewer: AnyUser, lift: str | None = None
) -> QuerySet[TrainingSession]:
    """The athlete's sessions with a finished analysis that `viewer` may see, newest first
    (for paging: page 1 is the latest); of one `lift` (a registry name) when given: loads,
    1RMs and tempos of different lifts are not one line."""
    sessions = (
        session_visible_queryset(viewer)
        .filter(athlete=athlete, analysis__status=AnalysisStatus.DONE)
        .order_by("-performed_at", "-created_at", "-pk")
    )
    return sessions.filter(exercise=lift) if lift else sessions


def progress_lifts(athlete: AnyUser, viewer: AnyUser) -> list[str]:
    """The lifts (registry names, the registry's order) of the athlete's finished sets that
    `viewer` may see, the latest set's lift first."""
    sessions = progress_sessions(athlete, viewer)
    seen = set(sessions.values_list("exercise", flat=True).distinct())
    latest = sessions.values_list("exercise", flat=True).first()
    ordered = [name for name in lifts.LIFTS if name in seen]
    return sorted(ordered, key=lambda name: name != latest)


def progress_points(sessions: Iterable[TrainingSession]) -> list[dict[str, Any]]:
    """One point per session, oldest first, for the progress charts and table.

    Counted reps only ("not a rep" is no lift); each rep's outcome is its final verdict
    (`with_outcomes`: the coach's label when there is one, else the model's). `good_share` is
    good among judged reps: a rep nobody could judge is not a bad one. Volume is load x
    counted reps; `e1rm_kg` is Epley's estimate (load x (1 + reps / 30)) of a one-rep max from
    this set: an estimate, and none without a load. `label` tells sessions of one day apart
    by the upload's time ("12 Mar 18:05")."""
    ordered = sorted(sessions, key=lambda s: (s.performed_at, s.created_at, s.pk))
    rows = (
        Rep.objects.counted()
        .with_outcomes()
        .filter(analysis__session__in=[s.pk for s in ordered])
        .order_by("analysis__session_id", "index", "pk")
        .values_list("analysis__session_id", "index", "outcome_sql", "kinematics")
    )
    reps_of: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for session_id, index, outcome, kinematics in rows:
        reps_of[session_id].append(_rep_point(index, outcome, kinematics))
    labels = _session_labels(ordered)
    points = []
    for session in ordered:
        reps = reps_of.get(session.pk, [])
        judged = [r for r in reps if r["outcome"] != Outcome.NOT_JUDGED]
        good = sum(r["outcome"] == Outcome.GOOD for r in judged)
        load = session.load_kg
        points.append(
            {
                "session_id": session.pk,
                "url": reverse("session_review", args=[session.pk]),
                "date": session.performed_at.isoformat(),
                "time": timezone.localtime(session.created_at).strftime("%H:%M"),
                "label": labels[session.pk],
                "load_kg": float(load) if load is not None else None,
                "reps": len(reps),
                "judged": len(judged),
                "good": good,
                "good_share": round(good / len(judged), 4) if judged else None,
                "volume_kg": float(round(load * len(reps), 1)) if load is not None else None,
                "e1rm_kg": (
                    float(round(load * (30 + len(reps)) / 30, 1))
                    if load is not None and reps
                    else None
                ),
                "rep_list": reps,
            }
        )
    return points


def athlete_progress(
    athlete: AnyUser, viewer: AnyUser, lift: str | None = None
) -> list[dict[str, Any]]:
    """The latest page of the athlete's progress (`progress_points`) in `lift`, oldest
    first."""
    return progress_points(progress_sessions(athlete, viewer, lift)[:PROGRESS_PAGE_SIZE])


def _rep_point(index: int, outcome: str, kinematics: Any) -> dict[str, Any]:
    """A rep's tempo and angles at the bottom; anything not a finite number is None (the
    kinematics are a JSON field: a missing measure must not break the chart)."""
    kin = kinematics if isinstance(kinematics, dict) else {}
    point: dict[str, Any] = {
        "index": index,
        "outcome": outcome,
        "concentric_s": _number(kin.get("concentric_s")),
        "eccentric_s": _number(kin.get("eccentric_s")),
    }
    for key, sources in _BOTTOM_ANGLES:
        point[key] = next(
            (v for v in (_number(kin.get(s)) for s in sources) if v is not None), None
        )
    return point


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return round(float(value), 3) if math.isfinite(value) else None


def _session_labels(sessions: list[TrainingSession]) -> dict[int, str]:
    """ "12 Mar" ("12 Mar 2025" outside this year), with the upload's time when another session
    shares the day, and a "(2)" when even the minute is shared: every label differs."""
    per_day = Counter(s.performed_at for s in sessions)
    this_year = timezone.localdate().year
    labels: dict[int, str] = {}
    seen: Counter[str] = Counter()
    for session in sessions:
        day = session.performed_at
        label = f"{day.day} {day.strftime('%b')}" + (
            f" {day.year}" if day.year != this_year else ""
        )
        if per_day[day] > 1:
            label += " " + timezone.localtime(session.created_at).strftime("%H:%M")
        seen[label] += 1
        labels[session.pk] = label if seen[label] == 1 else f"{label} ({seen[label]})"
    return labels
