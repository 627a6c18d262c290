"""The review page plays the original upload and draws the analysis over it on a canvas
(static/js/overlay.js), in a real browser at desktop and phone sizes: the canvas covers the
video's picture, and the frame it draws is the frame the video shows after a rep seek, after
each frame step and after playing at 0.5x. What is drawn is read from the canvas's
data-frame and data-rep, and its pixels at the hips; after the pause, the picture itself is
compared with a seek to the frame drawn (a paused video keeps the frame last presented,
which its currentTime alone does not tell).

Screenshots: test-artifacts/e2e/overlay-desktop.png and overlay-phone.png.
"""

from tests.conftest import PERSONA_PASSWORD
from tests.e2e.conftest import (
    ALPHA_AT,
    ARTIFACTS,
    login,
    needs_chromium,
    reuses_poses,
    upload_analysed,
)

pytestmark = [needs_chromium, reuses_poses]
SIZES = {  # browser context options; the phone's screen is dense, as phones' are
    "desktop": {"viewport": {"width": 1400, "height": 1000}},
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3},
}

# Loads the overlay JSON into the page (as the test's own copy, not overlay.js's) and
# returns it.
LOAD = """async url => {
  const data = await (await fetch(url, {credentials: 'same-origin'})).json();
  window.testTimes = data.times.map(t => t + data.start_s);
  return data;
}"""

# The frame a paused video shows at its currentTime (the last frame starting at or before
# it; 1 ms for the stored times' rounding) next to the one the canvas says it drew.
STATE = """() => {
  const v = document.getElementById('player'), c = document.getElementById('overlay');
  const times = window.testTimes;
  let shown = 0;
  while (shown + 1 < times.length && times[shown + 1] <= v.currentTime + 0.001) shown++;
  return {t: v.currentTime, seeking: v.seeking, paused: v.paused, shown,
          frame: Number(c.dataset.frame), rep: Number(c.dataset.rep)};
}"""

# The video's picture (object-fit contain inside its box) and the canvas, in CSS pixels;
# the canvas's backing store size for the pixel read.
GEOMETRY = """([video, canvas]) => {
  const v = document.querySelector(video), c = document.querySelector(canvas);
  const b = v.getBoundingClientRect();
  const s = Math.min(b.width / v.videoWidth, b.height / v.videoHeight);
  const w = v.videoWidth * s, h = v.videoHeight * s;
  const r = c.getBoundingClientRect();
  return {picture: [b.left + (b.width - w) / 2, b.top + (b.height - h) / 2, w, h],
          canvas: [r.left, r.top, r.width, r.height], backing: [c.width, c.height],
          dpr: window.devicePixelRatio};
}"""


def _settled(page) -> dict:
    """The page's state once no seek is pending (the canvas redraws on `seeked`), and none
    followed: after a pause overlay.js may move the clock into the frame left on screen."""
    idle = "!document.getElementById('player').seeking"
    page.wait_for_function(idle, timeout=10_000, polling=50)
    page.wait_for_timeout(200)
    page.wait_for_function(idle, timeout=10_000, polling=50)
    state = page.evaluate(STATE)
    assert not state["seeking"], state
    return state


def _picture(page) -> bytes:
    """The video's picture alone (the canvas hidden meanwhile), as PNG bytes."""
    canvas = "document.getElementById('overlay').style.visibility"
    page.evaluate(f"{canvas} = 'hidden'")
    page.wait_for_timeout(200)
    shot = page.locator("#player").screenshot()
    page.evaluate(f"{canvas} = ''")
    return shot


def _over_picture(page, video: str = "#player", canvas: str = "#overlay") -> dict:
    """The canvas covers the video's picture (not its letterboxing) at the screen's density."""
    geometry = page.evaluate(GEOMETRY, [video, canvas])
    for got, want in zip(geometry["canvas"], geometry["picture"], strict=True):
        assert abs(got - want) <= 1, geometry
    for backing, css in zip(geometry["backing"], geometry["canvas"][2:], strict=True):
        assert abs(backing - css * geometry["dpr"]) <= 1, geometry
    return geometry


def _check_size(browser, base: str, url: str, size: str) -> None:
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    login(page, base, "athlete_a", PERSONA_PASSWORD)
    page.goto(url)
    page.wait_for_function(
        "document.getElementById('overlay').dataset.frame !== undefined"
        " && document.getElementById('player').readyState >= 2",
        timeout=20_000,
    )
    data = page.evaluate(LOAD, page.get_attribute("#player", "data-overlay-url"))
    page.evaluate("document.getElementById('player').muted = true")

    # A rep in the list seeks to its start: the canvas draws that frame, and that rep.
    item = page.locator("[data-testid=rep-item]").nth(1)
    item.click()
    page.wait_for_function(
        "t => Math.abs(document.getElementById('player').currentTime - t) < 0.1",
        arg=float(item.get_attribute("data-seek")),
        timeout=10_000,
    )
    state = _settled(page)
    assert state["frame"] == state["shown"], state
    assert state["rep"] == int(item.get_attribute("data-rep")), state
    rep = next(r for r in data["reps"] if r["index"] == state["rep"])
    assert abs(state["frame"] - rep["start_frame"]) <= 1, (state, rep)

    # Frame steps move the drawing by exactly one frame each, both ways.
    for button, delta in [("frame-forward", 1)] * 3 + [("frame-back", -1)] * 2:
        before = state["frame"]
        page.click(f"[data-testid={button}]")
        state = _settled(page)
        assert state["frame"] == before + delta == state["shown"], (button, before, state)

    # Half speed for a second: after the pause the drawing is the frame the video stopped on.
    before = state["frame"]
    page.click("button[data-rate='0.5']")
    page.click("[data-testid=play]")
    page.wait_for_timeout(1000)
    page.click("[data-testid=play]")
    page.wait_for_function("document.getElementById('player').paused", timeout=5_000)
    state = _settled(page)
    assert state["frame"] == state["shown"], state
    assert 5 <= state["frame"] - before <= 25, (before, state)  # ~15 frames at 0.5x of 30 fps
    paused = _picture(page)
    page.evaluate(
        "t => { document.getElementById('player').currentTime = t; }",
        data["times"][state["frame"]] + 0.25 / data["fps"],
    )
    assert _settled(page)["frame"] == state["frame"]
    assert _picture(page) == paused, f"the picture paused on is not frame {state['frame']}"

    # The canvas covers exactly the picture, and there is drawing at the hips.
    width, height = _over_picture(page)["backing"]
    points, scale = data["points"][state["frame"]], data["scale"]
    assert points is not None, f"no pose on frame {state['frame']}"
    hips = [(points[2 * k] / scale * width, points[2 * k + 1] / scale * height) for k in (23, 24)]
    for x, y in hips:
        assert page.evaluate(ALPHA_AT, ["#overlay", x, y, 4]) > 0, (x, y)
    page.keyboard.press("o")  # hides the drawing, and shows it again
    assert all(page.evaluate(ALPHA_AT, ["#overlay", x, y, 4]) == 0 for x, y in hips)
    page.keyboard.press("o")
    assert all(page.evaluate(ALPHA_AT, ["#overlay", x, y, 4]) > 0 for x, y in hips)

    page.locator(".player-card").screenshot(path=ARTIFACTS / f"overlay-{size}.png")

    # A short window caps the video's height (70vh): the picture is letterboxed sideways on
    # the desktop, and the canvas follows it.
    page.set_viewport_size({"width": SIZES[size]["viewport"]["width"], "height": 500})
    page.wait_for_timeout(300)
    geometry = _over_picture(page)
    if size == "desktop":
        assert geometry["picture"][0] > page.locator("#player").bounding_box()["x"] + 10
    assert page.evaluate(STATE)["frame"] == state["frame"]
    context.close()


def test_overlay_draws_the_shown_frame_over_the_picture(qcluster, live_server, browser, athlete_a):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    context = browser.new_context(**SIZES["desktop"])
    page = context.new_page()
    login(page, base, "athlete_a", PERSONA_PASSWORD)
    url = upload_analysed(page, base, qcluster, load_kg="140")
    context.close()
    for size in SIZES:
        _check_size(browser, base, url, size)


# The queue's and the compare page's canvases, by the video they draw over.
QUEUE = ("#queue-video", "[data-testid=queue-overlay]")
COMPARE = {
    key: (f"[data-testid=compare-video-{key}]", f"[data-testid=compare-overlay-{key}]")
    for key in "ab"
}

# What a canvas last drew (undefined before its first drawing) and the frame its paused
# video shows, from the test's own copy of the frame times (see LOAD).
DRAWN = """([video, canvas]) => {
  const v = document.querySelector(video), d = document.querySelector(canvas).dataset;
  const times = window.testTimes;
  let shown = 0;
  while (shown + 1 < times.length && times[shown + 1] <= v.currentTime + 0.001) shown++;
  return {frame: d.frame === undefined ? null : Number(d.frame), rep: Number(d.rep), shown,
          seeking: v.seeking, paused: v.paused, ready: v.readyState};
}"""


def _paused_at(page, pair: tuple[str, str], t: float) -> dict:
    """Pause the video and seek it to `t`; what its canvas draws once the seek is over."""
    page.evaluate(
        "([s, t]) => { const v = document.querySelector(s); v.pause(); v.currentTime = t; }",
        [pair[0], t],
    )
    page.wait_for_function(
        "s => !document.querySelector(s).seeking", arg=pair[0], timeout=10_000, polling=50
    )
    page.wait_for_timeout(300)  # the seeked redraw, and any settling after the pause
    page.wait_for_function("s => !document.querySelector(s).seeking", arg=pair[0], timeout=10_000)
    return page.evaluate(DRAWN, list(pair))


def _draws_rep(page, pair: tuple[str, str], data: dict, rep: dict, size: str) -> None:
    """The canvas draws while the video plays, follows it to the middle of `rep` (a queue
    item or a compare side's rep) with that rep's number, covers the picture and has drawing
    at the lifter's hips."""
    page.wait_for_function(
        "([v, c]) => document.querySelector(v).readyState >= 2"
        " && document.querySelector(c).dataset.frame !== undefined",
        arg=list(pair),
        timeout=20_000,
    )
    state = _paused_at(page, pair, (rep["start_s"] + rep["end_s"]) / 2)
    assert state["frame"] == state["shown"], (size, rep["index"], state)
    assert state["rep"] == rep["index"], (size, rep["index"], state)
    span = next(r for r in data["reps"] if r["index"] == rep["index"])
    assert span["start_frame"] <= state["frame"] <= span["end_frame"], (size, span, state)
    width, height = _over_picture(page, *pair)["backing"]
    points, scale = data["points"][state["frame"]], data["scale"]
    assert points is not None, f"no pose on frame {state['frame']}"
    for k in (23, 24):
        x, y = points[2 * k] / scale * width, points[2 * k + 1] / scale * height
        assert page.evaluate(ALPHA_AT, [pair[1], x, y, 4]) > 0, (size, pair, x, y)


def _check_queue_and_compare(browser, base: str, size: str) -> None:
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    login(page, base, "coach_a", PERSONA_PASSWORD)
    suffix = "" if size == "desktop" else f"-{size}"

    # The queue: the rep's session drawn over its looping video, rep after rep.
    page.goto(f"{base}/queue/")
    items = page.evaluate("JSON.parse(document.getElementById('queue-data').textContent)")
    assert len(items) == 3, items
    data = page.evaluate(LOAD, items[0]["overlay_url"])
    for position, item in enumerate(items[:2]):
        if position:
            page.keyboard.press("]")  # the next rep
            page.wait_for_function(
                "t => document.getElementById('queue-title').textContent.endsWith(t)",
                arg=f"rep {item['index']}",
            )
        # Playing, the drawing keeps up with the item's rep (the loop may still be seeking).
        page.wait_for_function(
            "([c, rep]) => document.querySelector(c).dataset.rep === String(rep)",
            arg=[QUEUE[1], item["index"]],
            timeout=20_000,
        )
        _draws_rep(page, QUEUE, data, item, size)
        if not position:
            page.locator(".queue-media").screenshot(path=ARTIFACTS / f"overlay-queue{suffix}.png")

    # Compare: both videos have their own drawing, on their own rep.
    page.goto(f"{base}/compare/?a={items[0]['id']}&b={items[1]['id']}")
    page.evaluate(LOAD, items[0]["overlay_url"])
    for key, item in zip("ab", items, strict=False):
        _draws_rep(page, COMPARE[key], data, item, size)
    # Played together at half speed, both drawings move on with their videos.
    before = [page.evaluate(DRAWN, list(COMPARE[key]))["frame"] for key in "ab"]
    page.click("[data-testid=compare-play]")
    page.wait_for_timeout(800)
    page.click("[data-testid=compare-play]")
    for key, frame in zip("ab", before, strict=True):
        page.wait_for_function("s => document.querySelector(s).paused", arg=COMPARE[key][0])
        assert page.evaluate(DRAWN, list(COMPARE[key]))["frame"] != frame, key
    page.wait_for_timeout(300)
    page.locator(".compare-grid").screenshot(path=ARTIFACTS / f"overlay-compare{suffix}.png")
    context.close()


def test_overlay_on_the_queue_and_compare_pages(qcluster, live_server, browser, athlete_a, coach_a):
    """The coach's review queue and compare page draw the analysis over their videos too
    (overlay.js attached to each video), at desktop and phone sizes. Screenshots:
    test-artifacts/e2e/overlay-queue[-phone].png and overlay-compare[-phone].png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    context = browser.new_context(**SIZES["desktop"])
    page = context.new_page()
    login(page, base, "athlete_a", PERSONA_PASSWORD)
    upload_analysed(page, base, qcluster, load_kg="140")
    context.close()
    for size in SIZES:
        _check_queue_and_compare(browser, base, size)
