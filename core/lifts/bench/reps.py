"""What a bench press rep is: from lockout (arms straight above the chest) down to the chest
and back to lockout, read on the arms (a lying lifter's shoulders do not rise): the bar's
way down from its highest above the shoulders (Signals.bar_lowered: 0 at lockout, 1 with
the wrists at shoulder level; a touch reads about 0.65-0.8 on the shared clips). The generic
rise finder (core/reps/segment.py: find_rises) reads this series under RISE, so its "rise"
is the lowering: a span runs from lockout (`start`) through the chest (`lockout`, the turn
of the rep) back to lockout (`end`). Unracking and re-racking are no reps: they never reach
the chest zone from a lockout.

`recognise` counts the rises of a lifter lying down (the torso near horizontal in the picture
or in depth: posture.py) and refuses the others; it measures each rep's arms for the
faults (measures.py) into its evidence under "bench".
"""

from __future__ import annotations

import numpy as np

from core.lifts.base import Lockout, Seen
from core.lifts.posture import Posture
from core.reps.segment import RepSpan, RiseRule, Rises, Signals
from core.result import Exercise

RISE = RiseRule(
    top_zone=0.35,  # the bar this far down from lockout (share of its height): at the chest
    bottom_zone=0.15,  # at most this far down: locked out
    edge_margin=0.10,  # rep start/end: within this share of the rep's range of lockout
    start_window=60,  # grid frames (2 s): a controlled descent takes 1-2 s
    descent_margin=0.25,  # pressed back up this share of the way: the press has begun
    min_pull=10,  # grid frames (0.33 s): a faster descent is the tracked pose jumping (the
    # shared clips lower the bar in 0.8-4 s; a mirrored copy of one briefly swaps the arms)
    stood_up_bend=360.0,  # never: the arms are bent at the chest by definition
    shallow_rise=0.5,  # down less than half the way: a doubt (the bar may not touch)
    lockout_window=15,  # grid frames (0.5 s) after the chest in which the arms are looked at
    partial_rise=0.05,
    signal="bar_lowered",
    noun="press",
)
# A paused bench press holds the bar still on the chest (a competition pause lasts until the
# "press" command, about a second): within 5% of the rep's depth of its lowest for at least
# this many grid frames (1 s). The shared touch-and-go reps stay there 0.1-0.7 s.
PAUSE_FRAMES = 30
# The straighter arm's elbow in the picture this open at the top: the press is finished
# (kinematics' lockout_complete reads a standing lift's hips; the bench's lockout is a fault's).
LOCKOUT_ELBOW_MIN_DEG = 140.0
# kinematics.rep_kinematics reads a Lockout (hips, knees, shoulders' height): a bench's
# lockout is the arms', judged by the lockout fault, so none of those is asked of it.
LOCKOUT = Lockout(0.0, 0.0, float("-inf"))
TOP_WINDOW = 6  # grid frames either side of a rep's start/end where its lockout is read
BOTTOM_WINDOW = 2  # grid frames either side of the chest where the touch is read


def _at(x: np.ndarray, a: int, b: int, how) -> float | None:
    seg = x[max(a, 0) : max(b, 0)]
    seg = seg[np.isfinite(seg)]
    return float(how(seg)) if len(seg) else None


def _progress(x: np.ndarray) -> np.ndarray:
    """A wrist's way through the rep, 0 at its lowest, 1 at its highest."""
    lo, hi = np.nanmin(x), np.nanmax(x)
    return (x - lo) / (hi - lo) if hi - lo > 1e-6 else np.full(len(x), np.nan)


def arms_of(sig: Signals, span: RepSpan) -> dict[str, float | int | None]:
    """What the arms and the torso show over one rep (measures.py reads it): the elbows at
    the finishing lockout, the bar's height at the chest, where it touched along the
    torso, the two wrists' greatest difference in progress on the press, the hips' rise."""
    arms, s, k, e = sig.arms, span.start, span.lockout, span.end
    out: dict[str, float | int | None] = {"bottom": k}
    straighter = np.fmax(arms["elbow_left"], arms["elbow_right"])
    top = (e - TOP_WINDOW, e + TOP_WINDOW + 1) if span.complete else None
    out["elbow_top_deg"] = _at(straighter, *top, np.max) if top else None
    if top and out["elbow_top_deg"] is not None:
        seg = straighter[max(top[0], 0) : top[1]]
        out["top"] = max(top[0], 0) + int(np.nanargmax(seg))
    lowest = _at(sig.bar_lowered, s, e + 1, np.max)
    out["bar_at_chest"] = None if lowest is None else 1.0 - lowest
    out["along_at_chest"] = _at(arms["along"], k - BOTTOM_WINDOW, k + BOTTOM_WINDOW + 1, np.median)
    left, right = arms["press_left"][k : e + 1], arms["press_right"][k : e + 1]
    lag = None
    if np.isfinite(left).sum() >= 5 and np.isfinite(right).sum() >= 5:
        gap = np.abs(_progress(left) - _progress(right))
        if np.isfinite(gap).any():
            lag = float(np.nanmax(gap))
            out["lag_at"] = k + int(np.nanargmax(gap))
    out["lag"] = lag
    hips = arms["hips_up"]
    if np.isfinite(hips[s : e + 1]).any():
        base = float(np.nanmedian(hips))  # the set's: hips resting on the bench
        out["hips_up"] = float(np.nanmax(hips[s : e + 1])) - base
        out["hips_at"] = s + int(np.nanargmax(hips[s : e + 1]))
    else:
        out["hips_up"] = None
    return {key: (round(v, 3) if isinstance(v, float) else v) for key, v in out.items()}


def recognise(rises: Rises, knee_angles: np.ndarray | None) -> Seen:
    """The rises (lowerings to the chest and back) are bench press reps: recognise.py hands
    a lying lift only those of a lifter lying down (`Lift.lying`), so a standing body's arms
    moving (a curl, an overhead press, a pull's hands) never reach here."""
    sig = rises.signals
    tilt = sig.arms.get("tilt")
    reps = list(rises.spans)
    if not reps:
        return Seen([])
    for span in reps:
        angle = _at(tilt, span.start, span.end + 1, np.median) if tilt is not None else None
        if angle is not None:
            span.evidence["torso_from_horizontal_deg"] = round(angle, 1)
        span.evidence["bench"] = arms_of(sig, span)
    if sum(_paused(sig.bar_lowered, span) for span in reps) > len(reps) / 2:
        said = f"Paused bench press (a variant: the bar held on the chest), {len(reps)} reps."
        return Seen(reps, Exercise("paused_bench_press", True, said))
    said = f"Bench press, {len(reps)} reps (lying, to the chest)."
    return Seen(reps, Exercise("bench_press", True, said))


def _paused(lowered: np.ndarray | None, span: RepSpan) -> bool:
    """The bar held at the chest for PAUSE_FRAMES or longer in this rep."""
    if lowered is None:
        return False
    rep = lowered[span.start : span.end + 1]
    if not np.isfinite(rep).any():
        return False
    top, low = np.nanmin(rep), np.nanmax(rep)
    return int(np.sum(rep >= low - 0.05 * (low - top))) >= PAUSE_FRAMES


def likely(p: Posture) -> float:
    """How likely a set's posture makes it this lift: lying down."""
    return p.lying_down


def bar_height(sig: Signals) -> np.ndarray:
    """The bar's height above the shoulders as a share of the press (1 at lockout, 0 with
    the wrists at shoulder level): a lying lifter's wrists in standing heights say nothing."""
    lowered = sig.bar_lowered if sig.bar_lowered is not None else np.full(len(sig.wrist), np.nan)
    return 1.0 - lowered
