from django.urls import path

from training.views import detectors, training

urlpatterns = [
    path("training/", training.training_page, name="training"),
    path("training/start/", training.training_start_view, name="training_start"),
    path(
        "training/reps/<int:rep_id>/exclusion/",
        training.training_rep_exclusion,
        name="training_rep_exclusion",
    ),
    path("detectors/", detectors.detectors_page, name="detectors"),
    path("detectors/<int:version_id>/", detectors.detector_page, name="detector"),
    path(
        "detectors/<int:version_id>/activate/",
        detectors.detector_activate_view,
        name="detector_activate",
    ),
]
