"""The session table moves to `sets` (athletes keeps people). Only Django's idea of the model
changes: the table `athletes_trainingsession` and its rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0012_models_to_their_apps"),
        ("athletes", "0004_profile_email_confirmation"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="TrainingSession",
                ),
            ],
            database_operations=[],
        ),
    ]
