"""Limits that count the real client and the real person: the address the deployment trusts
(not a client's own X-Forwarded-For) for every per-address rule, one upload limit for every
way a set arrives, a new password ending every token and other session, bounded numbers,
and JSON for every answer under /api/ in both modes."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client, RequestFactory, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from coach_platform.throttles import ClientAddressMixin, client_address
from sets.models import TrainingSession
from sharing.services import share_link_create
from tests.athletes.test_uploads import _clip
from tests.conftest import PERSONA_PASSWORD, make_session
from uploads.models import ResumableUpload

TUS = {"Tus-Resumable": "1.0.0"}


def _request(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


# --- 1. the address every per-address rule counts -------------------------------------------


def test_with_no_proxy_a_clients_own_forwarded_for_is_ignored():
    with override_settings(NUM_PROXIES=0):
        assert client_address(_request("203.0.113.5", "1.2.3.4")) == "203.0.113.5"


def test_behind_one_proxy_the_address_the_proxy_saw_counts():
    with override_settings(NUM_PROXIES=1):
        assert client_address(_request("10.0.0.2", "198.51.100.7")) == "198.51.100.7"
        # A proxy that appends keeps the client's own value in front: the last hop counts.
        assert client_address(_request("10.0.0.2", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"
        assert client_address(_request("10.0.0.2")) == "10.0.0.2"  # no header: the socket
        assert client_address(_request("10.0.0.2", "not-an-address")) == "10.0.0.2"
    with override_settings(NUM_PROXIES=2):  # a load balancer, then nginx
        assert client_address(_request("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.1")) == (
            "198.51.100.7"
        )


def _rates(monkeypatch, **rates: str) -> None:
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**settings.REST_FRAMEWORK[
        "DEFAULT_THROTTLE_RATES"], **rates})  # fmt: skip


def test_a_new_forwarded_for_with_each_token_request_is_still_limited(athlete_a, monkeypatch):
    _rates(monkeypatch, anon="3/min")
    api = APIClient()
    statuses = [
        api.post(
            "/api/auth/token/",
            {"username": "athlete_a", "password": "guess"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(5)
    ]
    assert statuses[:3] == [400] * 3 and statuses[3:] == [429, 429]


def test_a_new_forwarded_for_with_each_share_link_guess_is_still_limited(athlete_a, monkeypatch):
    from sharing import views as shares

    monkeypatch.setitem(shares.SHARE_RATES, "page", "3/min")
    client = Client()
    statuses = [
        client.get(f"/s/guess{n}/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [404, 404, 404, 429, 429]


def test_behind_the_proxy_each_client_has_its_own_budget(athlete_a, monkeypatch):
    """Everyone arrives from the proxy's address; each is counted as the proxy saw them."""
    session = make_session(athlete_a)
    link = share_link_create(by=athlete_a, session=session)
    from sharing import views as shares

    monkeypatch.setitem(shares.SHARE_RATES, "page", "2/min")
    url = reverse("shared_session", args=[link.token])
    with override_settings(NUM_PROXIES=1):
        one = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1")
        two = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.2")
        assert [one.get(url).status_code for _ in range(3)] == [200, 200, 429]
        assert two.get(url).status_code == 200


def test_the_login_lock_out_counts_the_same_address(athlete_a):
    from axes.helpers import get_client_ip_address

    request = _request("10.0.0.2", "1.2.3.4, 198.51.100.7")
    with override_settings(NUM_PROXIES=1):
        assert get_client_ip_address(request) == "198.51.100.7"
    with override_settings(NUM_PROXIES=0):
        assert get_client_ip_address(request) == "10.0.0.2"


def _views(patterns=None):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from _views(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            yield entry.callback


def test_every_throttle_of_every_api_view_counts_client_address():
    """One helper for every rule: no view may bring a throttle that reads the header itself."""
    checked = 0
    for callback in _views():
        view_class = getattr(callback, "cls", None)
        if view_class is None or not hasattr(view_class, "throttle_classes"):
            continue
        for throttle in view_class.throttle_classes:
            assert issubclass(throttle, ClientAddressMixin), (view_class, throttle)
            checked += 1
    assert checked > 30


# --- 3. one upload limit, every way a set arrives ------------------------------------------


@pytest.fixture
def two_an_hour(settings):
    settings.UPLOADS_PER_HOUR = 2


def _sets_uploaded(user, n: int, *, minutes_ago: float = 5) -> None:
    for _ in range(n):
        session = make_session(user, status="queued")
        when = timezone.now() - timedelta(minutes=minutes_ago)
        TrainingSession.objects.filter(pk=session.pk).update(created_at=when)


LIMIT_SENTENCE = "You have started 2 uploads in the last hour, the most an hour allows."


@pytest.mark.usefixtures("two_an_hour")
def test_the_api_page_and_resumable_upload_share_one_limit_per_person(
    athlete_a, athlete_b, tmp_path
):
    _sets_uploaded(athlete_a, 2, minutes_ago=10)
    clip = _clip(tmp_path / "set.mp4")
    api = APIClient()
    api.force_authenticate(athlete_a)
    with clip.open("rb") as video:
        answer = api.post("/api/sessions/", {"video": video})
    assert answer.status_code == 429, answer.content
    assert LIMIT_SENTENCE in answer.json()["detail"] and "50 min" in answer.json()["detail"]
    assert 2990 <= int(answer["Retry-After"]) <= 3000

    page = Client()
    page.force_login(athlete_a)
    with clip.open("rb") as video:
        answer = page.post(
            reverse("session_upload"),
            {
                "video": video,
                "performed_at": "2024-05-01",
                "exercise": "deadlift",
                "athlete": athlete_a.pk,
            },
        )
    assert answer.status_code == 429, answer.context["form"].errors
    assert LIMIT_SENTENCE in answer.content.decode()

    headers = {**TUS, "Upload-Length": "1000", "Upload-Metadata": "filename c2V0Lm1wNA=="}
    answer = page.post(reverse("resumable_start"), headers=headers)
    assert answer.status_code == 429 and LIMIT_SENTENCE in answer.json()["errors"]["__all__"][0]
    assert TrainingSession.objects.filter(athlete=athlete_a).count() == 2
    assert not ResumableUpload.objects.exists()

    other = APIClient()  # the limit is per person
    other.force_authenticate(athlete_b)
    with clip.open("rb") as video:
        assert other.post("/api/sessions/", {"video": video}).status_code == 201


@pytest.mark.usefixtures("two_an_hour")
def test_open_resumable_uploads_hold_their_place_and_finish(athlete_a, tmp_path):
    clip = _clip(tmp_path / "set.mp4").read_bytes()
    client = Client()
    client.force_login(athlete_a)
    headers = {**TUS, "Upload-Length": str(len(clip)), "Upload-Metadata": "filename c2V0Lm1wNA=="}
    first = client.post(reverse("resumable_start"), headers=headers)["Location"]
    _sets_uploaded(athlete_a, 1)
    # The open upload holds the second place: a whole upload is refused, the upload finishes.
    api = APIClient()
    api.force_authenticate(athlete_a)
    assert (
        api.post("/api/sessions/", {"video": (tmp_path / "set.mp4").open("rb")}).status_code == 429
    )
    patch = {**TUS, "Upload-Offset": "0"}
    done = client.generic(
        "PATCH", first, clip, content_type="application/offset+octet-stream", headers=patch
    )
    assert done.status_code == 204 and "Session-Location" in done


@pytest.mark.usefixtures("two_an_hour")
def test_an_upload_finished_over_the_limit_is_kept_and_finishes_later(athlete_a, tmp_path):
    clip = _clip(tmp_path / "set.mp4").read_bytes()
    client = Client()
    client.force_login(athlete_a)
    headers = {**TUS, "Upload-Length": str(len(clip)), "Upload-Metadata": "filename c2V0Lm1wNA=="}
    url = client.post(reverse("resumable_start"), headers=headers)["Location"]
    # Started two hours ago (its place has lapsed); two sets filled the last hour since.
    ResumableUpload.objects.update(created_at=timezone.now() - timedelta(hours=2))
    _sets_uploaded(athlete_a, 2)

    def patch(offset: int, body: bytes):
        # (the test client sets no type for an empty body: a browser does)
        return client.generic(
            "PATCH", url, body, content_type="application/offset+octet-stream",
            headers={**TUS, "Upload-Offset": str(offset)},
            CONTENT_TYPE="application/offset+octet-stream", CONTENT_LENGTH=str(len(body)),
        )  # fmt: skip

    refused = patch(0, clip)
    assert refused.status_code == 429 and LIMIT_SENTENCE in refused.json()["errors"]["__all__"][0]
    upload = ResumableUpload.objects.get()
    assert upload.offset == len(clip) and upload.session is None  # nothing lost
    assert patch(len(clip), b"").status_code == 429  # still full
    TrainingSession.objects.filter(athlete=athlete_a).update(
        created_at=timezone.now() - timedelta(hours=2)
    )
    finished = patch(len(clip), b"")
    assert finished.status_code == 204 and "Session-Location" in finished


# --- 4. a new password ends every token and every other session ----------------------------


def test_a_password_change_ends_tokens_and_other_browser_sessions(athlete_a):
    api = APIClient()
    old = api.post(
        "/api/auth/token/", {"username": "athlete_a", "password": PERSONA_PASSWORD}
    ).json()["token"]
    phone, desktop = Client(), Client()
    phone.force_login(athlete_a)
    desktop.force_login(athlete_a)
    assert phone.get(reverse("athlete_dashboard")).status_code == 200
    new_password = "Another-Deadlift-2027"
    changed = desktop.post(
        reverse("password_change"),
        {"old_password": PERSONA_PASSWORD, "new_password1": new_password,
         "new_password2": new_password},
    )  # fmt: skip
    assert changed.status_code == 302
    assert desktop.get(reverse("athlete_dashboard")).status_code == 200  # this one stays
    assert phone.get(reverse("athlete_dashboard")).status_code == 302  # to the login page
    assert api.get("/api/sessions/", HTTP_AUTHORIZATION=f"Token {old}").status_code == 401
    fresh = api.post("/api/auth/token/", {"username": "athlete_a", "password": new_password})
    assert fresh.status_code == 200 and fresh.json()["token"] != old


def test_a_password_reset_ends_tokens_and_sessions_too(athlete_a):
    token = Token.objects.create(user=athlete_a)
    elsewhere = Client()
    elsewhere.force_login(athlete_a)
    uid = urlsafe_base64_encode(force_bytes(athlete_a.pk))
    client = Client()
    start = client.get(
        reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(athlete_a)])
    )
    assert start.status_code == 302  # to the form's own URL, the token kept in the session
    new_password = "Reset-Deadlift-2027"
    done = client.post(
        start["Location"], {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.status_code == 302
    assert not Token.objects.filter(pk=token.pk).exists()
    assert elsewhere.get(reverse("athlete_dashboard")).status_code == 302


# --- 6. bounded numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "accepted"), [(1e300, False), (-1, False), (3.0, True), (3.5, False), (0, True)]
)
def test_a_comments_video_time_is_within_the_video(athlete_a, seconds, accepted):
    session = make_session(athlete_a)
    session.analysis.video_info = {"duration_s": 3.0, "width": 64, "height": 48}
    session.analysis.save(update_fields=["video_info"])
    api = APIClient()
    api.force_authenticate(athlete_a)
    answer = api.post(
        f"/api/sessions/{session.pk}/comments/",
        {"body": "here", "video_time_s": seconds},
        format="json",
    )
    assert answer.status_code == (201 if accepted else 400), answer.content
    if not accepted:
        assert "video_time_s" in answer.json()


@pytest.mark.parametrize(("field", "value"), [("load_kg", "5000"), ("performed_at", "2999-01-01")])
def test_a_sets_load_and_date_are_bounded_on_every_upload_path(athlete_a, tmp_path, field, value):
    clip = _clip(tmp_path / "set.mp4")
    api = APIClient()
    api.force_authenticate(athlete_a)
    with clip.open("rb") as video:
        answer = api.post("/api/sessions/", {"video": video, field: value})
    assert answer.status_code == 400 and field in answer.json()
    page = Client()
    page.force_login(athlete_a)
    meta = f"filename c2V0Lm1wNA==,{field} {base64.b64encode(value.encode()).decode()}"
    answer = page.post(
        reverse("resumable_start"),
        headers={**TUS, "Upload-Length": "1000", "Upload-Metadata": meta},
    )
    assert answer.status_code == 400 and field in answer.json()["errors"]
    assert not TrainingSession.objects.exists()


# --- 7. JSON under /api/ in every mode ------------------------------------------------------


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize(
    "path", ["/api/detectors/-3.6e-254/", "/api/sessions/abc/reps/", "/api/no-such-thing"]
)
def test_a_path_under_api_that_matches_no_route_answers_json(athlete_a, settings, debug, path):
    settings.DEBUG = debug
    api = APIClient()
    api.force_authenticate(athlete_a)
    answer = api.get(path)
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/json"
    assert answer.json() == {"detail": "Not found."}


def test_pages_outside_the_api_keep_their_html_404(athlete_a):
    client = Client()
    client.force_login(athlete_a)
    answer = client.get("/no-such-page/")
    assert answer.status_code == 404 and answer["Content-Type"].startswith("text/html")
