"""End to end in a real browser (Debian's Chromium, driven by Playwright) against the live
server, with a real django-q2 `qcluster` worker in a subprocess sharing the test database
(a file, see tests/conftest.py) and media folder: nothing runs inline, so the page has to
show the job move from queued through running to done on its own.

Screenshots land in test-artifacts/e2e/; the submit-to-reps time is written there too.
"""

import shutil
import time

from tests.conftest import PERSONA_PASSWORD, shared_path
from tests.e2e.conftest import ARTIFACTS, CLIP, needs_chromium
from tests.e2e.conftest import login as _login
from tests.e2e.conftest import logout as _logout

pytestmark = needs_chromium


def _video_time(page) -> float:
    return page.evaluate("document.getElementById('player').currentTime")


def _wait_seeked_near(page, target: float, tolerance: float = 0.1) -> float:
    page.wait_for_function(
        "([t, tol]) => { const v = document.getElementById('player');"
        " return !v.seeking && Math.abs(v.currentTime - t) < tol; }",
        arg=[target, tolerance],
        timeout=10_000,
    )
    return _video_time(page)


def test_athlete_uploads_coach_comments_on_a_rep_athlete_reads_it(
    qcluster, live_server, browser, athlete_a, coach_a
):
    clip = shared_path(*CLIP)
    shutil.rmtree(ARTIFACTS / "shots", ignore_errors=True)
    shots = ARTIFACTS / "shots"
    shots.mkdir(parents=True)
    base = live_server.url
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()

    # The athlete uploads a set and watches the job progress on its own.
    _login(page, base, "athlete_a", PERSONA_PASSWORD)
    page.goto(f"{base}/sessions/new/")
    page.set_input_files("input[name=video]", str(clip))
    page.fill("input[name=load_kg]", "140")
    page.fill("textarea[name=notes]", "Last set felt heavy off the floor")
    page.screenshot(path=shots / "01-upload-form.png", full_page=True)
    submitted = time.monotonic()
    page.click("[data-testid=upload-submit]")
    page.wait_for_url("**/sessions/*/")

    seen, progress_shot = [], False
    deadline = time.monotonic() + 300
    while page.locator("[data-testid=rep-item]").count() == 0:
        assert time.monotonic() < deadline, f"no reps after 300 s; statuses seen: {seen}"
        assert qcluster.poll() is None, (
            "the worker died: see test-artifacts/e2e/worker-test_review_flow.log"
        )
        try:
            status = page.locator("[data-testid=status]").inner_text(timeout=1000)
        except Exception:  # the page reloads itself when the job ends
            status = None
        if status and (not seen or seen[-1] != status):
            seen.append(status)
        if status == "running" and not progress_shot:
            page.wait_for_timeout(1500)
            page.screenshot(path=shots / "02-running.png", full_page=True)
            progress_shot = True
        page.wait_for_timeout(300)
    reps_shown = time.monotonic() - submitted
    assert page.locator("[data-testid=status]").inner_text() == "done", seen
    assert "running" in seen, seen
    assert page.locator("[data-testid=rep-item]").count() == 3
    assert page.locator("[data-testid=rep-card]").count() == 3
    (ARTIFACTS / "timing.txt").write_text(
        f"{clip.name}: submit to reps shown {reps_shown:.1f} s; statuses seen {seen}\n"
    )
    print(f"\nsubmit-to-reps-shown for {clip.name}: {reps_shown:.1f} s (statuses {seen})")

    # The annotated video plays, and clicking a rep seeks to its start.
    page.evaluate("document.getElementById('player').muted = true")
    page.click("[data-testid=play]")
    page.wait_for_function(
        "document.getElementById('player').currentTime > 0.5 && "
        "document.getElementById('player').videoWidth > 0",
        timeout=15_000,
    )
    page.click("[data-testid=play]")  # pause
    rep2 = page.locator("[data-testid=rep-item]").nth(1)
    start = float(rep2.get_attribute("data-seek"))
    rep2.click()
    at = _wait_seeked_near(page, start)
    page.click("[data-testid=frame-forward]")
    stepped = _wait_seeked_near(page, at + 1 / 30, tolerance=0.03)
    assert stepped > at
    page.click("button[data-rate='0.5']")
    assert page.evaluate("document.getElementById('player').playbackRate") == 0.5
    page.screenshot(path=shots / "03-review-athlete.png", full_page=True)
    _logout(page)

    # The coach finds the session on the dashboard and comments on rep 2 at a time.
    _login(page, base, "coach_a", PERSONA_PASSWORD)
    queue = page.locator("[data-testid=review-queue] tr[data-session-id]")
    assert queue.count() == 1
    page.screenshot(path=shots / "04-coach-dashboard.png", full_page=True)
    queue.first.locator("a", has_text="Review").click()
    page.wait_for_selector("[data-testid=rep-item]")
    page.wait_for_load_state("domcontentloaded")  # the page's scripts have run
    page.locator("[data-testid=rep-item]").nth(1).click()
    comment_at = _wait_seeked_near(page, start)
    page.locator("[data-testid=comment-on-rep]").nth(1).click()
    assert page.input_value("[data-testid=comment-time-input]") == f"{comment_at:.2f}"
    page.fill("[data-testid=comment-body]", "Hips shoot up first here: push the floor away.")
    page.click("[data-testid=comment-submit]")
    page.wait_for_selector("[data-testid=comment]")
    comment = page.locator("[data-testid=comment]").first
    assert "rep 2" in comment.inner_text()
    page.screenshot(path=shots / "05-coach-commented.png", full_page=True)

    # Side by side: rep 1 against the set's best rep, each video playing its own rep.
    page.locator("[data-testid=compare-rep]").first.click()
    page.wait_for_selector("[data-testid=compare-video-b]")
    page.wait_for_load_state("domcontentloaded")
    both = "[...document.querySelectorAll('.compare-video')]"
    page.wait_for_function(f"{both}.every(v => v.readyState >= 2)", timeout=15_000)
    page.click("[data-testid=compare-play]")
    page.wait_for_function(
        f"{both}.every(v => !v.paused && v.currentTime > +v.dataset.start + 0.2"
        " && v.currentTime <= +v.dataset.end + 0.1)",
        timeout=15_000,
    )
    assert page.locator("[data-testid=compare-table] tbody tr").count() >= 5
    page.screenshot(path=shots / "05b-compare.png", full_page=True)
    _logout(page)

    # The athlete sees the new comment, marked unread, and its time link seeks there.
    _login(page, base, "athlete_a", PERSONA_PASSWORD)
    assert page.locator("[data-testid=my-sessions] .dot").count() == 1
    page.screenshot(path=shots / "06-athlete-dashboard.png", full_page=True)
    page.locator("[data-testid=my-sessions] a", has_text="Review").first.click()
    page.wait_for_selector("[data-testid=comment]")
    page.wait_for_load_state("domcontentloaded")
    comment = page.locator("[data-testid=comment]").first
    assert "Hips shoot up first" in comment.inner_text()
    assert "new" in comment.inner_text()
    assert page.locator("[data-testid=unread-count]").inner_text() == "1 new"
    page.locator("[data-testid=comment-time]").first.click()
    _wait_seeked_near(page, float(f"{comment_at:.2f}"))
    page.screenshot(path=shots / "07-athlete-sees-comment.png", full_page=True)
    context.close()
