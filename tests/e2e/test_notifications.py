"""A notification appearing, in a real browser (Debian's Chromium), at desktop and phone
sizes: the athlete's page is open, their coach comments on the set from another browser,
and the athlete's bell shows 1 without a reload (the header polls every
NOTIFICATIONS_POLL_SECONDS, set short here); the list shows it unread, following it opens
the set and the badge clears. The header and the two pages fit a phone without sideways
scroll.

Screenshots land in test-artifacts/e2e/notifications/.
"""

import pytest
from django.urls import reverse

from tests.conftest import PERSONA_PASSWORD, make_session
from tests.e2e.conftest import ARTIFACTS, login, needs_chromium
from tests.e2e.test_phone_pages import DESKTOP, PHONE, _no_sideways_scroll

pytestmark = needs_chromium
SHOTS = ARTIFACTS / "notifications"
BADGE = "[data-testid=nav-notifications-count]"
COMMENT = "Lock the lats before the bar leaves the floor."


def _badge(page) -> str | None:
    """The badge's number when it shows, else None."""
    return page.evaluate(
        "(() => { const b = document.querySelector('[data-testid=nav-notifications-count]');"
        " return b && b.offsetParent !== null ? b.textContent.trim() : null; })()"
    )


def _inside_viewport(page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    width = page.viewport_size["width"]
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_notification_appears_without_a_reload_and_clears_when_followed(
    size, live_server, browser, athlete_a, coach_a, settings
):
    settings.NOTIFICATIONS_POLL_SECONDS = 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    session = make_session(athlete_a)
    base = live_server.url
    phone = size == "phone"

    athlete = browser.new_context(**(PHONE if phone else DESKTOP)).new_page()
    login(athlete, base, "athlete_a", PERSONA_PASSWORD)
    athlete.goto(base + reverse("athlete_dashboard"))
    assert athlete.locator("[data-testid=nav-notifications]").is_visible()
    assert athlete.get_attribute("[data-testid=nav-notifications]", "data-poll-ms") == "1000"
    assert _badge(athlete) is None  # nothing yet
    # In the bar beside "Log out" at every width, not inside the folding menu.
    assert athlete.locator("[data-testid=logout]").is_visible()
    assert athlete.locator("details.menu [data-testid=nav-notifications]").count() == 0
    _inside_viewport(athlete, "[data-testid=nav-notifications]")
    _inside_viewport(athlete, "[data-testid=logout]")
    athlete.evaluate("window.__stillThisPage = true")  # gone if the page reloads

    # The coach comments from their own browser.
    coach = browser.new_context(**DESKTOP).new_page()
    login(coach, base, "coach_a", PERSONA_PASSWORD)
    coach.goto(base + reverse("session_review", args=[session.pk]))
    coach.fill("[data-testid=comment-body]", COMMENT)
    coach.click("[data-testid=comment-submit]")
    coach.wait_for_selector(f"[data-testid=comment] >> text={COMMENT}", timeout=30_000)
    assert _badge(coach) is None  # the author is not told about their own comment

    # Within a few polls the athlete's badge shows 1, on the same page.
    athlete.wait_for_function(
        "(() => { const b = document.querySelector('[data-testid=nav-notifications-count]');"
        " return b && b.offsetParent !== null && b.textContent.trim() === '1'; })()",
        timeout=60_000,
    )
    assert athlete.evaluate("window.__stillThisPage === true")
    assert "1 unread" in athlete.get_attribute("[data-testid=nav-notifications]", "aria-label")
    _inside_viewport(athlete, BADGE)
    if phone:
        _no_sideways_scroll(athlete, "dashboard with a notification")
    athlete.screenshot(path=SHOTS / f"{size}-1-badge.png")

    # The list: the notification, unread, saying who commented on what.
    athlete.click("[data-testid=nav-notifications]")
    athlete.wait_for_url("**/notifications/")
    items = athlete.locator("[data-testid=notification]")
    assert items.count() == 1
    text = items.first.inner_text()
    assert "coach_a commented on" in text and COMMENT in text
    assert "notice-unread" in items.first.get_attribute("class")
    assert athlete.locator("[data-testid=notifications-summary]").inner_text() == "1 unread"
    if phone:
        _no_sideways_scroll(athlete, "notifications")
    athlete.screenshot(path=SHOTS / f"{size}-2-list.png", full_page=True)

    # Following it opens the set; the badge is gone.
    items.first.locator("a").click()
    athlete.wait_for_url(f"**/sessions/{session.pk}/")
    assert athlete.locator(f"[data-testid=comment] >> text={COMMENT}").is_visible()
    assert _badge(athlete) is None
    athlete.screenshot(path=SHOTS / f"{size}-3-session.png")
    athlete.goto(base + reverse("notifications"))
    assert "notice-unread" not in athlete.locator("[data-testid=notification]").get_attribute(
        "class"
    )
    assert athlete.locator("[data-testid=notifications-summary]").inner_text() == "Nothing unread."

    # The choices page: every kind, two boxes each, saved.
    athlete.click("[data-testid=notification-settings-link]")
    athlete.wait_for_url("**/notifications/settings/")
    assert athlete.locator("[data-testid=notification-settings] input[type=checkbox]").count() == 10
    athlete.uncheck("[data-testid=pref-comment-in_app]")
    athlete.click("[data-testid=notification-settings-save]")
    athlete.wait_for_url("**/notifications/settings/")
    assert not athlete.is_checked("[data-testid=pref-comment-in_app]")
    assert athlete.is_checked("[data-testid=pref-analysis_done-email]")  # a default, kept
    if phone:
        _no_sideways_scroll(athlete, "notification settings")
    athlete.screenshot(path=SHOTS / f"{size}-4-settings.png", full_page=True)
    coach.context.close()
    athlete.context.close()
