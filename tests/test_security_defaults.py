"""Safe defaults: settings a deployment gets without asking, login lock-out on every login
path, API throttling, expiring tokens, bounded and paginated lists."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reviews.models import COMMENT_MAX_LENGTH
from tests.conftest import PERSONA_PASSWORD, make_session

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = PERSONA_PASSWORD


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    # what the test run set for itself (tests/settings.py, the Makefile) is not a deployment
    unset = {"DEBUG", "SECRET_KEY", "SECURE_COOKIES", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "coach_platform.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_is_off_unless_asked_for_and_check_deploy_is_clean_but_for_https():
    """`check --deploy` with only a secret key set: nothing but the two settings that depend
    on the deployment's own HTTPS (HSTS, the HTTPS redirect)."""
    result = _manage(
        "check", "--deploy", "--fail-level", "ERROR",
        env={"SECRET_KEY": "x" * 60 + "-deploy-check-only"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    found = sorted(set(__import__("re").findall(r"security\.W\d+", result.stdout + result.stderr)))
    assert found == ["security.W004", "security.W008"], result.stdout + result.stderr
    debug = _manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)",
                    env={"SECRET_KEY": "y" * 60})  # fmt: skip
    assert debug.stdout.strip().splitlines()[-1] == "False", debug.stderr


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True):
        yield


@pytest.mark.usefixtures("axes_on")
def test_the_login_page_locks_out_after_repeated_failures_even_with_the_right_password(
    athlete_a,
):
    client = Client()
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "athlete_a", "password": "wrong-guess"})
    locked = client.post(url, {"username": "athlete_a", "password": PASSWORD})
    assert locked.status_code == 429 and "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.usefixtures("axes_on")
def test_the_api_token_endpoint_locks_out_too(athlete_a):
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/auth/token/", {"username": "athlete_a", "password": "wrong"})
    locked = client.post("/api/auth/token/", {"username": "athlete_a", "password": PASSWORD})
    assert locked.status_code == 429 and "token" not in locked.json()


@pytest.mark.usefixtures("axes_on")
def test_the_admin_login_locks_out_too(admin_user):
    client = Client()
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "boss", "password": "wrong"})
    locked = client.post(url, {"username": "boss", "password": PERSONA_PASSWORD})
    assert locked.status_code == 429


@pytest.mark.usefixtures("axes_on")
def test_a_right_password_before_the_limit_logs_in(athlete_a):
    client = Client()
    client.post(reverse("login"), {"username": "athlete_a", "password": "wrong"})
    ok = client.post(reverse("login"), {"username": "athlete_a", "password": PASSWORD})
    assert ok.status_code == 302 and "_auth_user_id" in client.session


def test_rapid_api_calls_are_throttled(athlete_a, monkeypatch):
    from coach_platform.throttles import BurstRateThrottle

    monkeypatch.setattr(BurstRateThrottle, "THROTTLE_RATES", {"burst": "20/min"})
    client = APIClient()
    client.force_authenticate(athlete_a)
    codes = [client.get("/api/sessions/").status_code for _ in range(30)]
    assert codes[:20] == [200] * 20 and codes[-1] == 429


def test_an_expired_token_is_refused_and_the_token_endpoint_replaces_it(athlete_a):
    client = APIClient()
    key = client.post("/api/auth/token/", {"username": "athlete_a", "password": PASSWORD}).json()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key['token']}")
    assert client.get("/api/sessions/").status_code == 200
    Token.objects.filter(key=key["token"]).update(
        created=timezone.now() - settings.API_TOKEN_TTL - timedelta(minutes=1)
    )
    expired = client.get("/api/sessions/")
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]
    fresh = (
        APIClient().post("/api/auth/token/", {"username": "athlete_a", "password": PASSWORD}).json()
    )
    assert fresh["token"] != key["token"]


def test_a_huge_comment_is_refused_on_page_and_api(session_a, athlete_a):
    body = "x" * (COMMENT_MAX_LENGTH + 1)
    client = Client()
    client.force_login(athlete_a)
    client.post(reverse("comment_add", args=[session_a.pk]), {"body": body})
    api = APIClient()
    api.force_authenticate(athlete_a)
    response = api.post(f"/api/sessions/{session_a.pk}/comments/", {"body": body}, format="json")
    assert response.status_code == 400 and "body" in response.json()
    assert not session_a.comments.exists()


def test_api_lists_are_paginated(athlete_a, settings):
    for _ in range(3):
        make_session(athlete_a, reps=1)
    api = APIClient()
    api.force_authenticate(athlete_a)
    from rest_framework.pagination import PageNumberPagination

    original = PageNumberPagination.page_size
    PageNumberPagination.page_size = 2
    try:
        first = api.get("/api/sessions/").json()
    finally:
        PageNumberPagination.page_size = original
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]


def test_dashboards_are_paginated(athlete_a):
    for _ in range(27):
        make_session(athlete_a, reps=1, verdicts=())
    client = Client()
    client.force_login(athlete_a)
    first = client.get(reverse("athlete_dashboard")).content.decode()
    second = client.get(reverse("athlete_dashboard") + "?page=2").content.decode()
    assert first.count("data-session-id=") == 25 and second.count("data-session-id=") == 2
    assert "Page 1 of 2" in first


def test_the_admin_lives_at_the_configured_path():
    code = (
        "from django.urls import resolve, reverse, Resolver404\n"
        "print(reverse('admin:index'))\n"
        "try:\n    resolve('/admin/'); print('default path still answers')\n"
        "except Resolver404:\n    print('default path gone')"
    )
    result = _manage("shell", "-c", code, env={"SECRET_KEY": "z" * 60, "ADMIN_PATH": "staff-x"})
    assert result.stdout.strip().splitlines()[-2:] == ["/staff-x/", "default path gone"], (
        result.stdout + result.stderr
    )


def test_a_huge_session_note_is_refused_before_the_video_is_looked_at(athlete_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sets.models import NOTES_MAX_LENGTH, TrainingSession

    api = APIClient()
    api.force_authenticate(athlete_a)
    video = SimpleUploadedFile("set.mp4", b"\x00" * 1024, content_type="video/mp4")
    notes = "n" * (NOTES_MAX_LENGTH + 1)
    response = api.post("/api/sessions/", {"video": video, "notes": notes})
    assert response.status_code == 400 and "notes" in response.json()
    assert not TrainingSession.objects.exists()


@pytest.mark.usefixtures("axes_on")
def test_password_guesses_on_account_deletion_count_towards_the_lock_out(athlete_a):
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(athlete_a)
    url = reverse("account_delete")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"password": "guess", "confirm": "yes"})
    last = client.post(url, {"password": PASSWORD, "confirm": "yes"})
    assert last.status_code == 429
    assert get_user_model().objects.filter(pk=athlete_a.pk).exists()


def test_an_id_in_a_url_does_not_reveal_whose_account_it_is(athlete_a, admin_user):
    """Leaving a coach, dropping an athlete or uploading for someone by id: an account that
    is not linked to you answers the same as no account at all."""
    client = Client()
    client.force_login(athlete_a)
    assert client.post(reverse("coach_leave", args=[admin_user.pk])).status_code == 404
    assert client.post(reverse("coach_leave", args=[999999])).status_code == 404
    api = APIClient()
    api.force_authenticate(athlete_a)
    from django.core.files.uploadedfile import SimpleUploadedFile

    answers = set()
    for target in (admin_user.pk, 999999):
        video = SimpleUploadedFile("set.mp4", b"\x00" * 1024, content_type="video/mp4")
        response = api.post("/api/sessions/", {"video": video, "athlete": target})
        answers.add((response.status_code, response.content))
    assert len(answers) == 1 and next(iter(answers))[0] == 403
