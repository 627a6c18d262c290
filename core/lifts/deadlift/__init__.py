"""The deadlift: what its rep is (reps.py: the rise, how a pull is told from a squat's rise,
a complete lockout), and its named faults with their measures (measures.py), default
thresholds, sentences' limits, the cue a coach gives, and the views they can be judged from.

Default thresholds: set between the labelled sets of ../shared (`0016c` correct, `0016h`
hips first, `0016k` knee dominant, `0016r` rounded back) where the literature gives no
number, and leave-one-set-out checked by scripts/bench_verdicts.py.
"""

from __future__ import annotations

from core.lifts.base import FaultSpec, Lift, Measure, Rule
from core.lifts.deadlift import measures
from core.lifts.deadlift.reps import (
    LOCKOUT,
    RISE,
    likely,
    recognise,
)
from core.lifts.standing import INCOMPLETE_LOCKOUT

__all__ = ["DEADLIFT", "FAULTS"]

FAULTS = (
    # Hips and shoulders rise together off the floor (the back angle holds); hips first
    # leave the shoulders behind. Labelled sets: hips-first 0.03-0.24, correct 0.32-0.54.
    FaultSpec(
        id="hips_rise_first",
        label="Hips rise first",
        rule=Rule("shoulder_rise_at_hips_40pct", 0.22, True, "share of its rise"),
        limit_format="{:.0%}",
        cue="Push the floor away: hips and shoulders rise together.",
        drill=(
            "Paused deadlifts: stop 2 cm off the floor for 2 s with the chest up, 3 sets of 3 at "
            "60%."
        ),
        key=2,
        baseline=(Measure("hips_rise_first", "shoulders' rise when the hips are 40% up",
                          "share", 0.08),),
        measure=measures.hips_rise_first,
    ),
    # A squat-like start: an upright trunk (and bent knees, measures.KNEE_BENT_DEG).
    # A conventional deadlift starts at 40-60 degrees of trunk lean; knee-dominant set 14-17.
    FaultSpec(
        id="knee_dominant",
        label="Knee dominant",
        rule=Rule("trunk_lean_at_bottom_deg", 25.0, True, "degrees from vertical"),
        limit_format="{:.0f}°",
        cue="Hips back, shins more vertical.",
        drill=(
            "Romanian deadlifts: push the hips back with soft knees until the bar passes the "
            "knees, 3 sets of 8, light."
        ),
        key=6,
        baseline=(
            Measure("knee_dominant", "trunk lean at the bottom", "°", 5.0),
            Measure("knee_angle_bottom", "knee angle at the bottom", "°", 6.0,
                    field="knee_angle_deg"),
        ),
        measure=measures.knee_dominant,
        requires=measures.knees_bent,
    ),
    # The back's outline bulging above straight off the floor (pose/back.py), median
    # over the pull's first half. Rounded-back set 0.019-0.054 (8 of 10 above); correct set
    # from the side at most 0.012 and from the front-3/4 0.023-0.036; other lifters' good
    # reps up to 0.041 (segmentation, clothing), their bad ones up to 0.155. From the front
    # the silhouette's edge is a flank, not the back.
    FaultSpec(
        id="rounded_back",
        label="Rounded back",
        rule=Rule("back_bulge_early_pull_trunk_lengths", 0.035, False, "trunk lengths"),
        limit_format="{:.1%}",
        cue="Chest up: pull the slack out of the bar before it leaves the floor.",
        drill=(
            "Pull the bar until it clicks against the plates before every rep; add 3 sets of 10 "
            "back extensions."
        ),
        key=1,
        views=("side", "oblique"),
        baseline=(Measure("rounded_back", "back's outline off the floor", "trunk lengths",
                          0.012),),
        measure=measures.rounded_back,
    ),
    INCOMPLETE_LOCKOUT,  # standing tall at the top (standing.py), shared with the squat
    # The hands (bar) farther forward of mid-foot than a bar touching the legs can be
    # (~50 cm for a 1.7 m lifter). No labelled drift set: correct reps 0.11-0.16, other
    # lifters' good reps up to 0.32, the two clear drifts of their bad ones 0.42 and 0.49.
    FaultSpec(
        id="bar_drift",
        label="Bar drift",
        rule=Rule("bar_forward_of_mid_foot_max_body_heights", 0.30, False, "standing heights"),
        limit_format="{:.2f}",
        cue="Keep the bar against your legs all the way up.",
        drill=(
            "Deadlifts with a 2 s pause just below the knee, bar touching the legs, 3 sets of 3 at"
            " 60%."
        ),
        key=3,
        baseline=(Measure("bar_drift", "bar forward of mid-foot", "standing heights", 0.04),),
        measure=measures.bar_drift,
    ),
    # The bar stalls mid-pull: slower than a fifth of its top speed for this long.
    FaultSpec(
        id="jerky",
        label="Jerky",
        rule=Rule("longest_stall_s", 0.2, False, "seconds"),
        limit_format="{:.2f} s",
        cue="Keep the bar moving: push through the floor until you stand tall.",
        drill="Tempo deadlifts: 3 s up, the bar moving the whole way, 3 sets of 3 at 60%.",
        key=4,
        measure=measures.jerky,
    ),
)  # fmt: skip

DEADLIFT = Lift(
    name="deadlift",
    label="Deadlift",
    faults=FAULTS,
    rise=RISE,
    recognise=recognise,
    lockout=LOCKOUT,
    likely=likely,
    variants=("romanian_deadlift", "sumo_deadlift"),
    no_reps=(
        "No complete deadlift rep was found: the bar should start on the floor and reach "
        "lockout, with the whole body in view."
    ),
)
