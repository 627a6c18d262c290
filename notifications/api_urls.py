from rest_framework.routers import SimpleRouter

from notifications.api import NotificationViewSet

router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="api-notification")

urlpatterns = router.urls
