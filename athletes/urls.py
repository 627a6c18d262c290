from django.urls import path

from athletes import account_views, privacy_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("me/data/", privacy_views.privacy_page, name="privacy"),
    path("me/data/consent/", privacy_views.consent_update, name="privacy_consent"),
    path("me/data/delete/", privacy_views.account_delete, name="account_delete"),
    path("account/email/", account_views.account_email, name="account_email"),
    path("account/email/change/", account_views.account_email_change, name="account_email_change"),
    path(
        "account/email/confirmation/",
        account_views.account_email_confirmation_send,
        name="account_email_confirmation_send",
    ),
    path(
        "account/email/confirm/<str:token>/",
        account_views.account_email_confirm,
        name="account_email_confirm",
    ),
    path("join/<str:token>/", account_views.join, name="join"),
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
