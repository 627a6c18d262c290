from django.urls import path

from uploads import views

urlpatterns = [
    path("sessions/new/", views.session_upload_page, name="session_upload"),
    path("uploads/resumable/", views.resumable_start, name="resumable_start"),
    path("uploads/resumable/<str:key>/", views.resumable_upload, name="resumable_upload"),
]
