"""A rep rebuilt on a span a coach chose, from the landmarks kept beside the report.

The pose pass is the expensive part of an analysis; `analyze_video` keeps its 30 fps track
(TRACK_FILE) so that a coach's correction (a rep moved by a few frames, a candidate counted)
rebuilds that rep's SkeleMotion image, kinematics and verdict in milliseconds, with the same
steps the analysis used.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from core import lifts
from core.lifts.kinematics import body_angles
from core.pipeline.steps import (
    Stages,
    judge_reps,
    rep_images,
    rep_records,
    reps_faults,
    reps_kinematics,
)
from core.reps.segment import RepSpan, Segmentation, compute_signals, rule_stages
from core.result import Rep, RepJudge, VideoInfo

TRACK_FILE = "track30.npz"
MIN_REP_GRID_FRAMES = 6  # 0.2 s: shorter is no rep


class SpanRefused(ValueError):
    """The span cannot be a rep (its message says why, for the coach)."""


def save_track(
    out: Path,
    lm30: np.ndarray,
    world30: np.ndarray,
    source_frame: np.ndarray,
    shots: list[tuple[int, int]],
    back30: np.ndarray | None = None,
) -> None:
    """Keep the 30 fps track and its shots beside the report (float32, a few hundred kB per
    minute of video)."""
    np.savez_compressed(
        out / TRACK_FILE,
        landmarks=lm30.astype(np.float32),
        world=world30.astype(np.float32),
        source_frame=np.asarray(source_frame, dtype=np.int32),
        shots=np.asarray(shots, dtype=np.int32).reshape(-1, 2),
        **({"back": back30.astype(np.float32)} if back30 is not None else {}),
    )


def has_track(out: Path) -> bool:
    return (Path(out) / TRACK_FILE).exists()


def _report(out: Path) -> tuple[VideoInfo, lifts.Lift]:
    """The video's facts and the lift its reps are of, from the kept report."""
    report = json.loads((out / "report.json").read_text())
    v = report["input"]
    lift = lifts.of_exercise((report.get("exercise") or {}).get("name", ""))
    return VideoInfo(
        path="",
        frames=v["frames"],
        fps=v["frames"] / v["duration_s"] if v["duration_s"] else v["fps"],
        width=v["width"],
        height=v["height"],
        duration_s=v["duration_s"],
    ), lift


def rebuild_rep(
    out_dir: str | Path,
    *,
    index: int,
    start_frame: int,
    lockout_frame: int,
    end_frame: int,
    name: str,
    judge: RepJudge | None = None,
    evidence: dict | None = None,
    fault_thresholds: dict[str, float] | None = None,
) -> Rep:
    """The rep on input frames start <= lockout <= end, its files written as reps/<name>.*
    under `out_dir`; judged when `judge` is given. Raises SpanRefused for a span that cannot
    be a rep and FileNotFoundError when the analysis kept no track (it predates corrections).
    """
    out = Path(out_dir)
    if not has_track(out):
        raise FileNotFoundError(out / TRACK_FILE)
    info, lift = _report(out)
    if not 0 <= start_frame <= lockout_frame <= end_frame < info.frames:
        raise SpanRefused(
            f"Start, lockout and end must be in that order, within frames 0-{info.frames - 1}."
        )
    with np.load(out / TRACK_FILE) as z:
        lm30, world30, source_frame = z["landmarks"], z["world"], z["source_frame"]
        shots = [(int(a), int(b)) for a, b in z["shots"]]
        back30 = z["back"].astype(np.float64) if "back" in z.files else None
    lm30, world30 = lm30.astype(np.float64), world30.astype(np.float64)

    def grid(frame: int) -> int:
        return int(min(np.searchsorted(source_frame, frame), len(source_frame) - 1))

    start, lockout, end = grid(start_frame), grid(lockout_frame), grid(end_frame)
    if end - start < MIN_REP_GRID_FRAMES:
        raise SpanRefused("A rep lasts at least 0.2 s from start to end.")
    if np.isfinite(lm30[start : end + 1, 0, 0]).sum() < MIN_REP_GRID_FRAMES:
        raise SpanRefused("The lifter was not seen in enough frames of that span.")
    complete = end_frame < info.frames - 1
    span = RepSpan(start, lockout, end, complete, 1.0, evidence or {"counted_by": "coach"})
    signals = compute_signals(lm30, cuts=shots)
    seg = Segmentation([span], None, signals, lift=lift.name)  # type: ignore[arg-type]
    angles = body_angles(world30, lm30)
    kinematics = reps_kinematics(lm30, angles, seg, info)
    checks = reps_faults(lm30, world30, angles, seg, kinematics, back30, fault_thresholds)
    files, images = rep_images(lm30, [span], out, [name], world30=world30)
    stages = Stages(*rule_stages(signals.shoulder, lift.rise))
    rep = rep_records([span], source_frame, stages, info, kinematics, files, checks)[0]
    rep.index = index
    if judge is not None:
        rep = judge_reps([rep], images, judge, lift.name)[0]
    return rep
