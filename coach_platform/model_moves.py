"""Moving a model from one app to another without touching its table (the standard recipe):
the old app's migration forgets the model, the new app's declares it with the same
`db_table`, both inside `SeparateDatabaseAndState` with no database operation, so every row
stays. Its content type follows it, so admin permissions and log entries keep pointing at
the same model. Used by migrations: change only by adding."""

from __future__ import annotations

from django.db import migrations


def content_types_moved(
    models: tuple[str, ...], from_app: str, to_app: str
) -> migrations.RunPython:
    """A migration operation renaming the content types of `models` (lower-case names) from
    `from_app` to `to_app`, and back when unapplied."""

    def move(source: str, target: str):
        def run(apps, schema_editor):
            ContentType = apps.get_model("contenttypes", "ContentType")
            types = ContentType.objects.using(schema_editor.connection.alias)
            for model in models:
                if types.filter(app_label=target, model=model).exists():
                    continue  # already made for the new app (stale ones: remove_stale_contenttypes)
                types.filter(app_label=source, model=model).update(app_label=target)

        return run

    return migrations.RunPython(move(from_app, to_app), move(to_app, from_app))
