"""What a deadlift rep is: a pull from the floor to lockout, seen as the shoulders' height
above the ankles (in standing heights: about 0.9 at lockout and 0.4-0.6 at the bottom of
any deadlift, whatever the camera distance or position), with the bar hanging in the hands;
and what a complete lockout is.

The rise's numbers are read by the generic rise finder (core/reps/segment.py: find_rises),
`recognise` by the generic recogniser (core/lifts/recognise.py), `LOCKOUT` by
kinematics.rep_kinematics.
"""

from __future__ import annotations

import numpy as np

from core.lifts import standing
from core.lifts.base import Lockout, Seen
from core.lifts.posture import Posture
from core.reps.segment import RiseRule, Rises, candidate, hands_below_shoulders, when
from core.result import Exercise

RISE = RiseRule(
    top_zone=0.85,  # shoulder height / standing shoulder height at or above: locked out
    bottom_zone=0.70,  # at or below: at the bottom
    edge_margin=0.10,  # rep start/end: within this share of the rep's range of the bottom
    start_window=45,  # grid frames (1.5 s) before the lockout zone to look for the start
    descent_margin=0.25,  # came down this share of the rise again: a lowering has begun
    min_pull=6,  # grid frames (0.2 s): a faster "pull" is the tracked pose jumping
    stood_up_bend=8.0,  # degrees: arms at the top this much more bent than in every pull
    shallow_rise=0.4,  # shoulders rising less than this share of standing height: shallow
    lockout_window=15,  # grid frames (0.5 s) after lockout in which the arms are looked at
    partial_rise=0.05,  # a shot opening this far below its peak, rising to it: under way
)
HANG_MIN = 0.20  # hands this far (standing heights) below the shoulders: holding a bar low
KNEE_STRAIGHT_DEG = 145  # bottom knee angle above which the pull is a Romanian deadlift
# The ankles this many shoulder widths apart over the pulls (posture.stance_frames, the
# median over each pull, then over the set's): a sumo stance. The shared conventional and
# kettlebell pulls stand 0.4-1.6 apart; a sumo puller's feet are about twice the
# shoulders' width apart.
SUMO_STANCE = 1.8

# A complete lockout: standing tall (standing.py), the shoulders in the top zone.
LOCKOUT = Lockout(standing.HIP_MIN_DEG, standing.KNEE_MIN_DEG, RISE.top_zone)


def recognise(rises: Rises, knee_angles: np.ndarray | None) -> Seen:
    """The rises with the hands hanging well below the shoulders (holding the bar) are
    deadlift reps; in a back squat they stay at the shoulders. Knees nearly straight at the
    bottom of most pulls: the Romanian deadlift, judged alike."""
    sig = rises.signals
    deadlifts = []
    not_pulls = []
    for span in rises.spans:
        if hands_below_shoulders(sig, span) >= HANG_MIN:
            deadlifts.append(span)
        else:
            not_pulls.append(
                candidate(
                    span,
                    "not_a_pull",
                    f"{when(span.lockout)}: rose with the hands at "
                    "the shoulders, not holding a bar low (a squat's rise).",
                )
            )
    if not deadlifts:
        return Seen([], None, not_pulls)
    bottoms = []
    if knee_angles is not None:
        bottoms = [knee_angles[s.start] for s in deadlifts if np.isfinite(knee_angles[s.start])]
    if bottoms and np.median(bottoms) > KNEE_STRAIGHT_DEG:
        exercise = Exercise(
            "romanian_deadlift",
            True,
            f"Romanian deadlift (a variant: knees nearly straight at the bottom), "
            f"{len(deadlifts)} reps.",
        )
        return Seen(deadlifts, exercise, not_pulls)
    squats = len(not_pulls)
    extra = f" {squats} other rise(s) did not look like a deadlift." if squats else ""
    stance = sig.arms.get("stance")
    pulls = [] if stance is None else [stance[s.start : s.lockout + 1] for s in deadlifts]
    wide = [float(np.nanmedian(p)) for p in pulls if np.isfinite(p).any()]
    if wide and np.median(wide) >= SUMO_STANCE:
        exercise = Exercise(
            "sumo_deadlift",
            True,
            f"Sumo deadlift (a variant: feet {np.median(wide):.1f} shoulder widths apart), "
            f"{len(deadlifts)} reps.{extra}",
        )
        return Seen(deadlifts, exercise, not_pulls)
    exercise = Exercise("deadlift", True, f"Deadlift, {len(deadlifts)} reps.{extra}")
    return Seen(deadlifts, exercise, not_pulls)


def likely(p: Posture) -> float:
    """How likely a set's posture makes it a pull: standing, the shoulders going down with
    the bar hanging in the hands."""
    return (1.0 - p.lying_down) * p.down * p.hands_low
