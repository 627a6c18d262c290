"""Videos from an S3-compatible bucket play and seek in a real browser: the review page's
video URL answers with a redirect to a pre-signed URL, Chromium follows it and asks the
bucket (moto's server) for byte ranges, the page's Content-Security-Policy lets it, and the
overlay follows the video. At desktop and phone sizes.

Screenshots: test-artifacts/e2e/bucket-playback-desktop.png and -phone.png.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import PERSONA_PASSWORD, shared_path
from tests.e2e.conftest import ARTIFACTS, CLIP, login, needs_chromium, reuses_poses
from uploads.services.uploads import session_upload

pytestmark = [needs_chromium, reuses_poses]
SIZES = {
    "desktop": {"viewport": {"width": 1400, "height": 1000}},
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3},
}


@pytest.fixture
def analysed_in_bucket(s3_media, live_server, athlete_a):
    """The shared clip uploaded and analysed (inline) with its files in the bucket."""
    path = shared_path(*CLIP)
    video = SimpleUploadedFile(path.name, path.read_bytes(), content_type="video/mp4")
    session = session_upload(uploaded_by=athlete_a, athlete=athlete_a, video=video)
    session.analysis.refresh_from_db()
    assert session.analysis.status == "done", session.analysis.error
    assert s3_media.keys(session.video.name)
    return session


@pytest.mark.parametrize("size", SIZES)
def test_a_video_in_the_bucket_plays_and_seeks_with_the_overlay(
    browser, live_server, s3_media, analysed_in_bucket, size
):
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    from_bucket = []
    page.on(
        "response",
        lambda r: from_bucket.append(r.status) if r.url.startswith(s3_media.endpoint) else None,
    )
    login(page, live_server.url, "athlete_a", PERSONA_PASSWORD)
    page.goto(f"{live_server.url}/sessions/{analysed_in_bucket.pk}/")
    page.wait_for_function("document.getElementById('player').readyState >= 2", timeout=30_000)
    page.evaluate("document.getElementById('player').currentTime = 8")
    page.wait_for_function(
        "(() => { const v = document.getElementById('player');"
        " return !v.seeking && v.readyState >= 2 && Math.abs(v.currentTime - 8) < 0.1; })()",
        timeout=30_000,
    )
    page.wait_for_function(
        "Number(document.getElementById('overlay').dataset.frame) > 200", timeout=10_000
    )
    assert 206 in from_bucket, from_bucket  # byte ranges, answered by the bucket itself
    page.screenshot(path=str(ARTIFACTS / f"bucket-playback-{size}.png"))
    context.close()
