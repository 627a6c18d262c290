"""The REST API as outside checks use it: token, upload, status, reps, comments, schema."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tests.conftest import PERSONA_PASSWORD, served, shared_path


@pytest.fixture
def api(athlete_a) -> APIClient:
    client = APIClient()
    token = client.post(
        "/api/auth/token/", {"username": "athlete_a", "password": PERSONA_PASSWORD}
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_wrong_password_gets_no_token(athlete_a):
    response = APIClient().post("/api/auth/token/", {"username": "athlete_a", "password": "no"})
    assert response.status_code == 400 and "token" not in response.json()


def test_upload_then_status_reps_and_comments(api, django_capture_on_commit_callbacks):
    path = shared_path("videos", "RFN-Dev-Git+AI-GYM", "Deadlift3.mp4")
    video = SimpleUploadedFile(path.name, path.read_bytes(), content_type="video/mp4")
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/sessions/", {"video": video, "load_kg": "140", "notes": "felt ok"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert {"id", "status"} <= body.keys() and body["status"] in {"queued", "running", "done"}

    detail = api.get(f"/api/sessions/{body['id']}/").json()
    assert detail["status"] == "done" and detail["progress"] == 100.0
    assert detail["error"] == "" and detail["rep_count"] == 2
    assert detail["exercise"] == "deadlift" and detail["load_kg"] == "140.0"
    # The upload plays as it is, with the drawing's per-frame data beside it; the
    # annotated video waits until someone asks for it.
    assert detail["playback"] == "original" and detail["result_video_url"] is None
    video_response = served(api, detail["playback_url"], Range="bytes=0-99")
    assert video_response.status_code == 206 and len(video_response.body) == 100
    assert video_response.body == path.read_bytes()[:100]
    overlay = api.get(detail["overlay_url"]).json()
    assert len(overlay["points"]) == len(overlay["times"]) == 133
    assert overlay["times"][0] == 0 and overlay["start_s"] == 0.0341  # its first frame's time
    assert [r["index"] for r in overlay["reps"]] == [1, 2]
    with django_capture_on_commit_callbacks(execute=True):
        asked = api.post(f"/api/sessions/{body['id']}/export/")
    assert asked.status_code == 202 and asked.json()["export"] == "making"
    detail = api.get(f"/api/sessions/{body['id']}/").json()
    assert detail["export"] == "ready"
    annotated = served(api, detail["result_video_url"], Range="bytes=0-99")
    assert annotated.status_code == 206 and len(annotated.body) == 100

    listed = api.get("/api/sessions/").json()
    assert listed["count"] == 1 and [s["id"] for s in listed["results"]] == [body["id"]]

    reps = api.get(f"/api/sessions/{body['id']}/reps/").json()["results"]
    assert [r["index"] for r in reps] == [1, 2]
    for rep in reps:
        assert {"id", "start_s", "end_s", "verdict", "score", "joints", "kinematics"} <= rep.keys()
        assert rep["verdict"] is None and rep["joints"] == []
        image = served(api, rep["image_url"])
        assert image.status_code == 200 and image.body.startswith(b"\x89PNG")

    rep_id = reps[1]["id"]
    posted = api.post(
        f"/api/reps/{rep_id}/comments/", {"body": "Lockout?", "video_time_s": 3.2}, format="json"
    )
    assert posted.status_code == 201 and posted.json()["rep"] == rep_id
    session_comment = api.post(
        f"/api/sessions/{body['id']}/comments/", {"body": "Good set"}, format="json"
    )
    assert session_comment.status_code == 201 and session_comment.json()["rep"] is None
    assert api.get(f"/api/sessions/{body['id']}/comments/").json()["count"] == 2
    rep_comments = api.get(f"/api/reps/{rep_id}/comments/").json()["results"]
    assert [c["body"] for c in rep_comments] == ["Lockout?"]


def test_a_coach_uploads_on_behalf_of_an_athlete_on_the_roster(coach_a, athlete_a, athlete_b):
    client = APIClient()
    client.force_authenticate(coach_a)
    garbage = SimpleUploadedFile("x.mp4", b"garbage")
    missing = client.post("/api/sessions/", {"video": garbage})
    assert missing.status_code == 400 and "athlete" in missing.json()
    garbage.seek(0)
    other = client.post("/api/sessions/", {"video": garbage, "athlete": athlete_b.pk})
    assert other.status_code == 403


def test_a_non_video_upload_is_a_400_with_a_sentence(api):
    response = api.post("/api/sessions/", {"video": SimpleUploadedFile("a.mp4", b"hello" * 99)})
    assert response.status_code == 400
    assert response.json()["video"][0].endswith(".")


def test_schema_and_docs_work_offline(api, client, athlete_a):
    schema = api.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/sessions/", "/api/sessions/{id}/reps/", "/api/reps/{id}/comments/"} <= set(paths)
    client.force_login(athlete_a)
    docs = client.get("/api/docs/").content.decode()
    assert "/api/sessions/{id}/reps/" in docs and "cdn" not in docs.lower()
    # Each operation's answers, errors included, as the schema declares them.
    assert docs.count("Answers: <code") == sum(len(ops) for ops in paths.values())
    assert '<code title="Not logged in: no, an unknown or an expired token.">401</code>' in docs


def test_a_url_under_the_api_that_matches_nothing_answers_the_api_error_body(client):
    response = client.get("/api/sessions/-5/share-links/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
