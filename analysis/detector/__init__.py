"""Deadlift rep anomaly detector: autoencoder + latent density + learned thresholds.

No Django imports here; TensorFlow is imported only when a model is built, fitted or loaded.

    from analysis.detector import AnomalyDetector, load_judge
    det = AnomalyDetector(config="native").fit(normal, anomalies, groups=videos)
    det.save("var/models/v1")
    judge = load_judge("var/models/v1")      # RepJudge for the video pipeline
    judgements = judge.judge(images_uint8)   # list[Judgement]
"""

from .errors import DetectorError, ImageFormatError, ModelDirError
from .estimator import AnomalyDetector, Scores
from .judge import DetectorJudge, load_judge

__all__ = [
    "AnomalyDetector",
    "DetectorError",
    "DetectorJudge",
    "ImageFormatError",
    "ModelDirError",
    "Scores",
    "load_judge",
]
