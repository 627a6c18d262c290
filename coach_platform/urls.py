from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from coach_platform.api_docs import api_docs
from coach_platform.api_token import TokenView

# The apps' URLconfs are named, not imported: the project sits below the apps it serves.
urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    # Before Django's: password reset mails confirmed addresses only (the first match wins).
    path("accounts/", include("athletes.auth_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/auth/token/", TokenView.as_view(), name="api_token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", api_docs, name="api_docs"),
    path("api/", include("analysis.api_urls")),
    path("api/", include("notifications.api_urls")),
    path("api/", include("sharing.api_urls")),
    path("api/", include("training.api_urls")),
    path("", include("analysis.urls")),
    path("", include("uploads.urls")),
    path("", include("sharing.urls")),
    path("", include("training.urls")),
    path("", include("notifications.urls")),
    path("", include("athletes.urls")),
]
