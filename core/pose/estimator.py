"""Pose: MediaPipe Pose (legacy solutions API, video mode, full model) once per frame.

mediapipe 0.10.21's wheel carries the full pose model, so this runs offline; the lite and
heavy models (complexity 0 and 2) would try to download theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.pose.back import back_bulge

# MediaPipe's network sees a 256 x 256 crop: larger frames only cost conversion time.
POSE_MAX_SIDE = 640


@dataclass
class PoseTrack:
    """Per input frame: normalized landmarks, world landmarks, and whether a person was found."""

    times: np.ndarray  # (N,) seconds
    landmarks: np.ndarray  # (N, 33, 4) x, y, z, visibility; NaN where missing
    world: np.ndarray  # (N, 33, 3) metres, hip-centred; NaN where missing
    found: np.ndarray  # (N,) bool
    back: np.ndarray | None = None  # (N,) the back's outline bulge (back.py); NaN if unread

    def without_first(self, n: int) -> PoseTrack:
        """The track from its n-th frame on."""
        back = self.back[n:] if self.back is not None else None
        return PoseTrack(self.times[n:], self.landmarks[n:], self.world[n:], self.found[n:], back)

    @staticmethod
    def joined(parts: list[PoseTrack]) -> PoseTrack:
        """Consecutive tracks as one."""
        backs = [p.back for p in parts]
        return PoseTrack(
            np.concatenate([p.times for p in parts]),
            np.concatenate([p.landmarks for p in parts]),
            np.concatenate([p.world for p in parts]),
            np.concatenate([p.found for p in parts]),
            np.concatenate(backs) if all(b is not None for b in backs) else None,
        )


class PoseEstimator:
    """Stateful per-video tracker: feed frames in order, then take the track."""

    def __init__(self, min_detection_confidence: float = 0.5) -> None:
        import mediapipe as mp

        self._pose = mp.solutions.pose.Pose(
            static_image_mode=False,
            model_complexity=1,
            smooth_landmarks=True,
            enable_segmentation=True,  # the silhouette shows a rounded back (back.py)
            min_detection_confidence=min_detection_confidence,
            min_tracking_confidence=0.5,
        )
        self._times: list[float] = []
        self._lm: list[np.ndarray] = []
        self._world: list[np.ndarray] = []
        self._back: list[float] = []

    def process(self, image_bgr: np.ndarray, time_s: float) -> np.ndarray | None:
        """Estimate the pose of one frame; returns (33, 4) landmarks or None."""
        import cv2

        h, w = image_bgr.shape[:2]
        if max(h, w) > POSE_MAX_SIDE:
            scale = POSE_MAX_SIDE / max(h, w)
            image_bgr = cv2.resize(
                image_bgr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA
            )
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        result = self._pose.process(rgb)
        self._times.append(time_s)
        if result.pose_landmarks is None:
            self._lm.append(np.full((33, 4), np.nan))
            self._world.append(np.full((33, 3), np.nan))
            self._back.append(float("nan"))
            return None
        lm = np.array([(p.x, p.y, p.z, p.visibility) for p in result.pose_landmarks.landmark])
        world = np.array([(p.x, p.y, p.z) for p in result.pose_world_landmarks.landmark])
        self._lm.append(lm)
        self._world.append(world)
        mask = result.segmentation_mask
        self._back.append(back_bulge(mask, lm) if mask is not None else float("nan"))
        return lm

    def track(self) -> PoseTrack:
        lm = np.array(self._lm).reshape(-1, 33, 4)
        return PoseTrack(
            times=np.array(self._times, dtype=float),
            landmarks=lm,
            world=np.array(self._world).reshape(-1, 33, 3),
            found=~np.isnan(lm[:, 0, 0]),
            back=np.array(self._back, dtype=float),
        )

    def close(self) -> None:
        self._pose.close()

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
