"""Private media answers HTTP Range, so the browser can seek in a video."""

from django.test import Client
from django.urls import reverse


def test_a_range_request_gets_206_with_exactly_those_bytes(session_a, athlete_a):
    client = Client()
    client.force_login(athlete_a)
    url = reverse("result_video", args=[session_a.pk])
    whole = client.get(url)
    body = b"".join(whole.streaming_content)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert len(body) == 10240

    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == "bytes 100-199/10240"
    assert b"".join(part.streaming_content) == body[100:200]

    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == body[-10:]
    open_ended = client.get(url, HTTP_RANGE="bytes=10000-")
    assert open_ended["Content-Range"] == "bytes 10000-10239/10240"

    beyond = client.get(url, HTTP_RANGE="bytes=999999-")
    assert beyond.status_code == 416


def test_media_is_private_and_not_cached_publicly(session_a, athlete_a):
    client = Client()
    client.force_login(athlete_a)
    response = client.get(reverse("rep_image", args=[session_a.analysis.reps.first().pk]))
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"].startswith("private")
    assert client.get("/media/" + session_a.video.name).status_code == 404
