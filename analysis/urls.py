from django.urls import path

from analysis import views

urlpatterns = [
    path("sessions/<int:session_id>/", views.session_review, name="session_review"),
    path("sessions/<int:session_id>/status/", views.session_status, name="session_status"),
    path("sessions/<int:session_id>/retry/", views.session_retry, name="session_retry"),
    path("sessions/<int:session_id>/result.mp4", views.result_video, name="result_video"),
    path("sessions/<int:session_id>/report.json", views.report_json, name="report_json"),
    path("reps/<int:rep_id>/image.png", views.rep_image, name="rep_image"),
    path("reps/<int:rep_id>/<str:kind>.npy", views.rep_array, name="rep_array"),
]
