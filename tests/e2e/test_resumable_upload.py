"""A resumed upload in a real browser, at desktop and phone sizes (static/js/upload.js over
the tus endpoints of analysis/views/uploads.py): the shared clip goes up in small pieces;
the connection drops for good after two pieces (the page retries, then says how to go on);
after a reload, choosing the same file again asks the server where it got to and sends only
the rest, showing "Resuming from N%", and ends on the set's review page. Cancel stops an
upload and removes it on the server.

The analysis is queued, not run (no worker: the set only has to exist). Screenshots:
test-artifacts/e2e/resumable-upload/<size>-*.png.
"""

from __future__ import annotations

import contextlib
import math
import re

import pytest
from playwright.sync_api import Error

from tests.conftest import PERSONA_PASSWORD, shared_path
from tests.e2e.conftest import ARTIFACTS, CLIP, login, needs_chromium
from tests.e2e.test_phone_pages import DESKTOP, PHONE

pytestmark = needs_chromium
SHOTS = ARTIFACTS / "resumable-upload"
SIZES = {"desktop": DESKTOP, "phone": PHONE}
PIECE = 128 * 1024  # the 860 KB clip in 7 pieces
REVIEW_URL = re.compile(r".*/sessions/\d+/$")


@pytest.fixture
def small_pieces(settings, monkeypatch):
    """Small pieces, and the analysis queued for a worker instead of run inline (the tests'
    default), so the last piece's answer does not wait for a whole analysis."""
    from django_q.conf import Conf

    settings.RESUMABLE_CHUNK_BYTES = PIECE
    monkeypatch.setattr(Conf, "SYNC", False)
    SHOTS.mkdir(parents=True, exist_ok=True)


class Pieces:
    """Watches the PATCH requests (the pieces): drops them from the `drop_from`-th on, or
    holds them back from the `hold_from`-th on (to look at the page mid-upload)."""

    def __init__(self, page) -> None:
        self.sent: list[int] = []  # Upload-Offset of every piece that went to the server
        self.tried = 0
        self.drop_from: int | None = None
        self.hold_from: int | None = None
        self.held = []
        page.route("**/uploads/resumable/**", self.handle)

    def handle(self, route) -> None:
        request = route.request
        if request.method != "PATCH":
            route.continue_()
            return
        self.tried += 1
        if self.drop_from is not None and self.tried >= self.drop_from:
            route.abort("internetdisconnected")
            return
        if self.hold_from is not None and self.tried >= self.hold_from:
            self.held.append(route)
            return
        self.sent.append(int(request.headers["upload-offset"]))
        route.continue_()

    def release(self) -> None:
        self.hold_from = None
        for route in self.held:
            self.sent.append(int(route.request.headers["upload-offset"]))
            route.continue_()
        self.held = []


def _wait(page, condition: str, timeout: float = 60_000):
    return page.wait_for_function(condition, timeout=timeout)


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def _choose_and_upload(page, clip) -> None:
    page.set_input_files("input[name=video]", str(clip))
    page.click("[data-testid=upload-submit]")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_dropped_upload_resumes_and_a_cancelled_one_is_gone(
    size, small_pieces, live_server, browser, athlete_a
):
    from sets.models import TrainingSession
    from uploads.models import ResumableUpload

    clip = shared_path(*CLIP)
    total = clip.stat().st_size
    pieces = math.ceil(total / PIECE)
    assert pieces >= 5
    base = live_server.url
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    login(page, base, "athlete_a", PERSONA_PASSWORD)
    page.goto(f"{base}/sessions/new/")
    # The lift: left to be recognised unless chosen; the limit in MB.
    assert page.input_value("select[name=exercise]") == ""
    assert page.locator("[data-testid=exercise-fixed]").count() == 0
    assert page.inner_text("[data-testid=size-limit]") == "500 MB"
    page.fill("input[name=load_kg]", "140")

    # The connection drops for good after two pieces: the page tries again, then says so.
    watch = Pieces(page)
    watch.drop_from = 3
    _choose_and_upload(page, clip)
    _wait(page, "document.getElementById('upload-note').textContent.includes('dropped at')")
    upload = ResumableUpload.objects.get()
    assert upload.offset == 2 * PIECE  # what the server has: two pieces
    assert watch.sent == [0, PIECE]
    assert watch.tried == 3 + 3  # the third piece and three retries, all dropped
    stopped_at = math.floor(upload.offset * 100 / total)
    assert page.inner_text("[data-testid=upload-percent]") == f"{stopped_at}%"
    sent = page.inner_text("[data-testid=upload-sent]")  # MB as people count them (MiB)
    assert re.fullmatch(r"· 0\.[23] of 0\.8 MB", sent), sent
    assert f"dropped at {stopped_at}%" in page.inner_text("[data-testid=upload-note]")
    assert page.is_enabled("[data-testid=upload-submit]")
    _fits(page)
    page.screenshot(path=SHOTS / f"{size}-dropped.png", full_page=True)

    # Back later (a reload): the page remembers the unfinished upload.
    page.reload()
    assert "“deadlift.mp4” was not finished" in page.inner_text("[data-testid=upload-message]")
    watch.drop_from = None
    watch.hold_from = watch.tried + 1  # the first piece after the resume waits
    resumed_from = len(watch.sent)
    page.fill("input[name=load_kg]", "140")  # the same details: the same upload continues
    _choose_and_upload(page, clip)
    _wait(page, "document.getElementById('upload-form').dataset.resumedFrom !== undefined")
    while not watch.held:
        page.wait_for_timeout(100)
    assert page.get_attribute("#upload-form", "data-resumed-from") == str(upload.offset)
    note = page.inner_text("[data-testid=upload-note]")
    assert note == f"Resuming from {stopped_at}%", note
    assert page.is_visible("[data-testid=upload-progress]")
    assert page.is_disabled("[data-testid=upload-submit]")
    _fits(page)
    page.screenshot(path=SHOTS / f"{size}-resuming.png", full_page=True)
    watch.release()
    page.wait_for_url(REVIEW_URL, timeout=120_000)

    # Only the rest went: from the server's offset, one piece after another.
    after = watch.sent[resumed_from:]
    assert after == list(range(upload.offset, total, PIECE)), after
    assert len(after) < pieces and total - after[0] < total
    session = TrainingSession.objects.get()
    assert page.url.endswith(f"/sessions/{session.pk}/")
    assert session.video_size == total and float(session.load_kg) == 140
    assert session.analysis.status == "queued"
    assert ResumableUpload.objects.get().session == session
    assert "Uploaded. The analysis is queued." in page.inner_text("body")
    page.screenshot(path=SHOTS / f"{size}-review.png", full_page=True)

    # Cancel: the upload stops, the server forgets it, the form is usable again.
    page.goto(f"{base}/sessions/new/")
    assert page.inner_text("[data-testid=upload-message]") == ""  # nothing left unfinished
    watch.hold_from = watch.tried + 3  # two pieces go, the third waits
    _choose_and_upload(page, clip)
    while not watch.held:
        page.wait_for_timeout(100)
    unfinished = ResumableUpload.objects.filter(session__isnull=True)
    assert unfinished.get().offset == 2 * PIECE
    assert page.inner_text("[data-testid=upload-percent]") == f"{stopped_at}%"
    assert page.inner_text("[data-testid=upload-note]") == ""  # a fresh upload: no "Resuming"
    page.screenshot(path=SHOTS / f"{size}-progress.png", full_page=True)
    page.click("[data-testid=upload-cancel]")
    _wait(page, "document.getElementById('upload-message').textContent.includes('cancelled')")
    assert page.inner_text("[data-testid=upload-message]") == "Upload cancelled. Nothing was kept."
    assert not page.is_visible("[data-testid=upload-progress]")
    assert page.is_enabled("[data-testid=upload-submit]")
    assert not unfinished.exists()
    assert (
        page.evaluate(
            "Object.keys(localStorage).filter(k => k.startsWith('resumable-upload:')).length"
        )
        == 0
    )
    for route in watch.held:  # the aborted request's piece: never sent
        with contextlib.suppress(Error):  # the browser dropped it already
            route.abort()
    assert TrainingSession.objects.count() == 1
    _fits(page)
    page.screenshot(path=SHOTS / f"{size}-cancelled.png", full_page=True)
    context.close()


def test_a_refused_file_says_why_beside_the_video(
    small_pieces, live_server, browser, athlete_a, tmp_path
):
    """Field errors from creation and from the finished file land beside their fields."""
    from uploads.models import ResumableUpload

    junk = tmp_path / "set.mp4"
    junk.write_bytes(b"not a video " * 30_000)  # 360 KB: three pieces, then refused
    base = live_server.url
    context = browser.new_context(**PHONE)
    page = context.new_page()
    login(page, base, "athlete_a", PERSONA_PASSWORD)
    page.goto(f"{base}/sessions/new/")
    # The browser checks the number itself; a browser that does not meets the server's rule.
    page.evaluate("document.querySelector('input[name=load_kg]').removeAttribute('min')")
    page.fill("input[name=load_kg]", "-3")
    _choose_and_upload(page, junk)
    error = page.locator("[data-field=load_kg] [data-testid=field-error]")
    assert "greater than or equal to 0" in error.inner_text()
    assert not ResumableUpload.objects.exists()
    page.fill("input[name=load_kg]", "100")
    _choose_and_upload(page, junk)
    error = page.locator("[data-field=video] [data-testid=field-error]")
    assert "could not be read as a video" in error.inner_text()
    assert page.locator("[data-testid=field-error]").count() == 1  # the old one went
    assert not ResumableUpload.objects.exists()
    _fits(page)
    page.screenshot(path=SHOTS / "phone-refused.png", full_page=True)
    context.close()


def test_waiting_for_the_sets_page_does_not_stop_at_the_upload_page(
    small_pieces, live_server, browser, athlete_a
):
    """Other browser tests click "Upload and analyse" and wait for "**/sessions/*/", which
    /sessions/new/ matches too: while the pieces go up the address differs, so the wait
    ends on the set's page."""
    from sets.models import TrainingSession

    base = live_server.url
    page = browser.new_context(**DESKTOP).new_page()
    login(page, base, "athlete_a", PERSONA_PASSWORD)
    page.goto(f"{base}/sessions/new/")
    _choose_and_upload(page, shared_path(*CLIP))
    page.wait_for_url("**/sessions/*/", timeout=120_000)
    assert REVIEW_URL.match(page.url), page.url
    assert page.url.endswith(f"/sessions/{TrainingSession.objects.get().pk}/")
    page.context.close()


def test_a_phone_back_online_continues_by_itself(small_pieces, live_server, browser, athlete_a):
    """The network goes away after two pieces (the page tries again, then waits); when the
    phone is back online the upload continues from the server's offset without a tap."""
    from uploads.models import ResumableUpload

    base = live_server.url
    context = browser.new_context(**PHONE)
    page = context.new_page()
    login(page, base, "athlete_a", PERSONA_PASSWORD)
    page.goto(f"{base}/sessions/new/")
    watch = Pieces(page)
    watch.drop_from = 3
    _choose_and_upload(page, shared_path(*CLIP))
    _wait(page, "document.getElementById('upload-note').textContent.includes('dropped at')")
    context.set_offline(True)
    watch.drop_from = None
    before = len(watch.sent)
    context.set_offline(False)  # the browser's "online" event
    page.wait_for_url(REVIEW_URL, timeout=120_000)
    assert watch.sent[before] == 2 * PIECE  # went on from where the server was
    assert ResumableUpload.objects.get().session is not None
    context.close()
