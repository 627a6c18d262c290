from django.urls import path

from analysis.views import compare, data, reps, sessions

urlpatterns = [
    path("coach/", sessions.coach_dashboard, name="coach_dashboard"),
    path("me/", sessions.athlete_dashboard, name="athlete_dashboard"),
    path("athletes/<int:athlete_id>/", sessions.athlete_detail, name="athlete_detail"),
    path("sessions/<int:session_id>/video/", sessions.session_video, name="session_video"),
    path("sessions/<int:session_id>/comments/", sessions.comment_add, name="comment_add"),
    path(
        "sessions/<int:session_id>/comments/<int:comment_id>/audio",
        sessions.comment_audio,
        name="comment_audio",
    ),
    path(
        "sessions/<int:session_id>/reviewed/",
        sessions.session_reviewed,
        name="session_reviewed",
    ),
    path("sessions/<int:session_id>/", sessions.session_review, name="session_review"),
    path("sessions/<int:session_id>/status/", sessions.session_status, name="session_status"),
    path("sessions/<int:session_id>/retry/", sessions.session_retry, name="session_retry"),
    path("sessions/<int:session_id>/edit/", sessions.session_edit_view, name="session_edit"),
    path("sessions/<int:session_id>/delete/", sessions.session_delete_view, name="session_delete"),
    path(
        "sessions/<int:session_id>/analyse-as/",
        sessions.session_analyse_as,
        name="session_analyse_as",
    ),
    path("sessions/<int:session_id>/result.mp4", sessions.result_video, name="result_video"),
    path("sessions/<int:session_id>/export/", sessions.session_export, name="session_export"),
    path(
        "sessions/<int:session_id>/playable.mp4", sessions.session_playable, name="session_playable"
    ),
    path(
        "sessions/<int:session_id>/overlay.json", sessions.session_overlay, name="session_overlay"
    ),
    path("sessions/<int:session_id>/report.json", sessions.report_json, name="report_json"),
    path("sessions/<int:session_id>/reps.csv", sessions.reps_csv, name="reps_csv"),
    path(
        "sessions/<int:session_id>/candidates/<int:candidate>/count/",
        sessions.session_candidate_count,
        name="session_candidate_count",
    ),
    path("reps/<int:rep_id>/not-a-rep/", reps.rep_not_a_rep_view, name="rep_not_a_rep"),
    path("reps/<int:rep_id>/restore/", reps.rep_restore_view, name="rep_restore"),
    path("reps/<int:rep_id>/span/", reps.rep_span_view, name="rep_span"),
    path("reps/<int:rep_id>/image.png", reps.rep_image, name="rep_image"),
    path("reps/<int:rep_id>/<str:kind>.npy", reps.rep_array, name="rep_array"),
    path("queue/", reps.review_queue_page, name="review_queue"),
    path("compare/", compare.rep_compare, name="rep_compare"),
    path("compare/overlay.json", compare.rep_compare_overlay, name="rep_compare_overlay"),
    path("me/data/export.zip", data.my_data_export, name="my_data_export"),
]
