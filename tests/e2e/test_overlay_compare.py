"""The compare page's overlay by phase (static/js/compare-overlay.js), in a real browser over
the shared analysed clip at desktop (1280x800) and phone (390x844) sizes: a coach opens a rep
without choosing a reference and gets the athlete's best rep (the one they labelled good),
the page saying why; the canvas draws both skeletons, in the palette's two colours; the
scrubber at its middle is the turn of both reps (lockout), and play moves both on.

Screenshots: test-artifacts/e2e/compare-overlay/{desktop,phone}-{start,lockout}.png.
"""

from __future__ import annotations

from tests.conftest import PERSONA_PASSWORD
from tests.e2e.conftest import (
    ARTIFACTS,
    SIZES,
    login,
    needs_chromium,
    reuses_poses,
    upload_analysed,
)

pytestmark = [needs_chromium, reuses_poses]
SHOTS = ARTIFACTS / "compare-overlay"
CANVAS = "[data-testid=phase-canvas]"

# How many of the canvas's pixels are (nearly) each of `colours`, and how many are not the
# background: the two skeletons drawn, each in its colour.
COUNT = """([sel, colours, background]) => {
  const c = document.querySelector(sel);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const rgb = h => [1, 3, 5].map(i => parseInt(h.slice(i, i + 2), 16));
  const want = colours.map(rgb), bg = rgb(background);
  const near = (i, c) =>
    Math.abs(d[i] - c[0]) + Math.abs(d[i + 1] - c[1]) + Math.abs(d[i + 2] - c[2]) <= 40;
  const counts = want.map(() => 0);
  let drawn = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (!near(i, bg)) drawn++;
    want.forEach((c, k) => { if (near(i, c)) counts[k]++; });
  }
  return {counts, drawn, total: d.length / 4};
}"""


def _scrub(page, value: int) -> None:
    page.evaluate(
        "([sel, v]) => { const s = document.querySelector(sel); s.value = String(v);"
        " s.dispatchEvent(new Event('input', {bubbles: true})); }",
        ["[data-testid=phase-scrubber]", value],
    )


def _two_colours(page, size: str, when: str) -> None:
    palette = page.evaluate("VideoOverlay.palette.compare")
    got = page.evaluate(COUNT, [CANVAS, [palette["a"], palette["b"]], palette["background"]])
    assert page.get_attribute(CANVAS, "data-drawn") == "a,b", when
    # Both skeletons in their own colour, each a few hundred pixels at least (lines 2-4 px).
    assert min(got["counts"]) > 150, (size, when, got)
    assert got["drawn"] > 0.01 * got["total"], (size, when, got)


def _check(browser, base: str, rep_ids: list[int], size: str) -> None:
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    login(page, base, "coach_a", PERSONA_PASSWORD)
    page.goto(f"{base}/compare/?a={rep_ids[0]}")
    # The reference chosen for the coach: the rep labelled good, and the page says why.
    assert page.input_value("[data-testid=compare-pick-b]") == str(rep_ids[1])
    why = page.inner_text("[data-testid=reference-why]")
    assert "best rep of this lift: a coach labelled it good" in why, why
    legend = page.inner_text("[data-testid=phase-legend]")
    assert "this rep" in legend and "reference" in legend
    swatches = page.evaluate(
        "[...document.querySelectorAll('[data-swatch]')]"
        ".map(s => getComputedStyle(s).backgroundColor)"
    )
    assert len(set(swatches)) == 2, swatches
    href = page.get_attribute("[data-testid=use-as-reference]", "href")
    assert href == f"/compare/?a={rep_ids[1]}&b={rep_ids[0]}", href

    page.wait_for_function(
        "s => document.querySelector(s).dataset.sample !== undefined", arg=CANVAS, timeout=20_000
    )
    assert page.get_attribute(CANVAS, "data-sample") == "0"
    page.locator("[data-testid=compare-overlay]").scroll_into_view_if_needed()
    _two_colours(page, size, "start")
    page.locator("[data-testid=compare-overlay]").screenshot(path=SHOTS / f"{size}-start.png")

    # The middle of the scrubber is the turn of both reps: their lockouts, at each one's time.
    _scrub(page, 500)
    assert page.get_attribute(CANVAS, "data-sample") == "50"
    readout = page.inner_text("[data-testid=phase-readout]")
    assert readout.startswith("lockout · this rep"), readout
    _two_colours(page, size, "lockout")
    page.locator("[data-testid=compare-overlay]").screenshot(path=SHOTS / f"{size}-lockout.png")

    # Play moves both on together; pause stops them.
    _scrub(page, 0)
    page.click("[data-testid=phase-play]")
    page.wait_for_function(
        "s => Number(document.querySelector(s).dataset.sample) >= 5", arg=CANVAS, timeout=5_000
    )
    page.click("[data-testid=phase-play]")
    stopped = page.get_attribute(CANVAS, "data-sample")
    page.wait_for_timeout(300)
    assert page.get_attribute(CANVAS, "data-sample") == stopped
    assert page.get_attribute(CANVAS, "data-drawn") == "a,b"
    if size == "phone":
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 1, f"the page scrolls sideways by {wide} px"
        width = page.evaluate(f"document.querySelector('{CANVAS}').getBoundingClientRect().width")
        assert width > 300, width
    context.close()


def test_overlay_compare_by_phase_against_the_best_rep(
    qcluster, live_server, browser, athlete_a, coach_a
):
    from analysis.models import Rep

    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    context = browser.new_context(**SIZES["desktop"])
    page = context.new_page()
    login(page, base, "athlete_a", PERSONA_PASSWORD)
    upload_analysed(page, base, qcluster)
    context.close()
    reps = list(Rep.objects.filter(analysis__session__athlete=athlete_a).order_by("index"))
    assert len(reps) == 3
    Rep.objects.filter(pk=reps[1].pk).update(label="good", labelled_by=coach_a)
    for size in SIZES:
        _check(browser, base, [r.pk for r in reps], size)
