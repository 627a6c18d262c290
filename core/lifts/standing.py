"""What the standing lifts share: standing tall at the top. One fault, with one id, rule, cue
and tag, whichever standing lift it is named on (a pull's and a squat's), and the
joint angles a complete lockout opens to (their `Lockout`s).
"""

from __future__ import annotations

from typing import Any

from core.lifts.base import FaultSpec, Measure, RepData, Rule, evidence

HIP_MIN_DEG = 160  # hips this open at the top count as a complete lockout
KNEE_MIN_DEG = 150  # and knees this straight


def incomplete_lockout(rep: RepData, fault: FaultSpec) -> dict[str, Any] | None:
    """The hips' and knees' opening at the top, decided by kinematics' lockout_complete
    (None when the clip ends at the top: not seen)."""
    kin = rep.kinematics
    hip_top = kin.get("hip_angle_lockout_deg")
    if hip_top is None or kin.get("lockout_complete") is None:
        return None
    knee_top = kin.get("knee_angle_lockout_deg")
    knee_text = f"{knee_top:.0f}°" if knee_top is not None else "unseen"
    return evidence(
        fault.rule,
        hip_top,
        rep.top,
        f"At the top the hips opened to {hip_top:.0f}° and the knees to {knee_text} "
        f"(knees complete from {KNEE_MIN_DEG}°).",
    ) | {"detected": not kin.get("lockout_complete", True)}


# Decided by kinematics' lockout_complete (hips and knees open, shoulders up: the lift's
# LOCKOUT); not learnt. Not judged when the clip ends at the top.
INCOMPLETE_LOCKOUT = FaultSpec(
    id="incomplete_lockout",
    label="Incomplete lockout",
    rule=Rule("hip_angle_lockout_deg", HIP_MIN_DEG, True, "degrees"),
    limit_format="{:.0f}°",
    cue="Squeeze the glutes and stand tall at the top.",
    drill="Hip thrusts: 3 sets of 8, holding the top for 1 s with the glutes squeezed.",
    key=5,
    learnable=False,
    baseline=(Measure("incomplete_lockout", "hip angle at lockout", "°", 5.0),),
    measure=incomplete_lockout,
)
