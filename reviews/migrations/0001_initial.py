"""Takes over comment, sessionreadmarker, replabel from `analysis` with their tables (no table is created:
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
        ("sets", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Comment",
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
                        ("body", models.TextField(blank=True, max_length=4000)),
                        ("video_time_s", models.FloatField(blank=True, null=True)),
                        ("drawing", models.JSONField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "author",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="comments",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "rep",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="comments",
                                to="analysis.rep",
                            ),
                        ),
                        (
                            "session",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="comments",
                                to="sets.trainingsession",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "athletes_comment",
                        "ordering": ["created_at", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="RepLabel",
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
                            "from_label",
                            models.CharField(
                                blank=True,
                                choices=[("good", "Good"), ("anomalous", "Anomalous")],
                                max_length=16,
                                null=True,
                            ),
                        ),
                        (
                            "to_label",
                            models.CharField(
                                choices=[("good", "Good"), ("anomalous", "Anomalous")],
                                max_length=16,
                            ),
                        ),
                        ("from_faults", models.JSONField(blank=True, default=list)),
                        ("to_faults", models.JSONField(blank=True, default=list)),
                        ("note", models.TextField(blank=True)),
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
                                related_name="label_history",
                                to="analysis.rep",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "analysis_replabel",
                        "ordering": ["-created_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="SessionReadMarker",
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
                        ("last_seen_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "session",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="read_markers",
                                to="sets.trainingsession",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "athletes_sessionreadmarker",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "session"), name="unique_read_marker"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        content_types_moved(("comment", "sessionreadmarker", "replabel"), "analysis", "reviews"),
    ]
