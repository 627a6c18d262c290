"""What every page's template may read besides the request: the platform's name."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, str]:
    """The platform's name (settings.SITE_NAME) for the title and the brand."""
    return {"site_name": settings.SITE_NAME}
