"""Annotations: a comment with a drawing on a paused frame (services/comments.py), through the
service, the API (/api/sessions/{id}/comments/) and the review page's JSON."""

from __future__ import annotations

import json
import math
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from reviews.models import Comment
from reviews.services.comments import angle_degrees, comment_create
from reviews.templatetags.comment_time import ago
from tests.conftest import PERSONA_PASSWORD

# A right angle in pixels of a 1920x1080 picture: arms (-270, -480) px and (480, -270) px from
# the vertex, written in fractions of the picture.
RIGHT = [[0.5 - 270 / 1920, 0.6 - 480 / 1080], [0.5, 0.6], [0.5 + 480 / 1920, 0.6 - 270 / 1080]]
YELLOW = "#ffd400"


@pytest.fixture
def wide(session_a):
    """athlete A's session, its video 1920x1080."""
    session_a.analysis.video_info = {"fps": 30, "duration_s": 3.0, "width": 1920, "height": 1080}
    session_a.analysis.save(update_fields=["video_info"])
    return session_a


def angle(points=RIGHT, color=YELLOW):
    return {"kind": "angle", "points": points, "color": color}


def test_a_right_angle_in_a_16_9_picture_reads_90(wide, coach_a):
    comment = comment_create(
        author=coach_a, session=wide, body="", video_time_s=1.5, drawing=[angle()]
    )
    comment.refresh_from_db()
    assert comment.drawing[0]["degrees"] == 90.0
    assert comment.body == ""
    # The same fractions would be a different angle in a square picture: pixels count.
    assert angle_degrees(RIGHT, 1, 1) != 90.0


def test_degrees_are_measured_in_pixels_not_fractions():
    square_in_fractions = [[0.25, 0.25], [0.5, 0.5], [0.75, 0.25]]
    assert angle_degrees(square_in_fractions, 1, 1) == 90.0
    wide = round(2 * math.degrees(math.atan(480 / 270)), 1)
    assert angle_degrees(square_in_fractions, 1920, 1080) == wide  # 121.3
    assert angle_degrees([[0.1, 0.5], [0.5, 0.5], [0.9, 0.5]], 1920, 1080) == 180.0
    assert angle_degrees([[0.5, 0.5], [0.5, 0.5], [0.9, 0.5]], 1920, 1080) == 0.0


def test_every_shape_kind_is_kept_with_only_its_known_keys(wide, athlete_a):
    drawing = [
        {"kind": "line", "points": [[0, 0], [1, 1]], "color": "#FF0000", "onclick": "x"},
        {"kind": "arrow", "points": [[0.1, 0.2], [0.3, 0.4]], "color": "#00ff00"},
        {"kind": "circle", "points": [[0.5, 0.5], [0.6, 0.5]], "color": "#0000ff"},
        {"kind": "free", "points": [[0.1, 0.1], [0.2, 0.2], [0.3, 0.25]], "color": YELLOW},
        {**angle(), "degrees": 12},  # the client's number is not trusted
    ]
    comment = comment_create(
        author=athlete_a, session=wide, body=" look ", video_time_s=0.5, drawing=drawing
    )
    shapes = Comment.objects.get(pk=comment.pk).drawing
    assert [s["kind"] for s in shapes] == ["line", "arrow", "circle", "free", "angle"]
    assert shapes[0] == {"kind": "line", "points": [[0.0, 0.0], [1.0, 1.0]], "color": "#ff0000"}
    assert shapes[4]["degrees"] == 90.0
    assert all("degrees" not in s for s in shapes[:4])
    assert comment.body == "look"


BAD = [
    ("not a list", {"kind": "line"}, "list of shapes"),
    ("empty", [], "empty"),
    ("too many", [angle()] * 51, "at most 50 shapes"),
    ("a shape is a string", ["line"], "is not a shape"),
    ("unknown kind", [{"kind": "text", "points": [[0, 0]], "color": YELLOW}], "the kind is"),
    ("colour a name", [angle(color="red")], "#rrggbb"),
    ("colour with script", [angle(color="#fff;<x>")], "#rrggbb"),
    ("line of 3", [{"kind": "line", "points": [[0, 0]] * 3, "color": YELLOW}], "2 points"),
    ("circle of 1", [{"kind": "circle", "points": [[0, 0]], "color": YELLOW}], "2 points"),
    ("angle of 2", [angle(points=RIGHT[:2])], "3 points"),
    ("free of 1", [{"kind": "free", "points": [[0, 0]], "color": YELLOW}], "2 to 500"),
    ("free of 501", [{"kind": "free", "points": [[0.5, 0.5]] * 501, "color": YELLOW}], "2 to 500"),
    (
        "2001 points in all",
        [{"kind": "free", "points": [[0.5, 0.5]] * 500, "color": YELLOW}] * 4 + [angle()],
        "at most 2000 points in all",
    ),
    ("points not a list", [{"kind": "line", "points": "0,0,1,1", "color": YELLOW}], "2 points"),
    ("outside the picture", [angle(points=[[0, 0], [1.2, 0.5], [1, 1]])], "from 0 to 1"),
    ("negative", [angle(points=[[0, 0], [-0.1, 0.5], [1, 1]])], "from 0 to 1"),
    ("not a number", [angle(points=[[0, 0], ["0.5", 0.5], [1, 1]])], "pair of numbers"),
    ("a boolean", [angle(points=[[0, 0], [True, 0.5], [1, 1]])], "pair of numbers"),
    ("a triple", [angle(points=[[0, 0], [0.5, 0.5, 0.5], [1, 1]])], "pair of numbers"),
    ("infinite", [angle(points=[[0, 0], [math.inf, 0.5], [1, 1]])], "from 0 to 1"),
    ("nan", [angle(points=[[0, 0], [math.nan, 0.5], [1, 1]])], "from 0 to 1"),
]


@pytest.mark.parametrize(("name", "drawing", "sentence"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_drawing_is_refused_with_a_sentence(wide, athlete_a, name, drawing, sentence):
    with pytest.raises(ValidationError) as error:
        comment_create(author=athlete_a, session=wide, body="", video_time_s=1, drawing=drawing)
    assert sentence in " ".join(error.value.message_dict["drawing"])
    assert not Comment.objects.exists()


def test_a_comment_needs_text_or_a_drawing_and_a_drawing_needs_a_time(wide, athlete_a):
    with pytest.raises(ValidationError) as error:
        comment_create(author=athlete_a, session=wide, body="   ", video_time_s=1.0)
    assert error.value.message_dict["body"] == ["A comment needs some text."]
    with pytest.raises(ValidationError) as error:
        comment_create(author=athlete_a, session=wide, body="hi", drawing=[angle()])
    assert "pinned to a video time" in error.value.message_dict["video_time_s"][0]
    with pytest.raises(ValidationError):
        comment_create(author=athlete_a, session=wide, body="x", video_time_s=math.nan)
    assert not Comment.objects.exists()


def test_without_the_video_size_degrees_are_in_a_square(session_a, athlete_a):
    # make_session's analysis knows no width or height: fractions are then the measure.
    comment = comment_create(
        author=athlete_a,
        session=session_a,
        body="",
        video_time_s=1,
        drawing=[angle(points=[[0.25, 0.25], [0.5, 0.5], [0.75, 0.25]])],
    )
    assert comment.drawing[0]["degrees"] == 90.0


# --- the API ---------------------------------------------------------------------------------
def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_takes_and_gives_a_drawing_with_server_degrees(wide, coach_a, athlete_a):
    url = f"/api/sessions/{wide.pk}/comments/"
    rep = wide.analysis.reps.get(index=1)
    sent = {"body": "", "video_time_s": 1.25, "rep": rep.pk, "drawing": [angle()]}
    response = _api(coach_a).post(url, sent, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["drawing"][0]["degrees"] == 90.0
    assert body["rep"] == rep.pk and body["rep_index"] == 1 and body["body"] == ""
    listed = _api(athlete_a).get(url).json()
    assert listed["count"] == 1
    assert listed["results"][0]["drawing"] == body["drawing"]
    # A plain comment carries no drawing.
    plain = _api(athlete_a).post(url, {"body": "Thanks"}, format="json").json()
    assert plain["drawing"] is None and plain["rep_index"] is None


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "", "video_time_s": 1, "drawing": [angle(points=RIGHT[:2])]}, "drawing"),
        ({"body": "", "drawing": [angle()]}, "video_time_s"),
        ({"body": "", "video_time_s": 1, "drawing": "a picture"}, "drawing"),
    ],
)
def test_the_api_refuses_with_the_field_and_a_sentence(wide, athlete_a, sent, field):
    response = _api(athlete_a).post(f"/api/sessions/{wide.pk}/comments/", sent, format="json")
    assert response.status_code == 400
    assert field in response.json() and response.json()[field][0].endswith(".")
    assert not Comment.objects.exists()


def test_nobody_posts_or_reads_annotations_on_a_set_not_theirs(
    wide, athlete_a, coach_a, coach_other, athlete_b
):
    comment_create(author=coach_a, session=wide, body="hips", video_time_s=1.0, drawing=[angle()])
    url = f"/api/sessions/{wide.pk}/comments/"
    sent = {"body": "", "video_time_s": 1, "drawing": [angle()]}
    for outsider in (coach_other, athlete_b):
        assert _api(outsider).get(url).status_code == 404
        assert _api(outsider).post(url, sent, format="json").status_code == 404
        page = Client()
        page.force_login(outsider)
        assert page.get(reverse("session_review", args=[wide.pk])).status_code == 404
    assert Comment.objects.count() == 1
    assert _api(athlete_a).post(url, sent, format="json").status_code == 201


def test_the_page_posts_through_the_api_with_its_session_and_csrf_token(wide, athlete_a):
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="athlete_a", password=PERSONA_PASSWORD)
    page = client.get(reverse("session_review", args=[wide.pk]))
    html = page.content.decode()
    api_url = re.search(r'data-api-url="([^"]+)"', html).group(1)
    assert api_url == f"/api/sessions/{wide.pk}/comments/"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    sent = json.dumps({"body": "", "video_time_s": 1.5, "drawing": [angle()]})
    refused = client.post(api_url, sent, content_type="application/json")
    assert refused.status_code == 403  # no token, no write
    posted = client.post(api_url, sent, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert posted.status_code == 201, posted.content


def test_the_review_page_gives_its_comments_as_json_and_says_just_now(wide, coach_a, athlete_a):
    comment_create(author=coach_a, session=wide, body="", video_time_s=1.5, drawing=[angle()])
    old = comment_create(author=coach_a, session=wide, body="Earlier note", video_time_s=2.0)
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=3))
    client = Client()
    client.force_login(athlete_a)
    html = client.get(reverse("session_review", args=[wide.pk])).content.decode()
    data = json.loads(
        re.search(r'id="comments-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    assert [c["body"] for c in data] == ["Earlier note", ""]
    assert data[1]["drawing"][0]["degrees"] == 90.0
    assert "just now" in html and "0\xa0minutes" not in html and "3\xa0hours ago" in html
    assert 'data-testid="angle-degrees">90°<' in html
    # Beside the video: the comments are in the review grid, after the player card.
    grid = html.index('class="review-grid"')
    assert grid < html.index('id="player-card"') < html.index('id="comments"')
    assert html.index('id="comments"') < html.index('<h2 id="reps"')


def test_ago_reads_just_now_under_a_minute():
    now = timezone.now()
    assert ago(now - timedelta(seconds=59)) == "just now"
    assert ago(now - timedelta(minutes=5)) == "5\xa0minutes ago"
    assert ago(None) == ""
