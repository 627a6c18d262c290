"""What a clip shows, and its reps: each lift of the registry, in turn, is asked which of the
set's rises are its reps (`Lift.recognise`, on reps.segment.find_rises under its `rise`);
the first with reps names the exercise, with every lift's probability from the set's
posture (posture.py and `Lift.likely`: shown to people, beside the reps' own evidence,
which decides: a rise's hands tell a pull from a squat better than a whole set's posture
does on a badly tracked clip). A lift is handed only the rises its lifter's posture allows
(`Lift.lying`). When none has reps, the clip is told for what it looks like instead,
against the lifts asked: a squat (the shoulders rose with the hands at them), a curl (the
arms moved alone), or nothing.

The rise finder knows no lift (reps come before lifts); the lift's knowledge is handed to
it here, so what a rep is stays with its lift.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import numpy as np

from core.lifts import LIFTS
from core.lifts.base import Lift, Seen
from core.lifts.posture import (
    LYING_SHARE,
    LYING_THROUGHOUT,
    lying_during,
    lying_frames,
    posture,
    probabilities,
    stance_frames,
)
from core.reps.segment import (
    CandidateSpan,
    RepSpan,
    RiseRule,
    Rises,
    Segmentation,
    Signals,
    candidate,
    compute_signals,
    find_rises,
    hands_below_shoulders,
    when,
)
from core.result import Exercise

HANDS_AT_SHOULDERS = 0.20  # standing heights: hands no lower under the shoulders, no bar low
ARMS_AMPLITUDE = 0.15  # standing heights the wrists travel in a curl
ARMS_CYCLES = 4  # crossings of their middle height: two curls at least


def segment_reps(
    lm: np.ndarray,
    world: np.ndarray | None = None,
    knee_angles: np.ndarray | None = None,
    thumbs: np.ndarray | None = None,
    lifts: Iterable[Lift] | None = None,
) -> Segmentation:
    """The reps of a set on a 30 fps landmark track (M, 33, >=3), NaN where missing, and
    what the clip shows, asking `lifts` (the registry's by default) in turn; the
    probabilities are every registered lift's.
    `world` (M, 33, 3) world landmarks show the arms (a last rise never seen lowered counts
    unless the arms show the bar was not in the hands); `knee_angles` per grid frame (the
    better-seen knee, kinematics.body_angles) tell a lift's variants; `thumbs` (M, h, w)
    small grey frames (steps.thumbnail) show camera cuts."""
    judged = tuple(LIFTS.values() if lifts is None else lifts)
    if not judged:
        raise ValueError("No lift to recognise.")
    sig = compute_signals(lm, thumbs)  # once for every lift's rises, with the arms
    if not np.isfinite(sig.shoulder).any():
        return Segmentation([], Exercise("unknown", False, "No person was visible."), sig)
    # What lifts tell their rises (and variants) by beside the arms: lying down, the stance.
    sig.arms["lying"] = lying_frames(sig, world)
    sig.arms["stance"] = stance_frames(world, len(sig.shoulder))
    found: dict[RiseRule, Rises] = {}
    for lift in judged:
        if lift.rise not in found:
            found[lift.rise] = find_rises(lm, lift.rise, world, thumbs, signals=sig)
    seen_posture = posture(sig, world)
    pool = {lift.name: lift for lift in (*LIFTS.values(), *judged)}
    odds = probabilities({name: lift.likely(seen_posture) for name, lift in pool.items()})
    first: tuple[Rises, Seen] | None = None
    for lift in judged:
        rises, refused = _in_posture(found[lift.rise], lift)
        seen = lift.recognise(rises, knee_angles)
        seen.rejected = sorted(seen.rejected + refused, key=lambda c: c.start)
        if seen.spans and seen.exercise is not None:
            seen.exercise.probabilities = odds
            return _told(rises, seen.spans, seen.exercise, seen.rejected, lift.name)
        first = first or (rises, seen)
    rises, seen = first  # type: ignore[misc]  # told with the first lift's rejections
    exercise = _not_judged(rises, judged)
    exercise.probabilities = odds
    return _told(rises, [], exercise, seen.rejected, "")


def _in_posture(rises: Rises, lift: Lift) -> tuple[Rises, list[CandidateSpan]]:
    """The rises a lift may claim by its lifter's posture: a lying lift's (`Lift.lying`)
    those of a lifter lying down, a standing lift's all but those lying throughout (unknown:
    standing); and the rest refused with a sentence."""
    kept, refused = [], []
    for span in rises.spans:
        share = lying_during(rises.signals, span.start, span.end)
        if lift.lying:
            fits = share is not None and share >= LYING_SHARE
        else:
            fits = share is None or share < LYING_THROUGHOUT
        if fits:
            kept.append(span)
            continue
        body = "not lying down" if lift.lying and share is not None else "lying down"
        body = "unseen" if share is None else body
        refused.append(
            candidate(
                span,
                "posture",
                f"{when(span.lockout)}: a movement with the body {body}: not a "
                f"{lift.label.lower()}.",
            )
        )
    return replace(rises, spans=kept), refused


def _told(
    rises: Rises,
    spans: list[RepSpan],
    exercise: Exercise,
    rejected: list[CandidateSpan],
    lift: str,
) -> Segmentation:
    """The segmentation: a lift's reps (the shots' warnings, and one for a last rep cut off)
    or none, with every rise not counted in order."""
    warnings = list(rises.warnings) if spans else []
    if spans and not spans[-1].complete:
        warnings.append(
            f"Rep {len(spans)} is cut off by the end of the clip before it finished: it is "
            "counted, and its image is built from what there is."
        )
    uncounted = sorted(rises.missed + rejected, key=lambda c: c.start)
    return Segmentation(spans, exercise, rises.signals, warnings, uncounted, lift)


def _not_judged(rises: Rises, judged: tuple[Lift, ...]) -> Exercise:
    """What a clip with no judged lift's reps looks like, said against the lifts judged."""
    names = " or ".join(lift.label.lower() for lift in judged)
    asked = {lift.name for lift in judged}
    sig = rises.signals
    if "squat" not in asked and any(
        not hands_below_shoulders(sig, span) >= HANDS_AT_SHOULDERS for span in rises.spans
    ):
        return Exercise(
            "squat",
            False,
            f"This looks like a squat, not a {names}: the hands stay at the shoulders while "
            "the hips go down and up.",
        )
    if "curl" not in asked and _arms_cycle_alone(sig, rises.rule):
        return Exercise(
            "curl",
            False,
            f"This looks like a curl, not a {names}: the arms move while the hips and "
            "shoulders stay put.",
        )
    return Exercise(
        "unknown",
        False,
        f"No {names} rep was seen: no movement from start to finish of one.",
    )


def _arms_cycle_alone(sig: Signals, rule: RiseRule) -> bool:
    """Wrists travel up and down repeatedly while the shoulders stay at standing height
    (`rule`'s lockout zone)."""
    w = sig.wrist[np.isfinite(sig.wrist)]
    s = sig.shoulder[np.isfinite(sig.shoulder)]
    if len(w) < 30:
        return False
    amplitude = np.percentile(w, 95) - np.percentile(w, 5)
    centre = np.median(w)
    crossings = np.count_nonzero(np.diff(np.sign(w - centre)) != 0)
    return bool(
        amplitude > ARMS_AMPLITUDE
        and crossings >= ARMS_CYCLES
        and np.percentile(s, 5) > rule.top_zone
    )
