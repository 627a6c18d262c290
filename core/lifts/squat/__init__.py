"""The squat: what its rep is (reps.py: standing, through the bottom, back to standing, the
bar at the shoulders; a complete lockout), and its named faults with their measures
(measures.py), default thresholds, sentences' limits, the cue a coach gives, and the views
they can be judged from. Front squat, high bar and low bar are all judged as "squat".

No labelled squat sets yet: the thresholds are the coach's rules (the powerlifting depth
rule; hips and shoulders rising together), checked on the shared squat clips
(TheSebitzu squat.mp4, domi-zc squat.mp4, dillonloh squat_dillon*.mp4), all of lifters
squatting to depth without an obvious fault.
"""

from __future__ import annotations

from core.lifts.base import FaultSpec, Lift, Measure, Rule
from core.lifts.squat import measures
from core.lifts.squat.reps import LOCKOUT, RISE, likely, recognise
from core.lifts.standing import INCOMPLETE_LOCKOUT

__all__ = ["FAULTS", "SQUAT"]

FAULTS = (
    # The powerlifting rule: the hip crease below the top of the knee at the bottom. The
    # rule's two surfaces (the leg's top at the hip, the top of the knee) sit a few cm alike
    # above the hip and knee joints the pose gives, so the joints compare as the surfaces:
    # a fault with the hip joint above the knee joint (the thigh above parallel); 0.02
    # standing heights (~3 cm) of room for the landmarks' noise. Shared clips' reps to depth:
    # -0.13 to -0.02 (TheSebitzu front, below parallel; domi-zc side, at parallel and just
    # under); squat_dillon.mp4 reads +0.08 with the hips hidden behind the plates at the
    # bottom (the other app drawn on it says "Good depth hit"): a false alarm of occlusion.
    FaultSpec(
        id="above_parallel",
        label="Not deep enough",
        rule=Rule("hip_above_knee_at_bottom_body_heights", 0.02, False, "standing heights"),
        limit_format="{:.2f}",
        cue="Sit down until the hip crease is below the top of the knee.",
        drill=(
            "Box squats to a box just below parallel, 3 sets of 5; goblet squats held 3 s at the "
            "bottom."
        ),
        key=11,
        baseline=(Measure("above_parallel", "hips above the knees at the bottom",
                          "standing heights", 0.02),),
        measure=measures.depth,
    ),
    # Out of the bottom hips and shoulders rise together (the trunk's angle holds); the chest
    # falling while the hips shoot up leaves the shoulders behind, a "good-morning squat".
    # Rising together the shoulders are ~40% up when the hips are: the shared clips' reps
    # 0.37-0.59. A fault below 0.25: the pull's hips-first sets read 0.03-0.24 on the
    # same measure (the chest left behind, which a coach sees), its correct ones from 0.32.
    FaultSpec(
        id="hips_shoot_up",
        label="Hips shoot up",
        rule=Rule("shoulder_rise_at_hips_40pct_out_of_bottom", 0.25, True, "share of its rise"),
        limit_format="{:.0%}",
        cue="Drive the chest up out of the bottom: hips and shoulders rise together.",
        drill=(
            "Pause squats: 2 s at the bottom, then drive the chest and hips up together, 3 sets of"
            " 3 at 60%."
        ),
        key=12,
        baseline=(Measure("hips_shoot_up", "shoulders' rise when the hips are 40% up",
                          "share", 0.08),),
        measure=measures.hips_shoot_up,
    ),
    # Knees caving in (valgus), from the front: at the bottom the knees drawn together over
    # the feet. Knees tracking over the toes keep their distance apart or widen it as they
    # bend (the shared front squat: 1.28-1.38 of standing); a fault under 0.90, the knees
    # drawn in by a tenth of their standing width (beyond the landmarks' noise).
    FaultSpec(
        id="knees_cave",
        label="Knees cave in",
        rule=Rule("knee_width_bottom_over_standing", 0.90, True, "share of standing"),
        limit_format="{:.0%}",
        cue="Push the knees out over the toes all the way down and up.",
        drill="Squats with a light band above the knees, pushing it apart, 3 sets of 8.",
        key=13,
        views=("front",),
        baseline=(Measure("knees_cave", "knees apart at the bottom, of standing",
                          "share", 0.05),),
        measure=measures.knees_cave,
    ),
    # Shifting to one side, from the front: the hips drifting over one foot on the way
    # down. A fault above a quarter of the stance's width (the shared front squat moves
    # under a tenth).
    FaultSpec(
        id="shift",
        label="Shifts to one side",
        rule=Rule("hip_shift_bottom_stance_widths", 0.25, False, "stance widths"),
        limit_format="{:.0%}",
        cue="Sit straight down between the feet: weight even on both.",
        drill=(
            "Goblet squats facing a mirror, weight even on both feet, 3 sets of 8; split squats "
            "for the weaker leg."
        ),
        key=14,
        views=("front",),
        baseline=(Measure("shift", "hips moved to one side at the bottom", "stance widths",
                          0.05),),
        measure=measures.shift,
    ),
    # Heels lifting, from the side: the heel rising off the floor against the toes at the
    # bottom (weight on the toes). A foot flat on the floor keeps it, but the feet's
    # landmarks are noisy: the shared side squats, heels down, read -0.003 to 0.061 (the
    # most on a 202x360 phone clip). A fault above 0.07 standing heights (~12 cm): a heel
    # clearly off the floor only.
    FaultSpec(
        id="heels_lift",
        label="Heels lift",
        rule=Rule("heel_rise_at_bottom_body_heights", 0.07, False, "standing heights"),
        limit_format="{:.2f}",
        cue="Keep the whole foot down: weight over mid-foot, heels pressing the floor.",
        drill=(
            "Goblet squats holding the bottom for 5 s with the heels flat; knee-to-wall ankle "
            "stretch, 2 sets of 10 a side."
        ),
        key=15,
        views=("side", "oblique"),
        baseline=(Measure("heels_lift", "heel raised at the bottom", "standing heights",
                          0.01),),
        measure=measures.heels_lift,
    ),
    # Standing tall at the top: one fault of the standing lifts (standing.py), decided by
    # kinematics' lockout_complete under the squat's LOCKOUT (reps.py).
    INCOMPLETE_LOCKOUT,
)  # fmt: skip

SQUAT = Lift(
    name="squat",
    label="Squat",
    faults=FAULTS,
    rise=RISE,
    recognise=recognise,
    lockout=LOCKOUT,
    likely=likely,
    variants=(),
    no_reps=(
        "No complete squat rep was found: stand tall, squat down and stand back up, with the "
        "whole body in view."
    ),
)
