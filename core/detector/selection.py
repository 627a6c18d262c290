"""Choosing between detector versions: the held-out split by video, the reports on the
held-out reps, and the rule that decides whether a new version beats the active one.

Plain functions on arrays and judges (anything with `judge(images)`, see
core.result.RepJudge); the training service fetches the data and the active
version, and records what these return.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from core.detector.data import split_by_group
from core.detector.evaluation import LABELS

if TYPE_CHECKING:
    from core.result import Judgement, RepJudge

HELDOUT_FRACTION = 0.2  # share of the videos of each kind a training run holds out


def split_by_video(
    groups: np.ndarray, labels: np.ndarray, seed: int, fraction: float = HELDOUT_FRACTION
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, held_out): about `fraction` of the videos of each kind (videos whose
    reps are mostly good, mostly anomalous) held out whole, so both labels reach the
    held-out side when they can."""
    groups, labels = np.asarray(groups), np.asarray(labels, dtype=bool)
    train, held = [], []
    majority = {g: labels[groups == g].mean() > 0.5 for g in set(groups.tolist())}
    for kind in (False, True):
        idx = np.flatnonzero([majority[g] == kind for g in groups])
        if len(idx) == 0:
            continue
        tr, he = split_by_group(groups[idx].tolist(), fraction, seed)
        train.extend(idx[tr])
        held.extend(idx[he])
    return np.sort(np.array(train, dtype=int)), np.sort(np.array(held, dtype=int))


def heldout_report(judge: RepJudge, images: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """The dissertation's report on these reps (y: True = anomalous), plus the scores of
    each true class."""
    return judgements_report(judge.judge(images), y)


def judgements_report(judgements: Sequence[Judgement], y: np.ndarray) -> dict[str, Any]:
    """`heldout_report` from judgements already made, one per rep of `y`."""
    from core.detector.evaluation import evaluate

    scores = np.array([j.score for j in judgements])
    pred = np.array([j.verdict == "anomalous" for j in judgements])
    report = evaluate(y.astype(int), pred.astype(int), scores)
    report["scores"] = {
        "good": [round(float(s), 4) for s in scores[~y]],
        "anomalous": [round(float(s), 4) for s in scores[y]],
    }
    return report


def summary(report: dict[str, Any]) -> dict[str, Any]:
    """The figures two versions are compared on."""
    good, anomaly = LABELS  # the report's class names, as `evaluate` wrote them
    return {
        "accuracy": report["accuracy"],
        "roc_auc": report["roc_auc"],
        "anomaly_recall": report[anomaly]["recall"],
        "good_recall": report[good]["recall"],
    }


def training_hashes(manifest: dict[str, Any]) -> frozenset[str]:
    """The sha256 of every image a saved version trained on (from its manifest)."""
    return frozenset(img.get("sha256") for img in manifest.get("training_images", []))


def comparable(y: np.ndarray, shas: Iterable[str], seen: Iterable[str]) -> np.ndarray:
    """Which held-out reps to compare on: those the active version did not train on (an
    earlier snapshot may have held them), when both labels remain among them; else all."""
    seen = set(seen)
    fresh = np.array([s not in seen for s in shas], dtype=bool)
    return fresh if len(set(y[fresh].tolist())) == 2 else np.ones(len(y), bool)


@dataclass
class ActiveVersion:
    """The active version as the comparison sees it."""

    name: str
    judge: RepJudge | None = None  # None when it could not be loaded
    trained_on: frozenset[str] = field(default_factory=frozenset)  # image sha256s
    error: str | None = None  # why it could not be loaded


def compare_versions(
    new: RepJudge,
    active: ActiveVersion | None,
    images: np.ndarray,
    y: np.ndarray,
    shas: list[str],
) -> dict[str, Any]:
    """The new version's held-out report, its comparison with the active one on the same
    held-out reps, and whether it beats it (the metrics a training run records)."""
    judged = new.judge(images) if len(y) else []  # the new version judges each rep once
    metrics: dict[str, Any] = {"heldout": judgements_report(judged, y) if len(y) else None}
    comparison: dict[str, Any] = {"active": None}
    if active is not None:
        comparison["active"] = active.name
        if active.error is not None:
            comparison["error"] = active.error
        if active.judge is not None and len(y):
            use = comparable(y, shas, active.trained_on)
            judged_use = [judged[i] for i in np.flatnonzero(use)]
            comparison.update(
                reps=int(use.sum()),
                excluded_seen_by_active=int((~use).sum()),
                new=summary(judgements_report(judged_use, y[use])),
                old=summary(heldout_report(active.judge, images[use], y[use])),
            )
    metrics["comparison"] = comparison
    metrics["beats_active"] = beats(comparison)
    return metrics


def beats(comparison: dict[str, Any]) -> bool:
    """A new version wins when there is no usable active one, or when its ROC AUC (then
    accuracy) on the same held-out reps is higher."""
    if comparison.get("active") is None or "error" in comparison:
        return True
    if "new" not in comparison:
        return False

    def key(s: dict[str, Any]) -> tuple[float, float]:
        return (s["roc_auc"] if s["roc_auc"] is not None else -1.0, s["accuracy"])

    return key(comparison["new"]) > key(comparison["old"])


def next_version_name(count: int, taken: Callable[[str], bool]) -> str:
    """The name of a new version: v<n>, n the first number after `count` (the versions
    there are) whose name is not `taken`."""
    n = count + 1
    while taken(f"v{n}"):
        n += 1
    return f"v{n}"
