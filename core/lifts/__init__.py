"""The lifts the platform judges, one sub-package each, and their one registry. Plain
Python (no Django): the pipeline, the detector and the Django app all read a lift's
declarations here, so a fault id, its label, threshold and cue are written once.
"""

from __future__ import annotations

from core.lifts.base import FaultSpec, Lift, Measure, Rule
from core.lifts.deadlift import DEADLIFT

LIFTS: dict[str, Lift] = {lift.name: lift for lift in (DEADLIFT,)}

__all__ = ["LIFTS", "FaultSpec", "Lift", "Measure", "Rule", "all_faults", "get"]


def get(name: str) -> Lift:
    """The lift called `name` (KeyError for one the platform does not judge)."""
    return LIFTS[name]


def all_faults() -> tuple[FaultSpec, ...]:
    """Every lift's faults, each id once, in the coach's tag order (`FaultSpec.key`)."""
    seen: dict[str, FaultSpec] = {}
    for lift in LIFTS.values():
        for fault in lift.faults:
            seen.setdefault(fault.id, fault)
    return tuple(sorted(seen.values(), key=lambda f: f.key))
