"""The REST API's routes for sets and reps (mounted at `api/` by the project's URLconf, beside
the other apps' `api_urls`); this router's root lists them."""

from rest_framework.routers import DefaultRouter

from analysis.views.api.reps import RepViewSet
from analysis.views.api.sessions import SessionViewSet

router = DefaultRouter()
router.register("sessions", SessionViewSet, basename="api-session")
router.register("reps", RepViewSet, basename="api-rep")

urlpatterns = router.urls
