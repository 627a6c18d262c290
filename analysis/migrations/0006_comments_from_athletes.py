"""Comments and read markers, moved here from `athletes` (the standard recipe for moving a
model between apps): `athletes.0003_comments_to_analysis` forgets the models, this migration
declares them with their existing tables (`db_table`), so no table is created, renamed or
copied and every row stays. Their content types follow them, so admin permissions keep
pointing at the same models."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ("comment", "sessionreadmarker")


def content_types_to(app_label: str, from_label: str):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        for model in MOVED:
            if ContentType.objects.using(db).filter(app_label=app_label, model=model).exists():
                continue  # already made for the new app (stale ones: remove_stale_contenttypes)
            ContentType.objects.using(db).filter(app_label=from_label, model=model).update(
                app_label=app_label
            )

    return move


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0005_reaper_schedule"),
        ("athletes", "0003_comments_to_analysis"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Comment",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("body", models.TextField(max_length=4000)),
                        ("video_time_s", models.FloatField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("author", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="comments", to=settings.AUTH_USER_MODEL)),
                        ("rep", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="comments", to="analysis.rep")),
                        ("session", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="comments", to="athletes.trainingsession")),
                    ],
                    options={
                        "db_table": "athletes_comment",
                        "ordering": ["created_at", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="SessionReadMarker",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("last_seen_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("session", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="read_markers", to="athletes.trainingsession")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "athletes_sessionreadmarker",
                        "constraints": [models.UniqueConstraint(fields=("user", "session"), name="unique_read_marker")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            content_types_to("analysis", "athletes"), content_types_to("athletes", "analysis")
        ),
    ]
