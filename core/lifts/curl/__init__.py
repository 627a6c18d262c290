"""The curl, one of the seeds' other exercises: recognised and its reps counted (reps.py),
not judged for form (no named faults; `form_judged` False: each rep says so)."""

from __future__ import annotations

from core.lifts.base import Lift
from core.lifts.curl.reps import LOCKOUT, RISE, likely, recognise

__all__ = ["CURL"]

CURL = Lift(
    name="curl",
    label="Curl",
    faults=(),
    rise=RISE,
    recognise=recognise,
    lockout=LOCKOUT,
    likely=likely,
    no_reps=(
        "No complete curl was found: the hands should come up to the shoulders and back "
        "down, with the arms and shoulders in view."
    ),
    in_view=("shoulders", "hands"),
    facts=("elbow",),
    chart_angles=("elbow",),
    form_judged=False,
)
