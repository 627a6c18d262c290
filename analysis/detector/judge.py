"""The video pipeline's hook: a RepJudge backed by a saved AnomalyDetector."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from analysis.pipeline.result import Judgement

from .calibration import SCORE_THRESHOLD
from .estimator import AnomalyDetector


class DetectorJudge:
    """Implements analysis.pipeline.result.RepJudge."""

    def __init__(self, detector: AnomalyDetector, version: str) -> None:
        self.detector = detector
        self.version = version

    def judge(self, images: np.ndarray) -> list[Judgement]:
        """Judge SkeleMotion PNG images, uint8 RGB, shape (N, 45, 100, 3)."""
        s = self.detector.score(images)
        out = []
        for i in range(len(s.score)):
            top = s.joints[i]
            dev = {
                name: round(float(v), 3)
                for name, v in zip(top, np.sort(s.joint_deviation[i])[::-1], strict=False)
            }
            out.append(
                Judgement(
                    verdict="anomalous" if s.anomalous[i] else "good",
                    score=float(s.score[i]),
                    threshold=SCORE_THRESHOLD,
                    joints=list(top),
                    details={
                        "reconstruction_error": float(s.reconstruction_error[i]),
                        "log_density": float(s.log_density[i]),
                        "statistic": float(s.statistic[i]),
                        "joint_deviation": dev,  # row error / typical normal error
                        "detector_version": self.version,
                    },
                )
            )
        return out


def load_judge(model_dir: str | Path) -> DetectorJudge:
    """RepJudge for a model version directory; raises errors.ModelDirError if unusable."""
    det = AnomalyDetector.load(model_dir)
    return DetectorJudge(det, det.version_)
