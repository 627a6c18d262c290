"""Coaching, not measuring: the set's review page leads with what to do, in a real browser
(Debian's Chromium, driven by Playwright) over a set the real worker analysed.

Run by tests/e2e/test_named_faults.py on its set (the first 8 s of the shared
hips-rise-first set, the same bytes, so with `reuses_poses` a run poses it once): reps named
"hips rise first". A coach at desktop size labels a rep in any order (Anomalous, then a fault
tag, then a note) and sees the rep's verdict change at once; the athlete on a phone reads the
summary and a named fault near the top, without the coach's tools and numbers; the coach on a
phone ticks "Details" for the SkeleMotion image and the movement model's score.

Screenshots land in test-artifacts/e2e/coaching-first/.
"""

import re
import shutil
import time

from tests.conftest import PERSONA_PASSWORD
from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE, login
from tests.e2e.test_rep_count_correction import _review

SHOTS = ARTIFACTS / "coaching-first"
TAG = "knee_dominant"  # a fault tag the model does not name on this set (hips rise first)
NOTE = "Knees travel forward off the floor; hips too low."
# The first rep card's SkeleMotion image has loaded (lazily, once shown and scrolled to).
LOADED = (
    "(() => { const i = document.querySelector('#rep-1 [data-testid=rep-image]');"
    " return i && i.complete && i.naturalWidth > 0; })()"
)


def _no_sideways_scroll(page) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 1, f"the page scrolls sideways by {wide} px"


def _api_rep(page, base: str, rep_id: str) -> dict:
    """The rep as the API answers it, asked with the page's own session."""
    response = page.request.get(f"{base}/api/reps/{rep_id}/")
    assert response.ok, response.status
    return response.json()


def _stored(page, base: str, rep_id: str, wait_s: float = 15) -> dict:
    """The rep once the API has the note: every change the box saved is stored."""
    deadline = time.monotonic() + wait_s
    while True:
        rep = _api_rep(page, base, rep_id)
        if rep["label_note"] == NOTE or time.monotonic() > deadline:
            return rep
        page.wait_for_timeout(200)


def _coach_labels_in_any_order(browser, base: str, session_id: int) -> None:
    """Anomalous first, then a fault tag, then the note (saved when left): each saved as it is
    made; the rep's verdict badges change without a reload; all of it there after one."""
    page = browser.new_context(**DESKTOP).new_page()
    login(page, base, "coach_a", PERSONA_PASSWORD)
    _review(page, base, session_id)
    page.evaluate("window.samePage = 'not reloaded'")
    summary = page.locator("[data-testid=set-summary]")
    assert summary.is_visible() and "hips rise first" in summary.inner_text().lower()
    page.screenshot(path=SHOTS / "desktop-1-top.png")

    card = page.locator("[data-testid=rep-card]#rep-1")
    box = card.locator("[data-testid=label-box]")
    rep_id = box.get_attribute("data-label-rep")
    model = _api_rep(page, base, rep_id)
    assert model["label"] is None and TAG not in (model["detected_faults"] or []), model
    card_badge = card.locator("header [data-testid=verdict]")
    list_badge = page.locator("[data-testid=rep-item][data-rep='1'] [data-testid=verdict]")
    before = card_badge.inner_text()
    assert list_badge.inner_text() == before and before != "knee dominant"

    card.scroll_into_view_if_needed()
    card.locator("[data-testid=label-anomalous]").click()
    card.locator(f"[data-fault={TAG}]").click()
    note = card.locator("[data-testid=label-note]")
    note.click()
    note.press_sequentially(NOTE)
    note.blur()  # the note is saved when it is left (its `change`)
    stored = _stored(page, base, rep_id)
    assert (stored["label"], stored["faults"], stored["label_note"]) == (
        "anomalous",
        [TAG],
        NOTE,
    ), stored
    assert stored["labelled_by"] == "coach_a"
    assert (stored["outcome"], stored["outcome_faults"]) == ("faults", [TAG])
    page.wait_for_function(
        "!document.querySelector('#rep-1 [data-testid=label-box]').classList.contains('is-busy')"
    )
    card.locator("[data-testid=label-msg].label-msg-ok").wait_for(timeout=10_000)

    # Without a reload: the verdict badges on the card and in the rep list say the coach's tag.
    assert page.evaluate("window.samePage") == "not reloaded"
    for badge in (card_badge, list_badge):
        assert badge.inner_text() == "knee dominant"
        assert "outcome-faults" in badge.get_attribute("class")
        assert badge.get_attribute("title") == "coach's label"
    assert "outcome-border-faults" in card.get_attribute("class")
    assert card.locator("[data-testid=coach-label]").inner_text() == "anomalous — knee dominant"
    assert card.locator("[data-label-by]").inner_text() == "by coach_a"
    assert note.input_value() == NOTE  # not overwritten by a save coming back while typing
    page.evaluate("document.getElementById('rep-1').scrollIntoView()")
    page.screenshot(path=SHOTS / "desktop-2-labelled.png")

    page.reload()
    page.wait_for_selector("[data-testid=rep-list]")
    assert page.evaluate("window.samePage") is None
    card.scroll_into_view_if_needed()
    chip = card.locator(f"[data-fault={TAG}]")
    assert chip.get_attribute("aria-pressed") == "true"
    assert card.locator("[data-testid=fault-chip][aria-pressed=true]").count() == 1
    assert "selected" in card.locator("[data-testid=label-anomalous]").get_attribute("class")
    assert card.locator("[data-testid=label-note]").input_value() == NOTE
    assert card.locator("[data-testid=coach-label]").inner_text() == "anomalous — knee dominant"
    assert card_badge.inner_text() == list_badge.inner_text() == "knee dominant"
    page.evaluate("document.getElementById('rep-1').scrollIntoView()")
    page.screenshot(path=SHOTS / "desktop-3-after-reload.png")
    page.context.close()


def _athlete_reads_the_summary_on_a_phone(browser, base: str, session_id: int) -> None:
    """The summary's headline and a named fault with what to do near the top; none of the
    coach's tools or numbers; nothing sideways."""
    page = browser.new_context(**PHONE).new_page()
    login(page, base, "athlete_a", PERSONA_PASSWORD)
    _review(page, base, session_id)
    page.evaluate("window.scrollTo(0, 0)")
    height = PHONE["viewport"]["height"]
    headline = page.locator("[data-testid=summary-headline]")
    assert re.fullmatch(r"[A-Z][a-z ]+ on (\d+ of \d+ reps|the one rep)\.", headline.inner_text())
    fault = page.locator("[data-testid^=summary-fault-]").first
    name = fault.locator(".summary-what strong").inner_text()
    assert name.lower() in ("hips rise first", "knee dominant"), name
    cue = fault.locator("[data-testid=summary-cue]")
    assert cue.inner_text().startswith("Try this: ")
    for what, element in (("headline", headline), ("named fault", fault.locator("strong").first)):
        where = element.bounding_box()
        assert where["y"] + where["height"] <= 1.5 * height, (what, where)
    assert cue.bounding_box()["y"] <= 1.5 * height
    page.screenshot(path=SHOTS / "phone-athlete-1-top.png")

    assert page.locator("[data-testid=draw-toolbar]").count() == 0
    assert page.locator("[data-testid=details-switch]").count() == 0
    assert page.locator("img.skelemotion").count() == 0
    assert page.locator("[data-testid=rep-image]").count() == 0
    assert page.locator("[data-testid=confidence]").count() == 0
    assert page.locator(".details-only").count() == 0
    assert "count 0." not in page.inner_text("body")
    # Each rep: the form check, the movement model and the coach; the checks passed folded.
    card = page.locator("[data-testid=rep-card]").first
    for testid in ("form-check", "coach-label"):
        assert card.locator(f"[data-testid={testid}]").is_visible(), testid
    passed = card.locator("[data-testid=checks-passed]")
    assert passed.count() == 1 and passed.get_attribute("open") is None
    _no_sideways_scroll(page)

    # The summary's "Watch rep N" goes to the rep that shows the fault most.
    worst = fault.locator("[data-testid=summary-worst]")
    target = float(worst.get_attribute("data-seek"))
    worst.tap()
    page.wait_for_function(
        "t => Math.abs(document.getElementById('player').currentTime - t) < 0.2",
        arg=target,
        timeout=15_000,
    )
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=SHOTS / "phone-athlete-2-page.png", full_page=True)
    page.context.close()


def _coach_ticks_details_on_a_phone(browser, base: str, session_id: int) -> None:
    """The numbers are there for the coach, behind the "Details" switch, remembered."""
    page = browser.new_context(**PHONE).new_page()
    login(page, base, "coach_a", PERSONA_PASSWORD)
    _review(page, base, session_id)
    switch = page.locator("[data-testid=details-switch]")
    assert switch.is_visible() and not switch.is_checked()
    card = page.locator("[data-testid=rep-card]#rep-1")
    image = card.locator("[data-testid=rep-image]")
    score = card.locator("dt", has_text="Movement model score")
    assert image.count() == 1 and not image.is_visible()
    assert score.count() == 1 and not score.is_visible()
    assert not card.locator("[data-testid=confidence]").is_visible()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=SHOTS / "phone-coach-1-top.png")
    _no_sideways_scroll(page)

    switch.tap()
    assert switch.is_checked()
    image.scroll_into_view_if_needed()
    assert image.is_visible() and score.is_visible()
    page.wait_for_function(LOADED, timeout=15_000)  # the lazy image, once shown
    assert card.locator("[data-testid=confidence]").is_visible()
    assert card.locator("details.kinematics").is_visible()
    _no_sideways_scroll(page)
    card.scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "phone-coach-2-details.png")

    page.reload()  # remembered in this browser
    page.wait_for_selector("[data-testid=rep-list]")
    assert switch.is_checked() and image.is_visible()
    switch.tap()
    assert not switch.is_checked() and not image.is_visible() and not score.is_visible()
    page.context.close()


def check_coaching_first(browser, base: str, session_id: int) -> None:
    """The three walks on an analysed hips-first set (tests/e2e/test_named_faults.py runs
    them on its own: one analysis for both)."""
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    _coach_labels_in_any_order(browser, base, session_id)
    _athlete_reads_the_summary_on_a_phone(browser, base, session_id)
    _coach_ticks_details_on_a_phone(browser, base, session_id)
