from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "analysis"
    verbose_name = "Analysis"

    def ready(self) -> None:
        from analysis.services.analyses import analysis_reap
        from coach_platform.jobs import reaper_register

        reaper_register(analysis_reap)
