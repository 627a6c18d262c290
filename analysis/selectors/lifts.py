"""Which lift a set is, as people are told: what the athlete said, what the analysis saw,
and the sentence when the two differ (the set is then analysed as what was seen, with
"analyse as" the lift that was said one click away)."""

from __future__ import annotations

from typing import Any

from analysis.models import Analysis, AnalysisStatus
from core import lifts
from sets.models import Exercise, TrainingSession


def _label(name: str) -> str:
    return lifts.get(name).label.lower() if name in lifts.LIFTS else name.replace("_", " ")


def lift_odds(analysis: Analysis | None) -> list[tuple[str, int]]:
    """How likely each lift looked, (label, whole percent), likeliest first; "something
    else" for none of them; lifts under 1% left out. Empty before an analysis said it."""
    odds = lift_probabilities(analysis)
    named = {name: ("something else" if name == "other" else _label(name)) for name in odds}
    shown = [(named[name], round(100 * p)) for name, p in odds.items()]
    return [(label, pct) for label, pct in shown if pct >= 1]


def lift_probabilities(analysis: Analysis | None) -> dict[str, float]:
    """The analysis' probability per lift (and "other"), likeliest first: stored as JSON,
    whose keys a database may reorder (PostgreSQL's jsonb does)."""
    odds = analysis.lift_probabilities if analysis is not None else {}
    return dict(sorted(odds.items(), key=lambda kv: -kv[1]))


def lift_told(session: TrainingSession, analysis: Analysis | None) -> dict[str, Any]:
    """`note`: the sentence when the athlete said one lift and the analysis saw another
    ("" otherwise); `analyse_as`: the lifts it may be analysed as instead, (value, label);
    `odds`: how likely each lift looked (lift_odds); `variant`: the variant of its lift it
    was recognised as (a variant's name, spaced; "" for the lift itself), judged as the lift."""
    seen = ""
    finished = analysis is not None and analysis.status in (
        AnalysisStatus.DONE,
        AnalysisStatus.FAILED,
    )
    if finished and analysis.exercise_detected:
        seen = lifts.of_exercise(analysis.exercise_detected).name
        if analysis.status == AnalysisStatus.FAILED and analysis.exercise_detected not in (
            name for lift in lifts.LIFTS.values() for name in (lift.name, *lift.variants)
        ):
            seen = ""  # no lift it judges was seen: the failure says what was
    note = ""
    if seen and session.exercise_chosen and seen != session.exercise and not analysis.lift_forced:
        note = (
            f"You said this is a {_label(session.exercise)}, but it looks like a "
            f"{_label(seen)}: it was analysed as a {_label(seen)}."
        )
    current = analysis.lift_forced or seen if analysis is not None else ""
    choices = [(value, label) for value, label in Exercise.choices if value != current]
    detected = analysis.exercise_detected if finished else ""
    variant = detected if seen and detected != seen else ""  # a variant of its lift
    return {
        "note": note,
        "analyse_as": choices if finished else [],
        "odds": lift_odds(analysis) if finished else [],
        "variant": variant.replace("_", " "),
    }
