"""The video pipeline's hook: a RepJudge backed by a saved AnomalyDetector."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from core.detector.calibration import SCORE_THRESHOLD
from core.detector.estimator import AnomalyDetector
from core.lifts import DEFAULT
from core.result import Judgement, detector_abstains


class DetectorJudge:
    """Implements core.result.RepJudge."""

    def __init__(self, detector: AnomalyDetector, version: str) -> None:
        self.detector = detector
        self.version = version
        manifest = getattr(detector, "manifest_", None) or {}
        # Whose reps it learnt: the default lift's for every version saved before lifts.
        self.lift = manifest.get("lift") or DEFAULT.name
        # The camera views of the normal reps it learnt from (the manifest's training images).
        images = manifest.get("training_images", [])
        self.views = Counter(i.get("view", "") for i in images if i.get("role") == "normal")
        # Which SkeleMotion image it learnt from: the seed's or the body-frame one.
        self.image_kind = manifest.get("image_kind", "seed")

    def judge(self, images: np.ndarray, views: list[str] | None = None) -> list[Judgement]:
        """Judge SkeleMotion PNG images, uint8 RGB, shape (N, 45, 100, 3), filmed from
        `views`: a view the detector rarely saw gets no verdict (result.detector_abstains)."""
        s = self.detector.explain(images)
        views = views or [""] * len(s.score)
        out = []
        for i in range(len(s.score)):
            abstained = detector_abstains(self.views, views[i])
            top = s.joints[i]
            dev = {
                name: round(float(v), 3)
                for name, v in zip(top, np.sort(s.joint_deviation[i])[::-1], strict=False)
            }
            out.append(
                Judgement(
                    verdict=None if abstained else "anomalous" if s.anomalous[i] else "good",
                    score=float(s.score[i]),
                    threshold=SCORE_THRESHOLD,
                    joints=list(top),
                    details={
                        "reconstruction_error": float(s.reconstruction_error[i]),
                        "log_density": float(s.log_density[i]),
                        "statistic": float(s.statistic[i]),
                        "joint_deviation": dev,  # row error / typical normal error
                        "detector_version": self.version,
                        **({"abstained": abstained} if abstained else {}),
                    },
                )
            )
        return out


def load_judge(model_dir: str | Path) -> DetectorJudge:
    """RepJudge for a model version directory; raises errors.ModelDirError if unusable."""
    det = AnomalyDetector.load(model_dir)
    return DetectorJudge(det, det.version_)
