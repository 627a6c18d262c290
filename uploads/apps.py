from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "uploads"
    verbose_name = "Uploads"

    def ready(self) -> None:
        from coach_platform.jobs import reaper_register
        from uploads.services.resumable import PARTIAL_FOLDER, uploads_reap

        reaper_register(uploads_reap, media_not_copies=(PARTIAL_FOLDER,))
