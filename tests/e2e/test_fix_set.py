"""Fixing a set in a real browser (Debian's Chromium): on a phone (390x844) the athlete opens
"Edit set" on the set's page, corrects the load, reads "Trim" fill its start from the
player, then deletes the set through the confirmation page and lands on their dashboard; at
desktop size their coach corrects another set's load and is offered no "Delete set".

The sets are test data (tests/conftest.py: make_session): what is tested is the page, its
forms and its script, not an analysis. Screenshots land in test-artifacts/e2e/fix-set/.
"""

import shutil

from django.urls import reverse

from tests.conftest import PERSONA_PASSWORD, make_session
from tests.e2e.conftest import ARTIFACTS, login, needs_chromium

pytestmark = needs_chromium
SHOTS = ARTIFACTS / "fix-set"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# What sticks out to the right of the viewport (tests/e2e/test_phone_pages.py's check).
WIDE = (
    "(w) => [...document.querySelectorAll('body *')]"
    ".filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-scroll'))"
    ".slice(0, 12)"
    ".map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"
)


def _messages(page) -> str:
    return page.locator(".messages").inner_text()


def test_the_athlete_corrects_the_load_and_deletes_the_set_on_a_phone(
    transactional_db, live_server, browser, athlete_a, coach_a
):
    from coach_platform.storage import media_root
    from sets.models import TrainingSession

    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    session = make_session(athlete_a, reps=3)
    other = make_session(athlete_a, reps=2)
    base = live_server.url
    review = f"{base}{reverse('session_review', args=[session.pk])}"

    # On a phone: "Edit set" opens a small form under the page's buttons.
    phone = browser.new_context(**PHONE).new_page()
    login(phone, base, "athlete_a", PERSONA_PASSWORD)
    phone.goto(review)
    phone.wait_for_load_state("domcontentloaded")
    phone.click("[data-testid=edit-set-open]")
    form = phone.locator("[data-testid=edit-set-form]")
    assert form.is_visible()
    phone.fill("[data-testid=edit-load]", "142.5")
    assert phone.evaluate(WIDE, 390) == []
    phone.screenshot(path=SHOTS / "01-phone-edit-set.png")
    phone.click("[data-testid=edit-save]")
    phone.wait_for_load_state("domcontentloaded")
    assert "Saved the load." in _messages(phone)
    assert "142.5 kg" in phone.locator("h1").inner_text()
    session.refresh_from_db()
    assert str(session.load_kg) == "142.5"
    phone.screenshot(path=SHOTS / "02-phone-load-saved.png")

    # "Trim": "Set start here" reads the player's clock (its first frame: 0).
    phone.click("[data-testid=trim-open]")
    phone.click("[data-testid=trim-start-here]")
    assert phone.input_value("[data-testid=trim-start]") == "0.00"
    phone.click("[data-testid=trim-clear]")
    assert phone.input_value("[data-testid=trim-start]") == ""
    assert phone.evaluate(WIDE, 390) == []
    phone.screenshot(path=SHOTS / "03-phone-trim.png")

    # "Delete set" asks first, on a page of its own; then the set is gone for good.
    phone.click("[data-testid=delete-set]")
    phone.wait_for_selector("[data-testid=delete-confirmation]")
    assert "Delete this set?" in phone.locator("h1").inner_text()
    assert phone.evaluate(WIDE, 390) == []
    phone.screenshot(path=SHOTS / "04-phone-delete-confirm.png", full_page=True)
    phone.click("[data-testid=delete-confirm]")
    phone.wait_for_url(f"{base}{reverse('athlete_dashboard')}")
    assert "Deleted the deadlift of" in _messages(phone)
    phone.screenshot(path=SHOTS / "05-phone-deleted.png")
    assert not TrainingSession.objects.filter(pk=session.pk).exists()
    assert not (media_root() / "sessions" / session.folder).exists()
    assert phone.goto(review).status == 404

    # At desktop size the coach corrects the other set; deleting it is the athlete's.
    desk = browser.new_context(**DESKTOP).new_page()
    login(desk, base, "coach_a", PERSONA_PASSWORD)
    desk.goto(f"{base}{reverse('session_review', args=[other.pk])}")
    desk.wait_for_load_state("domcontentloaded")
    assert desk.locator("[data-testid=delete-set]").count() == 0
    desk.click("[data-testid=edit-set-open]")
    desk.fill("[data-testid=edit-load]", "100")
    desk.screenshot(path=SHOTS / "06-desktop-coach-edit-set.png")
    desk.click("[data-testid=edit-save]")
    desk.wait_for_load_state("domcontentloaded")
    assert "Saved the load." in _messages(desk)
    other.refresh_from_db()
    assert str(other.load_kg) == "100.0"
