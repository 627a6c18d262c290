"""Detector versions by media key; an analysis' worker and its count of lost workers; the
stored pieces of a resumable upload.

Detector versions are stored by media key ("detectors/<folder>"), not by an absolute path
that only holds on the machine that trained them: versions under MEDIA_ROOT become keys;
any other path (an old DETECTOR_ROOT) stays as it was and is still loaded from there."""

from pathlib import Path

from django.conf import settings
from django.db import migrations, models


def to_keys(apps, schema_editor):
    DetectorVersion = apps.get_model("analysis", "DetectorVersion")
    root = Path(settings.MEDIA_ROOT).resolve()
    for version in DetectorVersion.objects.all():
        path = Path(version.model_dir)
        if not path.is_absolute():
            continue
        try:
            key = path.resolve().relative_to(root).as_posix()
        except ValueError:
            continue
        DetectorVersion.objects.filter(pk=version.pk).update(model_dir=key)


def to_paths(apps, schema_editor):
    DetectorVersion = apps.get_model("analysis", "DetectorVersion")
    root = Path(settings.MEDIA_ROOT)
    for version in DetectorVersion.objects.all():
        if not Path(version.model_dir).is_absolute():
            DetectorVersion.objects.filter(pk=version.pk).update(
                model_dir=str(root / version.model_dir)
            )


def pieces_from_partial_files(apps, schema_editor):
    """An unfinished upload's one partial file (one disk, before pieces) becomes its first
    piece, so it resumes where it was."""
    ResumableUpload = apps.get_model("analysis", "ResumableUpload")
    folder = Path(settings.MEDIA_ROOT) / "uploads-partial"
    for upload in ResumableUpload.objects.filter(session__isnull=True, offset__gt=0):
        part = folder / f"{upload.key}.part"
        if not part.is_file():
            continue
        (folder / upload.key).mkdir(exist_ok=True)
        name = "000000000000-migrated"
        part.rename(folder / upload.key / name)
        ResumableUpload.objects.filter(pk=upload.pk).update(
            pieces=[name], offset=(folder / upload.key / name).stat().st_size
        )
    for part in folder.glob("*.part") if folder.is_dir() else []:
        part.unlink()  # empty or orphaned


class Migration(migrations.Migration):
    dependencies = [("analysis", "0010_annotations_notifications_shares_uploads")]

    operations = [
        migrations.RunPython(to_keys, to_paths),
        migrations.AddField(
            model_name="analysis",
            name="worker_losses",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="analysis",
            name="worker",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="resumableupload",
            name="pieces",
            field=models.JSONField(default=list),
        ),
        migrations.RunPython(pieces_from_partial_files, migrations.RunPython.noop),
    ]
