"""Who is asking, as this deployment can trust it, and the limits counted per client.

Every per-address rule (DRF's throttles, the share links' throttle, django-axes' lock-out)
asks `client_address`: the connection's own address when nothing stands in front
(`NUM_PROXIES=0`, the default), else the address the outermost of our `NUM_PROXIES`
proxies saw, read from the right of `X-Forwarded-For` (the proxies append to it, or, as in
docs/deploy.md, replace it): whatever a client writes into that header itself is never
counted as its address.

This module is named in REST_FRAMEWORK settings, so it must not import DRF's views.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from rest_framework import throttling

from coach_platform.uploads import duration_text


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with `NUM_PROXIES` trusted proxies in front
    the `NUM_PROXIES`-th address from the right of X-Forwarded-For (the leftmost if the
    header holds fewer). Never a value that is not an IP address."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded.strip():
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    candidate = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # a proxy that forwards garbage is misconfigured: count the socket
        return remote


class ClientAddressMixin:
    """DRF throttles keyed on `client_address` (DRF's own `get_ident` trusts the whole
    X-Forwarded-For when NUM_PROXIES is unset)."""

    def get_ident(self, request) -> str:
        return client_address(request)


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class BurstRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    scope = "burst"


class SustainedRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    scope = "sustained"


class AddressRateThrottle(ClientAddressMixin, throttling.SimpleRateThrottle):
    """A throttle for a plain Django view: per client address and `scope`, at `rate`, in the
    default cache (Redis in a deployment: every web process shares the counts)."""

    def __init__(self, scope: str, rate: str) -> None:
        self.scope = scope
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class RateLimited(Exception):
    """A limit a service counts itself (e.g. uploads per person): the sentence to show and
    the seconds until the next request can succeed. The API answers it 429 with
    Retry-After (coach_platform/api_errors.py); pages and the upload protocol say it."""

    def __init__(self, message: str, wait_s: float) -> None:
        super().__init__(message)
        self.message = message
        self.wait_s = max(1.0, float(wait_s))


def hourly_limit_check(newest_first: list, limit: int, window, done: str) -> None:
    """One person's limit a service counts in the database: `newest_first`, the times of
    their recent ones (at least the newest `limit`) within `window`; at `limit` raises
    RateLimited, free again once the oldest of the newest `limit` leaves the window.
    `done`: what they did, in the sentence ("started {limit} uploads")."""
    if len(newest_first) < limit:
        return
    wait_s = (newest_first[limit - 1] + window - timezone.now()).total_seconds()
    raise RateLimited(
        f"You have {done} in the last hour, the most an hour allows. "
        f"Try again in {duration_text(max(60, wait_s))}.",
        wait_s,
    )
