"""Import a folder of SkeleMotion PNGs as labelled reps without videos."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

# The public dissertation dataset's layout, used when --label is not given.
LAYOUT = {"train": "good", "valid": "good", "anomaly": "anomalous"}


class Command(BaseCommand):
    help = (
        "Import SkeleMotion rep images (100x45 PNG) from DIR into the training set as reps "
        "labelled --label, from dataset --source. Without --label, DIR must have the public "
        "dataset's layout: train/ and valid/ (good) and anomaly/ (anomalous). Importing the "
        "same image twice into one source is skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", metavar="DIR")
        parser.add_argument("--label", choices=["good", "anomalous"], default=None)
        parser.add_argument("--source", required=True, help="dataset name, e.g. dissertation")
        parser.add_argument(
            "--view",
            choices=["side", "oblique", "front"],
            default="",
            help="the camera view the reps were filmed from (the dissertation's: front); a "
            "detector then abstains on views it did not learn from",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        from training.services.training_set import dataset_import

        root = Path(opts["dir"])
        if opts["label"]:
            parts = [(root, opts["label"])]
        else:
            parts = [(root / sub, label) for sub, label in LAYOUT.items() if (root / sub).is_dir()]
            if not parts:
                raise CommandError(
                    f"{root} has none of {', '.join(LAYOUT)}/: give --label good|anomalous "
                    "to import a flat folder"
                )
        for folder, label in parts:
            try:
                result = dataset_import(
                    folder, label=label, source=opts["source"], view=opts["view"]
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            self.stdout.write(
                f"{folder}: {result.created} imported as {label}, "
                f"{result.duplicates} already there, {len(result.rejected)} rejected"
            )
            for name, reason in result.rejected:
                self.stderr.write(f"  rejected {name}: {reason}")
