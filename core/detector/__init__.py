"""The rep anomaly detector: autoencoder + latent density + learned thresholds.

No Django imports here; TensorFlow is imported only when a model is built, fitted or loaded.

    from core.detector import AnomalyDetector, load_judge
    det = AnomalyDetector(config="native").fit(images, labels, groups=videos)  # 1 = anomalous
    det.save("var/models/v1")
    judge = load_judge("var/models/v1")      # RepJudge for the video pipeline
    judgements = judge.judge(images_uint8)   # list[Judgement]
"""

from core.detector.errors import DetectorError, ImageFormatError, ModelDirError
from core.detector.estimator import AnomalyDetector, Scores
from core.detector.judge import DetectorJudge, load_judge

__all__ = [
    "AnomalyDetector",
    "DetectorError",
    "DetectorJudge",
    "ImageFormatError",
    "ModelDirError",
    "Scores",
    "load_judge",
]
