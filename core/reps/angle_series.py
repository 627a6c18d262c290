"""Hip, knee, trunk and elbow angle and bar height over a set, on the played video's clock: what the
review page's graphs draw under the video.

From the 30 fps track kept beside the report (respan.TRACK_FILE). The angles are in the
lifter's own frame (bodyframe.py: the same from any camera; hip and knee 180 = straight,
trunk 0 = upright); the bar is the wrists' height in standing heights, the same signal as the
report's per-frame "bar_y" (reps.compute_signals). A track frame is placed at the time its
input frame is shown, so the graph's cursor and the drawing over the video agree. Frames
without a pose are gaps (None), never zeros. Pure numpy, no Django.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from core.pose import bodyframe
from core.pose import landmarks as L
from core.reps.segment import compute_signals

MAX_POINTS = 600  # a graph is at most ~1000 px wide: more points draw nothing more
ANGLES = ("hip", "knee", "trunk", "elbow")


@dataclass
class AngleSeries:
    """Columns of equal length: `t` seconds on the played clock, angles in degrees (one
    decimal), `bar` in standing heights (three decimals); None where there is no pose."""

    t: list[float] = field(default_factory=list)
    hip: list[float | None] = field(default_factory=list)
    knee: list[float | None] = field(default_factory=list)
    trunk: list[float | None] = field(default_factory=list)
    elbow: list[float | None] = field(default_factory=list)  # the straighter arm's
    bar: list[float | None] = field(default_factory=list)

    def as_dict(self) -> dict[str, list]:
        return asdict(self)


def _rounded(values: np.ndarray, digits: int) -> list[float | None]:
    return [round(float(v), digits) if np.isfinite(v) else None for v in values]


def angle_series(
    landmarks: np.ndarray,
    world: np.ndarray,
    source_frame: np.ndarray,
    frame_times: np.ndarray | list[float],
    shots: list[tuple[int, int]] | None = None,
    max_points: int = MAX_POINTS,
) -> AngleSeries:
    """The series for a kept track: `landmarks` (M, 33, 4) normalized with visibility,
    `world` (M, 33, 3) metres, `source_frame` (M,) the input frame each track frame stands
    for, `frame_times` (N,) each input frame's time on the played clock, `shots` the track's
    [start, end) shots (one shot when None). One point per input frame shown (a 25 fps clip
    has fewer input frames than track frames), then evenly thinned to `max_points`."""
    landmarks = np.asarray(landmarks, dtype=np.float64)
    world = np.asarray(world, dtype=np.float64)[..., :3]
    source = np.asarray(source_frame, dtype=np.int64)
    times = np.asarray(frame_times, dtype=np.float64)
    m = len(landmarks)
    if m == 0 or len(times) == 0 or world.shape[0] != m or source.shape != (m,):
        return AngleSeries()
    angles = bodyframe.body_angles(bodyframe.to_body_frame(world))
    elbow = np.fmax(
        L.joint_angle(world[:, L.L_SHOULDER], world[:, L.L_ELBOW], world[:, L.L_WRIST]),
        L.joint_angle(world[:, L.R_SHOULDER], world[:, L.R_ELBOW], world[:, L.R_WRIST]),
    )
    cuts = shots if shots else [(0, m)]
    bar = compute_signals(landmarks, cuts=cuts).wrist
    # The first track frame of each input frame: equal times would draw vertical steps.
    keep = np.flatnonzero(np.r_[True, np.diff(source) > 0])
    if len(keep) > max_points:
        keep = keep[np.unique(np.linspace(0, len(keep) - 1, max_points).round().astype(int))]
    t = times[np.clip(source[keep], 0, len(times) - 1)]
    return AngleSeries(
        t=[round(float(v), 3) for v in t],
        hip=_rounded(angles["hip"][keep], 1),
        knee=_rounded(angles["knee"][keep], 1),
        trunk=_rounded(angles["trunk"][keep], 1),
        elbow=_rounded(elbow[keep], 1),
        bar=_rounded(bar[keep], 3),
    )
