"""Detector versions by media key; an analysis' worker and its count of lost workers.

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
    ]
