"""Faults over time: per athlete, which faults showed week by week; per coach, the team at a
glance (last upload, sets waiting for review, the most frequent faults). Every rep read is a
counted rep of a set the viewer may see, judged by its outcome (the coach's label first)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Max, Q
from django.utils import timezone

from analysis.models import FAULT_NAMES, AnalysisStatus, Rep
from athletes.selectors import AnyUser
from sets.selectors import session_visible_queryset

TREND_WEEKS = 8  # an athlete's fault table: this many weeks back, this week last
TEAM_FAULT_DAYS = 28  # a team row's frequent faults: over the last four weeks
TEAM_TOP_FAULTS = 3


def _reps(viewer: AnyUser, **filters: Any):
    """Counted reps of the finished sets `viewer` may see (filters on the sets), with what
    their outcome's faults (Rep.outcome_faults: the coach's tags first) and the set need."""
    sessions = session_visible_queryset(viewer).filter(
        analysis__status=AnalysisStatus.DONE, **filters
    )
    return (
        Rep.objects.counted()
        .filter(analysis__session__in=sessions)
        .select_related("analysis__session")
        .only("label", "faults", "detected_faults", "analysis__session__performed_at",
              "analysis__session__athlete_id")
    )  # fmt: skip


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def fault_trends(athlete: AnyUser, viewer: AnyUser, lift: str | None = None) -> dict[str, Any]:
    """The athlete's faults per week over TREND_WEEKS weeks (of `lift` when given): `weeks`
    (each its Monday, label and counted reps) and `faults` (most frequent first), each with
    its reps per week. Empty `faults` when no rep showed one."""
    start = _monday(timezone.localdate()) - timedelta(weeks=TREND_WEEKS - 1)
    filters: dict[str, Any] = {"athlete": athlete, "performed_at__gte": start}
    if lift:
        filters["exercise"] = lift
    weeks = [start + timedelta(weeks=n) for n in range(TREND_WEEKS)]
    reps: Counter[date] = Counter()
    per_fault: dict[str, Counter[date]] = defaultdict(Counter)
    for rep in _reps(viewer, **filters):
        week = _monday(rep.analysis.session.performed_at)
        reps[week] += 1
        for fault in rep.outcome_faults:
            per_fault[fault][week] += 1
    faults = sorted(per_fault.items(), key=lambda kv: -sum(kv[1].values()))
    return {
        "weeks": [
            {"start": w, "label": f"{w.day} {w.strftime('%b')}", "reps": reps[w]} for w in weeks
        ],
        "faults": [
            {
                "fault": fault,
                "name": FAULT_NAMES.get(fault, fault),
                "total": sum(counts.values()),
                "cells": [{"count": counts[w], "reps": reps[w]} for w in weeks],
            }
            for fault, counts in faults
        ],
    }


def team_overview(coach: AnyUser, athletes: list[AnyUser]) -> list[dict[str, Any]]:
    """One row per athlete (a page of the coach's roster): the last upload, the analysed sets
    no coach has reviewed yet, and the most frequent faults of the last TEAM_FAULT_DAYS."""
    ids = [a.pk for a in athletes]
    sets = (
        session_visible_queryset(coach)
        .filter(athlete_id__in=ids)
        .values("athlete_id")
        .annotate(
            last=Max("created_at"),
            waiting=Count(
                "pk", filter=Q(reviewed_at__isnull=True, analysis__status=AnalysisStatus.DONE)
            ),
        )
    )
    by_athlete = {row["athlete_id"]: row for row in sets}
    since = timezone.localdate() - timedelta(days=TEAM_FAULT_DAYS)
    faults: dict[int, Counter[str]] = defaultdict(Counter)
    for rep in _reps(coach, athlete_id__in=ids, performed_at__gte=since):
        faults[rep.analysis.session.athlete_id].update(rep.outcome_faults)
    return [
        {
            "athlete": athlete,
            "last_upload": by_athlete.get(athlete.pk, {}).get("last"),
            "waiting": by_athlete.get(athlete.pk, {}).get("waiting", 0),
            "faults": [
                {"name": FAULT_NAMES.get(f, f), "count": n}
                for f, n in faults[athlete.pk].most_common(TEAM_TOP_FAULTS)
            ],
        }
        for athlete in athletes
    ]
