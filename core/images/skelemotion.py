"""SkeleMotion images of one rep, bit-identical to the dissertation's dataset format.

The exact format (rows, temporal distance, angle mapping, the 8-bit wrap and colour map) is
specified in ../shared/docs/skelemotion.md; comments here only say why where it surprises.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

# Depth-first walk of the body tree, nose to nose, so neighbouring rows are neighbouring joints.
ROW_JOINTS: tuple[int, ...] = (
    0, 12, 14, 16, 22, 16, 20, 18, 20, 16, 14, 12, 24, 26, 28, 32, 28, 30, 28, 26, 24, 12, 0,
    11, 13, 15, 21, 15, 19, 17, 19, 15, 13, 11, 23, 25, 27, 29, 27, 31, 27, 25, 23, 11, 0,
)  # fmt: skip
TEMPORAL_DISTANCE = 10  # frames on the 30 fps timeline
STILL_THRESHOLD = 0.004 * TEMPORAL_DISTANCE
STILL_VALUE = 1.1
WIDTH = 100
HEIGHT = len(ROW_JOINTS)  # 45


def _displacements(landmarks: np.ndarray) -> np.ndarray:
    """(45, T, 3) displacement earlier-minus-later over D frames; zero for the last D."""
    seq = np.asarray(landmarks, dtype=np.float64)[:, ROW_JOINTS, :3]  # (T, 45, 3)
    T = seq.shape[0]
    d = np.zeros((HEIGHT, T, 3))
    if T > TEMPORAL_DISTANCE:
        diff = seq[:-TEMPORAL_DISTANCE] - seq[TEMPORAL_DISTANCE:]
        d[:, : T - TEMPORAL_DISTANCE] = diff.transpose(1, 0, 2)
    return d


def orientation_image(landmarks: np.ndarray) -> np.ndarray:
    """Float orientation image (45, 100, 3) from a (T, 33, 3) rep on the 30 fps timeline."""
    import cv2

    d = _displacements(landmarks)
    # Contiguous channels: numpy's arctan2 takes a different (SIMD or scalar) path for
    # strided views, which changed the last bit of some pixels from run to run.
    dx, dy, dz = (np.ascontiguousarray(d[..., k]) for k in range(3))
    magnitude = np.minimum(np.sqrt(dx * dx + dy * dy + dz * dz), 1.0)
    angles = np.stack([np.arctan2(dy, dx), np.arctan2(dy, dz), np.arctan2(dz, dx)], axis=-1)
    image = (np.degrees(angles) + 180.0) / 360.0
    image[magnitude < STILL_THRESHOLD] = STILL_VALUE
    return cv2.resize(image, (WIDTH, HEIGHT))


def magnitude_image(landmarks: np.ndarray) -> np.ndarray:
    """Float magnitude image (45, 100): displacement length over D frames, clipped at 1."""
    import cv2

    d = _displacements(landmarks)
    magnitude = np.minimum(np.linalg.norm(d, axis=-1), 1.0)
    return cv2.resize(magnitude, (WIDTH, HEIGHT))


def render_png(orientation: np.ndarray) -> np.ndarray:
    """The dataset's 8-bit rendering as a BGR image ready for `cv2.imwrite`.

    The modulo-256 wrap (still 1.1 -> 280 -> 24) and the grey conversion inside
    `applyColorMap` lose information, but they are how the dataset was made: keep them so
    our reps and that dataset stay comparable.
    """
    import cv2

    scaled = np.trunc(orientation * 255.0).astype(np.int64)
    u8 = np.mod(scaled, 256).astype(np.uint8)
    return cv2.applyColorMap(u8, cv2.COLORMAP_HSV)


def write_rep_images(landmarks: np.ndarray, stem: Path) -> dict[str, Path]:
    """Write `stem.png`, `stem.orientation.npy`, `stem.magnitude.npy`, `stem.landmarks.npy`."""
    import cv2

    stem.parent.mkdir(parents=True, exist_ok=True)
    orientation = orientation_image(landmarks)
    paths = {
        "image": stem.with_suffix(".png"),
        "orientation": stem.with_suffix(".orientation.npy"),
        "magnitude": stem.with_suffix(".magnitude.npy"),
        "landmarks": stem.with_suffix(".landmarks.npy"),
    }
    if not cv2.imwrite(str(paths["image"]), render_png(orientation)):
        raise OSError(f"could not write {paths['image']}")
    np.save(paths["orientation"], orientation)
    np.save(paths["magnitude"], magnitude_image(landmarks))
    np.save(paths["landmarks"], np.asarray(landmarks, dtype=np.float64)[:, :, :3])
    return paths


def write_body_image(body: np.ndarray, path: Path) -> Path:
    """The same image made from a rep's body-frame sequence (bodyframe.py: x forward, y up,
    z right, standing heights) instead of image coordinates: the detector's input that reads
    the same from any camera. Only the PNG; the seed image above stays as it is."""
    import cv2

    path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(path), render_png(orientation_image(body))):
        raise OSError(f"could not write {path}")
    return path
