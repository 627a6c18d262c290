"""Comments and read markers moved to `analysis` (they belong to the review). Only Django's
idea of the models changes here: the tables and their rows stay where they are, and
`analysis.0006_comments_from_athletes` takes the models over with the same table names."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("athletes", "0002_invitations_consent"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Comment"),
                migrations.DeleteModel(name="SessionReadMarker"),
            ],
            database_operations=[],
        ),
    ]
