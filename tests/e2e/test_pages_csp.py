"""Every main page under the Content-Security-Policy, in a real browser (Debian's Chromium),
at desktop and phone sizes: no violation (the `browser` fixture collects them from the
console and fails the test on any), and each page's own script ran under the policy.

Screenshots land in test-artifacts/e2e/pages/<size>-<page>.png.
"""

import shutil

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import PERSONA_PASSWORD
from tests.e2e.conftest import ARTIFACTS, login, needs_chromium

pytestmark = needs_chromium
SHOTS = ARTIFACTS / "pages"
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _login(page, base: str, username: str) -> None:
    login(page, base, username, PERSONA_PASSWORD)
    assert "/accounts/login/" not in page.url, f"{username} could not log in"


def _ran(page, script: str) -> None:
    """Wait until `script` (a JS expression) is true: the page's own script did its work."""
    page.wait_for_function(script, timeout=10_000)


def _upload_script_ran(page) -> None:
    # Not a real submit (that would post the empty form): the listener upload.js added.
    page.evaluate(
        "document.getElementById('upload-form')"
        ".dispatchEvent(new Event('submit', {cancelable: true}))"
    )
    _ran(page, "!document.getElementById('uploading').classList.contains('hidden')")


def _review_script_ran(page) -> None:
    _ran(page, "document.getElementById('timecode').textContent.includes('frame')")  # review.js
    _ran(page, "document.querySelectorAll('#bar-chart *').length > 0")  # charts.js
    chip = page.locator("[data-testid=rep-card] [data-testid=fault-chip]").first
    chip.click()  # labels.js (bound by review-labels.js) toggles it
    assert chip.get_attribute("aria-pressed") == "true"


def _compare_script_ran(page) -> None:
    page.click("[data-rate='0.25']")
    _ran(page, "document.querySelector(\"[data-rate='0.25']\").classList.contains('active')")


def _detectors_script_ran(page) -> None:
    asked = []

    def dismiss(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("[data-testid=activate]")  # training.js asks first; dismissed, nothing posts
    page.wait_for_timeout(200)
    assert asked and "active detector" in asked[0]


# What each page's own script visibly does (a JS expression that becomes true), or a
# function that checks it; None for pages without a script of their own.
ADMIN_THEME_SET = "!!document.documentElement.dataset.theme"  # admin/js/theme.js
PROGRESS_DRAWN = "!!document.querySelector('svg[data-chart] *')"  # progress.js
QUEUE_FILLED = "document.getElementById('queue-title').textContent.includes(' · rep ')"
RUN_SHOWN = (
    "document.getElementById('run-bar').style.width === '100%'"
    " && document.querySelectorAll('#loss-chart path').length > 0"
)
PAGES = [  # (who, url name or a key of `world`, the check)
    ("anonymous", "login", None),
    ("anonymous", "admin-login", ADMIN_THEME_SET),
    ("athlete_a", "athlete_dashboard", PROGRESS_DRAWN),
    ("athlete_a", "session_upload", _upload_script_ran),
    ("athlete_a", "privacy", None),
    ("athlete_a", "password_change", None),
    ("athlete_a", "account_email", None),
    ("anonymous", "password_reset", None),
    ("athlete_a", "api_docs", None),
    ("coach_a", "coach_dashboard", None),
    ("coach_a", "roster", None),
    ("coach_a", "review", _review_script_ran),
    ("coach_a", "compare", _compare_script_ran),
    ("coach_a", "review_queue", QUEUE_FILLED),
    ("boss", "training", RUN_SHOWN),
    ("boss", "detectors", _detectors_script_ran),
]


@pytest.fixture
def world(analysed_set):
    rep = analysed_set[0]
    return {
        "login": "/accounts/login/",
        "admin-login": f"/{settings.ADMIN_PATH}login/",
        "review": reverse("session_review", args=[rep.analysis.session_id]),
        "compare": reverse("rep_compare") + f"?a={rep.pk}",
    }


@pytest.mark.parametrize("size", list(SIZES))
def test_every_main_page_meets_the_content_security_policy(
    world, live_server, browser, csp_violations, size
):
    shots = SHOTS / size
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    base = live_server.url
    pages = {}  # one logged-in tab per person
    for who, name, script_ran in PAGES:
        if who not in pages:
            context = browser.new_context(viewport=SIZES[size])
            pages[who] = context.new_page()
            if who != "anonymous":
                _login(pages[who], base, who)
        page = pages[who]
        response = page.goto(base + (world.get(name) or reverse(name)))
        assert response.status == 200, (who, name, response.status)
        page.wait_for_load_state("load")
        try:
            if isinstance(script_ran, str):
                _ran(page, script_ran)
            elif script_ran:
                script_ran(page)
        except Exception:
            page.screenshot(path=shots / f"failed-{name}.png", full_page=True)
            raise
        page.screenshot(path=shots / f"{name}.png", full_page=True)
        assert csp_violations == [], f"{name} ({size}): {csp_violations}"

    # The watch itself works: markup with a style attribute, added by script, is refused
    # and reported (then forgotten, so the test's own check at the end stays meaningful).
    page = pages["athlete_a"]
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_timeout(300)
    assert any("style" in v for v in csp_violations), csp_violations
    csp_violations.clear()
    for page in pages.values():
        page.context.close()
