"""Reps: each pull from the bottom to lockout, found on body-relative signals at 30 fps.

The signal is the shoulders' height above the ankles in standing heights: about 0.9 at
lockout and 0.4-0.6 at the bottom of any deadlift, whatever the camera distance or position.
Hysteresis between a bottom zone and a lockout zone makes setup wobbles, lockout holds,
walking and waving (shoulders stay put) count nothing. Each rise is then checked for what the
hands do: in a deadlift they hang well below the shoulders (holding the bar), in a back squat
they stay at the shoulders; arms moving alone with the shoulders still is a curl.

Rules a coach can check, each for a reason rather than a clip (see scripts/eval_rep_counts.py
for what they do on the shared clips and on clips cut from them):
- Reps are counted within a shot: a camera cut (the whole picture changing at once) starts a
  new one, each on its own scale, and a rise never spans a cut.
- A last rise the clip never sees lowered counts (its lowering was cut off), unless the arms
  bent at the top more than in every earlier pull of the set: hands free, the lifter stood
  up after setting the bar down. Nothing else depends on where in the clip a rise lies.
- A pull whose start is not in the clip, a rise faster than any pull (the tracked pose
  jumping) and a rise with the hands at the shoulders are not counted.
Rises not counted are kept as candidates with the reason; each rep carries its evidence and
a confidence (lower for a lowering cut off, a shallow or very fast rise, missing poses).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from core.pose import landmarks as L
from core.result import Exercise
from core.video.timebase import FPS

TOP_ZONE = 0.85  # shoulder height / standing shoulder height at or above: locked out
BOTTOM_ZONE = 0.70  # at or below: at the bottom
EDGE_MARGIN = 0.10  # rep start/end: within this share of the rep's range of the bottom
START_WINDOW = 45  # grid frames (1.5 s) before lockout zone to look for the rep's start
DESCENT_MARGIN = 0.25  # came down this share of the rise again: a lowering has begun
HANG_MIN = 0.20  # hands this far (standing heights) below the shoulders: holding a bar low
KNEE_STRAIGHT_DEG = 145  # bottom knee angle above which the pull is a Romanian deadlift
MIN_PULL = 6  # grid frames (0.2 s): a faster "pull" is the tracked pose jumping
SHOT_SETTLE = 8  # grid frames compared before and after a change to call it a camera cut
PICTURE_CUT = 6.0  # grey levels: a camera cut changes the whole small frame at least this
TRACKER_SETTLE = 3  # grid frames after a cut whose poses are not used
PARTIAL_RISE = 0.05  # a shot opening this far below its peak, rising to it: a pull under way
MIN_SHOT = 15  # grid frames (0.5 s): a shorter shot cannot hold a rep and is left out
STOOD_UP_BEND = 8.0  # degrees: arms at the top this much more bent than in every earlier pull
SHALLOW_RISE = 0.4  # shoulders rising less than this share of standing height: a shallow pull
LOCKOUT_WINDOW = 15  # grid frames (0.5 s) after lockout in which the arms are looked at


@dataclass
class Signals:
    shoulder: np.ndarray  # shoulder height / standing shoulder height (1 = standing tall)
    wrist: np.ndarray  # wrist height, standing heights
    hang: np.ndarray  # shoulder minus wrist height, standing heights
    scale: float  # standing height, normalized image units (the longest shot's)
    shots: list[tuple[int, int]] = field(default_factory=list)  # [start, end) grid frames


@dataclass
class RepSpan:
    """Grid (30 fps) indices of one rep."""

    start: int
    lockout: int
    end: int
    complete: bool
    confidence: float = 1.0  # 0..1: how sure the counter is
    evidence: dict = field(default_factory=dict)  # what it was counted on, for a person


@dataclass
class CandidateSpan:
    """A rise not counted as a rep (grid indices), and why, in a sentence."""

    start: int
    lockout: int
    end: int
    kind: str
    reason: str


@dataclass
class Segmentation:
    spans: list[RepSpan]
    exercise: Exercise
    signals: Signals
    warnings: list[str] = field(default_factory=list)
    candidates: list[CandidateSpan] = field(default_factory=list)


def shots(lm: np.ndarray, thumbs: np.ndarray | None = None) -> list[tuple[int, int]]:
    """[start, end) grid ranges of the video's shots: a camera cut changes the whole picture
    at once, and it stays changed. (The pose does not show cuts reliably: the tracker glides
    over them in a few frames, and a body folding at the bottom of a pull looks like one.)"""
    bounds = sorted({0, *_picture_cuts(thumbs), len(lm)})
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def _picture_cuts(thumbs: np.ndarray | None) -> list[int]:
    """Grid frames where the whole picture changes at once, far more than around it."""
    if thumbs is None or len(thumbs) < 4:
        return []
    # frame by frame: a float copy of a five-minute clip's frames would be ~190 MB
    diff = np.array([_grey_change(a, b) for a, b in zip(thumbs[:-1], thumbs[1:], strict=True)])
    cuts = []
    for k in range(1, len(thumbs) - 1):
        d = diff[k - 1]  # frame k against frame k - 1
        if d < PICTURE_CUT:
            continue
        around = np.concatenate([diff[max(0, k - SHOT_SETTLE) : k - 1], diff[k : k + SHOT_SETTLE]])
        if d < 4 * (np.median(around) + 1.0):
            continue
        # the new picture stays: it is far from the frames before it, close to those after
        later = min(k + SHOT_SETTLE, len(thumbs)) - 1
        if _grey_change(thumbs[k - 1], thumbs[later]) >= 0.6 * d:
            cuts.append(k)
    return cuts


def _grey_change(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference of two small grey frames, in grey levels."""
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def compute_signals(
    lm: np.ndarray, thumbs: np.ndarray | None = None, cuts: list[tuple[int, int]] | None = None
) -> Signals:
    """The body-relative signals, each shot on its own scale (the shots found on `thumbs`,
    or `cuts` as found before); shots too short to hold a rep (a few frames of a
    neighbouring shot) are left out (NaN)."""
    n = len(lm)
    shoulder, wrist, hang = (np.full(n, np.nan) for _ in range(3))
    scales = []
    cuts = cuts if cuts is not None else shots(lm, thumbs)
    for a, b in cuts:
        if a > 0:
            a = min(a + TRACKER_SETTLE, b)  # the pose tracker needs a few frames after a cut
        part = lm[a:b]
        if b - a < MIN_SHOT or not np.isfinite(part[:, L.NOSE, 1]).any():
            continue
        scale = L.body_height(part)
        # A median first: one- or two-frame tracking glitches are not movement.
        sh = L.smooth(_median5(L.heights(part, (L.L_SHOULDER, L.R_SHOULDER), scale)))
        wr = L.smooth(_median5(L.heights(part, (L.L_WRIST, L.R_WRIST), scale)))
        finite = sh[np.isfinite(sh)]
        if not len(finite):
            continue
        standing = float(np.percentile(finite, 95))
        shoulder[a:b], wrist[a:b], hang[a:b] = sh / standing, wr, sh - wr
        scales.append((b - a, scale))
    scale = max(scales)[1] if scales else float("nan")
    return Signals(shoulder, wrist, hang, scale, cuts)


def _median5(x: np.ndarray) -> np.ndarray:
    """Running median of 5 that keeps NaN where there is no pose."""
    out = x.copy()
    pad = np.pad(x, 2, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(pad, 5)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(windows, axis=1)
    ok = np.isfinite(x)
    out[ok] = med[ok]
    return out


def _zones(r: np.ndarray) -> np.ndarray:
    """Per frame +1 in the lockout zone, -1 in the bottom zone, 0 between or unknown."""
    z = np.zeros(len(r), dtype=int)
    z[r >= TOP_ZONE] = 1
    z[r <= BOTTOM_ZONE] = -1
    return z


def _rises(r: np.ndarray, offset: int = 0) -> list[tuple[int, int, int]]:
    """(bottom_phase_start, lockout_phase_start, lockout_phase_end) for each bottom->top rise.

    Missing frames (NaN) do not break a phase; a rise needs a bottom phase before it.
    """
    z = _zones(r)
    rises = []
    last_zone, bottom_from, top_from = 0, None, None
    for i, zi in enumerate(z):
        if zi == 0 or zi == last_zone:
            continue
        if zi == -1:
            if last_zone == 1 and top_from is not None and rises:
                rises[-1] = (rises[-1][0], rises[-1][1], offset + i)
            bottom_from = i
        elif zi == 1 and bottom_from is not None:
            top_from = i
            rises.append((offset + bottom_from, offset + i, offset + len(r)))
        last_zone = zi
    return rises


def _t(k: int) -> str:
    return f"{k / FPS:.1f} s"


def segment_reps(
    lm: np.ndarray,
    world: np.ndarray | None = None,
    knee_angles: np.ndarray | None = None,
    thumbs: np.ndarray | None = None,
) -> Segmentation:
    """Find deadlift reps on a 30 fps landmark track (M, 33, >=3), NaN where missing.
    `world` (M, 33, 3) world landmarks show the arms (a last rise never seen lowered counts
    unless the arms show the bar was not in the hands); `thumbs` (M, h, w) small grey
    frames (steps.thumbnail) show camera cuts."""
    sig = compute_signals(lm, thumbs)
    r = sig.shoulder
    warnings: list[str] = []
    if not np.isfinite(r).any():
        return Segmentation([], Exercise("unknown", False, "No person was visible."), sig)

    candidates: list[RepSpan] = []
    uncounted: list[CandidateSpan] = []
    for a, b in sig.shots:
        found, missed = _shot_reps(sig, world, a, b)
        candidates += found
        uncounted += missed
    if len(sig.shots) > 1:
        cuts = ", ".join(_t(a) for a, _ in sig.shots[1:])
        warnings.append(
            f"The video changes shot (a camera cut at {cuts}): reps are counted within each "
            "shot, never across a cut."
        )

    exercise, spans, not_pulls = _recognise(sig, candidates, knee_angles)
    uncounted += not_pulls
    if not exercise.is_deadlift:
        warnings = []
    if spans and not spans[-1].complete:
        warnings.append(
            f"Rep {len(spans)} is cut off by the end of the clip before the bar was back down: "
            "it is counted, and its image is built from what there is."
        )
    uncounted.sort(key=lambda c: c.start)
    return Segmentation(spans, exercise, sig, warnings, uncounted)


def _shot_reps(
    sig: Signals, world: np.ndarray | None, a: int, b: int
) -> tuple[list[RepSpan], list[CandidateSpan]]:
    """The rises of one shot (grid a..b), as reps and as rises not counted."""
    r = sig.shoulder
    reps: list[RepSpan] = []
    missed: list[CandidateSpan] = []
    rises = _rises(r[a:b], offset=a)
    partial = _partial_start(r, a, b, rises)
    held: list[float] = []  # the arms at the top of pulls that held the bar
    if partial is not None:
        missed.append(partial)
        held.append(
            _straightest_arm(world, slice(partial.lockout, partial.lockout + LOCKOUT_WINDOW))
        )
    for k, (bottom_from, top_from, top_to) in enumerate(rises):
        # Look for the start only just before the rise: a long setup or a clip fading in
        # holds bottom-zone frames that are not part of the pull.
        bottom_from = max(bottom_from, top_from - START_WINDOW)
        bottom_seg = r[bottom_from:top_from]
        low = np.nanmin(bottom_seg)
        top_seg = r[top_from:top_to]
        peak = np.nanmax(top_seg)
        rng = peak - low
        near_bottom = np.where(bottom_seg <= low + EDGE_MARGIN * rng)[0]
        start = bottom_from + int(near_bottom[-1])
        lockout = top_from + int(np.nanargmax(top_seg >= peak - 0.05 * rng))
        came_down = bool((r[lockout:b] <= peak - DESCENT_MARGIN * rng).any())
        if top_to < b:  # back in the bottom zone: the whole lowering is in the clip
            seg_to = rises[k + 1][1] if k + 1 < len(rises) else b
            seg = r[top_to:seg_to]
            nxt_low = np.nanmin(seg)
            end = top_to + int(np.where(seg <= nxt_low + EDGE_MARGIN * (peak - nxt_low))[0][0])
            complete = True
        else:  # the clip ends at the top or on the way down
            end = b - 1 - int(np.argmax(np.isfinite(r[a:b][::-1])))
            complete = False
        found = float(np.isfinite(r[start : end + 1]).mean())
        top = slice(lockout, (min(lockout + LOCKOUT_WINDOW, end) if complete else end) + 1)
        elbow = _straightest_arm(world, top)
        evidence = {
            "rise_from": round(float(low), 2),
            "rise_to": round(float(peak), 2),
            "pull_s": round((lockout - start) / FPS, 2),
            "hands_below_shoulders": round(float(np.nanmedian(sig.hang[start : lockout + 1])), 2),
            "elbow_at_top_deg": round(elbow) if np.isfinite(elbow) else None,
            "lowering": "seen"
            if complete
            else "begun, cut off by the end of the clip"
            if came_down
            else "cut off by the end of the clip",
            "pose_found_share": round(found, 2),
        }
        span = RepSpan(start, lockout, end, complete, 1.0, evidence)
        if lockout - start < MIN_PULL:
            missed.append(
                _candidate(
                    span,
                    "too_short",
                    f"{_t(lockout)}: a jump of the tracked pose, "
                    f"not a pull (bottom to top in {(lockout - start) / FPS:.2f} s).",
                )
            )
            continue
        if not came_down and _stood_up(elbow, held):
            missed.append(
                _candidate(
                    span,
                    "stood_up",
                    f"{_t(lockout)}: stood up after setting the bar down (the arms bent to "
                    f"{elbow:.0f}° at the top, hands free; holding the bar in this set's "
                    f"pulls they stayed at {np.nanmin(held):.0f}° or straighter).",
                )
            )
            continue
        span.confidence = _confidence(span)
        reps.append(span)
        held.append(elbow)
    return reps, missed


def _straightest_arm(world: np.ndarray | None, top: slice) -> float:
    """The least bent the straighter arm gets over grid frames `top` (world landmarks, so
    from any camera): holding a bar at lockout the arms hang straight."""
    if world is None:
        return float("nan")
    w = world[top]
    left = L.joint_angle(w[:, L.L_SHOULDER], w[:, L.L_ELBOW], w[:, L.L_WRIST])
    right = L.joint_angle(w[:, L.R_SHOULDER], w[:, L.R_ELBOW], w[:, L.R_WRIST])
    both = np.fmax(left, right)
    return float(np.nanmin(both)) if np.isfinite(both).any() else float("nan")


def _stood_up(elbow: float, held: list[float]) -> bool:
    """A last rise the clip never sees lowered is a rep (its lowering was cut off) unless,
    at the top, the arms bent more than at the top of every earlier pull of the set (`held`;
    hands on the hips, free: no bar in them): then the lifter stood up after setting the bar
    down. A rise with no earlier pull to compare with counts."""
    earlier = [e for e in held if np.isfinite(e)]
    if not earlier or not np.isfinite(elbow):
        return False
    return elbow < min(earlier) - STOOD_UP_BEND


def _confidence(span: RepSpan) -> float:
    """1 for a whole pull seen clearly, less for each doubt, which the evidence names."""
    e = span.evidence
    doubts = []
    if not span.complete:
        doubts.append(("its lowering is not in the clip", 0.8))
    if e["rise_to"] - e["rise_from"] < SHALLOW_RISE:
        doubts.append(("a shallow rise for a pull from the floor", 0.8))
    if e["pose_found_share"] < 0.9:
        doubts.append(("the lifter was not seen in every frame", e["pose_found_share"] / 0.9))
    e["doubts"] = [d for d, _ in doubts]
    return round(float(np.prod([f for _, f in doubts])), 2)


def _candidate(span: RepSpan, kind: str, reason: str) -> CandidateSpan:
    return CandidateSpan(span.start, span.lockout, span.end, kind, reason)


def _partial_start(
    r: np.ndarray, a: int, b: int, rises: list[tuple[int, int, int]]
) -> CandidateSpan | None:
    """A shot that opens on the way up, above the bottom zone, and reaches the top before
    any bottom: the pull's start from the floor is not in the clip, so it is not counted."""
    seen = np.where(np.isfinite(r[a:b]))[0]
    if not len(seen):
        return None
    first = a + int(seen[0])
    z = _zones(r[first:b])
    bottoms = np.where(z == -1)[0]
    tops = np.where(z == 1)[0]
    if not len(tops) or (len(bottoms) and bottoms[0] < tops[0]) or r[first] <= BOTTOM_ZONE:
        return None
    window = r[first : min(first + tops[0] + LOCKOUT_WINDOW, b)]
    peak = int(np.nanargmax(window))
    if r[first] > 0.95 or window[peak] - r[first] < PARTIAL_RISE:
        return None  # standing from the start: no pull under way
    lockout = first + peak
    if rises and rises[0][1] <= lockout:
        return None
    return CandidateSpan(
        first,
        lockout,
        lockout,
        "partial_start",
        f"{_t(first)}: the clip starts halfway up a pull; a pull whose start is not seen "
        "is not counted.",
    )


def _recognise(
    sig: Signals, candidates: list[RepSpan], knee_angles: np.ndarray | None
) -> tuple[Exercise, list[RepSpan], list[CandidateSpan]]:
    """Keep the rises that are deadlifts and say what the clip shows."""
    deadlifts = []
    not_pulls = []
    for span in candidates:
        hang = np.nanmedian(sig.hang[span.start : span.lockout + 1])
        if hang >= HANG_MIN:
            deadlifts.append(span)
        else:
            not_pulls.append(
                _candidate(
                    span,
                    "not_a_pull",
                    f"{_t(span.lockout)}: rose with the hands at "
                    "the shoulders, not holding a bar low (a squat's rise).",
                )
            )
    squats = len(not_pulls)
    if deadlifts:
        bottoms = []
        if knee_angles is not None:
            bottoms = [knee_angles[s.start] for s in deadlifts if np.isfinite(knee_angles[s.start])]
        if bottoms and np.median(bottoms) > KNEE_STRAIGHT_DEG:
            return (
                Exercise(
                    "romanian_deadlift",
                    True,
                    f"Romanian deadlift (a variant: knees nearly straight at the bottom), "
                    f"{len(deadlifts)} reps.",
                ),
                deadlifts,
                not_pulls,
            )
        extra = f" {squats} other rise(s) did not look like a deadlift." if squats else ""
        return (
            Exercise("deadlift", True, f"Deadlift, {len(deadlifts)} reps.{extra}"),
            deadlifts,
            not_pulls,
        )
    if squats:
        return (
            Exercise(
                "squat",
                False,
                "This looks like a squat, not a deadlift: the hands stay at the shoulders while "
                "the hips go down and up.",
            ),
            [],
            not_pulls,
        )
    if _arms_cycle_alone(sig):
        return (
            Exercise(
                "curl",
                False,
                "This looks like a curl, not a deadlift: the arms move while the hips and "
                "shoulders stay put.",
            ),
            [],
            not_pulls,
        )
    return (
        Exercise(
            "unknown",
            False,
            "No deadlift rep was seen: the lifter never pulled from the bottom to lockout.",
        ),
        [],
        not_pulls,
    )


def _arms_cycle_alone(sig: Signals) -> bool:
    """Wrists travel up and down repeatedly while the shoulders stay at standing height."""
    w = sig.wrist[np.isfinite(sig.wrist)]
    s = sig.shoulder[np.isfinite(sig.shoulder)]
    if len(w) < 30:
        return False
    amplitude = np.percentile(w, 95) - np.percentile(w, 5)
    centre = np.median(w)
    crossings = np.count_nonzero(np.diff(np.sign(w - centre)) != 0)
    return bool(amplitude > 0.15 and crossings >= 4 and np.percentile(s, 5) > TOP_ZONE)


def rule_stages(shoulder_ratio: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Per-frame stage without a trained model: a logistic on the shoulder-height ratio.

    Same convention as the dissertation's classifier: the top class below 0.7 is `neutral`.
    """
    mid = (TOP_ZONE + BOTTOM_ZONE) / 2
    p_up = 1.0 / (1.0 + np.exp(-(shoulder_ratio - mid) / 0.03))
    prob = np.maximum(p_up, 1 - p_up)
    stages = [
        "unknown"
        if not np.isfinite(p)
        else ("up" if p >= 0.7 else "down" if p <= 0.3 else "neutral")
        for p in p_up
    ]
    return stages, np.where(np.isfinite(prob), prob, 0.0)
