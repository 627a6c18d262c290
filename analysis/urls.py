from django.urls import path

from analysis.views import (
    compare,
    data,
    detectors,
    notifications,
    reps,
    sessions,
    shares,
    training,
    uploads,
)

urlpatterns = [
    path("coach/", sessions.coach_dashboard, name="coach_dashboard"),
    path("me/", sessions.athlete_dashboard, name="athlete_dashboard"),
    path("athletes/<int:athlete_id>/", sessions.athlete_detail, name="athlete_detail"),
    path("sessions/new/", sessions.session_upload_page, name="session_upload"),
    path("uploads/resumable/", uploads.resumable_start, name="resumable_start"),
    path("uploads/resumable/<str:key>/", uploads.resumable_upload, name="resumable_upload"),
    path("sessions/<int:session_id>/video/", sessions.session_video, name="session_video"),
    path("sessions/<int:session_id>/comments/", sessions.comment_add, name="comment_add"),
    path(
        "sessions/<int:session_id>/reviewed/",
        sessions.session_reviewed,
        name="session_reviewed",
    ),
    path("sessions/<int:session_id>/", sessions.session_review, name="session_review"),
    path("sessions/<int:session_id>/status/", sessions.session_status, name="session_status"),
    path("sessions/<int:session_id>/retry/", sessions.session_retry, name="session_retry"),
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
    path("sessions/<int:session_id>/share/", shares.share_page, name="share_page"),
    path(
        "sessions/<int:session_id>/share/<int:link_id>/revoke/",
        shares.share_revoke,
        name="share_revoke",
    ),
    path("s/<str:token>/", shares.shared_session, name="shared_session"),
    path("s/<str:token>/video", shares.shared_video, name="shared_video"),
    path("s/<str:token>/overlay.json", shares.shared_overlay, name="shared_overlay"),
    path("reps/<int:rep_id>/not-a-rep/", reps.rep_not_a_rep_view, name="rep_not_a_rep"),
    path("reps/<int:rep_id>/restore/", reps.rep_restore_view, name="rep_restore"),
    path("reps/<int:rep_id>/span/", reps.rep_span_view, name="rep_span"),
    path("reps/<int:rep_id>/image.png", reps.rep_image, name="rep_image"),
    path("reps/<int:rep_id>/<str:kind>.npy", reps.rep_array, name="rep_array"),
    path("queue/", reps.review_queue_page, name="review_queue"),
    path("compare/", compare.rep_compare, name="rep_compare"),
    path("me/data/export.zip", data.my_data_export, name="my_data_export"),
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
    path("notifications/", notifications.notifications_page, name="notifications"),
    path(
        "notifications/read-all/",
        notifications.notifications_read_all,
        name="notifications_read_all",
    ),
    path(
        "notifications/settings/", notifications.notification_settings, name="notification_settings"
    ),
    path(
        "notifications/unread.json",
        notifications.notifications_unread_json,
        name="notifications_unread",
    ),
    path(
        "notifications/<int:notification_id>/",
        notifications.notification_open,
        name="notification_open",
    ),
]
