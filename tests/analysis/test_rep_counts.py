"""A coach corrects the rep count: "not a rep", restore, move a rep, count a candidate.

One real analysis of a short clip runs once per module (the pipeline writes its folder with
the kept 30 fps track); each test stores a copy of it for a fresh session the way a worker
does, then corrects it. Rebuilt reps come from that track, never from pose estimation again.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import uuid

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from analysis.models import Analysis, Rep, RepCorrection, RepVerdict
from analysis.selectors.export import analysis_reps_csv
from analysis.selectors.reps import review_queue
from analysis.selectors.sessions import athlete_progress
from analysis.services.analyses import _analysis_store
from analysis.services.rep_counts import candidate_count, rep_move, rep_not_a_rep, rep_restore
from analysis.services.videos import analysis_export_request
from athletes.models import Profile
from coach_platform.storage import media_path, media_publish, media_remove, media_root, media_stat
from core import lifts
from core.result import Judgement
from detectors.models import DetectorVersion
from detectors.services import _judges
from reviews.selectors import session_list
from reviews.services.labels import rep_label
from sets.models import TrainingSession
from tests.conftest import make_session, shared_path
from training.selectors.training import training_set_queryset
from training.services.activation import detector_rescore

SHORT_CLIP = ("videos", "RFN-Dev-Git+AI-GYM", "Deadlift3.mp4")  # 133 frames, 2 reps


@pytest.fixture(scope="module")
def analysed(tmp_path_factory, pose_cache_dir):
    """The clip analysed once for the module: (clip, output folder, AnalysisResult); its
    poses are the run's for these bytes (tests/pose_cache.py)."""
    from core.pipeline.run import analyze_video
    from tests.pose_cache import cached_poses

    clip = shared_path(*SHORT_CLIP)
    out = tmp_path_factory.mktemp("rep-counts") / "analysis-1-module"
    with cached_poses(pose_cache_dir):
        result = analyze_video(clip, out)
    assert len(result.reps) == 2
    return clip, out, result


@pytest.fixture
def analysis(analysed, athlete_a, coach_a) -> Analysis:
    """A done analysis of athlete A's session, stored as a worker stores one."""
    clip, out, result = analysed
    session = TrainingSession(athlete=athlete_a, uploaded_by=athlete_a, folder=uuid.uuid4().hex)
    session.video.save("original.mp4", ContentFile(clip.read_bytes()), save=False)
    session.save()
    job = Analysis.objects.create(session=session, status="running", attempts=1)
    target = media_root() / "sessions" / session.folder / "analysis-1-abc123"
    shutil.copytree(out, target)
    media_publish(target)  # a worker stores its folder before a row points at it
    stored = _analysis_store(job.pk, 1, result, target, None, [])
    assert stored.rep_count == 2 and stored.status == "done"
    return stored


def _reps(analysis: Analysis) -> list[Rep]:
    return list(analysis.reps.order_by("index"))


def _consent(athlete) -> None:
    Profile.objects.filter(user=athlete).update(training_consent=True)


class OneJudge:
    """A stand-in detector (the detector has its own tests): every rep is good, scored by
    its image's brightness."""

    version = "stand-in"

    def judge(self, images: np.ndarray, views=None) -> list[Judgement]:
        means = images.reshape(len(images), -1).mean(axis=1) / 255
        return [Judgement("good", float(m), 0.9, []) for m in means]


@pytest.fixture
def active_judge(db):
    version = DetectorVersion.objects.create(name="v-count", model_dir="/m/v-count", is_active=True)
    _judges[(version.pk, version.model_dir)] = OneJudge()
    yield version
    _judges.clear()


def test_the_store_keeps_confidence_evidence_and_candidates(analysis):
    reps = _reps(analysis)
    assert all(r.counted and r.counted_by == "detector" for r in reps)
    assert all(r.confidence is not None and r.evidence for r in reps)
    assert analysis.candidates == []  # this clip has none (others craft one below)


def test_not_a_rep_leaves_every_count_and_restore_brings_it_back(analysis, athlete_a, coach_a):
    _consent(athlete_a)
    first, second = _reps(analysis)
    Rep.objects.filter(pk=first.pk).update(verdict="anomalous", score=0.9, threshold=0.5)
    rep_label(rep=first, author=coach_a, label="anomalous", faults=["jerky"])
    rep_label(rep=second, author=coach_a, label="good")
    assert training_set_queryset().filter(analysis=analysis).count() == 2
    flagged = session_list(coach_a).get(pk=analysis.session_id).flagged_count
    assert flagged == 1

    rep = rep_not_a_rep(rep=first, author=coach_a, note="re-grip, no pull")
    analysis.refresh_from_db()
    assert analysis.rep_count == 1 and not rep.counted
    # Renumbered: the counted rep is 1, the one that is not a rep comes after it.
    assert [(r.pk, r.index, r.counted) for r in _reps(analysis)] == [
        (second.pk, 1, True),
        (first.pk, 2, False),
    ]
    assert list(training_set_queryset().filter(analysis=analysis)) == [
        Rep.objects.get(pk=second.pk)
    ]
    rows = list(csv.DictReader(io.StringIO(analysis_reps_csv(analysis))))
    assert [r["rep"] for r in rows] == ["1"] and rows[0]["coach_label"] == "good"
    (point,) = athlete_progress(athlete_a, coach_a)
    # The one counted rep: the coach's "good" is its outcome (the named faults judged it too).
    assert point["reps"] == 1 and point["judged"] == 1 and point["good_share"] == 1.0
    assert session_list(coach_a).get(pk=analysis.session_id).flagged_count == 0
    (correction,) = RepCorrection.objects.filter(analysis=analysis)
    assert correction.kind == "not_a_rep" and correction.author == coach_a
    assert correction.rep_id == first.pk and correction.note == "re-grip, no pull"
    assert correction.before["counted"] and not correction.after["counted"]
    assert correction.before["start_frame"] == first.start_frame

    again = rep_not_a_rep(rep=Rep.objects.get(pk=first.pk), author=coach_a)
    assert not again.counted and RepCorrection.objects.count() == 1  # a repeated click

    # The athlete sees the corrected set, read only; the coach has the buttons.
    client = Client()
    client.force_login(athlete_a)
    page = client.get(reverse("session_review", args=[analysis.session_id])).content.decode()
    assert page.count('data-testid="rep-card"') == 1
    assert 'data-testid="uncounted-rep"' in page and "by coach_a" in page
    assert 'data-testid="not-a-rep"' not in page and 'data-testid="restore-rep"' not in page
    client.force_login(coach_a)
    page = client.get(reverse("session_review", args=[analysis.session_id])).content.decode()
    assert 'data-testid="restore-rep"' in page and 'data-testid="not-a-rep"' in page
    assert 'data-testid="move-form"' in page and "re-grip, no pull" in page

    restored = rep_restore(rep=Rep.objects.get(pk=first.pk), author=coach_a)
    analysis.refresh_from_db()
    assert restored.counted and analysis.rep_count == 2
    assert [(r.pk, r.index) for r in _reps(analysis)] == [(first.pk, 1), (second.pk, 2)]
    assert training_set_queryset().filter(analysis=analysis).count() == 2
    kinds = list(RepCorrection.objects.filter(rep=first).values_list("kind", flat=True))
    assert kinds == ["restored", "not_a_rep"]  # newest first


def test_rescoring_skips_reps_that_are_not_reps(analysis, coach_a, active_judge):
    first, second = _reps(analysis)
    rep_not_a_rep(rep=first, author=coach_a)
    assert set(review_queue(coach_a).values_list("pk", flat=True)) == {second.pk}
    assert detector_rescore(active_judge.pk) == 1
    assert Rep.objects.get(pk=first.pk).verdict is None
    assert Rep.objects.get(pk=second.pk).verdict == "good"
    # A restore judges it with the active version (re-scoring skipped it).
    assert rep_restore(rep=first, author=coach_a).verdict == "good"


def test_a_detector_leaves_another_lifts_reps_to_their_faults(
    analysis, athlete_a, coach_a, active_judge
):
    """The active detector learnt the default lift's reps: a squat's are neither re-scored
    nor judged on a restore, and coaches' labels on them stay out of its training set."""
    other = next(name for name in lifts.LIFTS if name != lifts.DEFAULT.name)
    Analysis.objects.filter(pk=analysis.pk).update(exercise_detected=other)
    _consent(athlete_a)
    first, second = _reps(analysis)
    rep_label(rep=second, author=coach_a, label="good")
    assert training_set_queryset().filter(analysis=analysis).count() == 0
    assert detector_rescore(active_judge.pk) == 0
    assert {r.verdict for r in _reps(analysis)} == {None}
    rep_not_a_rep(rep=first, author=coach_a)
    assert rep_restore(rep=first, author=coach_a).verdict is None
    # The same set as the default lift: re-scored, and its label in the training set.
    Analysis.objects.filter(pk=analysis.pk).update(exercise_detected=lifts.DEFAULT.name)
    assert training_set_queryset().filter(analysis=analysis).count() == 1
    assert detector_rescore(active_judge.pk) == 2


def test_a_moved_rep_is_rebuilt_from_the_kept_track(analysis, coach_a):
    rep = _reps(analysis)[0]
    old_image, old_kinematics = rep.image, dict(rep.kinematics)
    old_bytes = media_path(old_image).read_bytes()
    rep_label(rep=rep, author=coach_a, label="good")
    span = (rep.start_frame - 4, rep.lockout_frame + 2, rep.end_frame - 6)

    moved = rep_move(
        rep=rep, author=coach_a, start_frame=span[0], lockout_frame=span[1], end_frame=span[2]
    )
    assert (moved.start_frame, moved.lockout_frame, moved.end_frame) == span
    assert moved.image != old_image and media_stat(moved.image) is not None
    assert media_path(moved.image).read_bytes() != old_bytes
    assert media_stat(moved.orientation) is not None
    assert moved.kinematics["duration_s"] != old_kinematics["duration_s"]
    assert moved.start_s < rep.start_s
    assert moved.label == "good"  # the coach's label stays with the moved rep
    (correction,) = RepCorrection.objects.filter(rep=moved)
    assert correction.kind == "moved" and correction.author == coach_a
    assert correction.before["start_frame"] == rep.start_frame
    assert correction.after["start_frame"] == span[0]

    for bad, words in [
        ((span[1], span[0], span[2]), "order"),
        ((20, 21, 22), "0.2 s"),
        ((10, 20, 10_000), "within frames"),
    ]:
        with pytest.raises(ValidationError) as refused:
            rep_move(rep=moved, author=coach_a, start_frame=bad[0], lockout_frame=bad[1],
                     end_frame=bad[2])  # fmt: skip
        assert words in refused.value.message_dict["span"][0]
    with pytest.raises(ValidationError) as refused:
        rep_move(rep=moved, author=coach_a, start_frame="x", lockout_frame=1, end_frame=2)
    assert "start_frame" in refused.value.message_dict

    # The API answers a refused span in its error shape, keyed by field.
    api = APIClient()
    api.force_authenticate(coach_a)
    response = api.post(
        f"/api/reps/{moved.pk}/span/",
        {"start_frame": 30, "lockout_frame": 31, "end_frame": 32},
        format="json",
    )
    assert response.status_code == 400 and "0.2 s" in response.json()["span"][0]

    # An analysis from before count corrections kept no track: the coach is told to re-run.
    media_remove(f"{analysis.output_dir}/track30.npz")
    with pytest.raises(ValidationError) as refused:
        rep_move(rep=moved, author=coach_a, start_frame=10, lockout_frame=20, end_frame=50)
    assert "predates count corrections" in refused.value.message_dict["analysis"][0]


def test_a_moved_rep_is_judged_by_the_active_detector(analysis, coach_a, active_judge):
    rep = _reps(analysis)[1]
    moved = rep_move(
        rep=rep,
        author=coach_a,
        start_frame=rep.start_frame + 2,
        lockout_frame=rep.lockout_frame,
        end_frame=rep.end_frame,
    )
    assert moved.verdict == "good" and moved.detector_version == active_judge
    assert RepVerdict.objects.filter(rep=moved, detector_version=active_judge).exists()


def test_a_candidate_counted_by_a_coach_becomes_a_rep_in_time_order(analysis, coach_a):
    first, second = _reps(analysis)
    gap = (first.end_frame + 3, first.end_frame + 12, second.start_frame - 4)
    fps = analysis.video_info["fps"]
    analysis.candidates = [
        {
            "kind": "stood_up",
            "reason": f"{gap[1] / fps:.1f} s: stood up after setting the bar down",
            "start_frame": gap[0],
            "lockout_frame": gap[1],
            "end_frame": gap[2],
            "start_s": gap[0] / fps,
            "lockout_s": gap[1] / fps,
            "end_s": gap[2] / fps,
        }
    ]
    analysis.save(update_fields=["candidates"])

    client = Client()
    client.force_login(coach_a)
    page = client.get(reverse("session_review", args=[analysis.session_id])).content.decode()
    assert "stood up after setting the bar down" in page
    assert 'data-testid="count-candidate"' in page and 'data-testid="candidate-marker"' in page

    api = APIClient()
    api.force_authenticate(coach_a)
    session = api.get(f"/api/sessions/{analysis.session_id}/").json()
    assert session["candidates"][0]["kind"] == "stood_up"
    url = f"/api/sessions/{analysis.session_id}/candidates/0/count/"
    stale = api.post(url, {"start_frame": gap[0] + 1}, format="json")  # the list changed
    assert stale.status_code == 400 and "meanwhile" in stale.json()["candidate"][0]
    response = api.post(url, {"start_frame": gap[0]}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["counted"] and body["counted_by"] == "coach" and body["index"] == 2
    assert body["start_frame"] == gap[0] and body["corrections"][0]["kind"] == "counted_candidate"

    analysis.refresh_from_db()
    assert analysis.rep_count == 3 and analysis.candidates == []
    assert [r.pk for r in _reps(analysis)][::2] == [first.pk, second.pk]
    new = Rep.objects.get(pk=body["id"])
    assert media_stat(new.image) is not None and "duration_s" in new.kinematics
    correction = RepCorrection.objects.get(rep=new)
    assert correction.before["candidate"]["kind"] == "stood_up"
    assert correction.author == coach_a

    gone = api.post(f"/api/sessions/{analysis.session_id}/candidates/0/count/", {})
    assert gone.status_code == 400 and "candidate" in gone.json()

    # "Not a rep" on a coach-counted rep works as on any other.
    rep_not_a_rep(rep=new, author=coach_a)
    analysis.refresh_from_db()
    assert analysis.rep_count == 2


def test_api_shows_corrections_and_filters_counted_reps(analysis, coach_a):
    first, _ = _reps(analysis)
    api = APIClient()
    api.force_authenticate(coach_a)
    response = api.post(f"/api/reps/{first.pk}/not-a-rep/", {"note": "walked out"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["counted"] is False and body["index"] == 2
    assert body["corrections"][0]["author"] == "coach_a"
    assert body["corrections"][0]["note"] == "walked out"
    assert {"confidence", "evidence", "counted_by"} <= body.keys()
    history = api.get(f"/api/reps/{first.pk}/corrections/").json()
    assert history["results"][0]["kind"] == "not_a_rep"
    sid = analysis.session_id
    assert api.get(f"/api/sessions/{sid}/").json()["rep_count"] == 1
    assert len(api.get(f"/api/sessions/{sid}/reps/?counted=true").json()["results"]) == 1
    assert len(api.get(f"/api/sessions/{sid}/reps/").json()["results"]) == 2
    response = api.post(f"/api/reps/{first.pk}/restore/", {}, format="json")
    assert response.status_code == 200 and response.json()["counted"] is True


def test_the_annotated_video_is_redrawn_with_counted_reps_only(
    analysis, coach_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # someone exported it
        analysis_export_request(analysis)
    analysis.refresh_from_db()
    key = analysis.result_video
    drawn = media_stat(key)
    assert drawn is not None
    drawn_bytes = media_path(key).read_bytes()
    first, second = _reps(analysis)
    with django_capture_on_commit_callbacks(execute=True):  # the redraw task runs inline
        rep_not_a_rep(rep=first, author=coach_a)
    marks_key = f"{key.rsplit('/', 1)[0]}/video_marks.json"
    marks = json.loads(media_path(marks_key).read_text())
    second.refresh_from_db()
    assert marks == [[1, second.start_frame, second.outcome.value, second.outcome_faults]]
    # Stored again: the object is newer, and holds the drawing without the first rep.
    assert media_stat(key)[1] >= drawn[1] and media_path(key).read_bytes() != drawn_bytes


def test_athletes_and_other_coaches_cannot_correct(athlete_a, coach_other, coach_a):
    session = make_session(athlete_a, reps=2)
    analysis = session.analysis
    analysis.candidates = [{"start_frame": 1, "lockout_frame": 5, "end_frame": 20}]
    analysis.save(update_fields=["candidates"])
    rep = analysis.reps.get(index=1)
    api_posts = [
        (f"/api/reps/{rep.pk}/not-a-rep/", {}),
        (f"/api/reps/{rep.pk}/restore/", {}),
        (f"/api/reps/{rep.pk}/span/", {"start_frame": 1, "lockout_frame": 5, "end_frame": 20}),
        (f"/api/sessions/{session.pk}/candidates/0/count/", {}),
    ]
    page_posts = [
        reverse("rep_not_a_rep", args=[rep.pk]),
        reverse("rep_restore", args=[rep.pk]),
        reverse("rep_span", args=[rep.pk]),
        reverse("session_candidate_count", args=[session.pk, 0]),
    ]
    for user, api_status in [(athlete_a, 403), (coach_other, 404)]:
        api = APIClient()
        api.force_authenticate(user)
        for url, data in api_posts:
            assert api.post(url, data, format="json").status_code == api_status, (user, url)
        client = Client()
        client.force_login(user)
        for url in page_posts:
            assert client.post(url, {"start_frame": 1}).status_code == 404, (user, url)
    with pytest.raises(PermissionDenied) as denied:
        rep_not_a_rep(rep=rep, author=athlete_a)
    assert "coaches and admins" in str(denied.value)
    with pytest.raises(PermissionDenied):
        candidate_count(analysis=analysis, candidate=0, author=coach_other)
    assert not RepCorrection.objects.exists()
    assert Analysis.objects.get(pk=analysis.pk).rep_count == 2
    # The coach's own page form works (no track here: the coach is told why, nothing moves).
    client = Client()
    client.force_login(coach_a)
    response = client.post(reverse("rep_not_a_rep", args=[rep.pk]), {"note": "no"}, follow=True)
    assert response.status_code == 200 and "Marked as not a rep" in response.content.decode()
    assert not Rep.objects.get(pk=rep.pk).counted


def test_export_rep_spans_writes_labelled_spans_of_consenting_athletes(
    analysis, athlete_a, coach_a, tmp_path
):
    first, second = _reps(analysis)
    rep_not_a_rep(rep=first, author=coach_a)
    untouched = make_session(athlete_a, reps=1)  # done, never corrected
    out = tmp_path / "spans.jsonl"

    call_command("export_rep_spans", output=str(out))
    assert out.read_text() == ""  # no consent, no export (the training set's rule)

    _consent(athlete_a)
    call_command("export_rep_spans", output=str(out))
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert {line["session"] for line in lines} == {analysis.session_id, untouched.pk}
    (line,) = [x for x in lines if x["session"] == analysis.session_id]
    assert line["athlete"] == athlete_a.pk and line["corrections"] == 1
    assert line["frames"] == 133 and line["fps"] == analysis.video_info["fps"]
    assert len(line["video_sha256"]) == 64
    assert line["reps"] == [
        {
            "start_frame": first.start_frame,
            "lockout_frame": first.lockout_frame,
            "end_frame": first.end_frame,
            "counted": False,
            "counted_by": "detector",
        },
        {
            "start_frame": second.start_frame,
            "lockout_frame": second.lockout_frame,
            "end_frame": second.end_frame,
            "counted": True,
            "counted_by": "detector",
        },
    ]
    assert line["candidates"] == []
    assert "athlete_a" not in out.read_text()  # ids, no names

    call_command("export_rep_spans", output=str(out), corrected_only=True)
    assert [json.loads(x)["session"] for x in out.read_text().splitlines()] == [analysis.session_id]
