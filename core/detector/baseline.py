"""PCA-reconstruction baseline, calibrated exactly like the detector (for the comparison)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.detector import calibration as cal
from core.detector.data import check_images, split_by_group


class PCABaseline:
    """Anomaly = large PCA reconstruction error of the flattened 45x100x3 image."""

    def __init__(
        self,
        n_components: float | int = 0.95,
        validation_fraction: float = 0.35,
        false_alarm_rate: float = 0.05,
        seed: int = 0,
    ) -> None:
        self.n_components = n_components
        self.validation_fraction = validation_fraction
        self.false_alarm_rate = false_alarm_rate
        self.seed = seed

    def _stat(self, images: np.ndarray) -> np.ndarray:
        x = check_images(images).reshape(len(images), -1).astype(np.float64) / 255.0
        rec = self.pca_.inverse_transform(self.pca_.transform(x))
        return np.log(np.mean((x - rec) ** 2, axis=1) + 1e-12)

    def fit(
        self,
        normal_images: np.ndarray,
        anomalous_images: np.ndarray | None = None,
        groups: Sequence[str] | None = None,
    ) -> PCABaseline:
        from sklearn.decomposition import PCA

        grp = groups if groups is not None else [str(i) for i in range(len(normal_images))]
        tr, held = split_by_group(grp, self.validation_fraction, self.seed)
        flat = normal_images[tr].reshape(len(tr), -1).astype(np.float64) / 255.0
        self.pca_ = PCA(n_components=self.n_components, random_state=self.seed).fit(flat)
        # Same calibration normals as the detector: held-out videos plus training reps.
        s_cal = np.r_[self._stat(normal_images[held]), self._stat(normal_images[tr])]
        self.center_, self.scale_ = cal.robust_scale(s_cal)
        if anomalous_images is not None and len(anomalous_images):
            s_anom = self._stat(anomalous_images)
            self.threshold_ = cal.tuned_threshold(s_cal, s_anom, self.false_alarm_rate)
        else:
            self.threshold_ = cal.far_threshold(s_cal, self.false_alarm_rate)
        return self

    def score(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(scores in [0, 1], anomalous verdicts)."""
        s = self._stat(images)
        return cal.to_score(s, self.threshold_, self.scale_), s > self.threshold_
