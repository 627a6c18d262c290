from django.urls import path

from athletes import privacy_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("me/data/", privacy_views.privacy_page, name="privacy"),
    path("me/data/consent/", privacy_views.consent_update, name="privacy_consent"),
    path("me/data/delete/", privacy_views.account_delete, name="account_delete"),
    path("roster/", views.roster, name="roster"),
    path("roster/<int:athlete_id>/remove/", views.roster_remove, name="roster_remove"),
    path(
        "invitations/<int:invitation_id>/answer/",
        views.invitation_answer,
        name="invitation_answer",
    ),
    path("coaches/<int:coach_id>/leave/", views.coach_leave, name="coach_leave"),
    path("coaches/", views.coaches, name="coaches"),
]
