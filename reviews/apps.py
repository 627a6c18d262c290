from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        import reviews.services.voice_overs  # noqa: F401  (a recording goes with its comment)
