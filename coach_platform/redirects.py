"""Where a form returns to: the page it was posted from (`next`), only when it is this site's
(never an open redirect), else a fallback."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def back_url(request: HttpRequest, fallback: str) -> str:
    """The posted `next` when it is a URL of this site (the scheme too, on HTTPS), else
    `fallback`."""
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else fallback
