"""A coach corrects a set's rep count on the review page, in a real browser (Debian's
Chromium, driven by Playwright) against the live server; the athlete then reads the
corrected set on a phone.

The set is a real clip analysed by a real django-q2 `qcluster` worker in a subprocess
sharing the test database (a file, see tests/conftest.py) and media folder: its reps, its
kept 30 fps track (which "Move" and "Count as a rep" rebuild from) and the annotated video
the worker redraws after each correction are the pipeline's own.

Screenshots land in test-artifacts/e2e/rep-count/.
"""

import shutil
import time
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import PERSONA_PASSWORD, shared_path
from tests.e2e.conftest import ARTIFACTS, needs_chromium, reuses_poses
from tests.e2e.conftest import login as _login

pytestmark = [needs_chromium, reuses_poses]

SHORT_CLIP = ("videos", "RFN-Dev-Git+AI-GYM", "Deadlift3.mp4")  # 133 frames, 2 reps
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NOTE = "Walked the bar back in, not a pull"


def _analysed(qcluster, athlete, clip: Path):
    """The athlete's set, uploaded and analysed by the worker: its done Analysis."""
    from analysis.models import Analysis
    from uploads.services.uploads import session_upload

    video = SimpleUploadedFile(clip.name, clip.read_bytes(), content_type="video/mp4")
    session = session_upload(uploaded_by=athlete, athlete=athlete, video=video, load_kg=120)
    analysis = Analysis.objects.get(session=session)
    deadline = time.monotonic() + 300
    while analysis.status not in ("done", "failed"):
        assert time.monotonic() < deadline, f"still {analysis.status} after 300 s"
        assert qcluster.poll() is None, (
            "the worker died: see test-artifacts/e2e/worker-test_rep_count_correction.log"
        )
        time.sleep(0.5)
        analysis.refresh_from_db()
    assert analysis.status == "done", analysis.error
    return analysis


def _review(page, base: str, session_id: int) -> None:
    page.goto(f"{base}/sessions/{session_id}/")
    page.wait_for_selector("[data-testid=rep-list]")
    page.wait_for_load_state("domcontentloaded")  # the page's scripts have run


def _card(page, index: int):
    return page.locator(f"[data-testid=rep-card]#rep-{index}")


def _message(page) -> str:
    return page.locator(".messages").inner_text()


def test_coach_corrects_the_rep_count_and_athlete_sees_it_on_a_phone(
    qcluster, live_server, browser, athlete_a, coach_a
):
    from analysis.models import Analysis, Rep, RepCorrection

    clip = shared_path(*SHORT_CLIP)
    shots = ARTIFACTS / "rep-count"
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    base = live_server.url
    analysis = _analysed(qcluster, athlete_a, clip)
    session_id = analysis.session_id
    first, second = analysis.reps.order_by("index")
    assert analysis.rep_count == 2 and first.counted and second.counted

    # The coach opens the set at desktop size: 2 reps, each with its count controls.
    coach_context = browser.new_context(viewport=DESKTOP)
    page = coach_context.new_page()
    _login(page, base, "coach_a", PERSONA_PASSWORD)
    _review(page, base, session_id)
    assert page.locator("[data-testid=rep-item]").count() == 2
    assert page.locator("[data-testid=rep-card]").count() == 2
    assert page.locator("[data-testid=rep-count]").inner_text() == "2 reps"
    assert page.locator("[data-testid=not-a-rep]").count() == 2
    assert page.locator("[data-testid=uncounted-rep]").count() == 0
    page.screenshot(path=shots / "01-coach-two-reps.png", full_page=True)

    # "Not a rep" on rep 2, with a note: 1 rep counted, rep 2 greyed with who and why.
    rep2 = _card(page, 2)
    rep2.get_by_label("Why this is not a rep").fill(NOTE)
    rep2.locator("[data-testid=not-a-rep]").click()
    page.wait_for_selector("[data-testid=uncounted-rep]")
    page.wait_for_load_state("domcontentloaded")
    assert "Marked as not a rep" in _message(page)
    assert page.locator("[data-testid=rep-count]").inner_text() == "1 rep"
    assert page.locator("[data-testid=rep-item]").count() == 1
    assert page.locator("[data-testid=rep-card]").count() == 1
    uncounted = page.locator("[data-testid=uncounted-rep]")
    assert uncounted.count() == 1
    by = uncounted.locator("[data-testid=uncounted-by]").inner_text()
    assert "by coach_a" in by and NOTE in by
    history = uncounted.locator("[data-testid=correction-history]")
    history.locator("summary").click()
    assert "Not a rep by coach_a" in history.inner_text()
    assert uncounted.locator("[data-testid=restore-rep]").is_visible()
    page.screenshot(path=shots / "02-coach-not-a-rep.png", full_page=True)

    analysis.refresh_from_db()
    second.refresh_from_db()
    assert analysis.rep_count == 1
    assert second.counted is False
    correction = RepCorrection.objects.get(rep=second)
    assert correction.kind == "not_a_rep" and correction.author == coach_a
    assert correction.note == NOTE

    # Move rep 1's end 4 frames earlier: the rep is rebuilt from the kept track.
    first.refresh_from_db()
    old_end, old_image = first.end_frame, first.image
    new_end = old_end - 4
    rep1 = _card(page, 1)
    rep1.locator(".move-rep summary").click()
    form = rep1.locator("[data-testid=move-form]")
    end_input = form.locator("input[name=end_frame]")
    assert end_input.input_value() == str(old_end)
    end_input.fill(str(new_end))
    fps = float(form.get_attribute("data-fps"))
    shown = form.locator("label:has(input[name=end_frame]) .frame-s")
    assert shown.inner_text() == f"{new_end / fps:.2f} s"  # review.js follows the input
    page.screenshot(path=shots / "03-coach-move-form.png", full_page=True)
    form.locator("[data-testid=move-rep]").click()
    page.wait_for_selector(".messages")
    page.wait_for_load_state("domcontentloaded")
    assert "Rep 1 moved" in _message(page), _message(page)
    first.refresh_from_db()
    assert first.end_frame == new_end
    assert first.image != old_image and "/corrected-" in first.image
    moved = RepCorrection.objects.get(rep=first)
    assert moved.kind == "moved" and moved.author == coach_a
    assert moved.before["end_frame"] == old_end and moved.after["end_frame"] == new_end
    rep1 = _card(page, 1)
    rep1.locator("[data-testid=correction-history] summary").click()
    assert "Moved by coach_a" in rep1.locator("[data-testid=correction-history]").inner_text()
    assert rep1.locator("[data-testid=move-form] input[name=end_frame]").input_value() == str(
        new_end
    )
    page.locator("[data-testid=details-switch]").check()  # the rebuilt image: a coach's detail
    image = rep1.locator("img.skelemotion")
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "(id) => { const i = document.querySelector('#rep-' + id + ' img.skelemotion');"
        " return i && i.complete && i.naturalWidth > 0; }",
        arg=1,
        timeout=10_000,
    )
    page.screenshot(path=shots / "04-coach-moved.png", full_page=True)

    # Restore rep 2: 2 reps again.
    page.locator("[data-testid=uncounted-rep] [data-testid=restore-rep]").click()
    page.wait_for_selector("[data-testid=rep-card]#rep-2")
    page.wait_for_load_state("domcontentloaded")
    assert "Counted again as rep 2" in _message(page)
    assert page.locator("[data-testid=rep-count]").inner_text() == "2 reps"
    assert page.locator("[data-testid=rep-item]").count() == 2
    assert page.locator("[data-testid=uncounted-rep]").count() == 0
    analysis.refresh_from_db()
    second.refresh_from_db()
    assert analysis.rep_count == 2 and second.counted is True
    assert RepCorrection.objects.filter(rep=second, kind="restored", author=coach_a).exists()
    page.screenshot(path=shots / "05-coach-restored.png", full_page=True)

    # Candidates: this clip has none, so one is placed in the gap between the two reps,
    # shaped as the counter writes them; it is listed, marked on the scrubber, countable.
    assert analysis.candidates == []
    first.refresh_from_db()
    second.refresh_from_db()
    fps = analysis.video_info["fps"]
    gap = (first.end_frame + 3, first.end_frame + 12, second.start_frame - 4)
    assert gap[2] - gap[0] >= 0.2 * fps, gap
    reason = f"{gap[1] / fps:.1f} s: stood up after setting the bar down"
    Analysis.objects.filter(pk=analysis.pk).update(
        candidates=[
            {
                "kind": "stood_up",
                "reason": reason,
                "start_frame": gap[0],
                "lockout_frame": gap[1],
                "end_frame": gap[2],
                "start_s": gap[0] / fps,
                "lockout_s": gap[1] / fps,
                "end_s": gap[2] / fps,
            }
        ]
    )
    _review(page, base, session_id)
    listed = page.locator("[data-testid=candidates] [data-testid=candidate]")
    assert listed.count() == 1 and reason in listed.inner_text()
    marker = page.locator("[data-testid=candidate-marker]")
    assert marker.count() == 1
    assert marker.get_attribute("title") == f"Not counted: {reason}"
    duration = float(
        page.wait_for_function(
            "JSON.parse(document.getElementById('chart-data').textContent).duration_s"
            " || document.getElementById('player').duration",
            timeout=10_000,
        )
    )
    left = page.evaluate(
        "parseFloat(document.querySelector('[data-testid=candidate-marker]').style.left)"
    )
    assert abs(left - 100 * (gap[1] / fps) / duration) < 0.1, (left, duration)
    track = page.locator("#scrubber").bounding_box()
    dot = marker.bounding_box()
    assert dot["width"] > 0 and dot["height"] > 0
    centre = dot["x"] + dot["width"] / 2
    assert track["x"] <= centre <= track["x"] + track["width"]
    assert abs(centre - (track["x"] + track["width"] * left / 100)) < 3
    marker.click()  # seeks to the candidate's start
    page.wait_for_function(
        "(t) => { const v = document.getElementById('player');"
        " return !v.seeking && Math.abs(v.currentTime - t) < 0.1; }",
        arg=gap[0] / fps,
        timeout=10_000,
    )
    page.locator(".player-card").screenshot(path=shots / "06a-coach-candidate-marker.png")
    page.screenshot(path=shots / "06-coach-candidate.png", full_page=True)

    listed.locator("[data-testid=count-candidate]").click()
    page.wait_for_selector(".messages")
    page.wait_for_load_state("domcontentloaded")
    assert "Counted as rep 2" in _message(page), _message(page)
    assert page.locator("[data-testid=rep-count]").inner_text() == "3 reps"
    assert page.locator("[data-testid=rep-item]").count() == 3
    assert page.locator("[data-testid=candidates]").count() == 0
    assert page.locator("[data-testid=candidate-marker]").count() == 0
    assert _card(page, 2).locator("[data-testid=counted-by-coach]").is_visible()
    analysis.refresh_from_db()
    assert analysis.rep_count == 3 and analysis.candidates == []
    counted = list(Rep.objects.filter(analysis=analysis).order_by("index"))
    assert [r.pk for r in counted][::2] == [first.pk, second.pk]
    assert counted[1].counted_by == "coach" and counted[1].start_frame == gap[0]
    assert RepCorrection.objects.filter(
        rep=counted[1], kind="counted_candidate", author=coach_a
    ).exists()
    page.screenshot(path=shots / "07-coach-counted-candidate.png", full_page=True)
    coach_context.close()

    # The athlete, on a phone: the corrected set, with its history, and no controls.
    athlete_context = browser.new_context(viewport=PHONE)
    page = athlete_context.new_page()
    _login(page, base, "athlete_a", PERSONA_PASSWORD)
    _review(page, base, session_id)
    assert page.locator("[data-testid=rep-count]").inner_text() == "3 reps"
    assert page.locator("[data-testid=rep-item]").count() == 3
    assert page.locator("[data-testid=rep-card]").count() == 3
    assert page.locator("[data-testid=uncounted-rep]").count() == 0
    assert _card(page, 2).locator("[data-testid=counted-by-coach]").is_visible()
    for control in ("not-a-rep", "restore-rep", "move-form", "move-rep", "count-candidate"):
        assert page.locator(f"[data-testid={control}]").count() == 0, control
    assert page.locator(".count-actions").count() == 0
    histories = page.locator("[data-testid=correction-history]")
    assert histories.count() == 3  # moved; not a rep + restored; counted
    rep1_history = _card(page, 1).locator("[data-testid=correction-history]")
    rep1_history.locator("summary").click()
    assert "Moved by coach_a" in rep1_history.inner_text()
    rep3_history = _card(page, 3).locator("[data-testid=correction-history]")
    rep3_history.locator("summary").click()
    assert "Not a rep by coach_a" in rep3_history.inner_text()
    assert "Restored by coach_a" in rep3_history.inner_text()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=shots / "08-athlete-phone-top.png")
    page.screenshot(path=shots / "09-athlete-phone.png", full_page=True)

    # No wider than the phone: the document, the rep list and cards, and nothing sticks out.
    widths = page.evaluate(
        "({doc: document.documentElement.scrollWidth,"
        " list: document.querySelector('[data-testid=rep-list]').getBoundingClientRect().right,"
        " cards: Math.max(...[...document.querySelectorAll('.rep-card')]"
        ".map(c => c.getBoundingClientRect().right))})"
    )
    assert widths["doc"] <= PHONE["width"], widths
    assert widths["list"] <= PHONE["width"] + 1, widths
    assert widths["cards"] <= PHONE["width"] + 1, widths
    wide = page.evaluate(
        "(w) => [...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-scroll'))"
        ".map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)",
        PHONE["width"],
    )
    assert wide == [], wide
    athlete_context.close()
