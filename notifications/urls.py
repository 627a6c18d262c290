from django.urls import path

from notifications import views

urlpatterns = [
    path("notifications/", views.notifications_page, name="notifications"),
    path(
        "notifications/read-all/",
        views.notifications_read_all,
        name="notifications_read_all",
    ),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path(
        "notifications/unread.json",
        views.notifications_unread_json,
        name="notifications_unread",
    ),
    path(
        "notifications/<int:notification_id>/",
        views.notification_open,
        name="notification_open",
    ),
]
