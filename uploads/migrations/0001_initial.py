"""Takes over resumableupload from `analysis` with their tables (no table is created:
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
        ("analysis", "0011_media_keys_worker_losses"),
        ("sets", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ResumableUpload",
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
                        ("key", models.CharField(max_length=64, unique=True)),
                        ("filename", models.CharField(max_length=255)),
                        ("size", models.BigIntegerField()),
                        ("offset", models.BigIntegerField(default=0)),
                        ("pieces", models.JSONField(default=list)),
                        ("fields", models.JSONField(default=dict)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "athlete",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "session",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="sets.trainingsession",
                            ),
                        ),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "analysis_resumableupload",
                    },
                ),
            ],
            database_operations=[],
        ),
        content_types_moved(("resumableupload",), "analysis", "uploads"),
    ]
