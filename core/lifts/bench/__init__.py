"""The bench press: what its rep is (reps.py: lockout, to the chest, back to lockout, read
on the arms of a lifter lying down), and its named faults with their measures
(measures.py), default thresholds, sentences' limits, the cue a coach gives (the domain
notes' cues), and the views they can be judged from.

Default thresholds: no labelled bench set yet; each is set from what the three shared bench
clips read (k-minsik head end, nadaMarie and Jintao-Xu side) and the lift's mechanics, as
its comment says. Not learnt until coaches' tags give numbers.
"""

from __future__ import annotations

from core.lifts.base import FaultSpec, Lift, Measure, Rule
from core.lifts.bench import measures
from core.lifts.bench.reps import (
    LOCKOUT,
    LOCKOUT_ELBOW_MIN_DEG,
    RISE,
    bar_height,
    likely,
    recognise,
)

__all__ = ["BENCH", "FAULTS"]

FAULTS = (
    # The straighter elbow in the picture at the top after the press. Finished lockouts on
    # the shared clips read 150-178° (a 2D angle reads a straight arm seen at a slant a
    # little bent); 140° is a visible bend. From any view: an arm is seen from each.
    FaultSpec(
        id="bench_lockout_not_finished",
        label="Lockout not finished",
        rule=Rule("elbow_at_top_deg", LOCKOUT_ELBOW_MIN_DEG, True, "degrees"),
        limit_format="{:.0f}°",
        cue="Press all the way up until your elbows are straight.",
        drill=(
            "Pin presses from a few centimetres below lockout, 3 sets of 5, finishing with "
            "straight elbows."
        ),
        key=21,
        baseline=(Measure("bench_lockout_not_finished", "elbow at the top", "°", 6.0),),
        measure=measures.lockout_not_finished,
    ),
    # The hands' lowest above the shoulders, as a share of their height at lockout. Touches
    # on the shared clips read 0.2-0.35 (the bar rests on the chest, a chest's depth above
    # the shoulder joints); a bar stopping halfway reads 0.5 and more.
    FaultSpec(
        id="bar_not_to_chest",
        label="Bar not reaching the chest",
        rule=Rule("bar_height_at_bottom_lockout_share", 0.5, False, "share of lockout height"),
        limit_format="{:.0%}",
        cue="Bring the bar all the way down to your sternum.",
        drill="Paused bench presses: 1 s still on the chest, 3 sets of 3 at 60%.",
        key=22,
        baseline=(Measure("bar_not_to_chest", "bar height at the bottom", "share", 0.05),),
        measure=measures.bar_not_to_chest,
    ),
    # The wrists' progress on the press (each from its own lowest to highest in the rep,
    # so a camera's perspective on the near and far hand cancels): their greatest
    # difference. Even presses on the shared clips read up to ~0.3 (pose noise on a hand the
    # body hides); 0.4 is one hand 40% of the press behind. From the head end or the
    # front-3/4 only: from the side one wrist hides behind the other.
    FaultSpec(
        id="one_side_lagging",
        label="One side lagging",
        rule=Rule("wrist_progress_gap_max", 0.4, False, "share of the press"),
        limit_format="{:.0%}",
        cue="Squeeze the bar and press both hands up evenly.",
        drill="Single-arm dumbbell bench presses, 3 sets of 8 a side, the weaker side first.",
        key=23,
        views=("front", "oblique"),
        measure=measures.one_side_lagging,
    ),
    # Where the hands were at the chest along the shoulders-to-hips line (0 at the
    # shoulder joints, 1 at the hips). The bottom of the breastbone lies about 0.3-0.4 of
    # the way; 0.5 is the belly (solar plexus and below: k-minsik's own subtitle names it).
    # From the side only: from the head end the bar above the body shifts it in the picture.
    FaultSpec(
        id="touch_too_low",
        label="Touch point too low",
        rule=Rule("touch_along_torso_share", 0.5, False, "share of shoulders-to-hips"),
        limit_format="{:.0%}",
        cue="Touch the bar at the bottom of your breastbone, not on your belly.",
        drill=(
            "Paused bench presses with a light bar, touching the same spot every rep, 3 sets of 5."
        ),
        key=24,
        views=("side",),
        measure=measures.touch_too_low,
    ),
    # The same position near the neck: under 5% of the way the bar comes down on the
    # collarbones (the shared side clips touch at 0.2-0.3).
    FaultSpec(
        id="touch_too_high",
        label="Touch point too high",
        rule=Rule("touch_along_torso_share", 0.05, True, "share of shoulders-to-hips"),
        limit_format="{:.0%}",
        cue="Lower the bar to the bottom of your breastbone, not toward your neck.",
        drill=(
            "Paused bench presses with a light bar, elbows tucked under the bar, touching the same"
            " spot every rep, 3 sets of 5."
        ),
        key=25,
        views=("side",),
        measure=measures.touch_too_high,
    ),
    # The hips' rise above where they rest in the set, in torso lengths: glutes off the
    # bench lift the hip joints 10 cm or more (0.2 of a ~50 cm shoulders-to-hips); an arch
    # with the glutes down moves them little. The shared side clips read under 0.1.
    FaultSpec(
        id="hips_off_bench",
        label="Hips off the bench",
        rule=Rule("hips_rise_torso_lengths", 0.2, False, "torso lengths"),
        limit_format="{:.0%}",
        cue="Keep your glutes on the bench and drive through the floor.",
        drill=(
            "Bench presses with the feet planted and a 1 s pause, glutes on the bench throughout, "
            "3 sets of 5 at 60%."
        ),
        key=26,
        views=("side",),
        measure=measures.hips_off_bench,
    ),
)  # fmt: skip

BENCH = Lift(
    name="bench_press",
    label="Bench press",
    faults=FAULTS,
    rise=RISE,
    recognise=recognise,
    lockout=LOCKOUT,
    likely=likely,
    in_view=("shoulders", "hips", "hands"),  # the legs may be out of the picture
    variants=("paused_bench_press",),
    lying=True,
    bar=bar_height,
    bar_reads="the bar's height above the shoulders: 1 = arms locked out, 0 = at the chest",
    bar_unit="of the way up",
    facts=("elbow",),
    chart_angles=("elbow", "hip"),
    no_reps=(
        "No complete bench press rep was found: the bar should go from lockout down to the "
        "chest and back up, with the lifter's arms and torso in view."
    ),
)
