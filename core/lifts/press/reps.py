"""What an overhead press rep is: the bar from the shoulders (the front rack) up to arms'
length overhead and back down, the body standing still; read on the hands' height against
the shoulders (Signals.curled = -hang, standing heights: about 0 in the rack, 0.35-0.45
overhead), so a span runs from the rack (`start`) to overhead (`lockout`) and back (`end`).

One of the seeds' other exercises: counted, not judged for form. No shared clip shows one:
the zones are the movement's own (the wrists at the shoulders, then a forearm and more above
them), checked on a synthetic set.
"""

from __future__ import annotations

import numpy as np

from core.lifts.base import Lockout, Seen
from core.lifts.curl.reps import STANDING_MIN
from core.lifts.posture import Posture
from core.reps.segment import RiseRule, Rises, candidate, when
from core.result import Exercise

RISE = RiseRule(
    signal="curled",
    noun="press",
    top_zone=0.30,  # the wrists this far above the shoulders (standing heights): overhead
    bottom_zone=0.08,  # at most this far above them: the bar in the rack
    edge_margin=0.10,
    start_window=45,  # grid frames (1.5 s) before the top to look for the start
    descent_margin=0.25,
    min_pull=6,  # grid frames (0.2 s): a faster press is the tracked pose jumping
    stood_up_bend=360.0,  # never: the arms bend by definition
    shallow_rise=0.25,
    lockout_window=15,
    partial_rise=0.05,
)
LOCKOUT = Lockout(0.0, 0.0, float("-inf"))  # no lockout is judged


def recognise(rises: Rises, knee_angles: np.ndarray | None) -> Seen:
    """Rises of the bar from the shoulders to overhead by a lifter standing still (a push
    press's dip is not a press: the shoulders go down)."""
    sig = rises.signals
    reps, refused = [], []
    for span in rises.spans:
        shoulders = sig.shoulder[span.start : span.end + 1]
        if np.isfinite(shoulders).any() and np.nanmin(shoulders) >= STANDING_MIN:
            reps.append(span)
            continue
        refused.append(
            candidate(span, "not_a_press", f"{when(span.lockout)}: the body moved: not a press.")
        )
    if not reps:
        return Seen([], None, refused)
    said = f"Overhead press, {len(reps)} reps: counted, not judged for form."
    return Seen(reps, Exercise("overhead_press", True, said), refused)


def likely(p: Posture) -> float:
    """How likely a set's posture makes it an overhead press: standing still, the hands
    travelling above the shoulders."""
    return (1.0 - p.lying_down) * (1.0 - p.down) * p.arms_travel * p.hands_overhead
