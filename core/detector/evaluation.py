"""The dissertation's evaluation: classification report, confusion matrix, ROC AUC, plots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from core.lifts import DEFAULT

# The report's two classes, also keys of every stored version's metrics: the good class is
# named by the registry's DEFAULT lift (which never changes), "Good <label> Form".
LABELS = (DEFAULT.good_form, "Anomaly")


def evaluate(y_true: np.ndarray, y_pred: np.ndarray, scores: np.ndarray) -> dict[str, Any]:
    """Report dict: `accuracy` at the top, per-class and averaged precision/recall/F1/support,
    `confusion_matrix` (rows = true Good, Anomaly; columns = predicted) and `roc_auc`."""
    from sklearn.metrics import classification_report, confusion_matrix, roc_auc_score

    y_true = np.asarray(y_true, dtype=int)
    y_pred = np.asarray(y_pred, dtype=int)
    report = classification_report(
        y_true, y_pred, labels=[0, 1], target_names=list(LABELS), output_dict=True,
        zero_division=0,
    )  # fmt: skip
    report["accuracy"] = float(np.mean(y_true == y_pred))
    report["confusion_matrix"] = confusion_matrix(y_true, y_pred, labels=[0, 1]).tolist()
    both = len(set(y_true.tolist())) == 2
    report["roc_auc"] = float(roc_auc_score(y_true, scores)) if both else None
    return report


def format_report(y_true: np.ndarray, y_pred: np.ndarray, report: dict[str, Any]) -> str:
    """The classification report as the dissertation printed it, then matrix and AUC."""
    from sklearn.metrics import classification_report

    text = classification_report(
        y_true, y_pred, labels=[0, 1], target_names=list(LABELS), digits=2, zero_division=0
    )
    cm = report["confusion_matrix"]
    width = max(len(s) for s in LABELS)
    auc_text = "n/a (one class)" if report["roc_auc"] is None else f"{report['roc_auc']:.3f}"
    lines = [
        text.rstrip(),
        "",
        "Confusion matrix (rows: true, columns: predicted)",
        f"{'':>{width}}  {LABELS[0]:>18}  {LABELS[1]:>8}",
        f"{LABELS[0]:>{width}}  {cm[0][0]:>18}  {cm[0][1]:>8}",
        f"{LABELS[1]:>{width}}  {cm[1][0]:>18}  {cm[1][1]:>8}",
        "",
        "ROC AUC: " + auc_text,
    ]
    return "\n".join(lines)


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # no display on servers
    import matplotlib.pyplot as plt

    return plt


def save_confusion_png(cm: list[list[int]], path: Path, title: str = "Confusion matrix") -> Path:
    plt = _pyplot()
    arr = np.asarray(cm)
    fig, ax = plt.subplots(figsize=(4.6, 4))
    ax.imshow(arr, cmap="Blues")
    for (i, j), v in np.ndenumerate(arr):
        colour = "white" if v > arr.max() / 2 else "black"
        ax.text(j, i, str(v), ha="center", va="center", color=colour, fontsize=14)
    ax.set_xticks([0, 1], ["Good", "Anomaly"])
    ax.set_yticks([0, 1], ["Good", "Anomaly"])
    ax.set_xlabel("Predicted")
    ax.set_ylabel("True")
    ax.set_title(title)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def save_loss_curve(history: dict[str, list[float]], path: Path) -> Path:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for key, label in (("loss", "train"), ("val_loss", "validation (held-out videos)")):
        if key in history:
            ax.plot(range(1, len(history[key]) + 1), history[key], label=label)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("MSE")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=70)
    plt.close(fig)
    return path
