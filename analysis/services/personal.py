"""The athlete's own baseline (core/detector/personal.py) kept on their reps: every writer
of what it reads (a new analysis, a coach's label, a verdict or fault decided again, a rep
rebuilt) calls `personal_refresh_for` once it is done, so the stored comparison and its
effect on the outcome (Rep.personal, Rep.personal_effect) are what pages, lists, the CSV and
SQL counts read."""

from __future__ import annotations

from collections.abc import Iterable

from analysis.models import Rep
from analysis.selectors.reps import personal_baseline, personal_comparison
from core import lifts


def personal_refresh(athlete_id: int, lift: str, view: str) -> int:
    """Compare every counted rep of the athlete in `lift` filmed from `view` with their reps
    a coach marked good (the same lift and view) and store the comparison and its effect;
    returns how many reps changed."""
    from core.detector.personal import effect

    baseline = personal_baseline(athlete_id, lift, view)
    reps = (
        Rep.objects.counted()
        .of_lift(lift)
        .filter(analysis__session__athlete_id=athlete_id, camera_view=view)
        .select_related("analysis")
    )
    if baseline is None:  # most athletes: only reps compared before have anything to clear
        reps = reps.exclude(personal={}, personal_effect="")
    changed = []
    for rep in reps:
        comparison = personal_comparison(rep, baseline) or {}
        said = effect(comparison, rep.detected_faults, rep.fault_evidence, rep.verdict, rep.score)
        if (rep.personal, rep.personal_effect) != (comparison, said):
            rep.personal, rep.personal_effect = comparison, said
            changed.append(rep)
    Rep.objects.bulk_update(changed, ["personal", "personal_effect"])
    return len(changed)


def personal_refresh_for(reps: Iterable[Rep]) -> int:
    """`personal_refresh` for every (athlete, lift, camera view) of these reps (imported
    reps, of no athlete, have no baseline); returns how many reps changed."""
    rows = (
        Rep.objects.filter(pk__in=[rep.pk for rep in reps], analysis__isnull=False)
        .values_list("analysis__session__athlete_id", "analysis__exercise_detected", "camera_view")
        .distinct()
    )
    keys = {(athlete, lifts.of_exercise(seen).name, view) for athlete, seen, view in rows}
    return sum(personal_refresh(*key) for key in sorted(keys))
