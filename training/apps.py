from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        from coach_platform.jobs import reaper_register
        from training.services.runs import training_runs_reap

        reaper_register(training_runs_reap)
