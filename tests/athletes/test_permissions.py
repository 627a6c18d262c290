"""Who sees what: every page, media file and API endpoint of athlete A's session, walked
with six personas. Visibility comes from the querysets, so an outsider gets 404 (the
session might as well not exist) and anonymous gets sent to log in (pages) or 401 (API)."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.conftest import served

PERSONAS = ["athlete_a", "athlete_b", "coach_a", "coach_other", "admin_user", "anonymous"]
SEES_A = {"athlete_a", "coach_a", "admin_user"}


@pytest.fixture
def world(athlete_a, athlete_b, coach_a, coach_other, admin_user, session_a, session_b):
    return {
        "athlete_a": athlete_a,
        "athlete_b": athlete_b,
        "coach_a": coach_a,
        "coach_other": coach_other,
        "admin_user": admin_user,
        "anonymous": None,
        "session": session_a,
        "rep": session_a.analysis.reps.get(index=1),
        "other_session": session_b,
    }


def _client(world, persona: str, *, api: bool = False) -> Client:
    client = Client()
    user = world[persona]
    if user is not None:
        if api:
            token, _ = Token.objects.get_or_create(user=user)
            client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
        else:
            client.force_login(user)
    return client


PAGES = [
    ("session_review", "session"),
    ("session_status", "session"),
    ("session_video", "session"),
    ("result_video", "session"),
    ("session_overlay", "session"),
    ("report_json", "session"),
    ("reps_csv", "session"),
    ("rep_image", "rep"),
]
API_GETS = [
    "/api/sessions/{session}/",
    "/api/sessions/{session}/reps/",
    "/api/sessions/{session}/comments/",
    "/api/reps/{rep}/",
    "/api/reps/{rep}/comments/",
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "target"), PAGES)
def test_pages_and_media_of_a_session_follow_the_matrix(world, persona, name, target):
    client, url = _client(world, persona), reverse(name, args=[world[target].pk])
    if persona in SEES_A:  # media may come from the bucket the server redirects to
        assert served(client, url).status_code == 200
        return
    response = client.get(url)  # a refusal is this server's own answer
    if persona == "anonymous":
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("template", API_GETS)
def test_api_endpoints_of_a_session_follow_the_matrix(world, persona, template):
    url = template.format(session=world["session"].pk, rep=world["rep"].pk)
    response = _client(world, persona, api=True).get(url)
    if persona == "anonymous":
        assert response.status_code == 401
    elif persona in SEES_A:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_posting_a_comment_follows_the_matrix(world, persona):
    session = world["session"]
    page = _client(world, persona).post(
        reverse("comment_add", args=[session.pk]), {"body": "web", "rep": world["rep"].pk}
    )
    api = _client(world, persona, api=True).post(
        f"/api/sessions/{session.pk}/comments/", {"body": "api"}, content_type="application/json"
    )
    if persona == "anonymous":
        assert (page.status_code, api.status_code) == (302, 401)
        assert session.comments.count() == 0
    elif persona in SEES_A:
        assert (page.status_code, api.status_code) == (302, 201)
        assert session.comments.count() == 2
    else:
        assert (page.status_code, api.status_code) == (404, 404)
        assert session.comments.count() == 0


@pytest.mark.parametrize("persona", PERSONAS)
def test_retry_follows_the_matrix(world, persona):
    session = world["session"]
    response = _client(world, persona, api=True).post(f"/api/sessions/{session.pk}/retry/")
    expected = {"anonymous": 401}.get(persona, 400 if persona in SEES_A else 404)
    assert response.status_code == expected  # 400: a done analysis is not retried


@pytest.mark.parametrize("persona", PERSONAS)
def test_lists_show_only_visible_sessions(world, persona):
    a, b = world["session"].pk, world["other_session"].pk
    response = _client(world, persona, api=True).get("/api/sessions/")
    if persona == "anonymous":
        assert response.status_code == 401
        return
    ids = {row["id"] for row in response.json()["results"]}
    expected = {
        "athlete_a": {a},
        "athlete_b": {b},
        "coach_a": {a},
        "coach_other": {b},
        "admin_user": {a, b},
    }[persona]
    assert ids == expected

    page = _client(world, persona).get(reverse("home"), follow=True)
    html = page.content.decode()
    assert (f'data-session-id="{a}"' in html) == (a in expected)
    assert (f'data-session-id="{b}"' in html) == (b in expected)


@pytest.mark.parametrize("persona", PERSONAS)
def test_athlete_pages_follow_the_matrix(world, persona):
    response = _client(world, persona).get(reverse("athlete_detail", args=[world["athlete_a"].pk]))
    if persona == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if persona in SEES_A else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_uploading_for_athlete_a_follows_the_matrix(world, persona):
    """Only A, A's coach and an admin may upload for A; the refusal comes before the file
    is even looked at (a garbage file is enough to see it)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    video = SimpleUploadedFile("set.mp4", b"not a video", content_type="video/mp4")
    response = _client(world, persona, api=True).post(
        "/api/sessions/", {"video": video, "athlete": world["athlete_a"].pk}
    )
    if persona == "anonymous":
        assert response.status_code == 401
    elif persona in SEES_A:
        assert response.status_code == 400  # allowed, but the file does not decode
        assert "video" in response.json()
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("persona", PERSONAS)
def test_management_pages_are_for_coaches_and_admins(world, persona):
    roster = _client(world, persona).get(reverse("roster"))
    coaches = _client(world, persona).get(reverse("coaches"))
    if persona == "anonymous":
        assert (roster.status_code, coaches.status_code) == (302, 302)
    elif persona.startswith("athlete"):
        assert (roster.status_code, coaches.status_code) == (404, 404)
    elif persona.startswith("coach"):
        assert (roster.status_code, coaches.status_code) == (200, 404)
    else:
        assert (roster.status_code, coaches.status_code) == (200, 200)


# --- the learning loop: labels, the review queue, the training set, detector versions ----
ADMIN_ONLY_PAGES = [("training", None), ("detectors", None), ("detector", "version")]


def _version(world):
    from detectors.models import DetectorVersion

    return DetectorVersion.objects.get(name="test-v1")  # made with session A's verdicts


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_review_queue_is_for_coaches_and_admins_and_shows_only_their_reps(world, persona):
    response = _client(world, persona).get(reverse("review_queue"))
    if persona == "anonymous":
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
        return
    if persona.startswith("athlete"):
        assert response.status_code == 404
        return
    assert response.status_code == 200
    shown = {item["id"] for item in response.context["items"]}
    reps_a = set(world["session"].analysis.reps.values_list("pk", flat=True))
    reps_b = set(world["other_session"].analysis.reps.values_list("pk", flat=True))
    expected = {"coach_a": reps_a, "coach_other": reps_b, "admin_user": reps_a | reps_b}[persona]
    assert shown == expected


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "target"), ADMIN_ONLY_PAGES)
def test_training_and_detector_pages_are_for_admins_only(world, persona, name, target):
    args = [_version(world).pk] if target == "version" else []
    response = _client(world, persona).get(reverse(name, args=args))
    if persona == "anonymous":
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
    else:
        assert response.status_code == (200 if persona == "admin_user" else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_training_forms_are_for_admins_only(world, persona):
    """Each form is posted with input the admin's request refuses (no reason, zero epochs)
    or that is harmless, so the matrix never starts real training."""
    from training.models import TrainingRun

    rep, version = world["rep"], _version(world)
    client = _client(world, persona)
    responses = [
        client.post(reverse("training_rep_exclusion", args=[rep.pk]), {"action": "exclude"}),
        client.post(reverse("training_start"), {"epochs": "0"}),
        client.post(reverse("detector_activate", args=[version.pk])),
    ]
    codes = [r.status_code for r in responses]
    if persona == "anonymous":
        assert codes == [302, 302, 302]
        assert all(reverse("login") in r["Location"] for r in responses)
    elif persona == "admin_user":
        assert codes == [302, 302, 302]  # back to the page, with a message
    else:
        assert codes == [404, 404, 404]
    rep.refresh_from_db()
    version.refresh_from_db()
    assert not rep.excluded  # no reason given
    assert not TrainingRun.objects.exists()
    assert version.is_active == (persona == "admin_user")


@pytest.mark.parametrize("persona", PERSONAS)
def test_labelling_a_rep_follows_the_matrix(world, persona):
    """Athlete A sees the rep but may not label it (403); outsiders do not see it (404)."""
    rep = world["rep"]
    response = _client(world, persona, api=True).post(
        f"/api/reps/{rep.pk}/label/",
        {"label": "anomalous", "faults": ["rounded_back"]},
        content_type="application/json",
    )
    expected = {
        "anonymous": 401,
        "athlete_a": 403,
        "athlete_b": 404,
        "coach_a": 200,
        "coach_other": 404,
        "admin_user": 200,
    }[persona]
    assert response.status_code == expected
    rep.refresh_from_db()
    assert rep.label == ("anomalous" if expected == 200 else None)
    assert rep.label_history.count() == (1 if expected == 200 else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_label_history_is_read_by_whoever_sees_the_rep(world, persona):
    response = _client(world, persona, api=True).get(f"/api/reps/{world['rep'].pk}/labels/")
    if persona == "anonymous":
        assert response.status_code == 401
    else:
        assert response.status_code == (200 if persona in SEES_A else 404)


ADMIN_API_GETS = ["/api/detectors/", "/api/detectors/{version}/", "/api/training-runs/"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("template", ADMIN_API_GETS)
def test_detector_and_training_api_reads_are_for_admins(world, persona, template):
    url = template.format(version=_version(world).pk)
    response = _client(world, persona, api=True).get(url)
    expected = {"anonymous": 401, "admin_user": 200}.get(persona, 403)
    assert response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_detector_and_training_api_writes_are_for_admins(world, persona):
    """Exclusion without a reason and a run of zero epochs: refused for the admin too (400),
    so only the permission layer is under test; activation is a real (harmless) switch."""
    from training.models import TrainingRun

    rep, version = world["rep"], _version(world)
    client = _client(world, persona, api=True)
    codes = [
        client.post(
            f"/api/reps/{rep.pk}/exclude/", {"excluded": True}, content_type="application/json"
        ).status_code,
        client.post(
            "/api/training-runs/", {"epochs": 0}, content_type="application/json"
        ).status_code,
        client.post(f"/api/detectors/{version.pk}/activate/").status_code,
    ]
    expected = {"anonymous": [401] * 3, "admin_user": [400, 400, 200]}.get(persona, [403] * 3)
    assert codes == expected
    rep.refresh_from_db()
    version.refresh_from_db()
    assert not rep.excluded and not TrainingRun.objects.exists()
    assert version.is_active == (persona == "admin_user")


@pytest.mark.parametrize("persona", PERSONAS)
def test_training_run_detail_is_for_admins(world, persona):
    from training.models import TrainingRun

    run = TrainingRun.objects.create(status="failed", is_open=False, error="test run")
    response = _client(world, persona, api=True).get(f"/api/training-runs/{run.pk}/")
    assert response.status_code == {"anonymous": 401, "admin_user": 200}.get(persona, 403)
