"""Rep spans of every analysed video as JSON lines: training data for a learned rep counter."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from training.selectors.training import rep_spans


class Command(BaseCommand):
    help = (
        "Write one JSON line per analysed video (session and athlete ids, the video's sha256, "
        "fps, frames, its reps as labelled spans: start/lockout/end frame, counted, counted_by; "
        "the uncounted candidates; how many corrections coaches made). Only videos whose "
        "athlete agreed to training, as for the training set."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", metavar="FILE", help="write here (default: stdout)")
        parser.add_argument(
            "--corrected-only",
            action="store_true",
            help="only videos a coach corrected (a rep marked, restored, moved or counted)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        out = Path(opts["output"]).open("w") if opts["output"] else None  # noqa: SIM115
        stream = out or self.stdout
        count = 0
        try:
            for record in rep_spans(corrected_only=opts["corrected_only"]):
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
        finally:
            if out is not None:
                out.close()
        if out is not None:
            self.stderr.write(f"{count} videos written to {opts['output']}")
        elif count == 0:
            self.stderr.write("no analysed videos to export")
