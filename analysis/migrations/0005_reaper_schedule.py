"""The reaper as a django-q2 schedule: every minute, on whichever cluster runs, jobs whose
worker died are failed (retryable) and lost tasks are enqueued again (analysis.services.reaper).
"""

from django.db import migrations

FUNC = "analysis.tasks.jobs_reap_task"


def create(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        func=FUNC,
        defaults={
            "name": "Reap jobs whose worker died",
            "schedule_type": "I",  # Schedule.MINUTES
            "minutes": 1,
            "repeats": -1,
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=FUNC).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0004_analysis_heartbeat"),
        # The last migration of the pinned django-q2 (1.11.1): its Schedule as it is now.
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create, remove)]
