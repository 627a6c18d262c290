"""Evaluate a saved anomaly detector on labelled folders, as the dissertation reported it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Score folders of correct and anomalous rep PNGs with a model version directory; print "
        "the classification report, confusion matrix and ROC AUC; save a confusion-matrix PNG."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("model_dir")
        parser.add_argument("--normal", action="append", required=True, metavar="DIR")
        parser.add_argument("--anomaly", action="append", required=True, metavar="DIR")
        parser.add_argument("--json", default=None, metavar="F", help="write the report here")
        parser.add_argument(
            "--png", default=None,
            help="confusion-matrix image (default: MODEL_DIR/evaluation/confusion_matrix.png)",
        )  # fmt: skip

    def handle(self, *args: Any, **opts: Any) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import numpy as np

        from core.detector import AnomalyDetector
        from core.detector.data import load_folders
        from core.detector.errors import DetectorError
        from core.detector.evaluation import evaluate, format_report, save_confusion_png

        model_dir = Path(opts["model_dir"])
        try:
            det = AnomalyDetector.load(model_dir)
            normal, _, _ = load_folders(opts["normal"])
            anom, _, _ = load_folders(opts["anomaly"])
        except (FileNotFoundError, DetectorError) as e:
            raise CommandError(str(e)) from e
        sn, sa = det.explain(normal), det.explain(anom)
        y_true = np.r_[np.zeros(len(normal), int), np.ones(len(anom), int)]
        y_pred = np.r_[sn.anomalous, sa.anomalous].astype(int)
        report = evaluate(y_true, y_pred, np.r_[sn.score, sa.score])
        report["model_version"] = det.version_
        report["n_normal"], report["n_anomaly"] = len(normal), len(anom)
        self.stdout.write(f"Model {det.version_}: {len(normal)} normal, {len(anom)} anomalous reps")
        self.stdout.write(format_report(y_true, y_pred, report))
        png = (
            Path(opts["png"]) if opts["png"] else model_dir / "evaluation" / "confusion_matrix.png"
        )
        save_confusion_png(report["confusion_matrix"], png, title=f"{det.version_}")
        self.stdout.write(f"Confusion matrix image: {png}")
        if opts["json"]:
            Path(opts["json"]).parent.mkdir(parents=True, exist_ok=True)
            Path(opts["json"]).write_text(json.dumps(report, indent=2) + "\n")
            self.stdout.write(f"Report JSON: {opts['json']}")
