from rest_framework.routers import SimpleRouter

from training.api.detectors import DetectorVersionViewSet
from training.api.training import TrainingRunViewSet

router = SimpleRouter()
router.register("detectors", DetectorVersionViewSet, basename="api-detector")
router.register("training-runs", TrainingRunViewSet, basename="api-training-run")

urlpatterns = router.urls
