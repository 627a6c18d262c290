"""AnomalyDetector: autoencoder + latent Gaussian KDE + learned thresholds, a scikit-learn
estimator (hyperparameters in __init__, learned state with a trailing underscore).

fit() splits the normal reps by video: most videos train the autoencoder and the density,
the held-out videos drive early stopping and calibrate the thresholds (reps of one video are
alike, so held-out reps of a training video would make the threshold too strict). The
training reps join the calibration with a leave-their-video-out density (see fit).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from core.detector import calibration as cal
from core.detector.data import check_images, split_by_group
from core.detector.density import GaussianKDE, select_bandwidth
from core.detector.joints import joint_deviation, top_joints
from core.detector.model import build_autoencoder, get_config, preprocess, reconstruction_errors

EpochCallback = Callable[[int, dict[str, float]], None]


@dataclass
class Scores:
    """Per-rep results of AnomalyDetector.explain (arrays of length N)."""

    reconstruction_error: np.ndarray
    log_density: np.ndarray
    statistic: np.ndarray  # raw combined statistic; > calibration threshold = anomalous
    score: np.ndarray  # in [0, 1], higher = more anomalous; threshold at 0.5
    anomalous: np.ndarray  # bool verdicts
    joint_deviation: np.ndarray  # (N, J) row-error ratio vs held-out normals, per joint
    joints: list[list[str]] = field(default_factory=list)  # top joints, most deviating first


class AnomalyDetector(BaseEstimator):
    """Anomaly detector for SkeleMotion rep images.

    A scikit-learn estimator: `__init__` stores the hyperparameters as given (get_params,
    set_params and clone come from BaseEstimator, and get_params() is what a saved version's
    config.json holds); everything fit() or load() learns ends with an underscore.

    Args:
        config: "native" (45x100 padded to 48x104, the default) or "seed" (256x256).
        filters: encoder filter counts; (64, 32, 16) is the dissertation's network.
        epochs, batch_size, learning_rate, patience: autoencoder training (Adam, MSE); early
            stopping on the held-out videos restores the best epoch. 20 epochs, not the
            dissertation's 500: in leave-videos-out CV, 100 epochs gave a similar AUC but
            more false alarms (accuracy 0.87 vs 0.90), and 20 take ~30 s on 2 cores.
        validation_fraction: share of normal videos held out for early stopping/calibration.
        false_alarm_rate: target share of normal reps flagged when no anomalies are given
            (and the anchor that breaks ties when they are).
        bandwidth: KDE bandwidth; None selects it by held-out-video likelihood.
        weight: weight of reconstruction error vs density in the statistic; None = 0.5
            without labelled anomalies, else the best AUC on them.
        top_k: joints reported per rep.
        seed: makes fit deterministic (weights init, shuffling, the split).
    """

    def __init__(
        self,
        config: str = "native",
        filters: Sequence[int] = (64, 32, 16),
        epochs: int = 20,
        batch_size: int = 4,
        learning_rate: float = 1e-3,
        patience: int = 5,
        validation_fraction: float = 0.35,
        false_alarm_rate: float = 0.05,
        bandwidth: float | None = None,
        weight: float | None = None,
        top_k: int = 3,
        seed: int = 0,
    ) -> None:
        self.config = config
        self.filters = filters
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.false_alarm_rate = false_alarm_rate
        self.bandwidth = bandwidth
        self.weight = weight
        self.top_k = top_k
        self.seed = seed

    @property
    def input_config(self) -> Any:
        return get_config(self.config)

    @property
    def encoder_filters(self) -> tuple[int, ...]:
        """`filters` as the network builder takes them (a saved config holds a list)."""
        return tuple(int(f) for f in self.filters)

    # ---- training ---------------------------------------------------------------------
    def fit(
        self,
        X: np.ndarray,
        y: np.ndarray | Sequence[int] | None = None,
        *,
        groups: Sequence[str] | None = None,
        on_epoch: EpochCallback | None = None,
    ) -> AnomalyDetector:
        """Learn the autoencoder, the density and the thresholds from rep images `X`
        (N, 45, 100, 3) and their labels `y` (0 good, 1 anomalous; None: all good).

        Only the good reps train the autoencoder and the density; anomalous ones (if any)
        choose the weight of the two and the threshold. `groups` names each rep's video
        (see data.group_of); without it every rep is its own group, which makes the held-out
        calibration optimistic.
        """
        import keras
        import tensorflow as tf

        t0 = time.perf_counter()
        images = check_images(X)
        labels = np.zeros(len(images), int) if y is None else np.asarray(y, int).ravel()
        if len(labels) != len(images) or not np.isin(labels, (0, 1)).all():
            raise ValueError("y must give each image 0 (good) or 1 (anomalous)")
        if groups is not None and len(groups) != len(images):
            raise ValueError("groups must name one video per image")
        normal, anomalous_images = images[labels == 0], images[labels == 1]
        cfg = self.input_config
        names = groups if groups is not None else [str(i) for i in range(len(images))]
        grp = np.asarray(names)[labels == 0]
        if len(normal) < 4:
            raise ValueError("need at least 4 normal images to train and calibrate")
        train_idx, held_idx = split_by_group(grp, self.validation_fraction, self.seed)
        if len(held_idx) == 0:  # one video only: hold out reps instead of videos
            rng = np.random.default_rng(self.seed)
            perm = rng.permutation(len(normal))
            n_held = max(2, round(self.validation_fraction * len(normal)))
            held_idx, train_idx = np.sort(perm[:n_held]), np.sort(perm[n_held:])

        keras.utils.set_random_seed(self.seed)
        tf.config.experimental.enable_op_determinism()
        net = build_autoencoder(cfg, self.encoder_filters)
        trainer = keras.Model(net.input, net.outputs[1])
        trainer.compile(optimizer=keras.optimizers.Adam(self.learning_rate), loss="mse")
        x_train = preprocess(normal[train_idx], cfg)
        x_held = preprocess(normal[held_idx], cfg)
        callbacks: list[Any] = [
            keras.callbacks.EarlyStopping(
                monitor="val_loss", patience=self.patience, restore_best_weights=True
            )
        ]
        if on_epoch is not None:
            callbacks.append(keras.callbacks.LambdaCallback(on_epoch_end=on_epoch))
        hist = trainer.fit(
            x_train,
            x_train,
            validation_data=(x_held, x_held),
            epochs=self.epochs,
            batch_size=self.batch_size,
            shuffle=True,
            callbacks=callbacks,
            verbose=0,
        )
        self.net_ = net
        self.history_ = {k: [float(v) for v in vals] for k, vals in hist.history.items()}
        self.best_epoch_ = int(np.argmin(self.history_["val_loss"])) + 1

        # Density on the training videos' latents, as the dissertation did.
        lat_train, err_train, _ = self._forward(x_train)
        if self.bandwidth is None:
            bw, self.bandwidth_search_ = select_bandwidth(lat_train, grp[train_idx])
        else:
            bw, self.bandwidth_search_ = float(self.bandwidth), {}
        self.kde_ = GaussianKDE(lat_train, bw)

        # Calibration normals: the held-out videos, plus the training reps with their density
        # taken without their own video. A few held-out videos alone gave thresholds that
        # swung with the videos drawn (leave-videos-out CV); the training reps' errors are
        # in-sample, but their spread across videos dwarfs the train/held-out gap.
        held = self._raw(x_held)
        calib = {
            "error": np.r_[held["error"], err_train],
            "log_density": np.r_[held["log_density"], self.kde_.score_left_out(grp[train_idx])],
        }
        self.row_ref_ = held["row_error"].mean(axis=0) + 1e-12
        self.err_center_, self.err_scale_ = cal.robust_scale(np.log(calib["error"]))
        self.dens_center_, self.dens_scale_ = cal.robust_scale(-calib["log_density"])
        z_calib = self._z(calib)
        anomalies = None
        if len(anomalous_images):
            anomalies = self._raw(preprocess(anomalous_images, cfg))
            z_anom = self._z(anomalies)
            w = self.weight if self.weight is not None else cal.choose_weight(z_calib, z_anom)
        else:
            w = self.weight if self.weight is not None else 0.5
        self.weight_ = float(w)
        stat_calib = self._combine(z_calib)
        stat_held = stat_calib[: len(held_idx)]
        self.far_threshold_ = cal.far_threshold(stat_calib, self.false_alarm_rate)
        if anomalies is not None:
            stat_anom = self._combine(self._z(anomalies))
            self.threshold_ = cal.tuned_threshold(stat_calib, stat_anom, self.false_alarm_rate)
        else:
            self.threshold_ = self.far_threshold_
        _, self.score_scale_ = cal.robust_scale(stat_calib)

        self.metrics_: dict[str, Any] = {
            "n_train": int(len(train_idx)),
            "n_heldout_normal": int(len(held_idx)),
            "heldout_videos": sorted(set(grp[held_idx].tolist())),
            "n_anomalies": 0 if anomalies is None else int(len(anomalies["error"])),
            "epochs_run": len(self.history_["loss"]),
            "best_epoch": self.best_epoch_,
            "train_loss": self.history_["loss"][self.best_epoch_ - 1],
            "val_loss": self.history_["val_loss"][self.best_epoch_ - 1],
            "bandwidth": bw,
            "weight": self.weight_,
            "calibration_false_alarm_rate": float((stat_calib > self.threshold_).mean()),
            "heldout_false_alarm_rate": float((stat_held > self.threshold_).mean()),
        }
        if anomalies is not None:
            self.metrics_["tuning_anomaly_recall"] = float((stat_anom > self.threshold_).mean())
            self.metrics_["tuning_auc"] = cal.auc(stat_calib, stat_anom)
        self.fit_seconds_ = time.perf_counter() - t0
        self.metrics_["fit_seconds"] = round(self.fit_seconds_, 2)
        return self

    # ---- scoring ----------------------------------------------------------------------
    def _forward(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        """Flattened latents, per-rep error and per-row error for model input x."""
        # 256x256 activations are 14x larger: smaller chunks keep memory near 250 MB.
        batch = 16 if self.input_config.mode == "resize" else 64
        lats, errs, rows = [], [], []
        for i in range(0, len(x), batch):
            chunk = x[i : i + batch]
            lat, rec = self.net_.predict_on_batch(chunk)
            err, row = reconstruction_errors(chunk, np.asarray(rec), self.input_config)
            lats.append(np.asarray(lat).reshape(len(chunk), -1))
            errs.append(err)
            rows.append(row)
        return np.concatenate(lats), np.concatenate(errs), np.concatenate(rows)

    def _raw(self, x: np.ndarray) -> dict[str, np.ndarray]:
        lat, err, row = self._forward(x)
        return {
            "error": err,
            "row_error": row,
            "log_density": self.kde_.score_samples(lat),
        }

    def _z(self, raw: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        z_err = (np.log(raw["error"]) - self.err_center_) / self.err_scale_
        z_dens = (-raw["log_density"] - self.dens_center_) / self.dens_scale_
        return z_err, z_dens

    def _combine(self, z: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        return self.weight_ * z[0] + (1.0 - self.weight_) * z[1]

    def explain(self, images: np.ndarray) -> Scores:
        """Everything known about each rep image (N, 45, 100, 3), uint8 RGB or floats in
        [0, 1]: its score and verdict and what they rest on (errors, density, joints)."""
        check_is_fitted(self, "net_")
        images = check_images(images)
        if len(images) == 0:
            e = np.zeros(0)
            return Scores(e, e, e, e, e.astype(bool), np.zeros((0, 0)), [])
        raw = self._raw(preprocess(images, self.input_config))
        stat = self._combine(self._z(raw))
        dev = joint_deviation(raw["row_error"] / self.row_ref_)
        return Scores(
            reconstruction_error=raw["error"],
            log_density=raw["log_density"],
            statistic=stat,
            score=cal.to_score(stat, self.threshold_, self.score_scale_),
            anomalous=stat > self.threshold_,
            joint_deviation=dev,
            joints=top_joints(dev, self.top_k),
        )

    def score_samples(self, X: np.ndarray) -> np.ndarray:
        """Anomaly scores in [0, 1], one per image: higher is more anomalous (PyOD's
        direction, not scikit-learn's outlier detectors'), 0.5 the threshold."""
        return self.explain(X).score

    decision_function = score_samples  # PyOD's name for the same scores

    def predict(self, X: np.ndarray) -> np.ndarray:
        """1 = anomalous, 0 = good (PyOD convention)."""
        return self.explain(X).anomalous.astype(int)

    # ---- persistence (see storage.py) -------------------------------------------------
    def save(
        self,
        path: str | Path,
        training_images: list[dict[str, Any]] | None = None,
        image_kind: str = "seed",
    ) -> Path:
        from core.detector.storage import save_detector

        return save_detector(self, Path(path), training_images or [], image_kind)

    @classmethod
    def load(cls, path: str | Path) -> AnomalyDetector:
        from core.detector.storage import load_detector

        return load_detector(Path(path), cls)
