"""Every page on a phone (390x844, as athletes use the platform), in a real browser
(Debian's Chromium): no page scrolls sideways, the header folds into a "Menu", keyboard
hints stay off touch screens, and the upload page offers the camera next to the file
picker. A few pages at desktop size too, so the phone layout did not break them.

Screenshots land in test-artifacts/e2e/phone/ (and .../phone/desktop-*.png).
"""

import shutil

import pytest
from django.urls import reverse

from tests.conftest import PERSONA_PASSWORD
from tests.e2e.conftest import ARTIFACTS, login, needs_chromium

pytestmark = needs_chromium
SHOTS = ARTIFACTS / "phone"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1400, "height": 1000}}

PAGES = [  # (who, url name or a key of `world`)
    ("anonymous", "login"),
    ("athlete_a", "athlete_dashboard"),
    ("athlete_a", "session_upload"),
    ("athlete_a", "review"),
    ("athlete_a", "privacy"),
    ("athlete_a", "password_change"),
    ("athlete_a", "api_docs"),
    ("athlete_a", "notifications"),
    ("athlete_a", "notification_settings"),
    ("athlete_a", "account_email"),
    ("anonymous", "password_reset"),
    ("athlete_a", "share_page"),
    ("anonymous", "shared_session"),
    ("coach_a", "coach_dashboard"),
    ("coach_a", "athlete_detail"),
    ("coach_a", "coach_upload"),
    ("coach_a", "review"),
    ("coach_a", "review_queue"),
    ("coach_a", "compare"),
    ("coach_a", "roster"),
    ("coach_a", "privacy"),
    ("boss", "coach_dashboard"),
    ("boss", "training"),
    ("boss", "detectors"),
    ("boss", "detector"),
    ("boss", "coaches"),
]

# What sticks out to the right of the viewport (for the failure message).
WIDE = (
    "(w) => [...document.querySelectorAll('body *')]"
    ".filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-scroll'))"
    ".slice(0, 12)"
    ".map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"
)


@pytest.fixture
def world(analysed_set, athlete_a):
    from detectors.models import DetectorVersion
    from sharing.services import share_link_create

    reps = analysed_set
    session = reps[0].analysis.session
    link = share_link_create(by=athlete_a, session=session, days=7, note="for the physio")
    return {
        "share_page": reverse("share_page", args=[session.pk]),
        "shared_session": reverse("shared_session", args=[link.token]),
        "login": "/accounts/login/",
        "review": reverse("session_review", args=[reps[0].analysis.session_id]),
        "compare": reverse("rep_compare") + f"?a={reps[0].pk}&b={reps[1].pk}",
        "athlete_detail": reverse("athlete_detail", args=[athlete_a.pk]),
        "coach_upload": reverse("session_upload") + f"?athlete={athlete_a.pk}",
        "detector": reverse("detector", args=[DetectorVersion.objects.get(name="test-v1").pk]),
    }


def _open(browser, size: dict, base: str, who: str):
    page = browser.new_context(**size).new_page()
    if who != "anonymous":
        login(page, base, who, PERSONA_PASSWORD)
        assert "/accounts/login/" not in page.url, f"{who} could not log in"
    return page


def _visit(page, url: str) -> None:
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # the pages' scripts draw charts, fill the queue


def _no_sideways_scroll(page, label: str) -> None:
    widths = page.evaluate(
        "({doc: document.documentElement.scrollWidth, body: document.body.scrollWidth,"
        " inner: window.innerWidth})"
    )
    # A mobile browser zooms a too-wide page out (innerWidth grows with it), so the
    # viewport's own width is the measure too.
    limit = min(widths["inner"], page.viewport_size["width"])
    wide = page.evaluate(WIDE, limit)
    assert widths["doc"] <= limit, (label, widths, wide)
    assert widths["body"] <= limit, (label, widths, wide)


def test_every_page_fits_a_phone(world, live_server, browser):
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    base = live_server.url
    pages = {}
    too_wide = []
    for who, name in PAGES:
        if who not in pages:
            pages[who] = _open(browser, PHONE, base, who)
        page = pages[who]
        _visit(page, base + (world.get(name) or reverse(name)))
        label = f"{who}-{name}"
        page.screenshot(path=SHOTS / f"{label}.png", full_page=True)
        try:
            _no_sideways_scroll(page, label)
        except AssertionError as error:
            too_wide.append(str(error))
            continue
        # Keyboard hints are not for a phone.
        for hint in page.locator(".key-hint").all():
            assert not hint.is_visible(), label
        if who != "anonymous":  # the header: brand, "Menu" and "Log out" on one line
            assert page.is_visible("[data-testid=menu-button]"), label
            assert page.is_visible("[data-testid=logout]"), label
            assert not page.is_visible("header .mainnav"), label

    assert too_wide == [], "\n".join(too_wide)

    # The menu opens (over the page, still no sideways scroll) and closes.
    page = pages["coach_a"]
    _visit(page, base + reverse("coach_dashboard"))
    page.click("[data-testid=menu-button]")
    for item in ("nav-queue", "nav-upload", "logout"):
        assert page.is_visible(f"[data-testid={item}]"), item
    assert page.is_visible("header .usermenu >> text=Password")
    _no_sideways_scroll(page, "coach menu open")
    page.screenshot(path=SHOTS / "menu-open-coach.png")
    page.click("[data-testid=nav-queue]")  # a link in the menu works
    page.wait_for_url("**/queue/")
    assert not page.is_visible("[data-testid=nav-upload]")  # closed again on the new page

    page = pages["athlete_a"]
    _visit(page, base + reverse("athlete_dashboard"))
    page.click("[data-testid=menu-button]")
    for item in ("nav-privacy", "nav-upload", "logout"):
        assert page.is_visible(f"[data-testid={item}]"), item
    page.screenshot(path=SHOTS / "menu-open-athlete.png")
    page.click("[data-testid=menu-button]")
    assert not page.is_visible("[data-testid=nav-privacy]")

    # The sessions table is one card per session on /me/, inside its card.
    rows = page.locator("[data-testid=my-sessions] tr[data-session-id]")
    assert rows.count() == 1
    card = page.evaluate(
        "document.querySelector('[data-testid=my-sessions]').closest('.card')"
        ".getBoundingClientRect().right"
    )
    assert rows.first.bounding_box()["x"] + rows.first.bounding_box()["width"] <= card
    review = rows.first.locator("a.btn")
    assert review.is_visible() and review.bounding_box()["width"] > 200  # a thumb-sized button
    for other in pages.values():
        other.context.close()


def test_upload_offers_the_camera_beside_the_file_picker(world, live_server, browser, tmp_path):
    """Two inputs named "video": the picker (first, so `input[name=video]` in the other tests
    still means it) and the camera (`capture`). The server gets whichever holds a file."""
    base = live_server.url
    page = _open(browser, PHONE, base, "athlete_a")
    _visit(page, base + reverse("session_upload"))
    picker, camera = page.locator("#id_video"), page.locator("#id_video_camera")
    assert page.locator("input[name=video]").count() == 2
    assert picker.is_visible() and camera.is_visible()
    assert picker.get_attribute("capture") is None  # the gallery stays reachable
    assert camera.get_attribute("capture") == "environment"
    assert camera.get_attribute("accept") == "video/*"
    assert page.is_visible("text=Or record with the camera")
    page.screenshot(path=SHOTS / "upload-camera.png", full_page=True)

    # Not a video: the server's answer says it got the file (not "required").
    junk = tmp_path / "set.mp4"
    junk.write_bytes(b"not a video " * 200)

    def submit() -> str:
        page.click("[data-testid=upload-submit]")
        page.wait_for_load_state("load")
        return page.inner_text("[data-testid=field-error]")

    # The selector the other browser tests use fills the picker, not the camera input.
    page.set_input_files("input[name=video]", str(junk))
    assert page.evaluate("document.getElementById('id_video').files.length") == 1
    assert page.evaluate("document.getElementById('id_video_camera').files.length") == 0
    error = submit()
    assert "required" not in error.lower() and error, error

    page.set_input_files("#id_video_camera", str(junk))  # a recording, nothing picked
    assert page.evaluate("document.getElementById('id_video').files.length") == 0
    error = submit()
    assert "required" not in error.lower() and error, error

    error = submit()  # neither: the form says so
    assert "required" in error.lower(), error
    page.screenshot(path=SHOTS / "upload-error.png", full_page=True)
    _no_sideways_scroll(page, "upload with an error")
    page.context.close()


def test_desktop_pages_keep_their_layout(world, live_server, browser):
    """At 1400x1000 the header is one line with every link showing (no "Menu"), keyboard
    hints show, there is no camera input, and nothing scrolls sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    page = _open(browser, DESKTOP, base, "coach_a")
    for name in ("review", "coach_dashboard", "compare", "review_queue", "coach_upload"):
        _visit(page, base + (world.get(name) or reverse(name)))
        _no_sideways_scroll(page, f"desktop {name}")
        assert not page.is_visible("[data-testid=menu-button]"), name
        for item in ("nav-queue", "nav-upload", "logout"):
            assert page.is_visible(f"[data-testid={item}]"), (name, item)
        header = page.locator("header.topbar").bounding_box()
        assert header["height"] < 60, (name, header)  # one line
        page.screenshot(path=SHOTS / f"desktop-{name}.png", full_page=name != "review")
        if name in ("review", "compare"):
            assert page.locator(".key-hint").first.is_visible(), name
        if name == "review_queue":
            assert page.is_visible("#help-toggle")
        if name == "coach_upload":
            assert page.is_visible("#id_video") and not page.is_visible("#id_video_camera")
    page.locator("header.topbar").screenshot(path=SHOTS / "desktop-header.png")
    page.context.close()


@pytest.mark.parametrize("width", [1024, 1181, 1280])
def test_the_admin_header_fits_from_the_menu_breakpoint_up(world, live_server, browser, width):
    """The admin's header has the most links: above the phone layout's breakpoint it still
    fits on one line (and folds into the menu below it)."""
    base = live_server.url
    page = _open(browser, {"viewport": {"width": width, "height": 800}}, base, "boss")
    _visit(page, base + reverse("coach_dashboard"))
    _no_sideways_scroll(page, f"admin header at {width}")
    header = page.locator("header.topbar").bounding_box()
    assert header["height"] < 60, header
    assert page.is_visible("[data-testid=logout]")
    logout = page.locator("[data-testid=logout]").bounding_box()
    for link in page.locator("header a:visible").all():  # nothing runs into "Log out"
        box = link.bounding_box()
        assert box["x"] + box["width"] <= logout["x"] or box["y"] >= logout["y"] + 20, box
    if page.is_visible("[data-testid=menu-button]"):
        page.click("[data-testid=menu-button]")
    assert page.is_visible("[data-testid=nav-detectors]")
    page.locator("header.topbar").screenshot(path=SHOTS / f"desktop-header-admin-{width}.png")
    page.context.close()
