"""The compare page: two visible reps side by side, their numbers and B minus A."""

from django.test import Client
from django.urls import reverse

from analysis.models import Analysis, Rep
from tests.conftest import make_session


def _get(user, **params):
    client = Client()
    client.force_login(user)
    return client.get(reverse("rep_compare"), params)


def test_without_b_the_best_scored_other_rep_of_the_set_is_compared(athlete_a, coach_a):
    session = make_session(athlete_a, reps=3, verdicts=["anomalous", "good", "anomalous"])
    reps = {r.index: r for r in session.analysis.reps.all()}
    Rep.objects.filter(pk=reps[1].pk).update(
        kinematics={"duration_s": 2.0, "hip_angle_bottom_deg": 60.0}
    )
    Rep.objects.filter(pk=reps[2].pk).update(
        kinematics={"duration_s": 1.5, "hip_angle_bottom_deg": 72.4}
    )
    response = _get(coach_a, a=reps[1].pk)
    assert response.status_code == 200
    assert response.context["b"]["rep"].pk == reps[2].pk  # score 0.3: the good one
    rows = {row["name"]: row for row in response.context["rows"]}
    assert rows["Rep duration"]["diff"] == "-0.50"
    assert (rows["Hip at the bottom"]["a"], rows["Hip at the bottom"]["diff"]) == ("60", "+12")
    assert "Knee at the bottom" not in rows  # neither rep has it
    page = response.content.decode()
    assert page.count('data-testid="compare-video-') == 2


def test_b_can_come_from_another_session_of_the_athlete_and_choices_stay_theirs(
    athlete_a, athlete_b, coach_a
):
    first = make_session(athlete_a).analysis.reps.get(index=1)
    later = make_session(athlete_a).analysis.reps.get(index=2)
    make_session(athlete_b)  # another athlete's reps are never offered
    squat = make_session(athlete_a)  # nor their reps of another lift: a squat is no pull
    Analysis.objects.filter(pk=squat.analysis.pk).update(exercise_detected="squat")
    response = _get(coach_a, a=first.pk, b=later.pk)
    assert response.status_code == 200
    assert response.context["b"]["rep"].pk == later.pk
    offered = {c["id"] for c in response.context["choices"]}
    own = Rep.objects.filter(analysis__session__athlete=athlete_a).exclude(analysis=squat.analysis)
    assert offered == set(own.values_list("pk", flat=True))
    response = _get(coach_a, a=squat.analysis.reps.get(index=1).pk)
    assert {c["id"] for c in response.context["choices"]} == set(
        squat.analysis.reps.values_list("pk", flat=True)
    )


def test_a_rep_the_user_may_not_see_is_a_404_on_either_side(athlete_a, athlete_b, coach_other):
    mine = make_session(athlete_a).analysis.reps.get(index=1)
    theirs = make_session(athlete_b).analysis.reps.get(index=1)
    assert _get(athlete_a, a=mine.pk, b=theirs.pk).status_code == 404
    assert _get(athlete_a, a=theirs.pk).status_code == 404
    assert _get(coach_other, a=mine.pk).status_code == 404
    assert _get(athlete_a, a="x").status_code == 404
    assert _get(athlete_a).status_code == 404
    assert Client().get(reverse("rep_compare"), {"a": mine.pk}).status_code == 302


def test_admins_compare_imported_reps_which_have_no_video(admin_user):
    imported = [
        Rep.objects.create(
            analysis=None, index=1, source="dissertation", source_name=name, image_sha256=name
        )
        for name in ("good_001_rep_1.png", "anomaly_004_rep_2.png")
    ]
    response = _get(admin_user, a=imported[0].pk, b=imported[1].pk)
    assert response.status_code == 200
    page = response.content.decode()
    assert "anomaly_004_rep_2.png" in page and "compare-video" not in page
    assert {c["id"] for c in response.context["choices"]} == {r.pk for r in imported}


# --- the reference and the overlay by phase ----------------------------------------------------
def _label_good(rep, coach):
    Rep.objects.filter(pk=rep.pk).update(label="good", labelled_by=coach)


def test_the_reference_is_the_athletes_best_rep_of_the_lift_and_the_page_says_why(
    athlete_a, athlete_b, coach_a
):
    this = make_session(athlete_a, reps=2, verdicts=["anomalous"]).analysis.reps.get(index=1)
    other_set = make_session(athlete_a, reps=3, verdicts=["good", "good", "anomalous"])
    reps = {r.index: r for r in other_set.analysis.reps.all()}
    Rep.objects.filter(pk=reps[2].pk).update(score=0.1)  # the model's best
    theirs = make_session(athlete_b, reps=1, verdicts=["good"]).analysis.reps.get()
    Rep.objects.filter(pk=theirs.pk).update(score=0.01)  # another athlete's: never
    squat = make_session(athlete_a, reps=1, verdicts=["good"])
    Analysis.objects.filter(pk=squat.analysis.pk).update(exercise_detected="squat")
    Rep.objects.filter(analysis=squat.analysis).update(score=0.01)  # another lift's: never

    # No rep labelled good: the one the model judged good with the lowest score.
    response = _get(coach_a, a=this.pk)
    assert response.context["b"]["rep"].pk == reps[2].pk
    assert response.context["reference"] == "model"
    page = response.content.decode()
    assert "a rep a coach labelled good, else one the model judged good" in page
    assert "the one the model judged good with the lowest detector score" in page

    # A coach's good label wins over the model's lower score; one marked "not a rep" does not.
    _label_good(reps[1], coach_a)
    assert _get(coach_a, a=this.pk).context["b"]["rep"].pk == reps[1].pk
    assert _get(coach_a, a=this.pk).context["reference"] == "labelled"
    Rep.objects.filter(pk=reps[1].pk).update(counted=False)
    assert _get(coach_a, a=this.pk).context["b"]["rep"].pk == reps[2].pk

    # A labelled-bad rep the model called good is no reference; chosen by hand, B is the rep.
    # Without any good rep of the lift: another rep of this set, and the page says so.
    Rep.objects.filter(pk=reps[2].pk).update(label="anomalous")
    fallback = _get(coach_a, a=this.pk)
    assert fallback.context["b"]["rep"].pk == this.analysis.reps.get(index=2).pk
    assert fallback.context["reference"] == "same_set"
    assert "the reference is another rep of this set" in fallback.content.decode()
    chosen = _get(coach_a, a=this.pk, b=reps[3].pk)
    assert (chosen.context["b"]["rep"].pk, chosen.context["reference"]) == (reps[3].pk, "chosen")
    assert f"?a={reps[3].pk}&amp;b={this.pk}" in chosen.content.decode()  # use A as reference


def _standing_figure(frames, windows, *, height_px, centre_x, ankle_y, size=(1920, 1080)):
    """(frames, 33, 2) landmarks in fractions of a `size` picture: a lifter standing at
    `centre_x`, `height_px` tall (ankles to nose) whose hips rise from 0.35 to 0.55 standing
    heights above the ankles between each window's start and turn and sink back by its end."""
    import numpy as np

    lm = np.zeros((frames, 33, 2))
    lm[:, :, 0], lm[:, :, 1] = centre_x, ankle_y - 0.5 * height_px  # every other point
    hip = np.full(frames, 0.35)
    for start, turn, end in windows:
        hip[start : turn + 1] = np.linspace(0.35, 0.55, turn - start + 1)
        hip[turn : end + 1] = np.linspace(0.55, 0.35, end - turn + 1)
    for k, dx in ((27, -0.1), (28, 0.1)):  # ankles
        lm[:, k] = (centre_x + dx * height_px, ankle_y)
    for k, dx in ((23, -0.08), (24, 0.08)):  # hips
        lm[:, k, 0] = centre_x + dx * height_px
        lm[:, k, 1] = ankle_y - hip * height_px
    for k in range(11):  # the face: the nose (and eyes, ears) a standing height up
        lm[:, k] = (centre_x, ankle_y - height_px)
    return (lm / np.asarray(size, dtype=float)).astype(np.float32)


def _with_landmarks(session, landmarks):
    import numpy as np

    from coach_platform.storage import media_path, media_publish

    analysis = session.analysis
    path = media_path(f"{analysis.output_dir}/overlay_landmarks.npy")
    np.save(path, landmarks)
    media_publish(path)
    analysis.video_info = {"fps": 30, "duration_s": 3.0, "width": 1920, "height": 1080}
    analysis.save(update_fields=["video_info"])


def _overlay(user, **params):
    client = Client()
    client.force_login(user)
    return client.get(reverse("rep_compare_overlay"), params)


def test_the_overlay_gives_both_reps_aligned_by_phase_in_the_lifters_frame(athlete_a, coach_a):
    near, far = make_session(athlete_a, reps=1), make_session(athlete_a, reps=1)
    a = near.analysis.reps.get()  # frames 30 (start), 40 (lockout), 55 (end)
    b = far.analysis.reps.get()
    Rep.objects.filter(pk=b.pk).update(start_frame=20, lockout_frame=50, end_frame=60)
    _with_landmarks(
        near, _standing_figure(90, [(30, 40, 55)], height_px=600, centre_x=960, ankle_y=1000)
    )
    # Half as tall in the picture (the camera twice as far), elsewhere in it, slower up.
    _with_landmarks(
        far, _standing_figure(90, [(20, 50, 60)], height_px=300, centre_x=500, ankle_y=900)
    )

    page = _get(coach_a, a=a.pk, b=b.pk).content.decode()
    assert 'data-testid="phase-canvas"' in page
    response = _overlay(coach_a, a=a.pk, b=b.pk)
    assert response.status_code == 200
    data = response.json()
    n = data["samples"]
    assert n == 101
    assert [(m["index"], m["name"]) for m in data["markers"]] == [
        (0, "bottom"), (50, "lockout"), (100, "bottom"),
    ]  # fmt: skip
    for side, (start, turn, end) in (("a", (30, 40, 55)), ("b", (20, 50, 60))):
        got = data[side]
        assert len(got["points"]) == len(got["seconds"]) == n
        # The turn is the middle sample in both, whatever each phase took.
        assert got["seconds"][0] == 0
        assert got["seconds"][50] == round((turn - start) / 30, 3)
        assert got["seconds"][100] == round((end - start) / 30, 3)
    assert data["a"]["seconds"][50] != data["b"]["seconds"][50]

    def at(side, sample, k):  # joint k of a side at a sample, in standing heights
        p = data[side]["points"][sample]
        return p[2 * k], p[2 * k + 1]

    for side in "ab":
        # The mid-ankles at the origin, the nose one standing height up: two camera
        # distances overlay.
        ankles = [(x + y) / 2 for x, y in zip(at(side, 0, 27), at(side, 0, 28), strict=True)]
        assert ankles == [0, 0]
        assert at(side, 25, 0) == (0, -1)
        # The hips: 0.35 at the start and end, 0.55 at the lockout, in both.
        assert at(side, 0, 23)[1] == at(side, 100, 23)[1] == -0.35
        assert at(side, 50, 23)[1] == -0.55
        assert at(side, 50, 23)[0] == -0.08
    assert data["a"]["title"] != data["b"]["title"] and data["b"]["role"] == "reference"


def test_the_overlay_is_refused_for_a_rep_not_seen_another_lift_or_no_landmarks(
    athlete_a, athlete_b, coach_a, coach_other
):
    sessions = [make_session(athlete_a), make_session(athlete_a), make_session(athlete_b)]
    for session in sessions:
        figure = _standing_figure(
            90, [(30, 40, 55), (60, 70, 85)], height_px=500, centre_x=900, ankle_y=1000
        )
        _with_landmarks(session, figure)
    mine, also_mine, theirs = (s.analysis.reps.get(index=1) for s in sessions)
    assert _overlay(coach_a, a=mine.pk, b=also_mine.pk).status_code == 200
    assert _overlay(coach_a, a=mine.pk, b=theirs.pk).status_code == 404
    assert _overlay(coach_a, a=theirs.pk, b=mine.pk).status_code == 404
    assert _overlay(coach_other, a=mine.pk, b=also_mine.pk).status_code == 404
    assert _overlay(athlete_a, a=mine.pk).status_code == 404
    anonymous = Client().get(reverse("rep_compare_overlay"), {"a": mine.pk, "b": also_mine.pk})
    assert anonymous.status_code == 302
    squat = make_session(athlete_a)
    Analysis.objects.filter(pk=squat.analysis.pk).update(exercise_detected="squat")
    squat_rep = squat.analysis.reps.get(index=1)
    assert _overlay(coach_a, a=mine.pk, b=squat_rep.pk).status_code == 404
    page = _get(coach_a, a=mine.pk, b=squat_rep.pk).content.decode()
    assert 'data-testid="phase-other-lift"' in page and "phase-canvas" not in page
    Analysis.objects.filter(pk=also_mine.analysis_id).update(output_dir="")
    assert _overlay(coach_a, a=mine.pk, b=also_mine.pk).status_code == 404
