"""Takes over trainingsession from `athletes` with their tables (no table is created:
`athletes`'s migrations made them); their content types follow."""

import django.db.models.deletion
import django.utils.timezone
import sets.models
from django.conf import settings
from coach_platform.model_moves import content_types_moved
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("athletes", "0004_profile_email_confirmation"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TrainingSession",
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
                        ("folder", models.CharField(max_length=64, unique=True)),
                        (
                            "video",
                            models.FileField(
                                max_length=500, upload_to=sets.models.session_upload_path
                            ),
                        ),
                        ("original_filename", models.CharField(blank=True, max_length=255)),
                        ("video_size", models.BigIntegerField(default=0)),
                        (
                            "exercise",
                            models.CharField(
                                choices=[("deadlift", "Deadlift")],
                                default="deadlift",
                                max_length=32,
                            ),
                        ),
                        ("performed_at", models.DateField(default=django.utils.timezone.localdate)),
                        (
                            "load_kg",
                            models.DecimalField(
                                blank=True, decimal_places=1, max_digits=6, null=True
                            ),
                        ),
                        ("notes", models.TextField(blank=True, max_length=2000)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("reviewed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "athlete",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="training_sessions",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "reviewed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="uploaded_sessions",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "athletes_trainingsession",
                        "ordering": ["-performed_at", "-created_at"],
                        "indexes": [
                            models.Index(
                                fields=["athlete", "-performed_at"],
                                name="athletes_tr_athlete_4e1f68_idx",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        content_types_moved(("trainingsession",), "athletes", "sets"),
    ]
