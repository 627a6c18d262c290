"""Share links: who may make, see and revoke them; the public page, video and overlay under a
token (only its one session, only while live, counted once per page open, private headers);
the API's answers."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from coach_platform.storage import media_publish, media_root
from reviews.models import Comment
from sharing.models import ShareLink
from sharing.selectors import share_link_live
from sharing.services import SHARE_LIVE_MAX, share_link_create, share_link_revoke
from tests.conftest import make_session, served, server_answer

GONE = "This link has expired or was revoked"


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _urls(link: ShareLink) -> dict[str, str]:
    return {
        name: reverse(f"shared_{name}", args=[link.token])
        for name in ("session", "video", "overlay")
    }


# --- who may make, see and revoke -----------------------------------------------------------
def test_the_athlete_and_their_coach_make_links_with_a_chosen_expiry(session_a, athlete_a, coach_a):
    before = timezone.now()
    mine = share_link_create(by=athlete_a, session=session_a, note="for the physio")
    assert mine.expires_at - before >= timedelta(days=7)  # the default
    assert mine.expires_at - before < timedelta(days=7, minutes=1)
    assert len(mine.token) == 43 and mine.created_by == athlete_a
    coachs = share_link_create(by=coach_a, session=session_a, days="30")
    assert timedelta(days=30) <= coachs.expires_at - before < timedelta(days=30, minutes=1)
    assert mine.token != coachs.token


@pytest.mark.parametrize("days", [0, 2, 91, 365, "x", "-1", 7.5, "²", True])
def test_an_expiry_off_the_list_is_refused_with_a_sentence(session_a, athlete_a, days):
    with pytest.raises(ValidationError) as error:
        share_link_create(by=athlete_a, session=session_a, days=days)
    assert "1, 7, 30 or 90 days" in error.value.message_dict["days"][0]
    assert not ShareLink.objects.exists()


def test_a_long_or_multiline_note_is_refused(session_a, athlete_a):
    with pytest.raises(ValidationError, match="at most 100 characters"):
        share_link_create(by=athlete_a, session=session_a, note="x" * 101)
    with pytest.raises(ValidationError, match="one line"):
        share_link_create(by=athlete_a, session=session_a, note="a\nb")


def test_outsiders_and_admins_cannot_make_links(
    session_a, athlete_b, coach_other, admin_user, coach_a
):
    for outsider in (athlete_b, coach_other):
        with pytest.raises(PermissionDenied):
            share_link_create(by=outsider, session=session_a)
        assert _client(outsider).get(reverse("share_page", args=[session_a.pk])).status_code == 404
        response = _client(outsider).post(reverse("share_page", args=[session_a.pk]), {"days": 7})
        assert response.status_code == 404
    with pytest.raises(PermissionDenied, match="athlete's coaches"):
        share_link_create(by=admin_user, session=session_a)
    page = _client(admin_user).get(reverse("share_page", args=[session_a.pk]))
    assert page.status_code == 200 and b'data-testid="share-form"' not in page.content
    assert not ShareLink.objects.exists()


def test_live_links_per_session_are_capped(session_a, athlete_a):
    for _ in range(SHARE_LIVE_MAX - 1):
        share_link_create(by=athlete_a, session=session_a)
    revoked = share_link_create(by=athlete_a, session=session_a)
    with pytest.raises(ValidationError, match=f"already has {SHARE_LIVE_MAX} live links"):
        share_link_create(by=athlete_a, session=session_a)
    share_link_revoke(by=athlete_a, link=revoked)  # a revoked one no longer counts
    share_link_create(by=athlete_a, session=session_a)


def test_who_may_revoke(session_a, athlete_a, coach_a, athlete_b, coach_other, admin_user):
    link = share_link_create(by=coach_a, session=session_a)
    for outsider in (athlete_b, coach_other):
        with pytest.raises(PermissionDenied):
            share_link_revoke(by=outsider, link=link)
        url = reverse("share_revoke", args=[session_a.pk, link.pk])
        assert _client(outsider).post(url).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None
    for who in (athlete_a, coach_a, admin_user):  # the athlete, the creator, an admin
        other = share_link_create(by=coach_a, session=session_a)
        share_link_revoke(by=who, link=other)
        assert other.revoked_at is not None
    share_link_revoke(by=athlete_a, link=link)
    first = link.revoked_at
    again = share_link_revoke(by=athlete_a, link=ShareLink.objects.get(pk=link.pk))
    assert first is not None and again.revoked_at == first  # twice: the first time stays


def test_the_creator_may_revoke_after_leaving_the_roster(session_a, athlete_a, coach_a):
    from athletes.models import CoachAssignment

    link = share_link_create(by=coach_a, session=session_a)
    CoachAssignment.objects.filter(coach=coach_a).delete()
    api = APIClient()
    api.force_authenticate(coach_a)
    response = api.post(f"/api/share-links/{link.pk}/revoke/")
    assert response.status_code == 200 and response.json()["status"] == "revoked"


def test_the_share_page_lists_links_with_their_state(session_a, athlete_a, coach_a):
    live = share_link_create(by=athlete_a, session=session_a, note="for the physio")
    expired = share_link_create(by=coach_a, session=session_a, note="old one")
    ShareLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    revoked = share_link_create(by=coach_a, session=session_a, note="sent by mistake")
    share_link_revoke(by=coach_a, link=revoked)
    share_link_create(by=athlete_a, session=make_session(athlete_a), note="another set")
    page = _client(coach_a).get(reverse("share_page", args=[session_a.pk]))
    html = page.content.decode()
    assert html.count('data-testid="share-link"') == 3  # not the other set's
    assert 'data-status="live"' in html and 'data-status="expired"' in html
    assert 'data-status="revoked"' in html and "another set" not in html
    assert f"http://testserver/s/{live.token}/" in html
    assert expired.token not in html and revoked.token not in html  # only live ones to copy
    assert html.count('data-testid="share-revoke"') == 1


def test_making_a_link_on_the_page(session_a, athlete_a):
    client = _client(athlete_a)
    url = reverse("share_page", args=[session_a.pk])
    response = client.post(url, {"days": "1", "note": "for the physio"})
    link = ShareLink.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{url}#share-{link.pk}"
    assert timedelta(hours=23) < link.expires_at - timezone.now() <= timedelta(days=1)
    refused = client.post(url, {"days": "1000"}, follow=True)
    assert "Choose how long the link lasts" in refused.content.decode()
    assert ShareLink.objects.count() == 1


def test_the_review_page_offers_share(session_a, athlete_a):
    html = _client(athlete_a).get(reverse("session_review", args=[session_a.pk])).content.decode()
    assert f'href="{reverse("share_page", args=[session_a.pk])}"' in html


# --- the public page under a token ----------------------------------------------------------
@pytest.fixture
def shared(session_a, athlete_a, coach_a):
    rep = session_a.analysis.reps.get(index=2)
    Comment.objects.create(session=session_a, author=coach_a, body="Hips rise first", rep=rep)
    Comment.objects.create(session=session_a, author=athlete_a, body="Felt heavy", video_time_s=1.5)
    return share_link_create(by=coach_a, session=session_a, note="for the physio")


def test_the_shared_page_shows_the_set_read_only(shared, session_a, client):
    athlete = session_a.athlete
    athlete.first_name, athlete.last_name = "Ana", "Lifter"
    athlete.save(update_fields=["first_name", "last_name"])
    response = client.get(_urls(shared)["session"])
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ana Lifter" in html and "Hips rise first" in html and "Felt heavy" in html
    # People outside the platform read display names: a full name, else the role; never a
    # login name (half of what signs in), neither on the page nor in its comments' data.
    assert "athlete_a" not in html and "coach_a" not in html
    assert "<strong>Coach</strong>" in html and "<strong>Ana Lifter</strong>" in html
    assert html.count('data-testid="rep-item"') == 2 and html.count('data-testid="verdict"') >= 4
    assert 'data-testid="video"' in html and f'src="/s/{shared.token}/video"' in html
    assert f'data-overlay-url="/s/{shared.token}/overlay.json"' in html
    assert 'id="comments-data"' in html and 'id="chart-data"' in html
    for absent in (
        "comment-form",
        "<form",
        "label-box",
        "not-a-rep",
        "csrfmiddlewaretoken",
        "reps.csv",
        "report.json",
        "/video/",
        f"/sessions/{session_a.pk}",
        "/reps/",
        "/api/",
        "/compare/",
    ):
        assert absent not in html, absent
    hrefs = [part.split('"')[0] for part in html.split('href="')[1:]]
    assert all(h == "/accounts/login/" or h.startswith(("/static/", "data:")) for h in hrefs), hrefs


def test_the_shared_page_sends_private_headers_on_every_url(shared, client):
    for name, url in _urls(shared).items():
        answer = served(client, url)
        assert answer.status_code == 200, name
        response = server_answer(answer)  # the bucket cannot send these: the redirect does
        assert response["Referrer-Policy"] == "no-referrer", name
        assert "noindex" in response["X-Robots-Tag"], name
        assert response["Cache-Control"] == "private, no-store", name


def test_views_are_counted_per_page_open_not_per_byte_range(shared, client):
    urls = _urls(shared)
    client.get(urls["session"])
    client.get(urls["session"])
    for start in range(0, 4096, 1024):
        part = served(client, urls["video"], Range=f"bytes={start}-{start + 1023}")
        assert part.status_code == 206
    client.get(urls["overlay"])
    shared.refresh_from_db()
    assert shared.view_count == 2 and shared.last_viewed_at is not None


def test_the_video_is_served_with_ranges(shared, session_a, client):
    part = served(client, _urls(shared)["video"], Range="bytes=100-199")
    assert part.status_code == 206 and part["Content-Range"] == "bytes 100-199/4096"
    assert part["Content-Type"] == "video/mp4"
    assert part.body == b"\x00" * 100


def test_the_video_is_the_playable_copy_when_there_is_one(shared, session_a, client):
    analysis = session_a.analysis
    copy = f"sessions/{session_a.folder}/analysis/playable.mp4"
    (media_root() / copy).write_bytes(b"copy" * 100)
    media_publish(media_root() / copy)
    analysis.playable_video, analysis.playback = copy, "copy"
    analysis.save(update_fields=["playable_video", "playback"])
    page = client.get(_urls(shared)["session"]).content.decode()
    assert f'src="/s/{shared.token}/video?v=' in page
    assert served(client, _urls(shared)["video"]).body == b"copy" * 100


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown", "session deleted"])
def test_a_dead_link_is_a_plain_404_on_every_url(shared, session_a, coach_a, client, state):
    urls = _urls(shared)
    if state == "revoked":
        share_link_revoke(by=coach_a, link=shared)
    elif state == "expired":
        ShareLink.objects.filter(pk=shared.pk).update(expires_at=timezone.now())
    elif state == "unknown":
        urls = {k: v.replace(shared.token, shared.token[:-4] + "AAAA") for k, v in urls.items()}
    else:
        session_a.delete()
    for name, url in urls.items():
        response = client.get(url, HTTP_RANGE="bytes=0-99" if name == "video" else "")
        assert response.status_code == 404, (name, state)
        assert GONE in response.content.decode(), (name, state)
        assert response["Referrer-Policy"] == "no-referrer"
    if state != "session deleted":
        assert ShareLink.objects.get(pk=shared.pk).view_count == 0


@pytest.mark.parametrize("token", ["x", "a" * 65, "a" * 40 + "!!!", "../../etc"])
def test_malformed_tokens_are_no_link(token, db):
    assert share_link_live(token) is None


def test_a_token_opens_its_own_session_only(shared, session_a, athlete_a, client):
    other = make_session(athlete_a, reps=3)
    urls = _urls(shared)
    for path in (
        f"/s/{shared.token}/{other.pk}/",
        f"/s/{shared.token}/sessions/{other.pk}/",
        f"/s/{shared.token}/video/{other.pk}",
        f"/s/{shared.token}/reps.csv",
        f"/s/{shared.token}/result.mp4",
    ):
        assert client.get(path).status_code == 404, path
    page = client.get(urls["session"] + f"?session={other.pk}&session_id={other.pk}")
    assert page.content.decode().count('data-testid="rep-item"') == 2  # still its own
    overlay = client.get(urls["overlay"] + f"?session={other.pk}").json()
    assert [r["index"] for r in overlay["reps"]] == [1, 2]
    # The session's own login-only URLs stay login-only.
    assert client.get(reverse("session_video", args=[session_a.pk])).status_code == 302
    assert client.get(reverse("session_review", args=[session_a.pk])).status_code == 302


def test_the_public_urls_answer_get_only(shared, client):
    assert client.post(_urls(shared)["session"]).status_code == 405
    shared.refresh_from_db()
    assert shared.view_count == 0


def test_the_public_urls_are_throttled_per_address(shared, client, monkeypatch):
    from sharing import views

    monkeypatch.setitem(views.SHARE_RATES, "page", "3/min")
    statuses = [client.get(_urls(shared)["session"]).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get(_urls(shared)["overlay"]).status_code == 200  # its own budget
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get(_urls(shared)["session"]).status_code == 200


def test_a_session_being_analysed_again_shows_no_reps(shared, session_a, client):
    session_a.analysis.status = "running"
    session_a.analysis.save(update_fields=["status"])
    html = client.get(_urls(shared)["session"]).content.decode()
    assert 'data-testid="shared-not-done"' in html and 'data-testid="rep-item"' not in html
    assert client.get(_urls(shared)["overlay"]).status_code == 404


# --- the API --------------------------------------------------------------------------------
def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_lists_makes_and_revokes(session_a, athlete_a, coach_a):
    url = f"/api/sessions/{session_a.pk}/share-links/"
    made = _api(coach_a).post(url, {"days": 30, "note": "for the physio"}, format="json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["status"] == "live" and body["created_by"] == "coach_a"
    assert body["url"].startswith("http://testserver/s/") and body["view_count"] == 0
    listed = _api(athlete_a).get(url).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]
    revoked = _api(athlete_a).post(f"/api/share-links/{body['id']}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert _api(athlete_a).get("/api/share-links/").json()["count"] == 1


def test_the_api_refuses_with_sentences_and_404s(session_a, coach_a, athlete_b, admin_user):
    url = f"/api/sessions/{session_a.pk}/share-links/"
    bad = _api(coach_a).post(url, {"days": 5, "note": "x" * 101}, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"days", "note"}
    assert _api(athlete_b).get(url).status_code == 404
    assert _api(athlete_b).post(url, {}, format="json").status_code == 404
    refused = _api(admin_user).post(url, {}, format="json")
    assert refused.status_code == 403 and "athlete's coaches" in refused.json()["detail"]
    link = share_link_create(by=coach_a, session=session_a)
    assert _api(athlete_b).post(f"/api/share-links/{link.pk}/revoke/").status_code == 404
    assert _api(athlete_b).get("/api/share-links/").json()["count"] == 0
    assert APIClient().get(url).status_code in (401, 403)


def test_the_shared_page_hands_its_comments_to_annotations_js(shared, session_a, coach_a, client):
    import json
    import re

    line = {"kind": "line", "points": [[0.2, 0.3], [0.6, 0.7]], "color": "#ffd400"}
    Comment.objects.create(session=session_a, author=coach_a, video_time_s=0.5, drawing=[line])
    html = client.get(_urls(shared)["session"]).content.decode()
    found = re.search(r'<script id="comments-data" type="application/json">(.*?)</script>', html)
    data = json.loads(found[1])
    assert [c["author"] for c in data] == ["Coach", "Athlete", "Coach"]  # display names
    assert data[-1]["drawing"] == [line] and "Drawing: line" in html
    assert html.index("js/overlay.js") < html.index("js/annotations.js")


def test_the_api_schema_declares_the_error_answers(athlete_a):
    paths = _api(athlete_a).get("/api/schema/?format=json").json()["paths"]
    made = paths["/api/sessions/{id}/share-links/"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404"} <= set(made)
    assert {"200", "401", "404"} <= set(
        paths["/api/sessions/{id}/share-links/"]["get"]["responses"]
    )
    assert {"200", "401", "404"} <= set(paths["/api/share-links/{id}/revoke/"]["post"]["responses"])
