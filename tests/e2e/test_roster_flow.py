"""Rosters by invitation in a real browser, desktop and phone: a coach invites an athlete
they do not coach, the athlete sees the invitation on their page and accepts, and only then
does the athlete appear on the coach's roster. No worker needed."""

from tests.conftest import PERSONA_PASSWORD
from tests.e2e.conftest import ARTIFACTS, login, logout, needs_chromium

pytestmark = needs_chromium


def test_a_coach_invites_and_the_athlete_accepts_on_a_phone(
    live_server, browser, athlete_a, coach_other
):
    shots = ARTIFACTS / "roster"
    shots.mkdir(parents=True, exist_ok=True)
    base = live_server.url

    desktop = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    login(desktop, base, "coach_other", PERSONA_PASSWORD)
    desktop.goto(f"{base}/roster/")
    desktop.fill("[data-testid=invite-form] input[name=invite-who]", "athlete_a")
    desktop.click("[data-testid=invite-form] button")
    desktop.wait_for_load_state()
    assert "If an athlete account matches" in desktop.inner_text(".messages")
    assert "athlete_a" not in desktop.inner_text("[data-testid=roster-table]")
    assert "athlete_a" in desktop.inner_text("[data-testid=invitations-sent]")
    desktop.screenshot(path=shots / "01-coach-invited.png", full_page=True)

    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    login(phone, base, "athlete_a", PERSONA_PASSWORD)
    card = phone.locator("[data-testid=invitations]")
    assert "coach_other" in card.inner_text()
    phone.screenshot(path=shots / "02-athlete-invitation-phone.png", full_page=True)
    card.locator("button[value=accept]").click()
    phone.wait_for_load_state()
    assert "coach_other is now one of your coaches" in phone.inner_text(".messages")
    assert "coach_other" in phone.inner_text("[data-testid=my-coaches]")
    assert phone.locator("[data-testid=invitations]").count() == 0
    logout(phone)

    desktop.goto(f"{base}/roster/")
    assert "athlete_a" in desktop.inner_text("[data-testid=roster-table]")
    desktop.screenshot(path=shots / "03-coach-roster.png", full_page=True)
