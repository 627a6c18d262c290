"""Progress that counts what the coach decided, in a real browser (Debian's Chromium), at
desktop size (a coach on the athlete's page) and on a phone (the athlete's own page): good
share from final verdicts (a coach's label overrides the model), load and estimated 1RM,
volume, tempo and angles per rep, a table of sets that becomes cards on a phone, two sets of
one day told apart, no sideways scroll, axis text of real CSS size.

No worker and no video: the sets are written directly (`make_session`).
Screenshots: test-artifacts/e2e/progress/.
"""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PERSONA_PASSWORD, make_session
from tests.e2e.conftest import ARTIFACTS, login, needs_chromium
from tests.e2e.test_phone_pages import DESKTOP, PHONE, WIDE

pytestmark = needs_chromium
SHOTS = ARTIFACTS / "progress"
CHARTS = ("good_share", "load", "volume", "tempo", "angles")


def _label(day: dt.date, time: str = "") -> str:
    """What the page calls a set (analysis/selectors/sessions.py: _session_labels)."""
    year = "" if day.year == timezone.localdate().year else f" {day.year}"
    return f"{day.day} {day.strftime('%b')}{year}" + (f" {time}" if time else "")


@pytest.fixture
def sets(transactional_db, athlete_a, coach_a):
    """Three sets of athlete A, two on one day; the coach overrides the model twice."""
    from analysis.models import Rep
    from reviews.services.labels import rep_label
    from sets.models import TrainingSession

    day = timezone.localdate() - dt.timedelta(days=20)
    plan = [  # (day, upload time, load, reps)
        (day, (9, 5), "100.0", 3),  # model: good, unusual, good
        (day, (18, 5), "110.0", 2),  # model: good, unusual
        (day + dt.timedelta(days=2), (7, 30), "120.0", 1),  # model: good
    ]
    made = []
    for n, (performed, at, load, reps) in enumerate(plan):
        session = make_session(athlete_a, reps=reps)
        created = timezone.make_aware(dt.datetime.combine(performed, dt.time(*at)))
        TrainingSession.objects.filter(pk=session.pk).update(
            performed_at=performed, created_at=created, load_kg=Decimal(load)
        )
        for rep in session.analysis.reps.all():  # tempo and angles that differ per rep
            k = rep.index + n
            Rep.objects.filter(pk=rep.pk).update(
                kinematics={
                    "concentric_s": 0.9 + 0.1 * k,
                    "eccentric_s": 0.6 + 0.05 * k,
                    "hip_angle_bottom_deg": 60.0 + 3 * k,
                    "knee_angle_bottom_deg": 110.0 - 2 * k,
                    "trunk_body_frame_bottom_deg": 40.0 + k,
                }
            )
        made.append(session)
    first, second, _ = made
    # The coach: set 1's "unusual" rep 2 is fine; set 2's model-good rep 1 is not.
    rep_label(rep=first.analysis.reps.get(index=2), author=coach_a, label="good")
    rep_label(
        rep=second.analysis.reps.get(index=1),
        author=coach_a,
        label="anomalous",
        faults=["rounded_back"],
    )
    return day, made


# Expected table, newest first: (label, load, reps, good / judged, volume, e1RM).
def _expected(day: dt.date) -> list[tuple[str, ...]]:
    return [
        (_label(day + dt.timedelta(days=2)), "120 kg", "1", "1 / 1 · 100%", "120 kg", "124 kg"),
        (_label(day, "18:05"), "110 kg", "2", "0 / 2 · 0%", "220 kg", "117.3 kg"),
        (_label(day, "09:05"), "100 kg", "3", "3 / 3 · 100%", "300 kg", "110 kg"),
    ]


def _open(browser, size: dict, base: str, who: str, url: str):
    page = browser.new_context(**size).new_page()
    login(page, base, who, PERSONA_PASSWORD)
    response = page.goto(base + url)
    assert response.status == 200, url
    page.wait_for_function(
        "document.querySelectorAll('svg[data-chart] [class~=pg-x]').length >= 2", timeout=30_000
    )
    return page


def _table(page) -> list[tuple[str, ...]]:
    return [
        tuple(" ".join(c.split()) for c in row.locator("td").all_inner_texts())
        for row in page.locator("[data-testid=progress-table] tbody tr").all()
    ]


def _check_charts(page, day: dt.date) -> None:
    counts = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('svg[data-chart]')].map(s =>
            [s.dataset.chart, {points: s.querySelectorAll('.pg-point').length,
             dots: s.querySelectorAll('.pg-dot').length,
             bars: s.querySelectorAll('.pg-bar').length,
             lines: s.querySelectorAll('.pg-line').length,
             msg: s.querySelectorAll('.chart-msg').length,
             xs: [...s.querySelectorAll('.pg-x')].map(t => t.textContent),
             titles: [...s.querySelectorAll('title')].map(t => t.textContent)}]))"""
    )
    assert sorted(counts) == sorted(CHARTS)
    assert all(counts[c]["msg"] == 0 for c in CHARTS), counts
    assert counts["good_share"]["points"] == 3 and counts["good_share"]["lines"] == 1
    # The share from final verdicts: the coach's labels, not the model's 2/3 and 1/2.
    titles = counts["good_share"]["titles"]
    assert titles[0].startswith(_label(day, "09:05") + ": Good 100%"), titles
    assert "(3 of 3 judged)" in titles[0] and "Good 0%" in titles[1], titles
    assert counts["load"]["points"] == 6 and counts["load"]["lines"] == 2  # load and e1RM
    assert any(t.endswith("Est. 1RM 117.3 kg") for t in counts["load"]["titles"]), counts
    assert counts["volume"]["bars"] == 3
    assert counts["tempo"]["dots"] == 2 * 6 and counts["tempo"]["lines"] == 2  # 6 reps
    assert counts["angles"]["dots"] == 3 * 6 and counts["angles"]["lines"] == 3
    # Sets of one day are told apart under the charts too.
    for chart in CHARTS:
        xs = counts[chart]["xs"]
        assert len(set(xs)) == len(xs) and _label(day + dt.timedelta(days=2)) in xs, xs


def _no_sideways_scroll(page) -> None:
    widths = page.evaluate(
        "({doc: document.documentElement.scrollWidth, body: document.body.scrollWidth,"
        " inner: window.innerWidth})"
    )
    limit = min(widths["inner"], page.viewport_size["width"])
    wide = page.evaluate(WIDE, limit)
    assert widths["doc"] <= limit and widths["body"] <= limit, (widths, wide)


def _axis_text_px(page) -> list[float]:
    """Every axis label's size as drawn on the screen, in CSS px: its computed font size
    times the SVG's scale (the element's width over its viewBox width)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('svg[data-chart] text.tick')].map(t => {
            const svg = t.ownerSVGElement;
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return parseFloat(getComputedStyle(t).fontSize) * scale;
        })"""
    )


def test_progress_counts_the_coachs_verdicts_on_desktop_and_phone(
    sets, live_server, browser, athlete_a
):
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    day, made = sets
    base = live_server.url

    # Desktop: the coach on the athlete's page.
    page = _open(browser, DESKTOP, base, "coach_a", reverse("athlete_detail", args=[athlete_a.pk]))
    _check_charts(page, day)
    assert _table(page) == _expected(day)
    assert min(_axis_text_px(page)) >= 10.5
    columns = page.evaluate(
        "getComputedStyle(document.querySelector('.progress-charts')).gridTemplateColumns"
    )
    assert len(columns.split()) == 6, columns  # per-set charts span 2, per-rep charts 3
    widths = page.evaluate(
        "[...document.querySelectorAll('svg[data-chart]')]"
        ".map(s => s.getBoundingClientRect().width)"
    )
    assert widths[3] > widths[0] * 1.3, widths
    page.locator("[data-testid=progress]").screenshot(path=SHOTS / "desktop-progress.png")
    page.screenshot(path=SHOTS / "desktop-page.png", full_page=True)

    # Narrower window: the charts are drawn again at their new width.
    before = page.get_attribute("svg[data-chart=load]", "data-width")
    page.set_viewport_size({"width": 800, "height": 1000})
    page.wait_for_function(
        f"document.querySelector('svg[data-chart=load]').dataset.width !== '{before}'",
        timeout=10_000,
    )
    _check_charts(page, day)
    assert min(_axis_text_px(page)) >= 10.5
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelector('.progress-charts')).gridTemplateColumns"
        ).count("px")
        == 1
    )  # one column below 900 px
    page.screenshot(path=SHOTS / "narrow-page.png", full_page=True)

    # A point opens its set.
    page.locator("svg[data-chart=good_share] .pg-point").last.click()
    page.wait_for_url(f"**/sessions/{made[2].pk}/", timeout=30_000)
    page.context.close()

    # Phone: the athlete's own page.
    page = _open(browser, PHONE, base, "athlete_a", reverse("athlete_dashboard"))
    _check_charts(page, day)
    assert _table(page) == _expected(day)
    _no_sideways_scroll(page)
    sizes = _axis_text_px(page)
    assert sizes and min(sizes) >= 11, sizes  # readable: no viewBox shrinking it to ~9 px
    layout = page.evaluate(
        """() => ({
            columns: getComputedStyle(document.querySelector('.progress-charts'))
                .gridTemplateColumns.split(' ').length,
            thead: getComputedStyle(document.querySelector('.progress-table thead')).display,
            rows: [...document.querySelectorAll('.progress-table tbody tr')].map(r =>
                getComputedStyle(r).display),
            right: Math.max(...[...document.querySelectorAll('.progress-table tr, svg[data-chart]')]
                .map(e => e.getBoundingClientRect().right)),
            card: document.querySelector('[data-testid=progress]').getBoundingClientRect().right,
        })"""
    )
    assert layout["columns"] == 1, layout  # charts one under another
    assert layout["thead"] == "none" and set(layout["rows"]) == {"grid"}, layout  # cards
    assert layout["right"] <= layout["card"], layout
    labels = page.locator("[data-testid=progress-table] tbody tr").first.locator("td[data-label]")
    assert "LOAD" in labels.first.evaluate(
        "e => getComputedStyle(e, '::before').content.toUpperCase()"
    )
    page.screenshot(path=SHOTS / "phone-page.png", full_page=True)
    page.locator("[data-testid=progress]").screenshot(path=SHOTS / "phone-progress.png")
    page.context.close()


def test_a_full_page_of_sets_fits_a_phone_and_pages_back(
    transactional_db, live_server, browser, athlete_a
):
    """31 sets (two a day): page 1 holds the latest 30, the axis labels do not overlap, and
    "Next" goes back to the oldest set."""
    from analysis.selectors.sessions import PROGRESS_PAGE_SIZE
    from sets.models import TrainingSession

    SHOTS.mkdir(parents=True, exist_ok=True)
    start = timezone.localdate() - dt.timedelta(days=40)
    for i in range(PROGRESS_PAGE_SIZE + 1):
        session = make_session(athlete_a, reps=2)
        day = start + dt.timedelta(days=i // 2)
        created = timezone.make_aware(dt.datetime.combine(day, dt.time(8 + 9 * (i % 2), 0)))
        TrainingSession.objects.filter(pk=session.pk).update(
            performed_at=day, created_at=created, load_kg=Decimal(100 + i)
        )
    page = _open(browser, PHONE, live_server.url, "athlete_a", reverse("athlete_dashboard"))
    _no_sideways_scroll(page)
    rows = page.locator("[data-testid=progress-table] tbody tr")
    assert rows.count() == PROGRESS_PAGE_SIZE
    assert rows.first.locator("td[data-label=Load]").inner_text() == f"{130} kg"
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('svg[data-chart]')].map(s =>
            [s.dataset.chart, [...s.querySelectorAll('.pg-x')].map(t => {
                const r = t.getBoundingClientRect(); return [r.left, r.right];
            })])"""
    )
    # make_session's reps carry tempo but no angles: that chart says so instead.
    assert page.text_content("svg[data-chart=angles] .chart-msg") == "No angles measured yet"
    svg_box = page.locator("svg[data-chart=load]").bounding_box()
    for chart, labels in boxes:
        if chart == "angles":
            continue
        assert 2 <= len(labels) < PROGRESS_PAGE_SIZE, labels
        for (_, right), (left, _) in zip(labels, labels[1:], strict=False):
            assert right <= left, labels  # no two labels overlap
        assert labels[0][0] >= 0 and labels[-1][1] <= svg_box["x"] + svg_box["width"] + 1
    assert min(_axis_text_px(page)) >= 11
    page.screenshot(path=SHOTS / "phone-30-sets.png", full_page=True)
    page.locator("[data-testid=progress] .pager a[rel=next]").click()
    page.wait_for_url("**/me/?progress=2#progress", timeout=30_000)
    rows = page.locator("[data-testid=progress-table] tbody tr")
    assert rows.count() == 1 and rows.first.locator("td[data-label=Load]").inner_text() == "100 kg"
    page.wait_for_function("document.querySelectorAll('svg[data-chart] .pg-x').length >= 1")
    page.context.close()
