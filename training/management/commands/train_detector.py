"""Train a new detector version from the platform's training set: on a worker (the command
enqueues the run and follows its progress), or in this process with --foreground."""

from __future__ import annotations

import os
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

# Said once when no worker has taken the run after this long (none may be running).
NO_WORKER_HINT_S = 30


class Command(BaseCommand):
    help = (
        "Train a new detector version on the training set (labelled, not excluded reps), "
        "evaluate it on held-out videos against the active version, and register it. "
        "Same rules as the page and the API: one run at a time. The run goes to a worker "
        "(a django-q2 cluster) and this command follows it; --foreground trains here."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--epochs", type=int, default=None, help="max epochs (default 20)")
        parser.add_argument("--config", choices=["native", "seed"], default="native")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--activate", action="store_true",
            help="activate the new version if it beats the active one (or none is active)",
        )  # fmt: skip
        parser.add_argument(
            "--foreground", action="store_true",
            help="train in this process instead of on a worker",
        )  # fmt: skip
        parser.add_argument(
            "--poll", type=float, default=2.0, help="seconds between looks at the run"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        from tqdm import tqdm

        from training.services.runs import TrainingBusy, training_run_execute, training_start

        try:
            run = training_start(
                epochs=opts["epochs"],
                config=opts["config"],
                seed=opts["seed"],
                auto_activate=opts["activate"],
                enqueue=not opts["foreground"],
            )
        except (TrainingBusy, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error
        bar = tqdm(desc=f"training run #{run.pk}", unit="epoch", file=self.stderr._out)
        try:
            if opts["foreground"]:

                def on_epoch(epoch: int, logs: dict[str, float]) -> None:
                    _losses(bar, logs)
                    bar.update(1)

                run = training_run_execute(run.pk, on_epoch=on_epoch)
            else:
                run = self._follow(run, bar, opts["poll"])
        finally:
            bar.close()
        self._report(run)

    def _follow(self, run, bar, poll_s: float):
        """Show the worker's progress from the run's row until it ends. Ctrl-C stops
        following, not the run."""
        from coach_platform.jobs import JobStatus

        started, hinted = time.monotonic(), False
        try:
            while run.status not in (JobStatus.DONE, JobStatus.FAILED):
                time.sleep(poll_s)
                run.refresh_from_db()
                waited = time.monotonic() - started
                if run.status == JobStatus.QUEUED and not hinted and waited > NO_WORKER_HINT_S:
                    self.stderr.write(
                        f"Run #{run.pk} is still waiting for a worker: is one running "
                        "(`make run`, or `manage.py qcluster`)?"
                    )
                    hinted = True
                bar.total = run.epochs or None
                if run.epoch > bar.n:
                    _losses(bar, run.history[-1] if run.history else {})
                    bar.update(run.epoch - bar.n)
                bar.set_description(f"training run #{run.pk} ({run.phase or run.status})")
        except KeyboardInterrupt:
            raise CommandError(
                f"Stopped following; run #{run.pk} goes on on its worker (see the training page)."
            ) from None
        return run

    def _report(self, run) -> None:
        from training.selectors.detectors import detector_summary

        if run.status != "done":
            raise CommandError(run.error)
        summary = detector_summary(run.version)
        self.stdout.write(f"New version {run.version.name} at {run.version.model_dir}")
        self.stdout.write(
            "Held-out: " + ", ".join(f"{k} {v}" for k, v in summary.items() if v is not None)
        )
        state = "activated" if run.activated else "not activated"
        self.stdout.write(self.style.SUCCESS(f"{run.version.name} {state}"))


def _losses(bar, logs: dict[str, float]) -> None:
    if "loss" in logs and "val_loss" in logs:
        bar.set_postfix(loss=f"{logs['loss']:.5f}", val_loss=f"{logs['val_loss']:.5f}")
