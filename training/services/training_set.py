"""The training set: importing labelled SkeleMotion images, and the snapshot a run trains on.

The set is every rep with a label, an image, and no exclusion: coach-labelled reps from
uploaded sets whose athlete consented to training, plus imported datasets (reps without a
video). Its one definition is `training.selectors.training.training_set_filter`. Good reps train the
autoencoder; anomalous reps tune the thresholds and test the result.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from analysis.models import SOURCE_PLATFORM, Label, Rep
from coach_platform.storage import media_publish, media_root
from reviews.models import RepLabel

SOURCE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")


@dataclass
class ImportResult:
    created: int = 0
    duplicates: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)


CAMERA_VIEWS = ("", "side", "oblique", "front")  # as pipeline.faults.camera_view names them


def dataset_import(folder: Path | str, *, label: str, source: str, view: str = "") -> ImportResult:
    """Import every *.png in `folder` as a rep labelled `label`, from dataset `source`,
    filmed from camera `view` ("side", "oblique", "front"; "" unknown: a detector trained
    on them then judges every view).

    Images are copied into the media store (the dataset folder may go away); an image already
    imported into the same source is skipped, so importing twice is harmless. Files that are
    not 100 x 45 RGB SkeleMotion images are rejected, each with its reason.
    """
    from PIL import Image, UnidentifiedImageError

    from core.detector.data import group_of, sha256_file

    folder = Path(folder)
    if label not in Label.values:
        raise ValidationError(f"Label must be one of: {', '.join(Label.values)}.")
    if not SOURCE_PATTERN.match(source) or source == SOURCE_PLATFORM:
        raise ValidationError(
            "The source must be a short lower-case name (letters, digits, '-', '_', '.') "
            f"other than '{SOURCE_PLATFORM}'."
        )
    if view not in CAMERA_VIEWS:
        raise ValidationError(f"The camera view must be one of: {', '.join(CAMERA_VIEWS)}.")
    if not folder.is_dir():
        raise ValidationError(f"Not a folder: {folder}")
    paths = sorted(folder.glob("*.png"))
    if not paths:
        raise ValidationError(f"No .png images in {folder}")

    result = ImportResult()
    media = media_root()
    known = set(
        Rep.objects.filter(source=source, analysis=None).values_list("image_sha256", flat=True)
    )
    index = Rep.objects.filter(source=source).aggregate(n=Max("index"))["n"] or 0
    now = timezone.now()
    with transaction.atomic():
        for path in paths:
            try:
                with Image.open(path) as im:
                    if im.size != (100, 45):
                        raise ValueError(f"size {im.size[0]}x{im.size[1]}, expected 100x45")
                    im.convert("RGB").load()
            except (OSError, UnidentifiedImageError, ValueError) as error:
                result.rejected.append((path.name, str(error)))
                continue
            sha = sha256_file(path)
            if sha in known:
                result.duplicates += 1
                continue
            relative = Path("training") / source / sha[:2] / f"{sha}.png"
            (media / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, media / relative)
            media_publish(media / relative)
            index += 1
            rep = Rep.objects.create(
                analysis=None,
                index=index,
                source=source,
                source_name=path.name,
                group=f"{source}/{group_of(path.name)}",
                image=str(relative),
                image_sha256=sha,
                label=label,
                labelled_at=now,
                label_note=f"imported from {source}",
                camera_view=view,
            )
            RepLabel.objects.create(rep=rep, to_label=label, note=f"imported from {source}")
            known.add(sha)
            result.created += 1
    return result


def rep_group(rep: Rep) -> str:
    """The video a rep came from, for splits that keep one video on one side."""
    if rep.group:
        return rep.group
    return f"session-{rep.analysis.session_id}" if rep.analysis_id else f"rep-{rep.pk}"
