"""What an overhead press rep is: the bar from the shoulders (the front rack) up to arms'
length overhead and back down, the body standing still; read on the hands' height against
the shoulders (Signals.curled = -hang, standing heights: about 0 in the rack, 0.35-0.45
overhead), so a span runs from the rack (`start`) to overhead (`lockout`) and back (`end`).

One of the seeds' other exercises: counted, not judged for form. No shared clip shows one:
the zones are the movement's own (the wrists at the shoulders, then a forearm and more above
them), checked on a synthetic set.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from core.lifts.base import Seen
from core.lifts.curl.reps import RISE as CURL_RISE
from core.lifts.curl.reps import standing_still
from core.lifts.posture import Posture
from core.reps.segment import Rises

RISE = replace(
    CURL_RISE,  # read as the curl's, on the hands' height against the shoulders, higher up
    noun="press",
    top_zone=0.30,  # the wrists this far above the shoulders (standing heights): overhead
    bottom_zone=0.08,  # at most this far above them: the bar in the rack
    shallow_rise=0.25,
)


def recognise(rises: Rises, knee_angles: np.ndarray | None) -> Seen:
    """Rises of the bar from the shoulders to overhead by a lifter standing still (a push
    press's dip is not a press: the shoulders go down)."""
    return standing_still(rises, "overhead_press", "Overhead press")


def likely(p: Posture) -> float:
    """How likely a set's posture makes it an overhead press: standing still, the hands
    travelling above the shoulders."""
    return (1.0 - p.lying_down) * (1.0 - p.down) * p.arms_travel * p.hands_overhead
