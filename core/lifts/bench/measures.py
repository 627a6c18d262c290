"""The bench press's fault measures, one per fault (its `FaultSpec.measure`), read on what
the recogniser measured of the rep's arms and torso (reps.arms_of, the rep's evidence under
"bench"). Each returns the fault's evidence, or None when the rep does not show it (the
joints unseen, a rep moved by a coach and not measured, the clip ending before lockout):
then the rep says "not judged" for it. A lying body is hard for pose estimation, so each
reads the picture only where it holds: the arms from any view, the torso from the side.
"""

from __future__ import annotations

from typing import Any

from core.lifts.base import FaultSpec, RepData, evidence


def _bench(rep: RepData) -> dict[str, Any]:
    return rep.span.evidence.get("bench") or {}


def lockout_not_finished(rep: RepData, fault: FaultSpec) -> dict[str, Any] | None:
    """The straighter arm's elbow at the top after the press."""
    b = _bench(rep)
    if (elbow := b.get("elbow_top_deg")) is None:
        return None
    return evidence(
        fault.rule,
        elbow,
        b.get("top", rep.span.end),
        f"At the top of the press the straighter elbow opened to {elbow:.0f}°.",
    )


def bar_not_to_chest(rep: RepData, fault: FaultSpec) -> dict[str, Any] | None:
    """The bar's lowest, as a share of its height at lockout above the shoulders."""
    b = _bench(rep)
    if (height := b.get("bar_at_chest")) is None:
        return None
    return evidence(
        fault.rule,
        height,
        b.get("bottom", rep.span.lockout),
        f"At the bottom the hands were still {height:.0%} of their lockout height above the "
        "shoulders.",
    )


def one_side_lagging(rep: RepData, fault: FaultSpec) -> dict[str, Any] | None:
    """The greatest difference between the two wrists' progress on the press."""
    b = _bench(rep)
    if (lag := b.get("lag")) is None:
        return None
    return evidence(
        fault.rule,
        lag,
        b.get("lag_at", rep.span.lockout),
        f"On the press one hand was {lag:.0%} of the way behind the other.",
    )


def touch_too_low(rep: RepData, fault: FaultSpec) -> dict[str, Any] | None:
    """Where the hands were at the chest along the shoulders-to-hips line."""
    b = _bench(rep)
    if (along := b.get("along_at_chest")) is None:
        return None
    return evidence(
        fault.rule,
        along,
        b.get("bottom", rep.span.lockout),
        f"The bar came down {along:.0%} of the way from the shoulders to the hips.",
    )


def touch_too_high(rep: RepData, fault: FaultSpec) -> dict[str, Any] | None:
    """The same position as touch_too_low, under its own threshold."""
    return touch_too_low(rep, fault)


def hips_off_bench(rep: RepData, fault: FaultSpec) -> dict[str, Any] | None:
    """The hips' greatest rise over the rep above where they rest in the set."""
    b = _bench(rep)
    if (up := b.get("hips_up")) is None:
        return None
    return evidence(
        fault.rule,
        up,
        b.get("hips_at", rep.span.lockout),
        f"The hips rose {up:.0%} of the torso's length above where they rest on the bench.",
    )
