"""Voice-overs in a real browser (Debian's Chromium with its fake microphone, a beep): a coach
pauses the set's video, records ~2 s with "Record voice-over", listens, adds a note and saves
without a page reload; after a reload the recording is listed as sound the server serves; the
athlete plays the video on a phone and, at the voice-over's time, the video stops on that
frame, the voice plays, and the video goes on after it; the share page plays it too.

The set is the shared `analysed_set` (no pose pass), its video swapped for a real 3 s clip
made here so that it plays. Screenshots: test-artifacts/e2e/voice-over/.
"""

from __future__ import annotations

from urllib.parse import urljoin

import av
import numpy as np
import pytest
from django.urls import reverse

from tests.conftest import PERSONA_PASSWORD
from tests.e2e.conftest import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    login,
    needs_chromium,
)

pytestmark = needs_chromium
SHOTS = ARTIFACTS / "voice-over"
# The shared Chromium has a fake microphone (a beep every second) and no permission prompt
# (tests/e2e/conftest.py: CHROMIUM_ARGS).
AT = 1.0  # where the coach pauses and records, in seconds

READY = "document.getElementById('player').readyState >= 2"
IDLE = "(() => { const v = document.getElementById('player'); return v.paused && !v.seeking; })()"
WIDTHS = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def playable_set(analysed_set):
    """The shared analysed set, its upload replaced by a real 3 s H.264 clip (its overlay and
    reps are for 90 frames at 30 fps, as this clip is)."""
    from coach_platform.storage import media_path, media_publish

    session = analysed_set[0].analysis.session
    path = media_path(session.video.name)
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        for i in range(90):
            image = np.full((240, 320, 3), 40, np.uint8)
            image[100:140, 10 + 3 * i : 50 + 3 * i] = (230, 200, 40)  # a box moving across
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    media_publish(path)
    return session


def _open(context, base: str, who: str, url: str):
    page = context.new_page()
    login(page, base, who, PERSONA_PASSWORD)
    page.goto(url)
    page.wait_for_function(READY, timeout=30_000)
    page.evaluate("document.getElementById('player').muted = true")
    return page


def _pause_at(page, t: float) -> None:
    page.evaluate(
        "t => { const v = document.getElementById('player'); v.pause(); v.currentTime = t; }", t
    )
    page.wait_for_function(IDLE, timeout=15_000)


def _fits(page, what: str) -> None:
    wide = page.evaluate(WIDTHS)
    assert wide <= 1, f"{what}: the page scrolls sideways by {wide} px"
    bar = page.locator("[data-testid=voice-bar]")
    if bar.count() and bar.is_visible():
        box, width = bar.bounding_box(), page.viewport_size["width"]
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (what, box)


def _record(page, size: str, seconds: float = 2.0) -> None:
    """Record from the paused video's time for about `seconds`, with screenshots."""
    bar = page.locator("[data-testid=voice-bar]")
    bar.scroll_into_view_if_needed()
    assert bar.is_visible() and page.locator("[data-testid=voice-record]").is_enabled()
    page.screenshot(path=SHOTS / f"{size}-1-ready.png")
    page.click("[data-testid=voice-record]")
    page.locator("[data-testid=voice-stop]").wait_for(state="visible", timeout=10_000)
    assert "Recording from 1.00 s" in page.inner_text("[data-testid=voice-hint]")
    whole = int(seconds)
    page.wait_for_function(
        f"document.getElementById('voice-clock').textContent === '0:0{whole}'", timeout=15_000
    )
    _fits(page, f"{size} recording")
    page.locator(".player-card").screenshot(path=SHOTS / f"{size}-2-recording.png")
    page.wait_for_timeout(300)
    page.click("[data-testid=voice-stop]")
    page.locator("[data-testid=voice-take]").wait_for(state="visible", timeout=10_000)
    assert page.locator("[data-testid=voice-record]").inner_text().strip() == "Record again"
    hint = page.inner_text("[data-testid=voice-hint]")
    assert hint.startswith(f"Recorded 0:0{whole} from 1.00 s"), hint
    # The take plays back from the page's own memory (blob:, as the CSP's media-src allows).
    assert page.get_attribute("[data-testid=voice-preview]", "src").startswith("blob:")


def test_a_coach_records_a_voice_over_and_the_athlete_hears_it_in_step(
    playable_set, live_server, browser, athlete_a, coach_a
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    url = f"{base}{reverse('session_review', args=[playable_set.pk])}"

    # The coach, at a desktop: pause at 1 s, record ~2 s, note it, save without a reload.
    context = browser.new_context(**DESKTOP)
    page = _open(context, base, "coach_a", url)
    page.evaluate("window.samePage = 'not reloaded'")
    _pause_at(page, AT)
    _record(page, "desktop")
    rep = page.locator("[data-testid=voice-rep] option:checked").inner_text()
    assert rep == "rep 1"  # the rep the recording's time is in (1.00-1.83 s), preselected
    page.fill("[data-testid=voice-note]", "Drive through the heels")
    page.locator(".player-card").screenshot(path=SHOTS / "desktop-3-take.png")
    page.click("[data-testid=voice-save]")
    item = page.locator("[data-testid=comment]", has_text="Drive through the heels")
    item.wait_for(timeout=20_000)
    assert page.evaluate("window.samePage") == "not reloaded"
    assert page.inner_text("[data-testid=voice-hint]") == "Saved at 1.00 s."
    assert page.locator("[data-testid=voice-take]").is_hidden()
    assert "rep 1" in item.inner_text() and "@ 1.00 s" in item.inner_text()
    assert item.locator("[data-testid=voice-over]").count() == 1
    assert page.locator(".comment-marker.is-voice").count() == 1
    page.screenshot(path=SHOTS / "desktop-4-saved.png", full_page=True)

    # After a reload: listed with a player; the server serves it as sound, with a length.
    page.reload()
    page.wait_for_function(READY, timeout=30_000)
    audio = page.locator("[data-testid=comment] [data-testid=voice-over]")
    assert audio.count() == 1
    src = audio.get_attribute("src")
    answer = page.context.request.get(urljoin(page.url, src))
    assert answer.status == 200 and answer.headers["content-type"] == "audio/webm"
    # nosniff is this server's header: on its own answer, or on its redirect into a bucket.
    own = page.context.request.get(urljoin(page.url, src), max_redirects=0)
    assert own.headers["x-content-type-options"] == "nosniff"
    page.wait_for_function(
        "(() => { const a = document.querySelector('[data-testid=voice-over]');"
        " return a.readyState >= 1 && isFinite(a.duration) && a.duration > 1.5; })()",
        timeout=15_000,
    )
    seconds = page.evaluate("document.querySelector('[data-testid=voice-over]').duration")
    assert 1.5 < seconds < 4, seconds  # ~2 s recorded; its length is in the stored file
    context.close()

    # The coach on a phone: the recording bar fits, also while recording.
    context = browser.new_context(**PHONE)
    page = _open(context, base, "coach_a", url)
    _pause_at(page, AT)
    _fits(page, "phone")
    _record(page, "phone", seconds=1.0)
    _fits(page, "phone take")
    page.locator(".player-card").screenshot(path=SHOTS / "phone-3-take.png")
    page.click("[data-testid=voice-discard]")
    assert page.locator("[data-testid=voice-take]").is_hidden()
    assert page.locator("[data-testid=comment] [data-testid=voice-over]").count() == 1
    context.close()

    # The athlete on a phone plays the set: at 1 s the video stops on that frame, the voice
    # plays, and the video carries on once it ends.
    context = browser.new_context(**PHONE)
    page = _open(context, base, "athlete_a", url)
    _pause_at(page, 0.3)
    page.locator("[data-act=play]").tap()  # the viewer's own tap: sound may play after it
    page.wait_for_function(
        "(() => { const a = document.querySelector('[data-testid=voice-over]');"
        " return !a.paused && a.currentTime > 0.2; })()",
        timeout=15_000,
        polling=50,
    )
    state = page.evaluate(
        "(() => { const v = document.getElementById('player');"
        " return {paused: v.paused, t: v.currentTime}; })()"
    )
    assert state["paused"] and abs(state["t"] - AT) < 0.01, state
    item = page.locator("[data-testid=comment].speaking")
    assert item.count() == 1 and "Drive through the heels" in item.inner_text()
    strip = page.locator("[data-testid=voice-now]")
    assert strip.is_visible()
    assert strip.inner_text().startswith("Voice-over by coach_a at 1.00 s: Drive through the heels")
    _fits(page, "phone playing")
    page.screenshot(path=SHOTS / "phone-4-athlete-hears.png")
    page.wait_for_function(
        "(() => { const a = document.querySelector('[data-testid=voice-over]'),"
        " v = document.getElementById('player');"
        " return a.ended && !v.paused && v.currentTime > 1.1; })()",
        timeout=20_000,
        polling=50,
    )
    assert strip.is_hidden() and page.locator("[data-testid=comment].speaking").count() == 0
    page.screenshot(path=SHOTS / "phone-5-athlete-page.png", full_page=True)
    context.close()


def test_the_share_page_plays_the_voice_over_in_step(
    playable_set, live_server, browser, athlete_a, coach_a
):
    from reviews.models import Comment
    from sharing.services import share_link_create

    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    url = f"{base}{reverse('session_review', args=[playable_set.pk])}"
    context = browser.new_context(**DESKTOP)
    page = _open(context, base, "coach_a", url)
    _pause_at(page, AT)
    _record(page, "share", seconds=1.0)
    page.click("[data-testid=voice-save]")
    page.locator("[data-testid=comment] [data-testid=voice-over]").wait_for(timeout=20_000)
    context.close()
    assert Comment.objects.get().audio.endswith(".weba")

    link = share_link_create(by=coach_a, session=playable_set)
    context = browser.new_context(**PHONE)  # nobody logged in
    page = context.new_page()
    page.goto(f"{base}{reverse('shared_session', args=[link.token])}")
    page.wait_for_function(READY, timeout=30_000)
    page.evaluate("document.getElementById('player').muted = true")
    audio = page.locator("[data-testid=voice-over]")
    assert audio.get_attribute("src").startswith(f"/s/{link.token}/comments/")
    answer = page.context.request.get(urljoin(page.url, audio.get_attribute("src")))
    assert answer.status == 200 and answer.headers["content-type"] == "audio/webm"
    assert page.locator("[data-testid=voice-bar]").count() == 0  # read-only
    _pause_at(page, 0.5)
    page.locator("[data-act=play]").tap()
    page.wait_for_function(
        "(() => { const a = document.querySelector('[data-testid=voice-over]');"
        " return !a.paused && a.currentTime > 0.1; })()",
        timeout=15_000,
        polling=50,
    )
    assert page.evaluate("document.getElementById('player').paused")
    _fits(page, "share page")
    page.screenshot(path=SHOTS / "share-phone.png")
    # "Skip": the voice stops and the video goes on at once.
    page.locator("[data-testid=voice-skip]").tap()
    page.wait_for_function(
        "(() => { const a = document.querySelector('[data-testid=voice-over]'),"
        " v = document.getElementById('player'); return a.paused && !v.paused; })()",
        timeout=10_000,
    )
    assert page.locator("[data-testid=voice-now]").is_hidden()
    context.close()
