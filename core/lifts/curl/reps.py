"""What a curl rep is: the arms hanging, the hands brought up to the shoulders and back
down, while the body stands still; read on how far the hands hang below the shoulders
(Signals.hang, standing heights: about 0.35 with the arms hanging, under 0.1 at the top),
turned so that up is a rise (`curled` = -hang): a span runs from the arms down (`start`) to
the top (`lockout`) and back down (`end`), as a pull's does.

The seeds' other exercises are counted, not judged for form: the platform has no named
faults for them; the rep card shows the elbows' range (kinematics).

Shared clip: jrplatin+FormFit/curl.mp4 (side, 5 curls): the hands hang 0.32-0.36 below
the shoulders at the bottom and 0.01-0.06 at the top; the shoulders stay at 0.99-1.00.
"""

from __future__ import annotations

import numpy as np

from core.lifts.base import Lockout, Seen
from core.lifts.posture import Posture
from core.reps.segment import RiseRule, Rises, candidate, when
from core.result import Exercise

RISE = RiseRule(
    signal="curled",
    noun="curl",
    top_zone=-0.15,  # the hands within 0.15 standing heights under the shoulders: curled up
    bottom_zone=-0.27,  # at least this far under them: the arms hanging
    edge_margin=0.10,
    start_window=45,  # grid frames (1.5 s) before the top to look for the start
    descent_margin=0.25,
    min_pull=6,  # grid frames (0.2 s): a faster curl is the tracked pose jumping
    stood_up_bend=360.0,  # never: the arms bend by definition
    shallow_rise=0.15,
    lockout_window=15,
    partial_rise=0.05,
)
# The body stands still through a curl: the shoulders at least this high (share of their
# standing height) in every seen frame of the rep; a squat's or a pull's go far lower.
STANDING_MIN = 0.88
LOCKOUT = Lockout(0.0, 0.0, float("-inf"))  # no lockout is judged


def standing_still(rises: Rises, name: str, label: str) -> Seen:
    """The rises of an arms-only exercise counted, not judged (the curl, the overhead
    press): those of a lifter standing still (the shoulders never under STANDING_MIN; a
    lifter lying down never reaches here: recognise.py, Lift.lying), the others refused."""
    sig = rises.signals
    reps, refused = [], []
    noun = label.lower()
    for span in rises.spans:
        shoulders = sig.shoulder[span.start : span.end + 1]
        if np.isfinite(shoulders).any() and np.nanmin(shoulders) >= STANDING_MIN:
            reps.append(span)
            continue
        refused.append(
            candidate(
                span,
                f"not_a_{name}",
                f"{when(span.lockout)}: the arms moved while the body did: not a {noun}.",
            )
        )
    if not reps:
        return Seen([], None, refused)
    said = f"{label}, {len(reps)} reps: counted, not judged for form."
    return Seen(reps, Exercise(name, True, said), refused)


def recognise(rises: Rises, knee_angles: np.ndarray | None) -> Seen:
    """Rises of the hands to the shoulders by a lifter standing still."""
    return standing_still(rises, "curl", "Curl")


def likely(p: Posture) -> float:
    """How likely a set's posture makes it a curl: standing still, the hands travelling
    up to the shoulders and down."""
    return (1.0 - p.lying_down) * (1.0 - p.down) * p.arms_travel * (1.0 - p.hands_overhead)
