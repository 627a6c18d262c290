"""Share links in a real browser (Debian's Chromium) at desktop and phone sizes: the coach
makes a link from the review page's "Share", copies its address; a fresh browser context
with no login opens it and sees the video, the reps with their verdicts and the comments,
and nothing to label or post; the share page counts the view; after "Revoke" the fresh
context is refused, on the page and on the video. With the shared clip, a real analysis
shows the video playing under the token with the skeleton drawn over it.

Screenshots: test-artifacts/e2e/share-links/.
"""

from urllib.parse import urljoin

import pytest
from django.urls import reverse

from tests.conftest import PERSONA_PASSWORD, make_session
from tests.e2e.conftest import ARTIFACTS, login, needs_chromium, reuses_poses, upload_analysed
from tests.e2e.test_phone_pages import PHONE

pytestmark = [needs_chromium, reuses_poses]
SHOTS = ARTIFACTS / "share-links"
SIZES = {"desktop": {"viewport": {"width": 1400, "height": 1000}}, "phone": PHONE}
GONE = "This link has expired or was revoked"
WAIT = 60_000  # ms: seven engineers share two cores

PLAYER_SRC = "document.getElementById('player')?.getAttribute('src') || location.pathname + 'video'"


def _range_status(page, src: str | None = None) -> dict:
    """A byte range of the page's video (`src`: the player's), asked as its video element
    asks: with the page's cookies, following a redirect into a bucket (a fetch from the
    page's own script would rightly be refused there by the CSP's connect-src)."""
    src = src or page.evaluate(PLAYER_SRC)
    answer = page.context.request.get(urljoin(page.url, src), headers={"Range": "bytes=0-99"})
    return {"status": answer.status, "range": answer.headers.get("content-range"), "src": src}


WIDTHS = """() => ({doc: document.documentElement.scrollWidth, body: document.body.scrollWidth,
  inner: window.innerWidth})"""


@pytest.fixture
def shot_dir():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@pytest.fixture
def commented_set(transactional_db, athlete_a, coach_a):
    """A judged set of athlete A (3 reps) with the coach's comment on rep 2 and a drawing."""
    from reviews.models import Comment

    session = make_session(athlete_a, reps=3)
    rep = session.analysis.reps.get(index=2)
    Comment.objects.create(
        session=session, rep=rep, author=coach_a, body="Hips rise before the bar", video_time_s=2.1
    )
    line = {"kind": "line", "points": [[0.2, 0.3], [0.6, 0.7]], "color": "#ffd400"}
    Comment.objects.create(
        session=session, author=coach_a, body="", video_time_s=1.2, drawing=[line]
    )
    return session


def _fits(page, label: str) -> None:
    """No sideways scroll (a mobile browser zooms a too-wide page out: the viewport's own
    width is the measure too)."""
    widths = page.evaluate(WIDTHS)
    limit = min(widths["inner"], page.viewport_size["width"])
    assert widths["doc"] <= limit and widths["body"] <= limit, (label, widths)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_share_link_opens_in_a_fresh_context_and_refuses_after_revoke(
    commented_set, live_server, browser, shot_dir, size
):
    base = live_server.url
    options = SIZES[size]
    coach = browser.new_context(**options, permissions=["clipboard-read", "clipboard-write"])
    page = coach.new_page()
    page.set_default_timeout(WAIT)
    login(page, base, "coach_a", PERSONA_PASSWORD)

    # The review page's "Share" leads to the share page; a link for 1 day "for the physio".
    page.goto(base + reverse("session_review", args=[commented_set.pk]))
    if size == "phone":
        _fits(page, "review page with its Share button")
    page.click("[data-testid=share]")
    page.wait_for_url(f"**/sessions/{commented_set.pk}/share/")
    assert page.locator("[data-testid=share-none]").is_visible()
    page.select_option("[data-testid=share-days]", "1")
    page.fill("[data-testid=share-note]", "for the physio")
    page.click("[data-testid=share-create]")
    page.wait_for_url("**/share/#share-*")
    link = page.locator("[data-testid=share-link]")
    assert link.count() == 1
    assert link.locator("[data-testid=share-status]").inner_text() == "live"
    assert "for the physio" in link.inner_text()
    assert link.locator("[data-testid=share-views]").inner_text() == "0"
    assert link.locator("[data-testid=share-last-viewed]").inner_text() == "never"
    url = link.locator("[data-testid=share-url]").input_value()
    assert url.startswith(f"{base}/s/") and len(url) > len(base) + 40

    # "Copy" puts exactly that address on the clipboard.
    link.locator("[data-testid=share-copy]").click()
    page.wait_for_function(
        "document.querySelector('[data-testid=share-copy]').textContent === 'Copied'",
        timeout=WAIT,
    )
    assert page.evaluate("navigator.clipboard.readText()") == url
    if size == "phone":
        _fits(page, "share page")
    page.screenshot(path=shot_dir / f"share-page-{size}.png", full_page=True)

    # A fresh context, never logged in, opens the copied address.
    fresh = browser.new_context(**options)
    viewer = fresh.new_page()
    viewer.set_default_timeout(WAIT)
    response = viewer.goto(url)
    assert response.status == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "noindex" in response.headers["x-robots-tag"]
    viewer.wait_for_load_state("load")
    # Display names outside the platform: the role when no full name was given, never the
    # login name.
    assert viewer.locator("[data-testid=shared-title]").inner_text().startswith("Athlete ·")
    assert viewer.locator("video#player").count() == 1
    assert viewer.locator("#player").is_visible()
    assert viewer.locator("[data-testid=rep-item]").count() == 3
    assert viewer.locator("[data-testid=rep-card]").count() == 3
    verdicts = viewer.locator("[data-testid=rep-item] [data-testid=verdict]").all_inner_texts()
    assert verdicts == ["good", "unusual movement", "good"]
    comment = viewer.locator("[data-testid=comment]")
    assert comment.count() == 2
    said = comment.filter(has_text="Hips rise before the bar")
    assert said.count() == 1 and "Coach" in said.inner_text()
    assert "coach_a" not in viewer.content() and "athlete_a" not in viewer.content()
    assert viewer.locator("[data-testid=drawing-summary]").inner_text() == "Drawing: line"
    # annotations.js ran read-only: both timed comments are markers on the scrubber.
    viewer.wait_for_function(
        "document.querySelectorAll('#scrubber-wrap [data-testid=comment-marker]').length === 2",
        timeout=WAIT,
    )
    # Read-only: no form, no label controls, no count corrections, no links but the login.
    for absent in (
        "form",
        "textarea",
        "[data-testid=label-box]",
        "[data-label-rep]",
        "[data-testid=not-a-rep]",
        "[data-testid=comment-form]",
        ".topbar .menu",
        "[data-testid=draw-toolbar]",
        "[data-testid=export]",
    ):
        assert viewer.locator(absent).count() == 0, absent
    hrefs = viewer.eval_on_selector_all("a[href]", "els => els.map(a => a.pathname)")
    assert hrefs == ["/accounts/login/"], hrefs
    assert viewer.locator("[data-testid=shared-login]").is_visible()
    # The charts drew (review.js ran without the review page's other parts).
    viewer.wait_for_function(
        "document.querySelectorAll('#score-chart rect, #bar-chart path, #bar-chart polyline')"
        ".length > 0",
        timeout=WAIT,
    )
    ranged = _range_status(viewer)
    assert ranged["status"] == 206 and ranged["range"] == "bytes 0-99/4096", ranged
    if size == "phone":
        _fits(viewer, "shared page")
    viewer.screenshot(path=shot_dir / f"shared-{size}.png", full_page=True)

    # The share page counts that one open (not the byte ranges), then the coach revokes.
    page.reload()
    link = page.locator("[data-testid=share-link]")
    assert link.locator("[data-testid=share-views]").inner_text() == "1"
    assert link.locator("[data-testid=share-last-viewed]").inner_text() != "never"
    link.locator("[data-testid=share-revoke]").click()
    page.wait_for_load_state("load")
    link = page.locator("[data-testid=share-link]")
    assert link.locator("[data-testid=share-status]").inner_text() == "revoked"
    assert link.locator("[data-testid=share-url]").count() == 0
    assert link.locator("[data-testid=share-revoke]").count() == 0
    page.screenshot(path=shot_dir / f"share-page-revoked-{size}.png", full_page=True)

    # The fresh context is refused: the page and its video.
    video_src = viewer.locator("#player").get_attribute("src")
    response = viewer.reload()
    assert response.status == 404
    assert viewer.locator("[data-testid=share-gone] h1").inner_text() == GONE
    assert (
        viewer.locator("video").count() == 0
        and viewer.locator("[data-testid=comment]").count() == 0
    )
    assert "Hips rise" not in viewer.content()
    assert _range_status(viewer, video_src)["status"] == 404
    if size == "phone":
        _fits(viewer, "refused page")
    viewer.screenshot(path=shot_dir / f"shared-revoked-{size}.png", full_page=True)
    fresh.close()
    coach.close()


def test_a_shared_real_set_plays_with_the_skeleton_drawn(
    qcluster, live_server, browser, athlete_a, shot_dir
):
    """The shared clip analysed by a real worker: under the token the video plays (decoded
    frames, 206 ranges) and overlay.js draws the skeleton from the token's overlay URL."""
    base = live_server.url
    context = browser.new_context(**SIZES["desktop"])
    page = context.new_page()
    page.set_default_timeout(WAIT)
    login(page, base, "athlete_a", PERSONA_PASSWORD)
    upload_analysed(page, base, qcluster)
    reps = page.locator("[data-testid=rep-item]").count()
    page.click("[data-testid=share]")
    page.click("[data-testid=share-create]")
    page.wait_for_url("**/share/#share-*")
    url = page.locator("[data-testid=share-url]").first.input_value()

    viewer = browser.new_context(**SIZES["desktop"]).new_page()
    viewer.set_default_timeout(WAIT)
    viewer.goto(url)
    assert viewer.locator("[data-testid=rep-item]").count() == reps
    viewer.wait_for_function(
        "window.ReviewOverlay && window.ReviewOverlay.loaded"
        " && document.getElementById('player').readyState >= 2",
        timeout=WAIT,
    )
    viewer.locator("[data-testid=rep-item]").nth(reps - 1).click()  # seeks to the last rep
    viewer.wait_for_function(
        "(() => { const v = document.getElementById('player'),"
        " c = document.getElementById('overlay');"
        " return !v.seeking && v.currentTime > 1 && c.dataset.frame !== undefined"
        " && Number(c.dataset.rep) > 0; })()",
        timeout=WAIT,
    )
    state = viewer.evaluate(
        "(() => { const v = document.getElementById('player'),"
        " c = document.getElementById('overlay');"
        " return {w: v.videoWidth, h: v.videoHeight, frame: Number(c.dataset.frame),"
        " rep: Number(c.dataset.rep), canvas: c.getBoundingClientRect().width}; })()"
    )
    assert state["w"] > 0 and state["h"] > 0 and state["canvas"] > 100, state
    assert state["frame"] > 0 and state["rep"] == reps, state
    ranged = _range_status(viewer)
    assert ranged["status"] == 206 and "/s/" in ranged["src"], ranged
    viewer.screenshot(path=shot_dir / "shared-real-set-desktop.png", full_page=False)
    viewer.context.close()
    context.close()
