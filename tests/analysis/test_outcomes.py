"""One verdict for people (models.Outcome): the coach's label when there is one, else the
model's; the same rule in Python (pages, CSV) and in SQL (dashboard flags, queue order)."""

import html
import itertools

from django.test import Client
from django.urls import reverse

from analysis.models import Analysis, Outcome, Rep
from analysis.selectors.export import analysis_reps_csv
from core import lifts
from core.result import detector_abstains
from reviews.selectors import session_list
from tests.conftest import make_session

EVIDENCE = {
    "jerky": {
        "measure": "longest_stall_s", "value": 0.3, "threshold": 0.2, "fault_if": "above",
        "unit": "seconds", "frame": 45, "time_s": 1.5, "detected": True,
        "says": "The bar stalled for 0.30 s mid-pull (a fault from 0.20 s).",
    }
}  # fmt: skip


def test_python_and_sql_say_the_same_outcome_for_every_combination(athlete_a):
    session = make_session(athlete_a, reps=1, verdicts=())
    template = session.analysis.reps.get()
    combos = itertools.product(
        (None, "good", "anomalous"),  # coach label
        ("", "The ankles were out of the picture in 80% of the rep."),
        (None, [], ["jerky"]),  # detected faults
        (None, "good", "anomalous"),  # detector verdict
    )
    for i, (label, reason, faults, verdict) in enumerate(combos, start=2):
        Rep.objects.create(
            analysis=template.analysis, index=i, label=label, not_judged_reason=reason,
            detected_faults=faults, verdict=verdict,
        )  # fmt: skip
    reps = list(Rep.objects.filter(analysis=template.analysis).with_outcomes())
    assert len(reps) == 55
    for rep in reps:
        assert rep.outcome == rep.outcome_sql, (rep.label, rep.detected_faults, rep.verdict)
        assert rep.model_outcome == rep.model_outcome_sql
    by = {(r.label, r.not_judged_reason != "", str(r.detected_faults), r.verdict): r for r in reps}
    assert by[(None, False, "['jerky']", "good")].outcome == Outcome.FAULTS
    assert by[(None, False, "[]", "anomalous")].outcome == Outcome.UNUSUAL
    assert by[(None, False, "[]", None)].outcome == Outcome.GOOD  # faults checked, none found
    assert by[(None, True, "None", "anomalous")].outcome == Outcome.NOT_JUDGED
    assert by[(None, False, "None", None)].outcome == Outcome.NOT_JUDGED
    assert by[("good", False, "['jerky']", "anomalous")].outcome == Outcome.GOOD  # coach first


def test_the_dashboard_flags_and_the_csv_follow_the_coach(athlete_a, coach_a):
    session = make_session(athlete_a, reps=2, verdicts=())
    first, second = session.analysis.reps.order_by("index")
    Rep.objects.filter(pk=first.pk).update(detected_faults=["jerky"], fault_evidence=EVIDENCE)
    Rep.objects.filter(pk=second.pk).update(detected_faults=[])
    assert session_list(coach_a).get(pk=session.pk).flagged_count == 1
    csv_text = analysis_reps_csv(session.analysis)
    assert "faults,jerky,faults,jerky" in csv_text

    Rep.objects.filter(pk=first.pk).update(label="good")  # the coach disagrees
    assert session_list(coach_a).get(pk=session.pk).flagged_count == 0
    assert "good,,faults,jerky" in analysis_reps_csv(session.analysis)


def test_the_rep_api_and_page_carry_the_faults_and_their_evidence(athlete_a, coach_a):
    session = make_session(athlete_a, reps=2, verdicts=())
    first, second = session.analysis.reps.order_by("index")
    Rep.objects.filter(pk=first.pk).update(
        detected_faults=["jerky"], fault_evidence=EVIDENCE, camera_view="side"
    )
    Rep.objects.filter(pk=second.pk).update(
        not_judged_reason="The ankles were out of the picture in 80% of the rep."
    )
    client = Client()
    client.force_login(coach_a)
    body = client.get(f"/api/reps/{first.pk}/").json()
    assert body["outcome"] == "faults" and body["outcome_faults"] == ["jerky"]
    assert body["model_outcome"] == "faults" and body["detected_faults"] == ["jerky"]
    assert body["fault_evidence"]["jerky"]["threshold"] == 0.2
    cue = lifts.DEFAULT.fault("jerky").cue  # what to do, from the lift's declaration
    assert cue and body["fault_evidence"]["jerky"]["cue"] == cue
    assert body["camera_view"] == "side" and body["not_judged_reason"] == ""
    other = client.get(f"/api/reps/{second.pk}/").json()
    assert other["outcome"] == "not_judged" and "ankles" in other["not_judged_reason"]

    page = client.get(reverse("session_review", args=[session.pk])).content.decode()
    assert 'data-testid="fault-jerky"' in page and "stalled for 0.30 s" in page
    assert 'data-testid="cue-jerky"' in page and html.escape(cue) in page
    assert "Not judged:</strong> The ankles were out of the picture" in page


def test_a_detector_abstains_on_a_camera_view_it_did_not_learn_from():
    assert detector_abstains({"front": 240}, "side").startswith(
        "The detector learnt from reps filmed from the front; this rep was filmed from the side"
    )
    assert detector_abstains({"front": 240, "side": 30}, "side") == ""  # 11%: seen enough
    assert detector_abstains({"front": 240, "side": 20}, "side") != ""
    assert detector_abstains({"": 240}, "side") == ""  # views unknown: it judges as before
    assert detector_abstains({"front": 240}, "") == ""  # the rep's view unknown


def test_an_abstention_stores_no_verdict_and_the_faults_decide(athlete_a):
    from analysis.models import RepVerdict
    from analysis.services.verdicts import verdict_store
    from core.result import Judgement
    from detectors.models import DetectorVersion

    session = make_session(athlete_a, reps=1)  # judged "good" by test-v1
    rep = session.analysis.reps.get()
    Rep.objects.filter(pk=rep.pk).update(detected_faults=["jerky"], camera_view="side")
    version = DetectorVersion.objects.create(name="front-only", model_dir="/nonexistent")
    reason = (
        "The detector learnt from reps filmed from the front; this rep was filmed from the side."
    )
    verdict_store(rep, version, Judgement(None, 0.9, 0.5, ["hip"], details={"abstained": reason}))
    rep.refresh_from_db()
    assert rep.verdict is None and rep.detector_abstained == reason and rep.joints == []
    assert rep.detector_version == version
    assert not RepVerdict.objects.filter(rep=rep, detector_version=version).exists()
    assert rep.outcome == Outcome.FAULTS  # the named fault, not the detector, decides


def _knee_evidence(trunk: float, detected: bool = False) -> dict:
    """A knee-dominant check: the trunk's lean at the bottom against a line at 25 degrees."""
    return {
        "knee_dominant": {
            "measure": "trunk_lean_bottom_deg", "value": trunk, "threshold": 25.0,
            "fault_if": "below", "unit": "degrees", "detected": detected, "knee_angle_deg": 95.0,
        }
    }  # fmt: skip


def test_three_reps_a_coach_marks_good_change_the_outcome_of_that_athletes_reps(athlete_a, coach_a):
    from reviews.services.labels import rep_label

    later = make_session(athlete_a, reps=5, verdicts=())
    odd, usual, borderline, clear, front = later.analysis.reps.order_by("index")
    for rep, trunk, faults in (
        (odd, 70.0, []),  # the general check finds nothing; far from their usual 27 degrees
        (usual, 28.0, []),
        (borderline, 23.5, ["knee_dominant"]),  # just past the line (within 5°), as usual
        (clear, 10.0, ["knee_dominant"]),  # far past it
        (front, 70.0, []),  # filmed from the front: their side-view reps say nothing of it
    ):
        Rep.objects.filter(pk=rep.pk).update(
            camera_view="front" if rep == front else "side",
            detected_faults=faults,
            fault_evidence=_knee_evidence(trunk, bool(faults)),
        )
    earlier = make_session(athlete_a, reps=3, verdicts=())
    marked = list(earlier.analysis.reps.order_by("index"))
    for rep, trunk in zip(marked, (25.0, 27.0, 29.0), strict=True):  # an upright puller
        Rep.objects.filter(pk=rep.pk).update(
            camera_view="side", detected_faults=[], fault_evidence=_knee_evidence(trunk)
        )

    def outcomes() -> list[str]:
        reps = Rep.objects.filter(analysis=later.analysis).with_outcomes().order_by("index")
        assert all(r.outcome == r.outcome_sql for r in reps)  # one rule in Python and SQL
        return [r.outcome.value for r in reps]

    before = ["good", "good", "faults", "faults", "good"]
    assert outcomes() == before
    for rep in marked[:2]:
        rep_label(rep=rep, author=coach_a, label="good")
    assert outcomes() == before  # two good reps are no baseline yet
    rep_label(rep=marked[2], author=coach_a, label="good")
    assert outcomes() == ["unusual", "good", "good", "faults", "good"]

    client = Client()
    client.force_login(coach_a)
    body = client.get(f"/api/reps/{odd.pk}/").json()
    assert body["outcome"] == "unusual" and body["personal"]["effect"] == "flagged"
    assert body["personal"]["good_reps"] == 3
    assert body["personal"]["deviations"][0]["says"].startswith(
        "trunk lean at the bottom: 70° against 27°"
    )
    cleared = client.get(f"/api/reps/{borderline.pk}/").json()
    assert cleared["outcome"] == "good" and cleared["personal"]["effect"] == "cleared"
    assert client.get(f"/api/reps/{front.pk}/").json()["personal"] is None
    page = client.get(reverse("session_review", args=[later.pk])).content.decode()
    assert page.count("unusual for this athlete") == 2  # the odd rep and the clear fault
    assert page.count("judged good: what the general check finds just past its line") == 1
    assert "trunk lean at the bottom: 70° against 27°" in page
    # A rep taken back from the baseline: two good reps again, the general verdicts return.
    rep_label(rep=marked[0], author=coach_a, label="anomalous")
    assert outcomes() == before
    # A baseline is the lift's: their good pulls are no measure of a squat of theirs.
    rep_label(rep=marked[0], author=coach_a, label="good")
    Analysis.objects.filter(pk=later.analysis.pk).update(exercise_detected="squat")
    from analysis.services.personal import personal_refresh_for

    personal_refresh_for(later.analysis.reps.all())
    assert client.get(f"/api/reps/{odd.pk}/").json()["personal"] is None


class _FlagsAll:
    """A stand-in detector (the detector has its own tests) that finds every rep unusual."""

    version = "flags-all"

    def judge(self, images, views=None):
        from core.result import Judgement

        return [Judgement("anomalous", 0.9, 0.5, ["hips"]) for _ in images]


def test_a_new_model_that_changes_what_a_set_shows_marks_it_re_judged(
    athlete_a, coach_a, admin_user, django_capture_on_commit_callbacks, monkeypatch
):
    from PIL import Image

    from coach_platform.storage import media_publish, media_root
    from detectors.models import DetectorVersion
    from detectors.services import _judges
    from training.services import activation
    from training.services.activation import detector_activate

    monkeypatch.setattr(activation, "analysis_video_redraw_enqueue", lambda ids: None)
    changed = make_session(athlete_a, reps=1, verdicts=("good",))
    unchanged = make_session(athlete_a, reps=1, verdicts=("good",))
    for session in (changed, unchanged):
        rep = session.analysis.reps.get()
        Image.new("RGB", (100, 45), (200, 40, 40)).save(media_root() / rep.image)
        media_publish(media_root() / rep.image)
    # The coach labelled the second set's rep: its outcome stays the coach's.
    Rep.objects.filter(analysis=unchanged.analysis).update(label="good")
    version = DetectorVersion.objects.create(name="v7", model_dir="/models/v7")
    _judges[(version.pk, version.model_dir)] = _FlagsAll()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            detector_activate(version=version, author=admin_user)
    finally:
        _judges.clear()
    changed.analysis.refresh_from_db()
    unchanged.analysis.refresh_from_db()
    assert changed.analysis.rejudged_by == version and changed.analysis.rejudged_at
    assert unchanged.analysis.rejudged_by is None
    client = Client()
    client.force_login(athlete_a)
    page = client.get(reverse("session_review", args=[changed.pk])).content.decode()
    assert "re-judged by model v7" in page
    me = client.get(reverse("athlete_dashboard")).content.decode()
    assert me.count('data-testid="rejudged"') == 1
