"""Results first, videos after, in a real browser with a real worker: an upload browsers
cannot play (MPEG-4 Part 2 in AVI) shows its reps while the page says a playable copy is
being made; the copy then plays with the drawing over it; "Download annotated video" makes
the export in the background and offers it once made.

Screenshots: test-artifacts/e2e/preparing.png, playable-copy.png, export-ready.png.
"""

from analysis.models import Analysis
from tests.analysis.test_worker_videos import _as_avi
from tests.conftest import PERSONA_PASSWORD, shared_path
from tests.e2e.conftest import ARTIFACTS, CLIP, login, needs_chromium

pytestmark = needs_chromium
# One frame step; the frame the browser presents (its own media time) against the time of
# the frame the canvas then says it drew, on the file's clock.
STEP = """async () => {
  const v = document.getElementById('player'), c = document.getElementById('overlay');
  const data = await (await fetch(v.dataset.overlayUrl, {credentials: 'same-origin'})).json();
  const presented = new Promise(r => v.requestVideoFrameCallback((now, m) => r(m.mediaTime)));
  document.querySelector('[data-testid=frame-forward]').click();
  const t = await presented;
  await new Promise(r => setTimeout(r, 300));
  const f = Number(c.dataset.frame);
  return {presented: t, frame: f, drawn_at: data.times[f] + data.start_s, start: data.start_s};
}"""
SHORT = ("videos", "RFN-Dev-Git+AI-GYM", "Deadlift3.mp4")  # 4.5 s, 2 reps


def _upload(page, base: str, path) -> str:
    page.goto(f"{base}/sessions/new/")
    page.set_input_files("input[name=video]", str(path))
    page.click("[data-testid=upload-submit]")
    page.wait_for_url("**/sessions/*/")
    return page.url


def test_reps_show_while_the_copy_is_made_then_it_plays_and_the_export_is_offered(
    qcluster, live_server, browser, athlete_a, tmp_path
):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    avi = _as_avi(shared_path(*CLIP), tmp_path / "camera.avi")
    base = live_server.url
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    login(page, base, "athlete_a", PERSONA_PASSWORD)
    review = _upload(page, base, avi)
    # A second upload queued behind it keeps the one worker busy after the first analysis:
    # the copy's task waits its turn, so the page is seen while it is being made.
    second = _upload(page, base, shared_path(*SHORT))
    page.goto(review)
    page.wait_for_selector("[data-testid=rep-card]", timeout=240_000)  # reloads by itself
    first = Analysis.objects.order_by("pk").first()
    assert first.playback in ("preparing", "copy")
    if first.playback == "preparing" and page.locator("[data-testid=preparing]").count():
        assert "Preparing a playable copy" in page.inner_text("[data-testid=preparing]")
        assert page.locator("[data-testid=video]").count() == 0
        assert page.locator("[data-testid=rep-card]").count() == 3  # everything else is there
        assert page.locator("#bar-chart path").count() > 0  # the charts are drawn too
        page.screenshot(path=ARTIFACTS / "preparing.png", full_page=True)

    # The copy appears by itself (the page polls and reloads) and plays with the drawing.
    page.wait_for_selector("[data-testid=video]", timeout=180_000)
    assert "/playable.mp4?v=" in page.get_attribute("[data-testid=video]", "src")
    page.wait_for_function(
        "document.getElementById('overlay').dataset.frame !== undefined", timeout=20_000
    )
    page.locator("[data-testid=rep-item]").nth(1).click()
    page.wait_for_function("document.getElementById('overlay').dataset.rep === '2'", timeout=10_000)
    page.screenshot(path=ARTIFACTS / "playable-copy.png")

    # Nothing was encoded for the results; the export is made when asked for.
    first.refresh_from_db()
    assert first.result_video == "" and first.export == ""
    page.click("[data-testid=export-request]")
    page.wait_for_selector("[data-testid=export-download]", timeout=180_000)
    href = page.get_attribute("[data-testid=export-download]", "href")
    assert "/result.mp4?v=" in href
    response = page.request.get(base + href)
    assert response.status == 200 and response.headers["content-type"] == "video/mp4"
    first.refresh_from_db()
    assert first.export == "ready"
    page.screenshot(path=ARTIFACTS / "export-ready.png")

    # A file whose first frame is not at 0 on its clock (this one's is at 34 ms), played as
    # it is: after each frame step the frame drawn is the one the browser says it presented.
    page.goto(second)
    page.wait_for_function(
        "document.getElementById('overlay').dataset.frame !== undefined", timeout=60_000
    )
    page.locator("[data-testid=rep-item]").first.click()
    page.wait_for_function("!document.getElementById('player').seeking", timeout=10_000)
    for _ in range(3):
        step = page.evaluate(STEP)
        assert step["start"] > 0.03
        assert abs(step["drawn_at"] - step["presented"]) < 0.002, step
