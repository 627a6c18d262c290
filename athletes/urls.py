from django.urls import path

from athletes import views

urlpatterns = [
    path("", views.home, name="home"),
    path("coach/", views.coach_dashboard, name="coach_dashboard"),
    path("me/", views.athlete_dashboard, name="athlete_dashboard"),
    path("athletes/<int:athlete_id>/", views.athlete_detail, name="athlete_detail"),
    path("roster/", views.roster, name="roster"),
    path("roster/<int:athlete_id>/remove/", views.roster_remove, name="roster_remove"),
    path("coaches/", views.coaches, name="coaches"),
    path("sessions/new/", views.session_upload, name="session_upload"),
    path("sessions/<int:session_id>/video/", views.session_video, name="session_video"),
    path("sessions/<int:session_id>/comments/", views.comment_add, name="comment_add"),
    path("sessions/<int:session_id>/reviewed/", views.session_reviewed, name="session_reviewed"),
]
