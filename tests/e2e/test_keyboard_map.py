"""One keyboard map (static/js/keys.js) for the review, queue and compare pages, in a real
browser (Debian's Chromium): `?` opens a dialog listing the page's keys, the same key means
the same on every page, Esc closes it; on the review page j goes back 1 s and k plays and
pauses; the queue has slow motion (1 2 3, and buttons) and [ ] for its reps, Shift + a number
for the fault tags. On a phone the hints and the "Keys" button are gone and the queue's speed
buttons are big enough to tap.

The set is test data (tests/conftest.py: make_session) whose fake upload is replaced by the
shared 15 s clip, so the video really plays without running an analysis.

Screenshots: test-artifacts/e2e/keyboard-map/.
"""

import shutil

import pytest
from django.urls import reverse

from tests.conftest import PERSONA_PASSWORD, shared_path
from tests.e2e.conftest import ARTIFACTS, CLIP, login, needs_chromium
from tests.e2e.test_phone_pages import DESKTOP, PHONE, _no_sideways_scroll

pytestmark = needs_chromium
SHOTS = ARTIFACTS / "keyboard-map"

# The dialog's rows: action -> (keys as written, what they do).
ROWS = """() => Object.fromEntries(
  [...document.querySelectorAll('#keys-dialog tr[data-key-action]')].map(tr => [
    tr.dataset.keyAction, [tr.cells[0].innerText.trim(), tr.cells[1].innerText.trim()]]))"""
DIALOG_OPEN = "!!(document.getElementById('keys-dialog') || {}).open"
# Where the keyboard focus is: inside the dialog or not.
FOCUS_IN_DIALOG = "!!document.activeElement.closest('#keys-dialog')"
SHARED = [  # what the review and queue pages both do, with the same keys
    "play", "frame-back", "frame-forward", "back-1s", "forward-1s", "speed-0.25",
    "speed-0.5", "speed-1", "prev-rep", "next-rep", "drawing", "help",
]  # fmt: skip


@pytest.fixture
def playing_set(transactional_db, athlete_a, coach_a):
    """A set of athlete A with 3 judged, unlabelled reps (in coach A's queue) whose upload
    is the real clip."""
    from coach_platform.storage import media_publish, media_root
    from tests.conftest import make_session

    clip = shared_path(*CLIP)
    session = make_session(athlete_a, reps=3)
    upload = media_root() / session.video.name  # the fake upload, replaced in the store
    upload.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(clip, upload)
    media_publish(upload)
    return session


def _page(browser, size: dict, base: str):
    page = browser.new_context(**size).new_page()
    login(page, base, "coach_a", PERSONA_PASSWORD)
    assert "/accounts/login/" not in page.url
    return page


def _video(page, selector: str, expression: str):
    return page.evaluate(
        f"(() => {{ const v = document.querySelector('{selector}'); return {expression}; }})()"
    )


def _open_with_question_mark(page) -> dict:
    page.keyboard.press("?")
    page.wait_for_function(DIALOG_OPEN)
    assert page.is_visible("[data-testid=keys-dialog]")
    assert page.evaluate(FOCUS_IN_DIALOG)  # the Close button has the focus
    return page.evaluate(ROWS)


def _close_with_escape(page) -> None:
    page.keyboard.press("Escape")
    page.wait_for_function(f"!({DIALOG_OPEN})")
    assert not page.is_visible("[data-testid=keys-dialog]")


def test_one_keyboard_map_on_review_queue_and_compare(playing_set, live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    page = _page(browser, DESKTOP, base)

    # --- review -----------------------------------------------------------------------------
    page.goto(base + reverse("session_review", args=[playing_set.pk]))
    page.wait_for_function("document.getElementById('player').readyState >= 2", timeout=60_000)
    hint = page.locator("[data-testid=keys-hint]")
    assert hint.is_visible()
    assert "one frame" in hint.inner_text() and "previous / next rep" in hint.inner_text()
    review = _open_with_question_mark(page)
    page.screenshot(path=SHOTS / "review-dialog.png")
    # Tab stays in the modal dialog (the page behind is inert).
    for _ in range(3):
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUS_IN_DIALOG)
    _close_with_escape(page)
    assert set(SHARED) <= set(review)
    assert not {"good", "anomalous", "fault", "note"} & set(review)  # no labelling here
    assert review["play"] == ["Space or K", "play / pause"]
    assert review["back-1s"] == ["J", "back 1 second"]
    # The "Keys ?" button opens the same dialog; its Close button closes it.
    hint.locator("[data-keys-open]").click()
    page.wait_for_function(DIALOG_OPEN)
    assert page.evaluate(ROWS) == review
    page.click("[data-testid=keys-close]")
    page.wait_for_function(f"!({DIALOG_OPEN})")

    # j: back 1 s, paused.
    page.evaluate("document.getElementById('player').currentTime = 2.5")
    page.wait_for_function("!document.getElementById('player').seeking")
    page.keyboard.press("j")
    page.wait_for_function("!document.getElementById('player').seeking")
    t = _video(page, "#player", "v.currentTime")
    assert 1.45 < t < 1.55, t
    assert _video(page, "#player", "v.paused")
    # k: plays (the clock moves on), k again: pauses.
    page.keyboard.press("k")
    page.wait_for_function(
        "t => { const v = document.getElementById('player');"
        " return !v.paused && v.currentTime > t + 0.1; }",
        arg=t,
        timeout=30_000,
    )
    page.keyboard.press("k")
    page.wait_for_function("document.getElementById('player').paused")
    page.wait_for_function(
        "document.querySelector('[data-testid=play]').textContent.endsWith('Play')"
    )
    # Space with the Play button focused (just clicked) toggles once, not twice.
    page.click("[data-testid=play]")
    assert not _video(page, "#player", "v.paused")
    page.keyboard.press(" ")
    assert _video(page, "#player", "v.paused")
    # 1 2 3: the speeds; ]: the next rep's start.
    page.keyboard.press("1")
    assert _video(page, "#player", "v.playbackRate") == 0.25
    page.keyboard.press("3")
    assert _video(page, "#player", "v.playbackRate") == 1
    page.evaluate("document.getElementById('player').currentTime = 1.2")  # in rep 1
    page.wait_for_function("!document.getElementById('player').seeking")
    page.keyboard.press("]")
    page.wait_for_function("!document.getElementById('player').seeking")
    t = _video(page, "#player", "v.currentTime")
    assert 2.0 <= t < 2.05, t  # rep 2 starts at 2.0 s
    # Keys typed into a field are text, not commands.
    page.fill("#comment-form textarea", "")
    page.focus("#comment-form textarea")
    page.keyboard.type("1k]")
    assert _video(page, "#player", "v.playbackRate") == 1
    assert _video(page, "#player", "v.paused")
    assert page.input_value("#comment-form textarea") == "1k]"
    page.keyboard.press("?")
    assert not page.evaluate(DIALOG_OPEN)

    # --- queue ------------------------------------------------------------------------------
    page.goto(base + reverse("review_queue"))
    items = page.evaluate("JSON.parse(document.getElementById('queue-data').textContent)")
    assert len(items) == 3, items
    page.wait_for_function(
        f"document.getElementById('queue-title').textContent.endsWith('rep {items[0]['index']}')"
    )
    assert page.is_visible("[data-testid=keys-open]")
    queue = _open_with_question_mark(page)
    page.screenshot(path=SHOTS / "queue-dialog.png")
    _close_with_escape(page)
    # The same keys mean the same on both pages; the queue adds its labelling keys.
    for action in SHARED:
        assert queue[action] == review[action], action
    assert {"good", "anomalous", "fault", "note"} <= set(queue)
    assert queue["fault"][0] == "⇧1 … ⇧7"
    assert "⇧2 hips rise first" in queue["fault"][1]
    assert page.inner_text("[data-testid=queue-next] kbd") == "]"  # from the map too
    assert page.inner_text("[data-testid=queue-prev] kbd") == "["

    # Slow motion from the keyboard and the buttons; the speed stays from rep to rep.
    page.wait_for_function("document.getElementById('queue-video').readyState >= 1", timeout=60_000)
    page.keyboard.press("1")
    assert _video(page, "#queue-video", "v.playbackRate") == 0.25
    assert page.get_attribute("[data-testid='speed-0.25']", "aria-pressed") == "true"
    page.keyboard.press("]")
    page.wait_for_function("document.getElementById('queue-position').textContent === 'rep 2 of 3'")
    assert page.inner_text("#queue-title").endswith(f"rep {items[1]['index']}")
    assert _video(page, "#queue-video", "v.playbackRate") == 0.25
    page.click("[data-testid='speed-0.5']")
    assert _video(page, "#queue-video", "v.playbackRate") == 0.5
    page.keyboard.press("[")
    page.wait_for_function("document.getElementById('queue-position').textContent === 'rep 1 of 3'")
    # A frame step pauses and moves one frame (the clip is 30 fps).
    page.keyboard.press("k")
    page.wait_for_function("document.getElementById('queue-video').paused")
    page.evaluate(
        f"document.getElementById('queue-video').currentTime = {items[0]['start_s'] + 0.3}"
    )
    page.wait_for_function("!document.getElementById('queue-video').seeking")
    before = _video(page, "#queue-video", "v.currentTime")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("!document.getElementById('queue-video').seeking")
    after = _video(page, "#queue-video", "v.currentTime")
    assert 0.005 < after - before < 0.05, (before, after)
    assert _video(page, "#queue-video", "v.paused")
    # Shift + 2 toggles the second fault tag; 2 alone is a speed, not a tag.
    page.keyboard.press("2")
    assert page.locator("[data-testid=fault-chip][aria-pressed=true]").count() == 0
    assert _video(page, "#queue-video", "v.playbackRate") == 0.5
    page.keyboard.press("Shift+Digit2")
    pressed = page.locator("[data-testid=fault-chip][aria-pressed=true]")
    assert pressed.count() == 1 and pressed.first.inner_text().startswith("⇧2")
    page.keyboard.press("Shift+Digit2")
    assert pressed.count() == 0
    page.screenshot(path=SHOTS / "queue-desktop.png")

    # --- compare: the same play and speed keys, both videos at once -------------------------
    reps = sorted(items, key=lambda it: it["index"])
    page.goto(base + reverse("rep_compare") + f"?a={reps[0]['id']}&b={reps[1]['id']}")
    page.wait_for_selector("[data-testid=keys-hint] [data-keys-open]")
    compare = _open_with_question_mark(page)
    _close_with_escape(page)
    for action in set(compare) & set(review):
        assert compare[action] == review[action], action
    assert compare["restart"] == ["R", "back to the start of the rep"]
    page.keyboard.press("1")
    rates = page.evaluate(
        "[...document.querySelectorAll('.compare-video')].map(v => v.playbackRate)"
    )
    assert rates == [0.25, 0.25]
    assert page.get_attribute(".compare-controls [data-rate='0.25']", "class").endswith("active")
    page.screenshot(path=SHOTS / "compare-desktop.png")
    page.context.close()


def test_on_a_phone_no_key_hints_and_the_queue_speeds_are_tappable(
    playing_set, live_server, browser
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    page = _page(browser, PHONE, base)
    page.goto(base + reverse("review_queue"))
    page.wait_for_function("document.getElementById('queue-title').textContent.includes('rep')")
    page.wait_for_timeout(300)
    _no_sideways_scroll(page, "phone queue")
    assert not page.is_visible("[data-testid=keys-open]")
    for kbd in page.locator(".btn kbd, .chip kbd").all():
        assert not kbd.is_visible()
    for rate in ("0.25", "0.5", "1"):
        button = page.locator(f"[data-testid='speed-{rate}']")
        box = button.bounding_box()
        assert box["height"] >= 40 and box["width"] >= 40, (rate, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (rate, box)
    page.tap("[data-testid='speed-0.25']")
    assert _video(page, "#queue-video", "v.playbackRate") == 0.25
    assert page.get_attribute("[data-testid='speed-0.25']", "aria-pressed") == "true"
    page.locator(".queue-media").screenshot(path=SHOTS / "phone-queue-player.png")
    page.screenshot(path=SHOTS / "phone-queue.png", full_page=True)

    page.goto(base + reverse("session_review", args=[playing_set.pk]))
    page.wait_for_load_state("load")
    assert not page.is_visible("[data-testid=keys-hint]")
    _no_sideways_scroll(page, "phone review")
    page.context.close()
