"""Reads about detector versions."""

from __future__ import annotations

from detectors.models import DetectorVersion


def detector_active() -> DetectorVersion | None:
    return DetectorVersion.objects.filter(is_active=True).first()
