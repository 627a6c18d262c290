"""The REST API's routes (mounted at `api/` by the project's URLconf)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from analysis.views.api.detectors import DetectorVersionViewSet
from analysis.views.api.notifications import NotificationViewSet
from analysis.views.api.reps import RepViewSet
from analysis.views.api.sessions import SessionViewSet
from analysis.views.api.shares import SessionShareLinksView, ShareLinkViewSet
from analysis.views.api.training import TrainingRunViewSet

router = DefaultRouter()
router.register("sessions", SessionViewSet, basename="api-session")
router.register("reps", RepViewSet, basename="api-rep")
router.register("detectors", DetectorVersionViewSet, basename="api-detector")
router.register("training-runs", TrainingRunViewSet, basename="api-training-run")
router.register("notifications", NotificationViewSet, basename="api-notification")
router.register("share-links", ShareLinkViewSet, basename="api-share-link")

urlpatterns = [
    *router.urls,
    path(
        "sessions/<int:pk>/share-links/",
        SessionShareLinksView.as_view(),
        name="api-session-share-links",
    ),
]
