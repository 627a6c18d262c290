from django.urls import path
from rest_framework.routers import SimpleRouter

from sharing.api import SessionShareLinksView, ShareLinkViewSet

router = SimpleRouter()
router.register("share-links", ShareLinkViewSet, basename="api-share-link")

urlpatterns = [
    *router.urls,
    path(
        "sessions/<int:pk>/share-links/",
        SessionShareLinksView.as_view(),
        name="api-session-share-links",
    ),
]
