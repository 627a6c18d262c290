"""Drawing on a paused frame and comments beside the video (static/js/annotations.js), in a real
browser at desktop (mouse) and phone (touch) sizes, over a really analysed clip that plays:
pause, choose the angle tool, put down three points, read the live degrees, save without a
page reload, post a plain comment without one, reload, and read the angle back from the list
and from the canvas when a scrubber marker seeks to it (and when playback passes it).

Screenshots: test-artifacts/e2e/drawing/.
"""

from __future__ import annotations

import math

from tests.conftest import PERSONA_PASSWORD
from tests.e2e.conftest import (
    ALPHA_AT,
    ARTIFACTS,
    login,
    needs_chromium,
    reuses_poses,
    upload_analysed,
)
from tests.e2e.overlay_labels import check_overlay_labels

pytestmark = [needs_chromium, reuses_poses]
SHOTS = ARTIFACTS / "drawing"
DESKTOP = {"viewport": {"width": 1400, "height": 1000}}
PHONE = {  # as tests/e2e/test_phone_pages.py
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
# The angle's arm end, vertex and other arm end, in fractions of the picture.
POINTS = [(0.3, 0.25), (0.5, 0.62), (0.78, 0.45)]

IDLE = "(() => { const v = document.getElementById('player'); return v.paused && !v.seeking; })()"


def _ready(page) -> None:
    page.wait_for_function(
        "document.getElementById('player').readyState >= 2"
        " && window.ReviewOverlay && window.ReviewOverlay.loaded",
        timeout=60_000,
    )
    page.evaluate("document.getElementById('player').muted = true")


def _pause_at(page, t: float) -> float:
    """Pause a quarter into the frame at `t`; the clock once settled."""
    page.evaluate(
        """t => { const v = document.getElementById('player'), o = window.ReviewOverlay;
                  v.pause(); v.currentTime = o.timeOf(o.frameAt(t)) + o.interval / 4; }""",
        t,
    )
    page.wait_for_function(IDLE, timeout=15_000)
    page.wait_for_timeout(300)  # any settling after the pause
    page.wait_for_function(IDLE, timeout=15_000)
    return page.evaluate("document.getElementById('player').currentTime")


def _expected_degrees(page, box: dict, pixels: list[tuple[float, float]]) -> float:
    """The angle of the three screen points in the picture's own pixels."""
    w, h = page.evaluate(
        "(() => { const v = document.getElementById('player');"
        " return [v.videoWidth, v.videoHeight]; })()"
    )
    f = [((x - box["x"]) / box["width"] * w, (y - box["y"]) / box["height"] * h) for x, y in pixels]
    u = (f[0][0] - f[1][0], f[0][1] - f[1][1])
    v = (f[2][0] - f[1][0], f[2][1] - f[1][1])
    turn = math.atan2(u[0] * v[1] - u[1] * v[0], u[0] * v[0] + u[1] * v[1])
    return abs(math.degrees(turn))


def _no_sideways_scroll(page) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 1, f"the page scrolls sideways by {wide} px"


def _draw_and_reload(browser, base: str, url: str, size: str, who: str) -> None:
    options = DESKTOP if size == "desktop" else PHONE
    context = browser.new_context(**options)
    page = context.new_page()
    login(page, base, who, PERSONA_PASSWORD)
    page.goto(url)
    _ready(page)
    page.evaluate("window.samePage = 'not reloaded'")
    markers_before = page.locator(".comment-marker.is-drawing").count()

    # Tools are usable only while paused; the angle tool turns the canvas into a drawing pad.
    toolbar = page.locator("[data-testid=draw-toolbar]")
    assert toolbar.is_visible()
    rep = page.locator("[data-testid=rep-item]").nth(1)
    start, end = float(rep.get_attribute("data-seek")), float(rep.get_attribute("data-end"))
    at = _pause_at(page, (start + end) / 2)
    page.click("[data-testid=tool-angle]")
    assert page.get_attribute("[data-testid=tool-angle]", "aria-pressed") == "true"
    assert "drawing" in (page.get_attribute("#draw-canvas", "class") or "")
    # The rep the paused frame is in is preselected for the annotation.
    assert page.locator("[data-testid=draw-rep] option:checked").inner_text() == "rep 2"

    page.locator("#draw-canvas").scroll_into_view_if_needed()
    box = page.locator("#draw-canvas").bounding_box()
    pixels = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in POINTS]
    expected = _expected_degrees(page, box, pixels)
    readout = page.locator("[data-testid=draw-degrees]")
    if size == "desktop":
        page.mouse.click(*pixels[0])
        page.mouse.click(*pixels[1])
        page.mouse.move(*pixels[2], steps=4)  # the degrees follow the pointer before the click
        page.wait_for_function(
            "document.getElementById('draw-degrees').textContent !== ''", timeout=5_000
        )
        live = int(readout.inner_text().removeprefix("Angle ").removesuffix("°"))
        assert abs(live - expected) <= 1, (readout.inner_text(), expected)
        page.mouse.click(*pixels[2])
    else:
        for x, y in pixels:
            page.touchscreen.tap(x, y)
    page.wait_for_function(
        "document.getElementById('draw-degrees').textContent.startsWith('Angle ')", timeout=5_000
    )
    shown = readout.inner_text()
    degrees = int(shown.removeprefix("Angle ").removesuffix("°"))
    assert abs(degrees - expected) <= 1, (shown, expected)
    # The angle is drawn at the vertex, on the canvas's backing pixels.
    dpr = page.evaluate("window.devicePixelRatio")
    vx, vy = (pixels[1][0] - box["x"]) * dpr, (pixels[1][1] - box["y"]) * dpr
    assert page.evaluate(ALPHA_AT, ["#draw-canvas", vx, vy, 3]) > 0, "nothing drawn at the vertex"
    if size == "desktop":  # more shapes in the same drawing: an arrow and a free-hand line, dragged
        for tool, path in [
            ("arrow", [(0.15, 0.85), (0.35, 0.7)]),
            ("free", [(0.6, 0.85), (0.65, 0.8), (0.72, 0.83), (0.8, 0.78)]),
        ]:
            page.click(f"[data-tool={tool}]")
            points = [
                (box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in path
            ]
            page.mouse.move(*points[0])
            page.mouse.down()
            for x, y in points[1:]:
                page.mouse.move(x, y, steps=5)
            page.mouse.up()
    page.screenshot(path=SHOTS / f"{size}-1-drawing.png")

    # Saved through the API: no reload, the annotation is listed "just now" with its degrees.
    note = f"Hip angle, {size}"
    page.fill("[data-testid=draw-note]", note)
    page.click("[data-testid=draw-save]")
    item = page.locator("[data-testid=comment]", has_text=note)
    item.wait_for(timeout=15_000)
    assert page.evaluate("window.samePage") == "not reloaded"
    assert item.locator("[data-testid=angle-degrees]").inner_text() == f"{degrees}°"
    assert "just now" in item.inner_text() and "rep 2" in item.inner_text()
    kinds = "angle, arrow, free hand" if size == "desktop" else "angle"
    assert (
        item.locator("[data-testid=drawing-summary]")
        .inner_text()
        .startswith(f"Drawing: {kinds.replace('angle', f'angle {degrees}°')}")
    )
    comment_id = item.get_attribute("data-comment-id")
    assert page.locator(".comment-marker.is-drawing").count() == markers_before + 1
    page.wait_for_function(
        "id => document.getElementById('draw-canvas').dataset.shown.split(',').includes(id)",
        arg=comment_id,
        timeout=5_000,
    )
    assert page.get_attribute("[data-testid=tool-angle]", "aria-pressed") == "false"

    # A plain comment at the video time is posted without a reload too: a round marker.
    plain = f"Brace before the pull ({size})"
    round_markers = page.locator(".comment-marker:not(.is-drawing)")
    before = round_markers.count()
    page.fill("[data-testid=comment-body]", plain)
    page.check("[data-testid=pin-time]")
    page.click("[data-testid=comment-submit]")
    posted = page.locator("[data-testid=comment]", has_text=plain)
    posted.wait_for(timeout=15_000)
    assert "just now" in posted.inner_text()
    assert posted.locator("[data-testid=comment-time]").count() == 1
    assert round_markers.count() == before + 1
    assert page.input_value("[data-testid=comment-body]") == ""
    assert page.evaluate("window.samePage") == "not reloaded"
    if size == "phone":
        _no_sideways_scroll(page)
    page.screenshot(path=SHOTS / f"{size}-2-saved.png", full_page=True)

    # After a reload: the list and a scrubber marker bring the angle back at its time.
    page.reload()
    _ready(page)
    assert page.evaluate("window.samePage") is None
    item = page.locator(f"#comment-{comment_id}")
    assert item.locator("[data-testid=angle-degrees]").inner_text() == f"{degrees}°"
    _pause_at(page, 0.2)
    assert comment_id not in page.get_attribute("#draw-canvas", "data-shown").split(",")
    marker = page.locator(f".comment-marker[data-show-comment='{comment_id}']")
    assert "is-drawing" in marker.get_attribute("class")
    if size == "phone":
        marker.tap()
    else:
        marker.click()
    page.wait_for_function(IDLE, timeout=15_000)
    page.wait_for_function(
        "id => document.getElementById('draw-canvas').dataset.shown.split(',').includes(id)",
        arg=comment_id,
        timeout=10_000,
    )
    now = page.evaluate("document.getElementById('player').currentTime")
    interval = page.evaluate("window.ReviewOverlay.interval")
    assert abs(now - at) <= interval, (now, at)
    drawn = page.get_attribute("#draw-canvas", "data-degrees").split(",")
    assert f"{degrees}°" in drawn
    drawn_at_vertex = page.evaluate(ALPHA_AT, ["#draw-canvas", vx, vy, 3])
    assert drawn_at_vertex > 0, "the angle is not drawn after the seek"
    page.locator(".player-card").screenshot(path=SHOTS / f"{size}-3-after-reload.png")

    # Its time in the list, or the item itself, seeks there too; and playback passing its
    # time shows it.
    for target in ("[data-testid=comment-time]", "[data-testid=drawing-summary]"):
        _pause_at(page, 0.2)
        item.locator(target).click()
        page.wait_for_function(
            "id => document.getElementById('draw-canvas').dataset.shown.split(',').includes(id)",
            arg=comment_id,
            timeout=10_000,
        )
    _pause_at(page, max(0.0, at - 0.6))
    page.wait_for_function(
        "id => !document.getElementById('draw-canvas').dataset.shown.split(',').includes(id)",
        arg=comment_id,
        timeout=10_000,
    )
    page.evaluate("document.getElementById('player').play()")
    page.wait_for_function(
        "id => document.getElementById('draw-canvas').dataset.shown.split(',').includes(id)",
        arg=comment_id,
        timeout=15_000,
        polling=20,
    )
    page.evaluate("document.getElementById('player').pause()")
    if size == "phone":
        _no_sideways_scroll(page)
    page.screenshot(path=SHOTS / f"{size}-4-page.png", full_page=True)
    context.close()


def _read_only(browser, base: str, url: str) -> None:
    """A page without a comment form (as a shared page will be): no toolbar, no posting, but
    the markers are there and a drawing shows at its time. The review page itself, served with
    its form renamed."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    login(page, base, "athlete_a", PERSONA_PASSWORD)

    # The form is renamed as the parser inserts it, before the page's scripts run (the parser
    # delivers observers' records before each script). Not by intercepting the page: while
    # Chromium intercepts, it refuses a video redirected into a bucket without CORS.
    page.add_init_script(
        "new MutationObserver((_, observer) => {"
        " const form = document.getElementById('comment-form');"
        " if (form) { form.id = 'comment-form-elsewhere'; observer.disconnect(); }"
        "}).observe(document, {childList: true, subtree: true});"
    )
    page.goto(url)
    # Chromium does not follow a media redirect into another origin (a bucket) while
    # requests are intercepted: the page is changed, so its video loads unintercepted.
    page.unroute(url)
    page.evaluate("document.getElementById('player').load()")
    _ready(page)
    assert page.locator("#comment-form").count() == 0
    assert not page.locator("[data-testid=draw-toolbar]").is_visible()
    assert "drawing" not in (page.get_attribute("#draw-canvas", "class") or "")
    drawings = page.locator(".comment-marker.is-drawing")
    assert drawings.count() == 2 and page.locator(".comment-marker").count() == 4
    # Both drawings are at one frame (the same clicks at both sizes): the top marker shows both.
    comment_id = drawings.last.get_attribute("data-show-comment")
    drawings.last.tap()
    page.wait_for_function(
        "id => document.getElementById('draw-canvas').dataset.shown.split(',').includes(id)",
        arg=comment_id,
        timeout=10_000,
    )
    assert page.get_attribute("#draw-canvas", "data-shown").count(",") == 1
    assert page.get_attribute("#draw-canvas", "data-degrees").endswith("°")
    page.screenshot(path=SHOTS / "read-only-phone.png")
    context.close()


def test_an_angle_drawn_on_a_paused_frame_reads_back_its_degrees(
    qcluster, live_server, browser, athlete_a, coach_a
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    login(page, base, "athlete_a", PERSONA_PASSWORD)
    url = upload_analysed(page, base, qcluster)
    context.close()
    check_overlay_labels(browser, base, url)  # before any drawing: the overlay's own labels
    _draw_and_reload(browser, base, url, "desktop", "coach_a")
    # Only coaches and admins draw (the athlete gets no toolbar): the coach on a phone too.
    _draw_and_reload(browser, base, url, "phone", "coach_a")
    _read_only(browser, base, url)
