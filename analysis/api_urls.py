"""The REST API's routes (mounted at `api/` by the project's URLconf)."""

from rest_framework.routers import DefaultRouter

from analysis.views.api.detectors import DetectorVersionViewSet
from analysis.views.api.reps import RepViewSet
from analysis.views.api.sessions import SessionViewSet
from analysis.views.api.training import TrainingRunViewSet

router = DefaultRouter()
router.register("sessions", SessionViewSet, basename="api-session")
router.register("reps", RepViewSet, basename="api-rep")
router.register("detectors", DetectorVersionViewSet, basename="api-detector")
router.register("training-runs", TrainingRunViewSet, basename="api-training-run")

urlpatterns = router.urls
