"""Per-frame lift stage (`up` / `down` / `neutral`) from MediaPipe Pose landmarks.

The dissertation's classifier is a random forest on the raw 132 landmark values; it learns
where its one performer stood in its one camera frame, so a lifter who stands elsewhere, further
away or facing the other way falls outside what it saw. `features="invariant"` feeds the same
forest joint angles and body-length-normalized heights instead: unchanged by translation and
uniform scale in the image, and by a mirrored camera (unsigned angles, vertical distances,
absolute horizontal offsets; left and right sides merged by visibility).

No Django here: the command in analysis/management/commands/train_stage_model.py wraps this.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Literal

import numpy as np

FORMAT_VERSION = 1
FEATURE_KINDS = ("invariant", "raw")
STAGES = ("up", "down")
NEUTRAL = "neutral"
# The dissertation's rule: a top-class probability under this means the frame is in between.
NEUTRAL_BELOW = 0.7
N_LANDMARKS = 33

# MediaPipe Pose indices, (left, right) per joint.
NOSE = 0
SIDES = {
    "shoulder": (11, 12),
    "elbow": (13, 14),
    "wrist": (15, 16),
    "hip": (23, 24),
    "knee": (25, 26),
    "ankle": (27, 28),
}

FEATURE_NAMES = (
    "hip_angle",  # shoulder-hip-knee: open at lockout, closed at the bottom
    "knee_angle",  # hip-knee-ankle
    "elbow_angle",  # shoulder-elbow-wrist: arms stay straight, mostly a sanity signal
    "trunk_from_vertical",
    "shin_from_vertical",
    "shoulder_height",  # above the ankle, / body length
    "hip_height",
    "wrist_height",
    "nose_height",
    "wrist_above_knee",
    "shoulder_ahead_of_hip",  # |dx| / body length: the hinge leans the shoulders forward
    "wrist_ahead_of_ankle",
)


class StageModelFileError(ValueError):
    """A stage model file is missing, corrupt, or written by an incompatible version."""


def _angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Unsigned angle ABC in degrees (0..180) for (..., 2) points: a mirror leaves it alone."""
    u, v = a - b, c - b
    cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def _from_vertical(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """Unsigned angle of the segment bottom->top from straight up (y points down), degrees."""
    d = top - bottom
    return np.degrees(np.arctan2(np.abs(d[..., 0]), -d[..., 1]))


def _side_features(xy: np.ndarray, side: int) -> np.ndarray:
    """(N, F) features from one body side; xy is (N, 33, 2)."""
    p = {name: xy[:, idx[side]] for name, idx in SIDES.items()}
    # Body length = torso + thigh + shin in the image: the scale that heights are divided by.
    length = (
        np.linalg.norm(p["shoulder"] - p["hip"], axis=-1)
        + np.linalg.norm(p["hip"] - p["knee"], axis=-1)
        + np.linalg.norm(p["knee"] - p["ankle"], axis=-1)
    )
    length = np.where(length > 1e-6, length, np.nan)
    ground = p["ankle"][:, 1]

    def height(y: np.ndarray) -> np.ndarray:
        return (ground - y) / length

    cols = [
        _angle(p["shoulder"], p["hip"], p["knee"]),
        _angle(p["hip"], p["knee"], p["ankle"]),
        _angle(p["shoulder"], p["elbow"], p["wrist"]),
        _from_vertical(p["shoulder"], p["hip"]),
        _from_vertical(p["knee"], p["ankle"]),
        height(p["shoulder"][:, 1]),
        height(p["hip"][:, 1]),
        height(p["wrist"][:, 1]),
        height(xy[:, NOSE, 1]),
        (p["knee"][:, 1] - p["wrist"][:, 1]) / length,
        np.abs(p["shoulder"][:, 0] - p["hip"][:, 0]) / length,
        np.abs(p["wrist"][:, 0] - p["ankle"][:, 0]) / length,
    ]
    return np.stack(cols, axis=1)


def stage_features(landmarks: np.ndarray) -> np.ndarray:
    """(N, 33, >=3) normalized landmarks -> (N, len(FEATURE_NAMES)) invariant features.

    Left and right are averaged, weighted by each side's mean visibility (column 3 when
    present), so the near side of a side-on camera dominates whichever way the lifter faces.
    A frame with any needed landmark missing (NaN) gives a NaN row.
    """
    lm = np.asarray(landmarks, dtype=float)
    if lm.ndim != 3 or lm.shape[1] != N_LANDMARKS or lm.shape[2] < 2:
        raise ValueError(f"landmarks must be (N, 33, >=3), got {lm.shape}")
    xy = lm[..., :2]
    feats = np.stack([_side_features(xy, s) for s in (0, 1)])  # (2, N, F)
    if lm.shape[2] >= 4:
        idx = [[i[s] for i in SIDES.values()] for s in (0, 1)]
        vis = np.stack([np.clip(lm[:, i, 3], 0.0, 1.0).mean(axis=1) for i in idx])  # (2, N)
        w = vis + 1e-3  # both sides invisible -> plain average rather than 0 / 0
    else:
        w = np.ones(feats.shape[:2])
    with np.errstate(invalid="ignore"):
        out = np.einsum("sn,snf->nf", w, feats) / w.sum(axis=0)[:, None]
    out[~np.isfinite(out).all(axis=1)] = np.nan
    return out


def raw_features(landmarks: np.ndarray) -> np.ndarray:
    """The dissertation's input: all 132 values (x, y, z, visibility per landmark) flattened."""
    lm = np.asarray(landmarks, dtype=float)
    if lm.ndim != 3 or lm.shape[1:] != (N_LANDMARKS, 4):
        raise ValueError(f"raw features need (N, 33, 4) landmarks, got {lm.shape}")
    return lm.reshape(len(lm), -1)


def load_annotation_csv(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """stages/annotation_data.csv -> ((N, 33, 4) landmarks, (N,) labels as str)."""
    path = Path(path)
    with path.open(newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        expected = ["class"] + [f"{c}{i}" for i in range(1, 34) for c in "xyzv"]
        if header != expected:
            raise ValueError(f"{path}: expected columns class,x1,y1,z1,v1..v33")
        rows = [r for r in reader if r]
    labels = np.array([r[0] for r in rows])
    values = np.array([r[1:] for r in rows], dtype=float)
    return values.reshape(len(rows), N_LANDMARKS, 4), labels


FeatureKind = Literal["invariant", "raw"]


class StageModel:
    """A random forest per frame (100 trees, gini, sqrt features, as the dissertation)."""

    def __init__(self, features: FeatureKind = "invariant", random_state: int | None = 0) -> None:
        if features not in FEATURE_KINDS:
            raise ValueError(f"features must be one of {FEATURE_KINDS}, got {features!r}")
        self.features = features
        self.random_state = random_state
        self.forest_: Any = None

    def transform(self, landmarks: np.ndarray) -> np.ndarray:
        """Landmarks -> the feature matrix this model's kind uses."""
        if self.features == "raw":
            return raw_features(landmarks)
        return stage_features(landmarks)

    def fit(self, landmarks: np.ndarray, labels: np.ndarray | list[str]) -> StageModel:
        from sklearn.ensemble import RandomForestClassifier

        X = self.transform(landmarks)
        y = np.asarray(labels)
        ok = np.isfinite(X).all(axis=1)
        if not ok.any():
            raise ValueError("no frame with complete landmarks to train on")
        unknown = set(y.tolist()) - set(STAGES)
        if unknown:
            raise ValueError(f"labels must be {STAGES}, got {sorted(unknown)}")
        self.forest_ = RandomForestClassifier(
            n_estimators=100,
            criterion="gini",
            max_features="sqrt",
            random_state=self.random_state,
            n_jobs=1,  # a small forest; the machine is shared
        )
        self.forest_.fit(X[ok], y[ok])
        return self

    def predict_proba(self, landmarks: np.ndarray) -> np.ndarray:
        """(N, len(classes_)) class probabilities; NaN rows for frames without a full pose."""
        if self.forest_ is None:
            raise RuntimeError("StageModel is not fitted")
        X = self.transform(landmarks)
        ok = np.isfinite(X).all(axis=1)
        proba = np.full((len(X), len(self.classes_)), np.nan)
        if ok.any():
            proba[ok] = self.forest_.predict_proba(X[ok])
        return proba

    @property
    def classes_(self) -> list[str]:
        return [str(c) for c in self.forest_.classes_]

    def predict(self, landmarks: np.ndarray) -> tuple[list[str], np.ndarray]:
        """Stage per frame and its top-class probability.

        Top probability under 0.7 -> `neutral` (the dissertation's rule). A frame without a
        complete pose is `neutral` with probability NaN: there is nothing to be confident in.
        """
        proba = self.predict_proba(landmarks)
        classes = self.classes_
        stages: list[str] = []
        top = np.full(len(proba), np.nan)
        for i, row in enumerate(proba):
            if not np.isfinite(row).all():
                stages.append(NEUTRAL)
                continue
            k = int(np.argmax(row))
            top[i] = row[k]
            stages.append(classes[k] if row[k] >= NEUTRAL_BELOW else NEUTRAL)
        return stages, top

    def save(self, path: str | Path) -> Path:
        import joblib
        import sklearn

        if self.forest_ is None:
            raise RuntimeError("StageModel is not fitted")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "kind": "stage_model",
            "format_version": FORMAT_VERSION,
            "features": self.features,
            "feature_names": list(FEATURE_NAMES) if self.features == "invariant" else None,
            "sklearn": sklearn.__version__,
            "forest": self.forest_,
        }
        joblib.dump(payload, path, compress=3)
        return path

    @classmethod
    def load(cls, path: str | Path) -> StageModel:
        """Read a file written by `save`. Only load files you trust: joblib is pickle."""
        import joblib

        path = Path(path)
        if not path.is_file():
            raise StageModelFileError(f"{path}: no stage model file there")
        try:
            payload = joblib.load(path)
        except Exception as exc:  # pickle/zlib/EOF errors all mean the same: unreadable
            raise StageModelFileError(f"{path} is not a readable stage model: {exc}") from exc
        if not isinstance(payload, dict) or payload.get("kind") != "stage_model":
            raise StageModelFileError(f"{path} is not a stage model file")
        if payload.get("format_version") != FORMAT_VERSION:
            raise StageModelFileError(
                f"{path} has stage model format {payload.get('format_version')}; this code reads "
                f"{FORMAT_VERSION}: retrain with `manage.py train_stage_model`"
            )
        features = payload.get("features")
        if features not in FEATURE_KINDS:
            raise StageModelFileError(f"{path} has unknown feature kind {features!r}")
        if features == "invariant" and payload.get("feature_names") != list(FEATURE_NAMES):
            raise StageModelFileError(
                f"{path} was trained on different invariant features; retrain it"
            )
        forest = payload.get("forest")
        if not hasattr(forest, "predict_proba") or set(map(str, forest.classes_)) != set(STAGES):
            raise StageModelFileError(f"{path} does not hold an up/down classifier")
        model = cls(features=features)
        model.forest_ = forest
        return model


# --- evaluation helpers (shared by the training command and the tests) ---------------------


def translate(landmarks: np.ndarray, dx: float = 0.25, dy: float = -0.1) -> np.ndarray:
    """The lifter stands elsewhere in the frame."""
    out = np.array(landmarks, dtype=float)
    out[..., 0] += dx
    out[..., 1] += dy
    return out


def scale_about_centre(landmarks: np.ndarray, factor: float = 0.5) -> np.ndarray:
    """The lifter stands further from the camera (image centre fixed)."""
    out = np.array(landmarks, dtype=float)
    out[..., :2] = 0.5 + (out[..., :2] - 0.5) * factor
    return out


def scale_with_depth(landmarks: np.ndarray, factor: float = 0.5) -> np.ndarray:
    """As `scale_about_centre`, but z shrinks too: MediaPipe's z is on the same scale as x, so
    a lifter further away also gets smaller depths. The raw baseline leans on z (about 40% of
    its forest's importance), which the plain x, y scaling leaves untouched."""
    out = scale_about_centre(landmarks, factor)
    out[..., 2] *= factor
    return out


def mirror(landmarks: np.ndarray) -> np.ndarray:
    """A mirrored camera: x -> 1 - x, landmark identities kept (left stays left)."""
    out = np.array(landmarks, dtype=float)
    out[..., 0] = 1.0 - out[..., 0]
    return out


PERTURBATIONS = {
    "none": lambda lm: np.array(lm, dtype=float),
    "translate": translate,
    "scale": scale_about_centre,
    "mirror": mirror,
    "translate+scale": lambda lm: translate(scale_about_centre(lm)),
    "scale+depth": scale_with_depth,
}


def accuracy(model: StageModel, landmarks: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of frames whose most probable class is the label (no neutral band)."""
    proba = model.predict_proba(landmarks)
    pred = np.array(model.classes_)[np.argmax(np.nan_to_num(proba, nan=-1.0), axis=1)]
    return float(np.mean(pred == np.asarray(labels)))


def cross_validate(
    landmarks: np.ndarray,
    labels: np.ndarray,
    features: FeatureKind,
    n_splits: int = 5,
    seed: int = 0,
) -> dict[str, list[float]]:
    """Stratified k-fold accuracy per perturbation of the held-out fold: {name: [acc per fold]}."""
    from sklearn.model_selection import StratifiedKFold

    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    scores: dict[str, list[float]] = {name: [] for name in PERTURBATIONS}
    for train, test in folds.split(np.zeros(len(labels)), labels):
        model = StageModel(features=features, random_state=seed).fit(
            landmarks[train], labels[train]
        )
        for name, perturb in PERTURBATIONS.items():
            scores[name].append(accuracy(model, perturb(landmarks[test]), labels[test]))
    return scores
