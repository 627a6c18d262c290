"""Counting people in view with MediaPipe's own person detector (BlazePose's first stage,
shipped in the mediapipe wheel), on a couple of frames per second.

MediaPipe Pose tracks one person. When a second one is in view (a spotter, a training
partner, someone walking past) the skeleton may follow the wrong person, and the lifter
should know. The detector finds people by their face and upper body, so a lifter with
their back to the camera can be missed: the count is a lower bound, used for a warning.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)
SIZE = 224  # the detector's square input
STRIDES = (8, 16, 32, 32, 32)  # its SSD anchor layers (MediaPipe's pose_detection graph)
MIN_SCORE = 0.5
NMS_IOU = 0.3


def _anchor_centres() -> np.ndarray:
    """(2254, 2) anchor centres in MediaPipe's order: per stride group, rows, columns, then
    two anchors per layer of the group (fixed anchor size, so only centres matter)."""
    centres: list[tuple[float, float]] = []
    i = 0
    while i < len(STRIDES):
        group = sum(1 for s in STRIDES[i:] if s == STRIDES[i])
        grid = math.ceil(SIZE / STRIDES[i])
        for y in range(grid):
            for x in range(grid):
                centres += [((x + 0.5) / grid, (y + 0.5) / grid)] * (2 * group)
        i += group
    return np.array(centres)


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
    return float(w * h / union) if union > 0 else 0.0


class PersonCounter:
    """`count(image_bgr)` -> number of people detected in the frame."""

    def __init__(self) -> None:
        import mediapipe

        # LiteRT (the TFLite runtime on its own): TensorFlow's copy would cost a pose
        # helper process (core/pipeline/pose_helper.py) 4 s of imports.
        from ai_edge_litert.interpreter import Interpreter

        model = Path(mediapipe.__file__).parent / "modules/pose_detection/pose_detection.tflite"
        self._net = Interpreter(str(model), num_threads=1)
        self._net.allocate_tensors()
        self._input = self._net.get_input_details()[0]["index"]
        outputs = self._net.get_output_details()
        self._boxes, self._scores = outputs[0]["index"], outputs[1]["index"]
        self._anchors = _anchor_centres()

    def count(self, image_bgr: np.ndarray) -> int:
        import cv2

        h, w = image_bgr.shape[:2]
        s = SIZE / max(h, w)
        square = np.zeros((SIZE, SIZE, 3), np.uint8)  # letterbox: keep the aspect ratio
        square[: round(h * s), : round(w * s)] = cv2.resize(image_bgr, (round(w * s), round(h * s)))
        x = cv2.cvtColor(square, cv2.COLOR_BGR2RGB).astype(np.float32) / 127.5 - 1.0
        self._net.set_tensor(self._input, x[None])
        self._net.invoke()
        raw = self._net.get_tensor(self._boxes)[0]
        logits = np.clip(self._net.get_tensor(self._scores)[0, :, 0].astype(np.float64), -100, 100)
        score = 1.0 / (1.0 + np.exp(-logits))
        keep = score > MIN_SCORE
        centre = raw[keep, :2] / SIZE + self._anchors[keep]
        half = raw[keep, 2:4] / SIZE / 2
        boxes = np.hstack([centre - half, centre + half])
        kept: list[np.ndarray] = []
        for k in np.argsort(-score[keep]):
            if all(_iou(boxes[k], b) < NMS_IOU for b in kept):
                kept.append(boxes[k])
        return len(kept)


def person_counter() -> PersonCounter | None:
    """A counter, or None when the detector cannot load (the analysis goes on without it)."""
    try:
        return PersonCounter()
    except Exception:  # a missing or broken TFLite runtime must not stop an analysis
        logger.exception("person detector unavailable; people are not counted")
        return None
