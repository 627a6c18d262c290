"""A coach reads named faults and an honest "not judged" on the review page, in a real
browser (Debian's Chromium, driven by Playwright) at desktop and phone sizes.

Both sets are footage derived from the shared labelled sets and analysed by the real worker:
the first reps of the hips-rise-first set, and the correct set with the bottom of the
picture cut off (the ankles out of the frame, so the reps cannot be judged).
Screenshots land in test-artifacts/e2e/faults/.
"""

import shutil

from tests.conftest import PERSONA_PASSWORD, shared_path
from tests.e2e.coaching_first import check_coaching_first
from tests.e2e.conftest import ARTIFACTS, needs_chromium, reuses_poses
from tests.e2e.conftest import login as _login
from tests.e2e.test_rep_count_correction import DESKTOP, PHONE, _analysed, _review
from tests.pipeline.footage import write_clip

pytestmark = [needs_chromium, reuses_poses]

FOLDER = ("videos", "TBY66+Intelligent-Deadlift-Diagnosis-System")


def _no_sideways_scroll(page) -> None:
    cards = page.evaluate(
        "Math.max(...[...document.querySelectorAll('[data-testid=rep-card]')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert cards <= page.viewport_size["width"] + 1


def test_coach_reads_a_named_fault_with_its_evidence_and_a_not_judged_reason(
    qcluster, live_server, browser, athlete_a, coach_a, tmp_path, derived_clip
):
    shots = ARTIFACTS / "faults"
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    hips = tmp_path / "hips-first.mp4"
    write_clip(hips, [(shared_path(*FOLDER, "0016h_1.mp4"), 0, 8)])
    cropped = derived_clip("feet-cut-off")  # the correct set's first 7 s, feet cut off
    faulty = _analysed(qcluster, athlete_a, hips)
    unjudged = _analysed(qcluster, athlete_a, cropped)
    base = live_server.url

    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    _login(page, base, "coach_a", PERSONA_PASSWORD)
    _review(page, base, faulty.session_id)
    # The headline names the fault, in the rep list and on the card (measured on these
    # first three reps: the first rises hips-first by a hair too little, 24% against 22%).
    items = page.locator("[data-testid=rep-item]")
    named = [i for i in range(items.count()) if "hips rise first" in items.nth(i).inner_text()]
    assert len(named) >= 2, [items.nth(i).inner_text() for i in range(items.count())]
    first = page.locator(f"#rep-{named[0] + 1}")
    assert "hips rise first" in first.locator("[data-testid=verdict]").inner_text()
    evidence = first.locator("[data-testid=fault-hips_rise_first]")
    text = evidence.inner_text()
    assert "fault" in text and "shoulders had risen" in text and "below 22%" in text
    # Its time link seeks the video to where it shows.
    link = evidence.locator("[data-seek]")
    target = float(link.get_attribute("data-seek"))
    link.click()
    page.wait_for_function(
        "t => Math.abs(document.getElementById('player').currentTime - t) < 0.2", arg=target
    )
    first.scroll_into_view_if_needed()
    page.screenshot(path=shots / "01-named-fault-desktop.png", full_page=True)

    _review(page, base, unjudged.session_id)
    card = page.locator("[data-testid=rep-card]").first
    assert card.locator("[data-testid=verdict]").inner_text() == "not judged"
    reason = card.locator("[data-testid=not-judged-reason]").inner_text()
    assert "ankles were out of the picture" in reason
    share = page.locator("[data-testid=not-judged-share]").inner_text()
    assert share.endswith("reps not judged: the reason is on each rep's card.")
    page.screenshot(path=shots / "02-not-judged-desktop.png", full_page=True)
    context.close()

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    _login(page, base, "athlete_a", PERSONA_PASSWORD)
    _review(page, base, faulty.session_id)
    card = page.locator(f"#rep-{named[0] + 1}")
    card.locator("[data-testid=fault-evidence]").scroll_into_view_if_needed()
    assert card.locator("[data-testid=fault-hips_rise_first]").is_visible()
    _no_sideways_scroll(page)
    page.screenshot(path=shots / "03-named-fault-phone.png", full_page=False)
    phone.close()

    # The same set, coaching first: the summary, labels in any order, the Details switch
    # (tests/e2e/coaching_first.py). Last: it labels a rep.
    check_coaching_first(browser, base, faulty.session_id)
