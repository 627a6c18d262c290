"""Takes over trainingrun, repexclusion from `analysis` with their tables (no table is created:
`analysis`'s migrations made them); their content types follow."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from coach_platform.model_moves import content_types_moved
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("analysis", "0012_models_to_their_apps"),
        ("detectors", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RepExclusion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("excluded", models.BooleanField()),
                        ("reason", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "author",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "rep",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="exclusions",
                                to="analysis.rep",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "analysis_repexclusion",
                        "ordering": ["-created_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="TrainingRun",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "Queued"),
                                    ("running", "Running"),
                                    ("done", "Done"),
                                    ("failed", "Failed"),
                                ],
                                default="queued",
                                max_length=16,
                            ),
                        ),
                        ("error", models.TextField(blank=True)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("heartbeat_at", models.DateTimeField(blank=True, null=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("is_open", models.BooleanField(default=True)),
                        ("params", models.JSONField(blank=True, default=dict)),
                        ("auto_activate", models.BooleanField(default=False)),
                        ("phase", models.CharField(blank=True, max_length=32)),
                        ("epoch", models.PositiveIntegerField(default=0)),
                        ("epochs", models.PositiveIntegerField(default=0)),
                        ("history", models.JSONField(blank=True, default=list)),
                        ("snapshot", models.JSONField(blank=True, default=dict)),
                        ("activated", models.BooleanField(default=False)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "requested_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "version",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="run",
                                to="detectors.detectorversion",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "analysis_trainingrun",
                        "ordering": ["-created_at", "-pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("is_open", True)),
                                fields=("is_open",),
                                name="one_open_training_run",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        content_types_moved(("trainingrun", "repexclusion"), "analysis", "training"),
    ]
