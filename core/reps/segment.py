"""Reps' rises: each pull from the bottom to lockout, found on body-relative signals at 30 fps.

The signal is the shoulders' height above the ankles in standing heights, whatever the
camera distance or position; a lift whose lifter lies down names another (`RiseRule.signal`:
the bar's way down from lockout, read on the arms).
Hysteresis between a bottom zone and a lockout zone makes setup wobbles, lockout holds,
walking and waving (shoulders stay put) count nothing. Where the zones lie, and the other
numbers of what a rise is, are a lift's (`RiseRule`, declared in core/lifts/<lift>/reps.py
and handed in: this stage knows no lift). Which rises are a lift's reps, and what the clip
shows, is the lifts stage's (core/lifts/recognise.py).

Rules a coach can check, each for a reason rather than a clip (see scripts/eval_rep_counts.py
for what they do on the shared clips and on clips cut from them):
- Reps are counted within a shot: a camera cut (the whole picture changing at once) starts a
  new one, each on its own scale, and a rise never spans a cut.
- A last rise the clip never sees lowered counts (its lowering was cut off), unless the arms
  bent at the top more than in every earlier pull of the set: hands free, the lifter stood
  up after setting the bar down. Nothing else depends on where in the clip a rise lies.
- A pull whose start is not in the clip and a rise faster than any pull (the tracked pose
  jumping) are not counted.
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

# The picture and the tracker, whatever the lift:
SHOT_SETTLE = 8  # grid frames compared before and after a change to call it a camera cut
PICTURE_CUT = 6.0  # grey levels: a camera cut changes the whole small frame at least this
TRACKER_SETTLE = 3  # grid frames after a cut whose poses are not used
MIN_SHOT = 15  # grid frames (0.5 s): a shorter shot cannot hold a rep and is left out


@dataclass(frozen=True)
class RiseRule:
    """What a lift's rep is as a rise of the shoulders (shoulder height / standing shoulder
    height): a lift declares one (core/lifts/<lift>/reps.py)."""

    top_zone: float  # at or above: locked out
    bottom_zone: float  # at or below: at the bottom
    edge_margin: float  # rep start/end: within this share of the rep's range of the bottom
    start_window: int  # grid frames before the lockout zone to look for the rep's start
    descent_margin: float  # came down this share of the rise again: a lowering has begun
    min_pull: int  # grid frames: a faster "pull" is the tracked pose jumping
    stood_up_bend: float  # degrees: arms at the top this much more bent than in every pull
    shallow_rise: float  # shoulders rising less than this share of standing height: shallow
    lockout_window: int  # grid frames after lockout in which the arms are looked at
    partial_rise: float  # a shot opening this far below its peak, rising to it: under way
    # The Signals series the rise is read on: the shoulders' height (a pull: the rise runs
    # from the bottom up to lockout) or how far down from the top a rep goes, "sank" (the
    # shoulders below standing: a squat) or "bar_lowered" (a lifter lying down: the bar
    # below lockout): then the "rise" is the way down, the span runs from the top through
    # the turn at the bottom (its `lockout`) back to the top (`lowering_first`).
    signal: str = "shoulder"
    noun: str = "pull"  # what one rise is called in the sentences of rises not counted

    @property
    def lowering_first(self) -> bool:
        """A rep that goes down first (a squat, a bench press): its span's start and end are
        the top, its `lockout` the bottom; a pull's (or a curl's) start is the bottom, its
        lockout the top."""
        return self.signal in ("sank", "bar_lowered")


@dataclass
class Signals:
    shoulder: np.ndarray  # shoulder height / standing shoulder height (1 = standing tall)
    wrist: np.ndarray  # wrist height, standing heights
    hang: np.ndarray  # shoulder minus wrist height, standing heights
    scale: float  # standing height, normalized image units (the longest shot's)
    shots: list[tuple[int, int]] = field(default_factory=list)  # [start, end) grid frames
    # The arms, whatever the body's posture (image, per grid frame; NaN where unseen):
    # bar_lowered, how far the wrists are below their highest above the shoulders, in shares
    # of that height (0 = arms up at lockout, 1 = wrists at shoulder level); `arms` holds
    # the other series a lying lifter is read on (_arm_series).
    bar_lowered: np.ndarray | None = None
    arms: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def curled(self) -> np.ndarray:
        """How near the hands are to the shoulders, rising as they come up (-hang): a
        curl's rise is read on it."""
        return -self.hang

    @property
    def sank(self) -> np.ndarray:
        """How far the shoulders are below standing, in shares of their standing height (0
        standing tall): a squat's rise is read on it, going down."""
        return 1.0 - self.shoulder


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
    lift: str = ""  # the lift whose reps these are (core/lifts' registry); "" none


@dataclass
class Rises:
    """A set's rises under one `RiseRule`: those that may be reps (`spans`, in order), those
    not counted whatever the lift (`missed`: too short, stood up, a partial start), and the
    shots' warnings."""

    signals: Signals
    spans: list[RepSpan]
    missed: list[CandidateSpan]
    warnings: list[str]
    rule: RiseRule


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
    lm: np.ndarray,
    thumbs: np.ndarray | None = None,
    cuts: list[tuple[int, int]] | None = None,
    arms: bool = True,
) -> Signals:
    """The body-relative signals, each shot on its own scale (the shots found on `thumbs`,
    or `cuts` as found before); shots too short to hold a rep (a few frames of a
    neighbouring shot) are left out (NaN). `arms` False: without the arms' series (a rise
    read on the shoulders needs none of them)."""
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
    if not arms:
        return Signals(shoulder, wrist, hang, scale, cuts)
    lowered, series = _arm_series(lm, cuts)
    return Signals(shoulder, wrist, hang, scale, cuts, lowered, series)


def _arm_series(
    lm: np.ndarray, cuts: list[tuple[int, int]]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The arms and the torso in the picture, per shot (image units, y up), for a lift read
    on the arms rather than on the shoulders' height (a lifter lying on a bench):
    `bar_lowered` (above); `arms`: "tilt" the shoulders-to-hips line's angle from the
    horizontal (degrees), "elbow_left"/"elbow_right" the elbows' angles in the picture
    (180 = straight), "press_left"/"press_right" each wrist's height above its shoulder in
    shares of its highest, "along" where the wrists lie along the shoulders-to-hips line
    (0 at the shoulders, 1 at the hips), "hips_up" the hips' height above the shoulders in
    torso lengths. Shots as compute_signals leaves them out are NaN."""
    n = len(lm)
    names = ("tilt", "elbow_left", "elbow_right", "press_left", "press_right", "along", "hips_up")
    arms = {k: np.full(n, np.nan) for k in names}
    lowered = np.full(n, np.nan)
    for a, b in cuts:
        if a > 0:
            a = min(a + TRACKER_SETTLE, b)
        part = lm[a:b, :, :2]
        if b - a < MIN_SHOT or not np.isfinite(part[:, L.NOSE, 1]).any():
            continue
        sh, hip = L.midpoint(part, L.L_SHOULDER, L.R_SHOULDER), L.midpoint(part, L.L_HIP, L.R_HIP)
        wr = L.midpoint(part, L.L_WRIST, L.R_WRIST)
        torso = hip - sh
        with np.errstate(all="ignore"):
            arms["tilt"][a:b] = _median5(
                np.degrees(np.arctan2(np.abs(torso[:, 1]), np.abs(torso[:, 0])))
            )
            for side, (s_, e_, w_) in (
                ("left", (L.L_SHOULDER, L.L_ELBOW, L.L_WRIST)),
                ("right", (L.R_SHOULDER, L.R_ELBOW, L.R_WRIST)),
            ):
                arms[f"elbow_{side}"][a:b] = _median5(
                    L.joint_angle(part[:, s_], part[:, e_], part[:, w_])
                )
                up = L.smooth(_median5(part[:, s_, 1] - part[:, w_, 1]))
                arms[f"press_{side}"][a:b] = up / _top(up)
            length = np.linalg.norm(torso, axis=-1)
            arms["along"][a:b] = _median5(np.sum((wr - sh) * torso, axis=-1) / length**2)
            arms["hips_up"][a:b] = _median5((sh[:, 1] - hip[:, 1]) / length)
            up = L.smooth(_median5(sh[:, 1] - wr[:, 1]))
            lowered[a:b] = 1.0 - up / _top(up)
    return lowered, arms


def _top(up: np.ndarray) -> float:
    """The wrists' highest above the shoulders over a shot (95th percentile), NaN when they
    are never clearly above them (arms hanging: no press to read)."""
    seen = up[np.isfinite(up)]
    top = float(np.percentile(seen, 95)) if len(seen) else float("nan")
    return top if top > 0.02 else float("nan")


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


def _zones(r: np.ndarray, rule: RiseRule) -> np.ndarray:
    """Per frame +1 in the lockout zone, -1 in the bottom zone, 0 between or unknown."""
    z = np.zeros(len(r), dtype=int)
    z[r >= rule.top_zone] = 1
    z[r <= rule.bottom_zone] = -1
    return z


def _rises(r: np.ndarray, rule: RiseRule, offset: int = 0) -> list[tuple[int, int, int]]:
    """(bottom_phase_start, lockout_phase_start, lockout_phase_end) for each bottom->top rise.

    Missing frames (NaN) do not break a phase; a rise needs a bottom phase before it.
    """
    z = _zones(r, rule)
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


def when(k: int) -> str:
    """Grid frame `k` as a video time in a sentence ("12.8 s")."""
    return f"{k / FPS:.1f} s"


def find_rises(
    lm: np.ndarray,
    rule: RiseRule,
    world: np.ndarray | None = None,
    thumbs: np.ndarray | None = None,
    signals: Signals | None = None,
) -> Rises:
    """The rises of `rule` on a 30 fps landmark track (M, 33, >=3), NaN where missing.
    `world` (M, 33, 3) world landmarks show the arms (a last rise never seen lowered counts
    unless the arms show the bar was not in the hands); `thumbs` (M, h, w) small grey
    frames (steps.thumbnail) show camera cuts; `signals`, compute_signals' on them when
    already computed (several rules read one set). No person seen: signals all NaN, no
    rises."""
    sig = signals or compute_signals(lm, thumbs, arms=rule.signal != "shoulder")
    if not np.isfinite(sig.shoulder).any():
        return Rises(sig, [], [], [], rule)
    spans: list[RepSpan] = []
    missed: list[CandidateSpan] = []
    for a, b in sig.shots:
        found, lost = _shot_reps(sig, world, a, b, rule)
        spans += found
        missed += lost
    warnings: list[str] = []
    if len(sig.shots) > 1:
        cuts = ", ".join(when(a) for a, _ in sig.shots[1:])
        warnings.append(
            f"The video changes shot (a camera cut at {cuts}): reps are counted within each "
            "shot, never across a cut."
        )
    return Rises(sig, spans, missed, warnings, rule)


def hands_below_shoulders(sig: Signals, span: RepSpan) -> float:
    """How far the hands hang below the shoulders over a rise (its start to its lockout), in
    standing heights, the median (NaN when never seen): low when a bar hangs in them."""
    return float(np.nanmedian(sig.hang[span.start : span.lockout + 1]))


def _shot_reps(
    sig: Signals, world: np.ndarray | None, a: int, b: int, rule: RiseRule
) -> tuple[list[RepSpan], list[CandidateSpan]]:
    """The rises of one shot (grid a..b), as reps and as rises not counted."""
    r = getattr(sig, rule.signal)
    reps: list[RepSpan] = []
    missed: list[CandidateSpan] = []
    rises = _rises(r[a:b], rule, offset=a)
    partial = _partial_start(r, a, b, rises, rule)
    held: list[float] = []  # the arms at the top of pulls that held the bar
    if partial is not None:
        missed.append(partial)
        held.append(
            _straightest_arm(world, slice(partial.lockout, partial.lockout + rule.lockout_window))
        )
    for k, (bottom_from, top_from, top_to) in enumerate(rises):
        # Look for the start only just before the rise: a long setup or a clip fading in
        # holds bottom-zone frames that are not part of the pull.
        bottom_from = max(bottom_from, top_from - rule.start_window)
        bottom_seg = r[bottom_from:top_from]
        low = np.nanmin(bottom_seg)
        top_seg = r[top_from:top_to]
        peak = np.nanmax(top_seg)
        rng = peak - low
        near_bottom = np.where(bottom_seg <= low + rule.edge_margin * rng)[0]
        start = bottom_from + int(near_bottom[-1])
        lockout = top_from + int(np.nanargmax(top_seg >= peak - 0.05 * rng))
        came_down = bool((r[lockout:b] <= peak - rule.descent_margin * rng).any())
        if top_to < b:  # back in the bottom zone: the whole lowering is in the clip
            seg_to = rises[k + 1][1] if k + 1 < len(rises) else b
            seg = r[top_to:seg_to]
            nxt_low = np.nanmin(seg)
            end = top_to + int(np.where(seg <= nxt_low + rule.edge_margin * (peak - nxt_low))[0][0])
            complete = True
        else:  # the clip ends at the top or on the way down
            end = b - 1 - int(np.argmax(np.isfinite(r[a:b][::-1])))
            complete = False
        found = float(np.isfinite(r[start : end + 1]).mean())
        top = slice(lockout, (min(lockout + rule.lockout_window, end) if complete else end) + 1)
        elbow = _straightest_arm(world, top)
        evidence = {
            "signal": rule.signal,  # what rise_from and rise_to are read on
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
        if lockout - start < rule.min_pull:
            missed.append(
                candidate(
                    span,
                    "too_short",
                    f"{when(lockout)}: a jump of the tracked pose, not a {rule.noun} "
                    f"({(lockout - start) / FPS:.2f} s from one end of it to the other).",
                )
            )
            continue
        if not came_down and _stood_up(elbow, held, rule):
            missed.append(
                candidate(
                    span,
                    "stood_up",
                    f"{when(lockout)}: stood up after setting the bar down (the arms bent to "
                    f"{elbow:.0f}° at the top, hands free; holding the bar in this set's "
                    f"pulls they stayed at {np.nanmin(held):.0f}° or straighter).",
                )
            )
            continue
        span.confidence = _confidence(span, rule)
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


def _stood_up(elbow: float, held: list[float], rule: RiseRule) -> bool:
    """A last rise the clip never sees lowered is a rep (its lowering was cut off) unless,
    at the top, the arms bent more than at the top of every earlier pull of the set (`held`;
    hands on the hips, free: no bar in them): then the lifter stood up after setting the bar
    down. A rise with no earlier pull to compare with counts."""
    earlier = [e for e in held if np.isfinite(e)]
    if not earlier or not np.isfinite(elbow):
        return False
    return elbow < min(earlier) - rule.stood_up_bend


def _confidence(span: RepSpan, rule: RiseRule) -> float:
    """1 for a whole pull seen clearly, less for each doubt, which the evidence names."""
    e = span.evidence
    doubts = []
    if not span.complete:
        doubts.append(("its lowering is not in the clip", 0.8))
    if e["rise_to"] - e["rise_from"] < rule.shallow_rise:
        doubts.append((f"a shallow {rule.noun}", 0.8))
    if e["pose_found_share"] < 0.9:
        doubts.append(("the lifter was not seen in every frame", e["pose_found_share"] / 0.9))
    e["doubts"] = [d for d, _ in doubts]
    return round(float(np.prod([f for _, f in doubts])), 2)


def candidate(span: RepSpan, kind: str, reason: str) -> CandidateSpan:
    """The rise `span` not counted, of `kind`, with the `reason` in a sentence."""
    return CandidateSpan(span.start, span.lockout, span.end, kind, reason)


def _partial_start(
    r: np.ndarray, a: int, b: int, rises: list[tuple[int, int, int]], rule: RiseRule
) -> CandidateSpan | None:
    """A shot that opens on the way up, above the bottom zone, and reaches the top before
    any bottom: the pull's start from the floor is not in the clip, so it is not counted."""
    seen = np.where(np.isfinite(r[a:b]))[0]
    if not len(seen):
        return None
    first = a + int(seen[0])
    z = _zones(r[first:b], rule)
    bottoms = np.where(z == -1)[0]
    tops = np.where(z == 1)[0]
    if not len(tops) or (len(bottoms) and bottoms[0] < tops[0]) or r[first] <= rule.bottom_zone:
        return None
    window = r[first : min(first + tops[0] + rule.lockout_window, b)]
    peak = int(np.nanargmax(window))
    if r[first] > 0.95 or window[peak] - r[first] < rule.partial_rise:
        return None  # standing from the start: no pull under way
    lockout = first + peak
    if rises and rises[0][1] <= lockout:
        return None
    return CandidateSpan(
        first,
        lockout,
        lockout,
        "partial_start",
        f"{when(first)}: the clip starts halfway through a {rule.noun}; a {rule.noun} whose "
        "start is not seen is not counted.",
    )


def rule_stages(shoulder_ratio: np.ndarray, rule: RiseRule) -> tuple[list[str], np.ndarray]:
    """Per-frame stage without a trained model: a logistic on the shoulder-height ratio,
    centred between `rule`'s zones.

    Same convention as the dissertation's classifier: the top class below 0.7 is `neutral`.
    """
    mid = (rule.top_zone + rule.bottom_zone) / 2
    p_up = 1.0 / (1.0 + np.exp(-(shoulder_ratio - mid) / 0.03))
    prob = np.maximum(p_up, 1 - p_up)
    stages = [
        "unknown"
        if not np.isfinite(p)
        else ("up" if p >= 0.7 else "down" if p <= 0.3 else "neutral")
        for p in p_up
    ]
    return stages, np.where(np.isfinite(prob), prob, 0.0)
