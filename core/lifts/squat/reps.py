"""What a squat rep is: standing, down through the bottom and back up to standing, seen as
how far the shoulders sank below their standing height above the ankles (Signals.sank, in
shares of standing height: 0 standing tall; a pull reads the same heights going up), so a
span runs from standing (`start`) through the bottom (`lockout`, the turn) to standing
(`end`: a rep the clip ends before the lifter stood up is not counted); with the
hands at the shoulders (a bar on the back or in the front rack), never hanging low; and
what a complete lockout is at the top.

The rise's numbers are read by the generic rise finder (core/reps/segment.py: find_rises),
`recognise` by the generic recogniser (core/lifts/recognise.py), `LOCKOUT` by
kinematics.rep_kinematics.

Shared clips (shoulder height / standing): TheSebitzu squat.mp4 (front) bottoms at 0.50,
domi-zc squat.mp4 (side) at 0.53-0.60, dillonloh squat_dillon*.mp4 at ~0.61-0.64; all stand
at 0.96-1.00 between reps. A squat to parallel bottoms near 0.70, a quarter squat near 0.85.
"""

from __future__ import annotations

import numpy as np

from core.lifts import standing
from core.lifts.base import Lockout, Seen
from core.lifts.posture import Posture
from core.reps.segment import RiseRule, Rises, candidate, hands_below_shoulders, when
from core.result import Exercise

RISE = RiseRule(
    signal="sank",  # read going down: a rep runs from standing through the bottom to standing
    noun="squat",
    # The bottom: below parallel depth (shoulders ~0.70 of standing) with room for a squat
    # cut a little high (judged as above_parallel, not left uncounted); a quarter squat
    # (~0.85) is not a rep.
    top_zone=0.22,
    # Standing: the clips stand at 0.96-1.00 (sank 0-0.04); 0.12 leaves room for a lifter
    # who does not finish (judged as incomplete_lockout) and for a pose's noise while a
    # quarter squat (0.15) is still on its way down.
    bottom_zone=0.12,
    edge_margin=0.10,  # rep start/end: within this share of the rep's depth of standing
    # grid frames (2.5 s) before the bottom to look for the standing start: a slow descent
    start_window=75,
    descent_margin=0.25,  # came back up this share of the way: the stand-up has begun
    min_pull=6,  # grid frames (0.2 s): a faster descent is the tracked pose jumping
    stood_up_bend=360.0,  # never: the arms stay bent on a bar at the shoulders
    shallow_rise=0.25,  # down less than a quarter of standing height: a doubt (half squat)
    lockout_window=15,  # grid frames (0.5 s) after the bottom in which the arms are looked at
    partial_rise=0.05,  # a shot opening this far above the bottom, going down: under way
)
# Hands no lower under the shoulders than this (standing heights) over the rise (the
# median): the bar at the shoulders (a pull's HANG_MIN, the other side of it). The
# squat clips' reps: -0.13 to 0.15.
HANDS_AT_SHOULDERS = 0.20
# Nor as low as a bar hanging in straight arms (~0.4) in nearly all of the rep (its 90th
# percentile, the top included, where a held bar hangs lowest): squat reps at most 0.21 (a
# mirrored, 202x360 clip: the far wrist tracked low); pulls another lift's recogniser does
# not count (a cut clip starting mid-pull, a mis-tracked pose) 0.43 and more.
HANDS_NEVER_BELOW = 0.30
HANDS_SHARE = 90  # percentile of the rep's frames

# A complete lockout: standing tall as at a pull's top (standing.py: one fault of the
# standing lifts), the shoulders back up where standing starts.
LOCKOUT = Lockout(standing.HIP_MIN_DEG, standing.KNEE_MIN_DEG, 1.0 - RISE.bottom_zone)


def recognise(rises: Rises, knee_angles: np.ndarray | None) -> Seen:
    """The rises with the hands kept at the shoulders are squat reps; a rise with the hands
    hanging low is a pull, not counted here. Front squat, high bar and low
    bar are all "squat": the pose does not tell them apart reliably (where the bar sits on
    the back is not a landmark)."""
    sig = rises.signals
    squats = []
    others = []
    for span in rises.spans:
        if not span.complete:  # a squat is done once the lifter stands: an unfinished one
            others.append(
                candidate(
                    span,
                    "not_finished",
                    f"{when(span.lockout)}: the clip ends before the lifter stood back up; "
                    "a squat counts once they stand.",
                )
            )
            continue
        hang = hands_below_shoulders(sig, span)
        rep = sig.hang[span.start : span.end + 1]
        low = np.nanpercentile(rep, HANDS_SHARE) if np.isfinite(rep).any() else np.nan
        if np.isfinite(hang) and hang < HANDS_AT_SHOULDERS and low < HANDS_NEVER_BELOW:
            squats.append(span)
        else:
            others.append(
                candidate(
                    span,
                    "not_a_squat",
                    f"{when(span.lockout)}: rose with the hands hanging below the shoulders "
                    "(or unseen), not with a bar at the shoulders.",
                )
            )
    if not squats:
        return Seen([], None, others)
    extra = f" {len(others)} other rise(s) did not look like a squat." if others else ""
    return Seen(squats, Exercise("squat", True, f"Squat, {len(squats)} reps.{extra}"), others)


def likely(p: Posture) -> float:
    """How likely a set's posture makes it a squat: standing, the shoulders going down with
    the hands at them (a bar on the back or in the rack)."""
    return (1.0 - p.lying_down) * p.down * p.hands_high
