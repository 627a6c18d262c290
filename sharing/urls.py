from django.urls import path

from sharing import views

urlpatterns = [
    path("sessions/<int:session_id>/share/", views.share_page, name="share_page"),
    path(
        "sessions/<int:session_id>/share/<int:link_id>/revoke/",
        views.share_revoke,
        name="share_revoke",
    ),
    path("s/<str:token>/", views.shared_session, name="shared_session"),
    path("s/<str:token>/video", views.shared_video, name="shared_video"),
    path("s/<str:token>/overlay.json", views.shared_overlay, name="shared_overlay"),
    path(
        "s/<str:token>/comments/<int:comment_id>/audio",
        views.shared_comment_audio,
        name="shared_comment_audio",
    ),
]
