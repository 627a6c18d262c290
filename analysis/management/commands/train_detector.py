"""Train a new detector version from the platform's training set, in the foreground."""

from __future__ import annotations

import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Train a new detector version on the training set (labelled, not excluded reps), "
        "evaluate it on held-out videos against the active version, and register it. "
        "Same rules as the page and the API: one run at a time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--epochs", type=int, default=None, help="max epochs (default 20)")
        parser.add_argument("--config", choices=["native", "seed"], default="native")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--activate", action="store_true",
            help="activate the new version if it beats the active one (or none is active)",
        )  # fmt: skip

    def handle(self, *args: Any, **opts: Any) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        from tqdm import tqdm

        from analysis.selectors.detectors import detector_summary
        from analysis.services import TrainingBusy, training_run_execute, training_start

        try:
            run = training_start(
                epochs=opts["epochs"],
                config=opts["config"],
                seed=opts["seed"],
                auto_activate=opts["activate"],
                enqueue=False,
            )
        except (TrainingBusy, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error
        bar = tqdm(desc=f"training run #{run.pk}", unit="epoch", file=self.stderr._out)

        def on_epoch(epoch: int, logs: dict[str, float]) -> None:
            bar.set_postfix(loss=f"{logs['loss']:.5f}", val_loss=f"{logs['val_loss']:.5f}")
            bar.update(1)

        try:
            run = training_run_execute(run.pk, on_epoch=on_epoch)
        finally:
            bar.close()
        if run.status != "done":
            raise CommandError(run.error)
        summary = detector_summary(run.version)
        self.stdout.write(f"New version {run.version.name} at {run.version.model_dir}")
        self.stdout.write(
            "Held-out: " + ", ".join(f"{k} {v}" for k, v in summary.items() if v is not None)
        )
        state = "activated" if run.activated else "not activated"
        self.stdout.write(self.style.SUCCESS(f"{run.version.name} {state}"))
