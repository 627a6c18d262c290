"""The version directory: everything needed to score, plus what it was trained on.

Files: manifest.json (format version, library versions, file hashes, training-image hashes),
config.json (hyperparameters and input configuration), autoencoder.weights.h5,
density.npz (the KDE's training latents, float16, and bandwidth), calibration.json
(thresholds and standardisation), history.json (loss per epoch), metrics.json, loss_curve.png.
Loading verifies every hash, so a truncated or edited file is refused, not half-used.
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from core.detector.data import sha256_file
from core.detector.errors import ModelDirError
from core.lifts import DEFAULT

# What every version's manifest says it is (load refuses another): named, when there was one
# lift, after the registry's DEFAULT, which never changes.
FORMAT = f"{DEFAULT.name}-anomaly-detector"
FORMAT_VERSION = 1
WEIGHTS = "autoencoder.weights.h5"
DENSITY = "density.npz"
# Files whose hashes the manifest records and load() checks.
CHECKED = ("config.json", WEIGHTS, DENSITY, "calibration.json", "history.json", "metrics.json")


def library_versions() -> dict[str, str]:
    import keras
    import sklearn
    import tensorflow as tf

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "scikit-learn": sklearn.__version__,
    }


def _write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n")


def save_detector(
    det: Any,
    path: Path,
    training_images: list[dict[str, Any]],
    image_kind: str = "seed",
) -> Path:
    """Write a fitted detector to the version directory `path` (created; must be empty);
    `image_kind` names the SkeleMotion image it learnt from ("seed" or "body")."""
    check_is_fitted(det, "net_")
    path.mkdir(parents=True, exist_ok=True)
    if (path / "manifest.json").exists():
        raise FileExistsError(f"{path} already holds a model; choose a new version directory")
    _write_json(
        path / "config.json",
        {"params": det.get_params(), "input": det.input_config.to_dict(), "image": [45, 100, 3]},
    )
    det.net_.save_weights(path / WEIGHTS)
    np.savez_compressed(
        path / DENSITY, points=det.kde_.points, bandwidth=np.float64(det.kde_.bandwidth)
    )
    _write_json(
        path / "calibration.json",
        {
            "weight": det.weight_,
            "threshold": det.threshold_,
            "far_threshold": det.far_threshold_,
            "false_alarm_rate": det.false_alarm_rate,
            "score_scale": det.score_scale_,
            "score_threshold": 0.5,
            "err_center": det.err_center_,
            "err_scale": det.err_scale_,
            "dens_center": det.dens_center_,
            "dens_scale": det.dens_scale_,
            "row_ref": det.row_ref_.tolist(),
            "bandwidth_search": getattr(det, "bandwidth_search_", {}),
        },
    )
    _write_json(path / "history.json", det.history_)
    _write_json(path / "metrics.json", det.metrics_)
    try:
        from core.detector.evaluation import save_loss_curve

        save_loss_curve(det.history_, path / "loss_curve.png")
    except ImportError:  # matplotlib missing: the curve is a convenience, the JSON has it
        pass
    files = {name: sha256_file(path / name) for name in CHECKED}
    digest = files[WEIGHTS][:8] + files["calibration.json"][:4]
    created = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "lift": DEFAULT.name,  # whose reps it learnt (judge.DetectorJudge.lift)
        "version": f"{det.config}-{created}-{digest}",
        "created_utc": created,
        "libraries": library_versions(),
        "files": files,
        "training_images": training_images,
        "image_kind": image_kind,
    }
    _write_json(path / "manifest.json", manifest)
    return path


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of a model directory, validated (format, version, file hashes)."""
    if not path.is_dir():
        raise ModelDirError(f"model directory not found: {path}")
    mpath = path / "manifest.json"
    if not mpath.is_file():
        raise ModelDirError(f"{path} is not a detector model directory (no manifest.json)")
    try:
        manifest = json.loads(mpath.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ModelDirError(f"{mpath} is corrupt: {e}") from e
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelDirError(f"{path} holds no {FORMAT} model (manifest format mismatch)")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ModelDirError(
            f"{path} has model format version {manifest.get('format_version')}; this code "
            f"reads version {FORMAT_VERSION}: retrain or use a matching release"
        )
    for name in CHECKED:
        expected = manifest.get("files", {}).get(name)
        if not (path / name).is_file():
            raise ModelDirError(f"{path} is incomplete: {name} is missing")
        if expected != sha256_file(path / name):
            raise ModelDirError(f"{path} is corrupt: {name} does not match its manifest hash")
    return manifest


def load_detector(path: Path, detector_class: type) -> Any:
    """Load a version directory into a new `detector_class` (estimator.AnomalyDetector,
    passed in: this module never imports the estimator, which calls it to save and load);
    raises ModelDirError when it is corrupt or incompatible."""
    import keras

    from core.detector.density import GaussianKDE
    from core.detector.model import build_autoencoder

    manifest = read_manifest(path)
    saved_keras = manifest.get("libraries", {}).get("keras", "")
    if saved_keras.split(".")[0] != keras.__version__.split(".")[0]:
        raise ModelDirError(
            f"{path} was saved with Keras {saved_keras}; Keras {keras.__version__} cannot "
            "be trusted to read its weights"
        )
    try:
        config = json.loads((path / "config.json").read_text())
        cal = json.loads((path / "calibration.json").read_text())
        det = detector_class(**config["params"])
        net = build_autoencoder(det.input_config, det.encoder_filters)
        net.load_weights(path / WEIGHTS)
        with np.load(path / DENSITY) as dens:
            kde = GaussianKDE(dens["points"], float(dens["bandwidth"]))
    except ModelDirError:
        raise
    except Exception as e:  # any parse/shape error means this directory cannot be used
        raise ModelDirError(f"{path} cannot be loaded: {type(e).__name__}: {e}") from e
    latent_dim = int(np.prod(net.outputs[0].shape[1:]))
    if kde.dim != latent_dim:
        raise ModelDirError(
            f"{path} is inconsistent: density has {kde.dim} dims, encoder gives {latent_dim}"
        )
    det.net_, det.kde_ = net, kde
    det.weight_ = float(cal["weight"])
    det.threshold_ = float(cal["threshold"])
    det.far_threshold_ = float(cal["far_threshold"])
    det.score_scale_ = float(cal["score_scale"])
    det.err_center_, det.err_scale_ = float(cal["err_center"]), float(cal["err_scale"])
    det.dens_center_, det.dens_scale_ = float(cal["dens_center"]), float(cal["dens_scale"])
    det.row_ref_ = np.asarray(cal["row_ref"], dtype=np.float64)
    det.history_ = json.loads((path / "history.json").read_text())
    det.metrics_ = json.loads((path / "metrics.json").read_text())
    det.version_ = str(manifest["version"])
    det.manifest_ = manifest
    return det
