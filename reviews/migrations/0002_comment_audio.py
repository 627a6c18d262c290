"""A comment may carry a voice-over: the recording's media key and its length."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="audio",
            field=models.CharField(blank=True, default="", max_length=500),
        ),
        migrations.AddField(
            model_name="comment",
            name="audio_duration_s",
            field=models.FloatField(blank=True, null=True),
        ),
    ]
