"""Train the per-frame stage classifier (up / down / neutral) and write it to one file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

PERTURBATION_HELP = {
    "none": "as recorded",
    "translate": "x+0.25, y-0.1",
    "scale": "x, y 0.5x about centre",
    "mirror": "x -> 1-x",
    "translate+scale": "both",
    "scale+depth": "scale, z 0.5x too",
}


class Command(BaseCommand):
    help = (
        "Train the stage random forest on labelled pose frames (stages/annotation_data.csv), "
        "print stratified k-fold accuracy of the raw-landmark baseline and the invariant "
        "features, plain and with the test frames moved, scaled and mirrored; save the model "
        "trained on all frames. The model file is derived from third-party data: do not commit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--csv", required=True, metavar="PATH", help="annotation CSV")
        parser.add_argument("--out", required=True, metavar="MODEL_PATH", help="model file")
        parser.add_argument(
            "--features", choices=["invariant", "raw"], default="invariant",
            help="features of the saved model (both are evaluated)",
        )  # fmt: skip
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args: Any, **opts: Any) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        from core.reps.stage_model import (
            PERTURBATIONS,
            StageModel,
            cross_validate,
            load_annotation_csv,
        )

        csv_path = Path(opts["csv"])
        if not csv_path.is_file():
            raise CommandError(f"{csv_path}: no such CSV")
        try:
            landmarks, labels = load_annotation_csv(csv_path)
        except ValueError as e:
            raise CommandError(str(e)) from e
        counts = ", ".join(f"{c} {int(np.sum(labels == c))}" for c in np.unique(labels))
        self.stdout.write(f"{len(labels)} frames ({counts}), {opts['folds']}-fold stratified CV")

        kinds = ("raw", "invariant")
        scores = {
            k: cross_validate(landmarks, labels, k, n_splits=opts["folds"], seed=opts["seed"])
            for k in kinds
        }
        self.stdout.write(f"{'test frames':<17}{'':<24}{'raw':>14}{'invariant':>14}")
        for name in PERTURBATIONS:
            cells = "".join(
                f"{np.mean(scores[k][name]):>8.3f} ±{np.std(scores[k][name]):.3f}" for k in kinds
            )
            self.stdout.write(f"{name:<17}{PERTURBATION_HELP.get(name, ''):<24}{cells}")
        self.stdout.write(
            "(accuracy of the most probable class; the 0.7 neutral band is not scored)"
        )

        model = StageModel(features=opts["features"], random_state=opts["seed"])
        model.fit(landmarks, labels)
        out = Path(opts["out"])
        # Write beside the target, then rename: a crash never leaves a half-written model.
        tmp = out.with_name(out.name + ".tmp")
        model.save(tmp)
        os.replace(tmp, out)
        self.stdout.write(
            self.style.SUCCESS(f"saved {opts['features']} stage model trained on all frames: {out}")
        )
