from django.urls import path

from analysis import data_views, session_views, training_views, views

urlpatterns = [
    path("coach/", session_views.coach_dashboard, name="coach_dashboard"),
    path("me/", session_views.athlete_dashboard, name="athlete_dashboard"),
    path("athletes/<int:athlete_id>/", session_views.athlete_detail, name="athlete_detail"),
    path("sessions/new/", session_views.session_upload_page, name="session_upload"),
    path("sessions/<int:session_id>/video/", session_views.session_video, name="session_video"),
    path("sessions/<int:session_id>/comments/", session_views.comment_add, name="comment_add"),
    path(
        "sessions/<int:session_id>/reviewed/",
        session_views.session_reviewed,
        name="session_reviewed",
    ),
    path("sessions/<int:session_id>/", views.session_review, name="session_review"),
    path("sessions/<int:session_id>/status/", views.session_status, name="session_status"),
    path("sessions/<int:session_id>/retry/", views.session_retry, name="session_retry"),
    path("sessions/<int:session_id>/result.mp4", views.result_video, name="result_video"),
    path("sessions/<int:session_id>/report.json", views.report_json, name="report_json"),
    path("sessions/<int:session_id>/reps.csv", views.reps_csv, name="reps_csv"),
    path("reps/<int:rep_id>/image.png", views.rep_image, name="rep_image"),
    path("reps/<int:rep_id>/<str:kind>.npy", views.rep_array, name="rep_array"),
    path("compare/", views.rep_compare, name="rep_compare"),
    path("me/data/export.zip", data_views.my_data_export, name="my_data_export"),
    path("queue/", training_views.review_queue_page, name="review_queue"),
    path("training/", training_views.training_page, name="training"),
    path("training/start/", training_views.training_start_view, name="training_start"),
    path(
        "training/reps/<int:rep_id>/exclusion/",
        training_views.training_rep_exclusion,
        name="training_rep_exclusion",
    ),
    path("detectors/", training_views.detectors_page, name="detectors"),
    path("detectors/<int:version_id>/", training_views.detector_page, name="detector"),
    path(
        "detectors/<int:version_id>/activate/",
        training_views.detector_activate_view,
        name="detector_activate",
    ),
]
