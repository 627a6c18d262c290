"""Rows of a SkeleMotion image -> body parts (the depth-first walk of docs/skelemotion.md)."""

from __future__ import annotations

import numpy as np

# MediaPipe Pose landmark visited by each of the 45 rows, top to bottom.
ROW_LANDMARKS: tuple[int, ...] = (
    0, 12, 14, 16, 22, 16, 20, 18, 20, 16, 14, 12, 24, 26, 28, 32, 28, 30, 28, 26, 24, 12, 0,
    11, 13, 15, 21, 15, 19, 17, 19, 15, 13, 11, 23, 25, 27, 29, 27, 31, 27, 25, 23, 11, 0,
)  # fmt: skip

# MediaPipe's names; "left" is the performer's left.
LANDMARK_NAMES: dict[int, str] = {
    0: "nose",
    11: "left shoulder",
    12: "right shoulder",
    13: "left elbow",
    14: "right elbow",
    15: "left wrist",
    16: "right wrist",
    17: "left pinky",
    18: "right pinky",
    19: "left index finger",
    20: "right index finger",
    21: "left thumb",
    22: "right thumb",
    23: "left hip",
    24: "right hip",
    25: "left knee",
    26: "right knee",
    27: "left ankle",
    28: "right ankle",
    29: "left heel",
    30: "right heel",
    31: "left foot",
    32: "right foot",
}

# Joints in first-visit order, and the rows each one owns.
JOINT_LANDMARKS: tuple[int, ...] = tuple(dict.fromkeys(ROW_LANDMARKS))
JOINT_NAMES: tuple[str, ...] = tuple(LANDMARK_NAMES[i] for i in JOINT_LANDMARKS)


def rows_of(joint: str) -> list[int]:
    """Image rows that show `joint` (a name from JOINT_NAMES)."""
    if joint not in JOINT_NAMES:
        raise KeyError(f"unknown joint {joint!r}; known: {', '.join(JOINT_NAMES)}")
    landmark = JOINT_LANDMARKS[JOINT_NAMES.index(joint)]
    return [r for r, lm in enumerate(ROW_LANDMARKS) if lm == landmark]


def joint_matrix() -> np.ndarray:
    """(45, J) averaging matrix: row values @ matrix = mean value per joint."""
    m = np.zeros((len(ROW_LANDMARKS), len(JOINT_LANDMARKS)))
    for r, lm in enumerate(ROW_LANDMARKS):
        m[r, JOINT_LANDMARKS.index(lm)] = 1.0
    return m / m.sum(axis=0, keepdims=True)


def joint_deviation(row_ratio: np.ndarray) -> np.ndarray:
    """Per-rep, per-joint deviation (N, J) from per-row error ratios (N, 45)."""
    return np.asarray(row_ratio, dtype=np.float64) @ joint_matrix()


def top_joints(deviation: np.ndarray, k: int) -> list[list[str]]:
    """Names of the k most deviating joints per rep, most deviating first."""
    order = np.argsort(-deviation, axis=1, kind="stable")[:, :k]
    return [[JOINT_NAMES[j] for j in row] for row in order]
