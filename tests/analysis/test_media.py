"""Private media answers HTTP Range, so the browser can seek in a video; what the review
page plays, and the per-frame data it draws over it."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from coach_platform.storage import media_key, media_publish, media_root
from tests.conftest import served, server_answer

User = get_user_model()


def test_a_range_request_gets_206_with_exactly_those_bytes(session_a, athlete_a):
    client = Client()
    client.force_login(athlete_a)
    url = reverse("result_video", args=[session_a.pk])
    whole = served(client, url)
    body = whole.body
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert len(body) == 10240

    part = served(client, url, Range="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == "bytes 100-199/10240"
    assert part.body == body[100:200]

    tail = served(client, url, Range="bytes=-10")
    assert tail.body == body[-10:]
    open_ended = served(client, url, Range="bytes=10000-")
    assert open_ended["Content-Range"] == "bytes 10000-10239/10240"

    beyond = served(client, url, Range="bytes=999999-")
    assert beyond.status_code == 416


def test_media_is_private_and_not_cached_publicly(session_a, athlete_a):
    client = Client()
    client.force_login(athlete_a)
    response = served(client, reverse("rep_image", args=[session_a.analysis.reps.first().pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert server_answer(response)["Cache-Control"].startswith("private")
    assert client.get("/media/" + session_a.video.name).status_code == 404


def test_the_overlay_data_is_compact_per_frame_with_the_reps_outcomes(session_a, athlete_a):
    client = Client()
    client.force_login(athlete_a)
    body = client.get(reverse("session_overlay", args=[session_a.pk])).json()
    assert len(body["points"]) == len(body["times"]) == len(body["stage"]) == 90
    assert body["points"][:5] == [None] * 5  # no pose: nothing drawn
    assert body["points"][5] == [5000] * 66  # 33 points, x and y in 1/10000 of the picture
    assert body["times"][1] == pytest.approx(1 / 30, abs=1e-3)
    assert [(r["index"], r["start_frame"], r["outcome"]) for r in body["reps"]] == [
        (1, 30, "good"),
        (2, 60, "unusual"),
    ]
    assert body["reps"][0]["verdict"] == "Good Deadlift Form"
    assert [11, 12] in body["edges"]


def test_the_page_plays_the_upload_a_copy_or_says_the_copy_is_being_made(session_a, athlete_a):
    from analysis.models import Playback

    client = Client()
    client.force_login(athlete_a)
    analysis = session_a.analysis
    review = reverse("session_review", args=[session_a.pk])
    page = client.get(review).content.decode()
    assert f'src="{reverse("session_video", args=[session_a.pk])}"' in page
    assert 'data-testid="overlay"' in page

    analysis.playback = Playback.PREPARING
    analysis.save(update_fields=["playback"])
    page = client.get(review).content.decode()
    assert 'data-testid="preparing"' in page and "Preparing a playable copy" in page
    assert 'data-testid="video"' not in page and 'data-testid="rep-card"' in page

    copy = media_root() / "sessions" / session_a.folder / "upload" / "playable.mp4"
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes(bytes(range(256)) * 8)
    media_publish(copy)
    analysis.playback, analysis.playable_video = Playback.COPY, media_key(copy)
    analysis.save(update_fields=["playback", "playable_video"])
    page = client.get(review).content.decode()
    assert f'src="{reverse("session_playable", args=[session_a.pk])}?v=' in page
    response = served(client, reverse("session_playable", args=[session_a.pk]), Range="bytes=0-9")
    assert response.status_code == 206 and response["Content-Type"] == "video/mp4"
    assert response.body == bytes(range(10))
    other = Client()
    other.force_login(User.objects.create_user("stranger", password="x" * 12))
    assert other.get(reverse("session_playable", args=[session_a.pk])).status_code == 404


def test_only_people_who_see_a_session_can_ask_for_its_annotated_video(
    session_a, athlete_a, django_capture_on_commit_callbacks
):
    url = reverse("session_export", args=[session_a.pk])
    stranger = Client()
    stranger.force_login(User.objects.create_user("stranger", password="x" * 12))
    assert stranger.post(url).status_code == 404
    assert Client().post(url).status_code == 302  # to the login page
    analysis = session_a.analysis
    analysis.export, analysis.result_video = "", ""
    analysis.save(update_fields=["export", "result_video"])
    owner = Client()
    owner.force_login(athlete_a)
    with django_capture_on_commit_callbacks() as tasks:  # enqueued once the request commits
        response = owner.post(url)
        owner.post(url)  # asked twice: still one job
    assert response.status_code == 302
    analysis.refresh_from_db()
    assert analysis.export == "making" and len(tasks) == 1


def _chart(client: Client, session) -> dict:
    """The review page's chart data, as the page's JSON script element carries it."""
    import json
    import re

    page = client.get(reverse("session_review", args=[session.pk])).content.decode()
    found = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def test_an_analysis_without_a_kept_track_has_no_angle_graph_and_the_page_says_so(
    session_a, athlete_a
):
    client = Client()
    client.force_login(athlete_a)
    chart = _chart(client, session_a)
    assert chart["angles"] is None
    assert len(chart["bar"]) == 90 and chart["bar"][3] == [0.1, 0.3]
    assert chart["reps"][0]["band"] == [1.0, 1.333, 1.833]  # frames 30, 40, 55 at 30 fps
    page = client.get(reverse("session_review", args=[session_a.pk])).content.decode()
    assert 'data-testid="angles-missing"' in page and 'data-testid="angle-chart"' in page


def test_the_angle_graph_comes_from_the_kept_track_on_the_played_clock(session_a, athlete_a):
    import numpy as np

    from analysis.models import Playback
    from core.pipeline.respan import TRACK_FILE, save_track
    from tests.pipeline.test_angle_series import _track

    lm, world = _track([0.0] * 45 + [45.0] * 45)
    lm[60:70], world[60:70] = np.nan, np.nan
    out = media_root() / session_a.analysis.output_dir
    save_track(out, lm, world, np.arange(90), [(0, 90)])
    media_publish(out / TRACK_FILE)
    analysis = session_a.analysis
    analysis.video_info = {"fps": 30, "duration_s": 3.0, "start_s": 0.034}
    analysis.save()
    client = Client()
    client.force_login(athlete_a)
    chart = _chart(client, session_a)
    angles = chart["angles"]
    assert set(angles) == {"t", "hip", "knee", "trunk", "elbow", "bar"}
    assert chart["angle_names"] == ["hip", "knee", "trunk"]  # what a pull's chart draws
    # The upload plays with its first frame at 0.034 s: the graphs are on that clock.
    assert angles["t"][:2] == [0.034, 0.067] and len(angles["t"]) == 90
    assert angles["knee"][0] == 180.0 and angles["hip"][80] == pytest.approx(135.0, abs=0.1)
    assert angles["hip"][60:70] == [None] * 10  # no pose: a gap, not a zero
    # The playable copy's first frame is at 0.
    analysis.playback = Playback.COPY
    analysis.playable_video = session_a.video.name
    analysis.save()
    assert _chart(client, session_a)["angles"]["t"][:2] == [0.0, 0.033]


def test_a_damaged_track_means_no_angle_graph_not_an_error(session_a, athlete_a):
    from core.pipeline.respan import TRACK_FILE

    track = media_root() / session_a.analysis.output_dir / TRACK_FILE
    track.write_bytes(b"PK\x03\x04 not really a zip")
    media_publish(track)
    client = Client()
    client.force_login(athlete_a)
    assert _chart(client, session_a)["angles"] is None
