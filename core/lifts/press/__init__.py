"""The overhead press, one of the seeds' other exercises: recognised and its reps counted
(reps.py), not judged for form (no named faults)."""

from __future__ import annotations

from core.lifts.base import Lift
from core.lifts.curl.reps import LOCKOUT  # none judged, as the curl's
from core.lifts.press.reps import RISE, likely, recognise

__all__ = ["PRESS"]

PRESS = Lift(
    name="overhead_press",
    label="Overhead press",
    faults=(),
    rise=RISE,
    recognise=recognise,
    lockout=LOCKOUT,
    likely=likely,
    no_reps=(
        "No complete overhead press was found: the bar should go from the shoulders to "
        "arms' length overhead and back, with the arms and shoulders in view."
    ),
    in_view=("shoulders", "hands"),
    facts=("elbow",),
    chart_angles=("elbow",),
    form_judged=False,
)
