from django.apps import AppConfig


class SetsConfig(AppConfig):
    name = "sets"
    verbose_name = "Sets"

    def ready(self) -> None:
        import sets.services  # noqa: F401  (a set's files go with its row: a receiver)
