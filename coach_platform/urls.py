from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from analysis.api import DetectorVersionViewSet, RepViewSet, TrainingRunViewSet
from athletes.api import SessionViewSet
from athletes.api_docs import api_docs
from coach_platform.api_token import TokenView

router = DefaultRouter()
router.register("sessions", SessionViewSet, basename="api-session")
router.register("reps", RepViewSet, basename="api-rep")
router.register("detectors", DetectorVersionViewSet, basename="api-detector")
router.register("training-runs", TrainingRunViewSet, basename="api-training-run")

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/auth/token/", TokenView.as_view(), name="api_token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", api_docs, name="api_docs"),
    path("api/", include(router.urls)),
    path("", include("analysis.urls")),
    path("", include("athletes.urls")),
]
