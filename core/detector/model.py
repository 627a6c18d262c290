"""Input configurations and the Keras autoencoder (the dissertation's network).

`seed`: the dissertation's input, images resized to 256 x 256 (kept as the reference).
`native`: the images' own 45 x 100, edge-padded to 48 x 104 so three 2x poolings divide it;
14x fewer pixels, so an epoch costs about a tenth.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from core.detector.data import IMAGE_SHAPE

ROWS, COLS, _ = IMAGE_SHAPE


@dataclass(frozen=True)
class InputConfig:
    name: str
    height: int  # model input size
    width: int
    mode: str  # "pad" (edge padding, error on the original pixels) or "resize"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


CONFIGS: dict[str, InputConfig] = {
    "native": InputConfig("native", 48, 104, "pad"),
    "seed": InputConfig("seed", 256, 256, "resize"),
}


def get_config(name: str) -> InputConfig:
    try:
        return CONFIGS[name]
    except KeyError:
        raise ValueError(f"unknown config {name!r}; choose one of {sorted(CONFIGS)}") from None


def preprocess(images: np.ndarray, cfg: InputConfig) -> np.ndarray:
    """uint8 (or [0,1] float) images (N, 45, 100, 3) -> float32 model input."""
    x = np.asarray(images)
    x = x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)
    if cfg.mode == "pad":
        pad = ((0, 0), (0, cfg.height - ROWS), (0, cfg.width - COLS), (0, 0))
        return np.pad(x, pad, mode="edge")
    import cv2

    # One interpolation for training and scoring (the dissertation mixed nearest and bicubic).
    size = (cfg.width, cfg.height)
    return np.stack([cv2.resize(im, size, interpolation=cv2.INTER_LINEAR) for im in x])


def _row_map(cfg: InputConfig) -> np.ndarray:
    """Original image row (0..44) each model-input row stands for."""
    if cfg.mode == "pad":
        return np.minimum(np.arange(cfg.height), ROWS - 1)
    return np.minimum((np.arange(cfg.height) + 0.5) * ROWS / cfg.height, ROWS - 1).astype(int)


def reconstruction_errors(
    x: np.ndarray, recon: np.ndarray, cfg: InputConfig
) -> tuple[np.ndarray, np.ndarray]:
    """MSE per rep (N,) and per original image row (N, 45).

    Padding is excluded (it only repeats edge pixels); for resized input each of the 256 rows
    is credited to the original row it was interpolated from.
    """
    sq = np.square(x.astype(np.float64) - recon.astype(np.float64))
    if cfg.mode == "pad":
        sq = sq[:, :ROWS, :COLS]
        per_row = sq.mean(axis=(2, 3))
        return per_row.mean(axis=1), per_row
    model_rows = sq.mean(axis=(2, 3))  # (N, H)
    rows = _row_map(cfg)
    counts = np.bincount(rows, minlength=ROWS)
    per_row = np.zeros((len(x), ROWS))
    for r in range(ROWS):
        per_row[:, r] = model_rows[:, rows == r].sum(axis=1) / max(counts[r], 1)
    return model_rows.mean(axis=1), per_row


def build_autoencoder(cfg: InputConfig, filters: tuple[int, ...] = (64, 32, 16)) -> Any:
    """Keras model with outputs [latent, reconstruction].

    Encoder Conv-Pool per filter count, decoder mirrored with upsampling, last Conv(3) with a
    sigmoid; with (64, 32, 16) this is the dissertation's 52,067-parameter network.
    """
    import keras
    from keras import layers

    inp = keras.Input(shape=(cfg.height, cfg.width, 3), name="image")
    x = inp
    for i, f in enumerate(filters):
        x = layers.Conv2D(f, 3, activation="relu", padding="same", name=f"enc_conv{i}")(x)
        x = layers.MaxPooling2D(2, padding="same", name=f"enc_pool{i}")(x)
    latent = x
    for i, f in enumerate(reversed(filters)):
        x = layers.Conv2D(f, 3, activation="relu", padding="same", name=f"dec_conv{i}")(x)
        x = layers.UpSampling2D(2, name=f"dec_up{i}")(x)
    out = layers.Conv2D(3, 3, activation="sigmoid", padding="same", name="reconstruction")(x)
    return keras.Model(inp, [latent, out], name=f"autoencoder_{cfg.name}")
