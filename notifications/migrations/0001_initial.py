"""Takes over notification, notificationpreference from `analysis` with their tables (no table is created:
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
                    name="Notification",
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
                            "kind",
                            models.CharField(
                                choices=[
                                    ("analysis_done", "An analysis is done"),
                                    ("analysis_failed", "An analysis failed"),
                                    ("comment", "A new comment or drawing"),
                                    ("label", "A coach labelled a rep"),
                                    ("rejudged", "A set was re-judged by a new model"),
                                ],
                                max_length=32,
                            ),
                        ),
                        ("text", models.CharField(max_length=300)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "recipient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "session",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to="sets.trainingsession",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "analysis_notification",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["recipient", "read_at"], name="notification_unread"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="NotificationPreference",
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
                            "kind",
                            models.CharField(
                                choices=[
                                    ("analysis_done", "An analysis is done"),
                                    ("analysis_failed", "An analysis failed"),
                                    ("comment", "A new comment or drawing"),
                                    ("label", "A coach labelled a rep"),
                                    ("rejudged", "A set was re-judged by a new model"),
                                ],
                                max_length=32,
                            ),
                        ),
                        ("in_app", models.BooleanField(default=True)),
                        ("email", models.BooleanField(default=False)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notification_preferences",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "analysis_notificationpreference",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "kind"), name="unique_notification_pref"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        content_types_moved(
            ("notification", "notificationpreference"), "analysis", "notifications"
        ),
    ]
