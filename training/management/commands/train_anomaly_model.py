"""Train the rep anomaly detector and write a model version directory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Train the anomaly detector (autoencoder + latent density + learned thresholds) on "
        "SkeleMotion PNGs of correct reps, optionally tuning thresholds on anomalous reps; "
        "write a version directory (weights, density, thresholds, history, loss curve, manifest)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--normal", action="append", required=True, metavar="DIR",
            help="folder of correct-rep PNGs (repeat for several folders)",
        )  # fmt: skip
        parser.add_argument(
            "--anomaly", action="append", default=[], metavar="DIR",
            help="folder of anomalous-rep PNGs, used only to tune thresholds",
        )  # fmt: skip
        parser.add_argument("--out", required=True, metavar="MODEL_DIR", help="new version dir")
        parser.add_argument("--config", choices=["native", "seed"], default="native")
        parser.add_argument("--epochs", type=int, default=None, help="max epochs")
        parser.add_argument("--patience", type=int, default=None, help="early-stopping patience")
        parser.add_argument("--batch-size", type=int, default=None)
        parser.add_argument("--false-alarm-rate", type=float, default=None)
        parser.add_argument("--filters", default=None, help="encoder filters, e.g. 64,32,16")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args: Any, **opts: Any) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        from tqdm import tqdm

        from core.detector import AnomalyDetector
        from core.detector.data import load_folders, sha256_file
        from core.detector.errors import DetectorError

        out = Path(opts["out"])
        if (out / "manifest.json").exists():
            raise CommandError(f"{out} already holds a model: choose a new version directory")
        try:
            normal, npaths, groups = load_folders(opts["normal"])
            anom, apaths = None, []
            if opts["anomaly"]:
                anom, apaths, _ = load_folders(opts["anomaly"])
        except (FileNotFoundError, DetectorError) as e:
            raise CommandError(str(e)) from e
        params: dict[str, Any] = {"config": opts["config"], "seed": opts["seed"]}
        for key in ("epochs", "patience", "batch_size", "false_alarm_rate"):
            if opts[key] is not None:
                params[key] = opts[key]
        if opts["filters"]:
            params["filters"] = tuple(int(f) for f in opts["filters"].split(","))
        det = AnomalyDetector(**params)
        n_videos = len(set(groups))
        self.stdout.write(
            f"Training '{det.config}' on {len(normal)} normal reps from {n_videos} videos"
            + (f", tuning on {len(anom)} anomalous reps" if anom is not None else "")
        )
        bar = tqdm(total=det.epochs, desc="epochs", unit="epoch", file=self.stderr._out)

        def on_epoch(epoch: int, logs: dict[str, float]) -> None:
            bar.set_postfix(loss=f"{logs['loss']:.5f}", val_loss=f"{logs['val_loss']:.5f}")
            bar.update(1)

        try:
            tuning = anom if anom is not None else normal[:0]
            det.fit(
                np.concatenate([normal, tuning]),
                [0] * len(normal) + [1] * len(tuning),
                groups=[*groups, *(f"anomaly-{i}" for i in range(len(tuning)))],
                on_epoch=on_epoch,
            )
        except ValueError as e:
            raise CommandError(str(e)) from e
        finally:
            bar.close()
        images = [
            {"name": p.name, "sha256": sha256_file(p), "role": role, "video": g}
            for paths, role, grps in ((npaths, "normal", groups), (apaths, "anomaly", None))
            for p, g in zip(paths, grps or [None] * len(paths), strict=True)
        ]
        det.save(out, training_images=images)
        m = det.metrics_
        self.stdout.write(
            f"Stopped after {m['epochs_run']} epochs (best {m['best_epoch']}: train MSE "
            f"{m['train_loss']:.5f}, held-out-video MSE {m['val_loss']:.5f}) in "
            f"{m['fit_seconds']:.0f} s; KDE bandwidth {m['bandwidth']:.4g}; held-out false "
            f"alarm rate {m['heldout_false_alarm_rate']:.3f}"
        )
        self.stdout.write(self.style.SUCCESS(f"Saved model version to {out}"))
