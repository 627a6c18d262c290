"""The learning loop end to end in a real browser: a coach labels reps from the review
queue with the keyboard only; an admin trains a new detector version from the training page
(the real worker trains it, the page follows its progress), opens the version, activates
it, and the stored reps are re-scored without losing their labels.

Set-up runs the real pipeline on a 15 s clip (3 reps, inline before the worker starts) and
imports a few videos' worth of the seed SkeleMotion images. Screenshots land in
test-artifacts/e2e/training/.
"""

import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import PERSONA_PASSWORD, shared_path
from tests.e2e.conftest import ARTIFACTS, CLIP, login, logout, needs_chromium, reuses_poses

pytestmark = [needs_chromium, reuses_poses]
SHOTS = ARTIFACTS / "training"
GOOD_VIDEOS = ("deadlift10", "deadlift11", "deadlift12", "deadlift16")
ANOMALY_VIDEOS = ("anomaly2", "anomaly3")


def _seed_subset(tmp_path: Path, folder: str, videos: tuple[str, ...]) -> Path:
    source = shared_path("skelemotion", "seed", folder)
    out = tmp_path / f"seed-{folder}"
    out.mkdir()
    for video in videos:
        for png in source.glob(f"{video}_rep_*.png"):
            shutil.copy(png, out)
    return out


@pytest.fixture
def learning_world(transactional_db, tmp_path, athlete_a, coach_a, admin_user):
    """Athlete A's analysed set (3 reps, not judged: no version is active yet) and a small
    labelled dataset. Requested before `qcluster`, so the analysis still runs inline."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from analysis.models import Rep
    from training.services.training_set import dataset_import
    from uploads.services.uploads import session_upload

    clip = shared_path(*CLIP)
    video = SimpleUploadedFile("deadlift.mp4", clip.read_bytes(), content_type="video/mp4")
    session = session_upload(uploaded_by=athlete_a, athlete=athlete_a, video=video)
    session.analysis.refresh_from_db()
    assert session.analysis.status == "done", session.analysis.error
    reps = list(Rep.objects.filter(analysis__session=session).order_by("index"))
    assert len(reps) == 3 and all(r.image and r.verdict is None for r in reps)

    good = dataset_import(_seed_subset(tmp_path, "train", GOOD_VIDEOS), label="good", source="seed")
    bad = dataset_import(
        _seed_subset(tmp_path, "anomaly", ANOMALY_VIDEOS), label="anomalous", source="seed"
    )
    assert good.created >= 40 and bad.created >= 10
    return {"session": session, "reps": reps}


def _shot(page, name: str) -> None:
    page.screenshot(path=SHOTS / name, full_page=True)


def test_coach_labels_by_keyboard_admin_trains_and_activates_a_version(
    learning_world, qcluster, live_server, browser
):
    from analysis.models import Rep
    from athletes.models import Profile
    from detectors.models import DetectorVersion
    from reviews.models import RepLabel
    from training.models import TrainingRun

    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    base = live_server.url
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the activation confirm()
    rep1, rep2, rep3 = learning_world["reps"]

    # The athlete is asked once, on their dashboard, whether their labelled reps may train
    # the detector, and says yes (without it their reps would stay out of the run).
    login(page, base, "athlete_a", PERSONA_PASSWORD)
    page.goto(f"{base}/me/")
    page.wait_for_selector("[data-testid=consent-prompt]")
    assert "Your videos are never shared" in page.inner_text("[data-testid=consent-prompt]")
    _shot(page, "00-consent-asked.png")
    page.click("[data-testid=consent-yes]")
    page.wait_for_selector(".messages")
    assert page.locator("[data-testid=consent-prompt]").count() == 0
    assert Profile.objects.get(user__username="athlete_a").training_consent is True
    logout(page)

    # The coach sees 3 reps waiting and labels them from the keyboard only.
    login(page, base, "coach_a", PERSONA_PASSWORD)
    assert page.inner_text("[data-testid=nav-queue-count]") == "3"
    page.click("[data-testid=nav-queue]")
    # The title is filled in by queue.js: wait for it, not only for the markup.
    page.wait_for_function(
        "(document.querySelector('[data-testid=queue-title]') || {}).textContent?.includes('rep 1')"
    )
    progress = page.locator("[data-testid=queue-progress]")
    assert progress.inner_text() == "0 of 3 labelled"
    page.keyboard.press("?")
    assert page.is_visible("[data-testid=keys-dialog]")
    _shot(page, "01-queue-help.png")
    page.keyboard.press("Escape")
    assert not page.is_visible("[data-testid=keys-dialog]")

    page.keyboard.press("g")
    page.wait_for_function(
        "document.querySelector('[data-testid=queue-progress]').textContent === '1 of 3 labelled'"
    )
    assert "Labelled good" in page.inner_text("[data-testid=label-msg]")
    _shot(page, "02-queue-labelled-good.png")
    page.wait_for_function(
        "document.querySelector('[data-testid=queue-position]').textContent === 'rep 2 of 3'"
    )
    assert page.inner_text("[data-testid=coach-label]") == "not labelled yet"
    page.keyboard.press("Shift+Digit2")  # hips rise first (2 alone is a speed)
    assert page.locator("[data-testid=fault-chip][aria-pressed=true]").count() == 1
    page.keyboard.press("a")
    page.wait_for_function(
        "document.querySelector('[data-testid=queue-progress]').textContent === '2 of 3 labelled'"
    )
    # The tag saved the label at once (anomalous: a tagged fault is one), "a" is saved after
    # it; the label shows once the last save is stored, before the queue moves on.
    page.wait_for_function(
        "document.querySelector('[data-testid=coach-label]').textContent"
        " === 'anomalous — hips rise first'"
    )
    page.wait_for_function(
        "document.querySelector('[data-testid=queue-position]').textContent === 'rep 3 of 3'"
    )
    page.keyboard.press("Shift+Digit7")  # "other" needs a note: the server refuses, says why
    page.keyboard.press("g")
    page.wait_for_selector("[data-testid=label-msg].label-msg-error")
    assert "needs a note" in page.inner_text("[data-testid=label-msg]")
    assert progress.inner_text() == "2 of 3 labelled"
    page.keyboard.press("n")
    page.keyboard.type("bar caught the knees")
    page.keyboard.press("Escape")
    page.keyboard.press("g")
    page.wait_for_function(
        "document.querySelector('[data-testid=queue-progress]').textContent === '3 of 3 labelled'"
    )
    # Leaving the note saved it (under the label chosen); "g" is saved after it, then the
    # queue says it was the last rep.
    page.wait_for_function(
        "document.querySelector('[data-testid=label-msg]').textContent.includes('last rep')"
    )
    page.keyboard.press("[")  # back to rep 2: its label is shown, not the model's verdict
    page.wait_for_function(
        "document.querySelector('[data-testid=queue-position]').textContent === 'rep 2 of 3'"
    )
    assert page.inner_text("[data-testid=coach-label]") == "anomalous — hips rise first"
    assert page.inner_text("#queue-verdict") == "not judged"
    _shot(page, "03-queue-all-labelled.png")

    labels = {
        r.pk: (r.label, r.faults) for r in Rep.objects.filter(pk__in=[rep1.pk, rep2.pk, rep3.pk])
    }
    assert labels == {
        rep1.pk: ("good", []),
        rep2.pk: ("anomalous", ["hips_rise_first"]),
        rep3.pk: ("good", ["other"]),
    }
    assert Rep.objects.get(pk=rep3.pk).label_note == "bar caught the knees"
    history = RepLabel.objects.filter(rep__in=[rep1, rep2, rep3])
    assert history.count() == 3
    assert {h.author.username for h in history} == {"coach_a"}
    page.reload()
    page.wait_for_selector("[data-testid=queue-empty]")
    logout(page)

    # The admin starts a 2-epoch run from the page; the worker trains it while the page
    # follows phase, epochs and losses.
    login(page, base, "boss", PERSONA_PASSWORD)
    page.click("[data-testid=nav-training]")
    page.wait_for_selector("[data-testid=training-stats]")
    assert page.locator("[data-testid=run-none]").count() == 1
    page.fill("[data-testid=training-epochs]", "2")
    page.click("[data-testid=training-start]")
    page.wait_for_selector("[data-testid=run-box]")
    assert "is queued" in page.inner_text(".messages")

    statuses, shots = [], set()
    deadline = time.monotonic() + 420
    while True:
        assert time.monotonic() < deadline, f"training did not finish; statuses {statuses}"
        assert qcluster.poll() is None, "the worker died: see worker-test_training_flow.log"
        status = page.inner_text("[data-testid=run-status]")
        if not statuses or statuses[-1] != status:
            statuses.append(status)
        if status == "running" and "running" not in shots:
            _shot(page, "04-training-running.png")
            shots.add("running")
        epoch = page.inner_text("[data-testid=run-epoch]")
        if status == "running" and epoch.startswith("epoch 1 ") and "epoch" not in shots:
            _shot(page, "04b-training-epoch-1.png")  # the live loss chart mid-run
            shots.add("epoch")
        if status in ("done", "failed"):
            break
        page.wait_for_timeout(200)
    run = TrainingRun.objects.get()
    assert status == "done", f"{statuses}: {run.error}"
    used = run.snapshot["train_rep_ids"] + run.snapshot["heldout_rep_ids"]
    assert {rep1.pk, rep2.pk, rep3.pk} <= set(used)  # the athlete consented
    page.wait_for_selector("[data-testid=run-version]")
    assert page.inner_text("[data-testid=run-epoch]").endswith("of 2")
    assert page.locator("#loss-chart path.line").count() >= 1
    assert "running" in statuses, statuses
    _shot(page, "05-training-done.png")

    # The new version's page shows its held-out report; the admin activates it.
    page.click("[data-testid=run-version]")
    page.wait_for_selector("[data-testid=classification-report]")
    version = DetectorVersion.objects.get(pk=run.version_id)
    assert not version.is_active
    report = page.inner_text("[data-testid=classification-report]")
    for text in ("Good Deadlift Form", "Anomaly", "accuracy", "macro avg", "weighted avg"):
        assert text in report
    assert page.inner_text("[data-testid=version-accuracy]") != "–"
    assert page.locator("[data-testid=confusion-matrix]").count() == 1
    assert page.locator("#version-scores circle").count() > 0
    _shot(page, "06-version-page.png")
    page.click("[data-testid=activate]")
    page.wait_for_selector("[data-testid=version-active]")
    version.refresh_from_db()
    assert version.is_active
    assert "is now the active detector" in page.inner_text(".messages")

    # The worker re-scores every stored rep with the new version; labels stay as they were.
    deadline = time.monotonic() + 180
    while Rep.objects.filter(pk__in=[rep1.pk, rep2.pk, rep3.pk], verdict__isnull=True).exists():
        assert time.monotonic() < deadline, "re-scoring did not reach the platform reps"
        time.sleep(0.5)
    after = Rep.objects.filter(pk__in=[rep1.pk, rep2.pk, rep3.pk])
    assert {r.pk: (r.label, r.faults) for r in after} == labels
    assert all(r.detector_version_id == version.pk for r in after)
    page.goto(f"{base}/detectors/")
    row = page.locator(f"[data-testid=detector-row][data-version-id='{version.pk}']")
    assert row.locator("[data-testid=active-badge]").count() == 1
    _shot(page, "07-detectors-list.png")
    page.goto(f"{base}/sessions/{learning_world['session'].pk}/")
    page.wait_for_selector("[data-testid=rep-card]")
    # The rep cards show the model's verdict beside the coach's label, and relabel in place.
    first = page.locator("[data-testid=rep-card]").first
    assert "good" in first.locator("[data-testid=coach-label]").inner_text()
    first.locator("[data-testid=fault-chip]", has_text="Rounded back").click()
    first.locator("[data-testid=label-anomalous]").click()
    first.locator("[data-testid=label-msg].label-msg-ok").wait_for()
    assert first.locator("[data-testid=coach-label]").inner_text() == "anomalous — rounded back"
    assert first.locator("[data-label-by]").inner_text() == "by boss"
    relabelled = Rep.objects.get(pk=rep1.pk)
    assert (relabelled.label, relabelled.faults) == ("anomalous", ["rounded_back"])
    assert relabelled.label_history.count() == 2
    _shot(page, "08-review-page-labels.png")
    context.close()
