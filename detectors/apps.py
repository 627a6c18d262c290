from django.apps import AppConfig


class DetectorsConfig(AppConfig):
    name = "detectors"
    verbose_name = "Detector versions"
