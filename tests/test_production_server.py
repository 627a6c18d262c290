"""The production way to run the web process, for real: gunicorn with gunicorn.conf.py and
DEBUG off, on a migrated database, static files collected and served by whitenoise (no
DEBUG, no other file server), the security headers on, and a login that works."""

import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.conftest import free_port, start_server

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def production(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coach_platform.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "SECRET_KEY": "production-test-key-" + "x" * 40,
        "SECURE_COOKIES": "0",  # plain http on the loopback; HTTPS is the proxy's
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "DEMO_PASSWORD": "Production-test-pass-9",
    }
    env.pop("DEBUG", None)
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["seed_demo"]):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, capture_output=True)
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py")]
    server = start_server(command, f"{base}/accounts/login/", tmp_path / "gunicorn.log", env=env)
    yield base, env
    server.terminate()
    server.wait(timeout=30)


def test_gunicorn_serves_pages_static_files_and_a_login_with_debug_off(production):
    base, env = production
    login = urllib.request.urlopen(f"{base}/accounts/login/")
    assert login.status == 200
    assert "default-src 'self'" in login.headers["Content-Security-Policy"]
    assert login.headers["X-Content-Type-Options"] == "nosniff"
    html = login.read().decode()
    css = re.search(r'href="(/static/css/app\.css[^"]*)"', html).group(1)

    # Static files from the web process itself (whitenoise), with DEBUG off.
    style = urllib.request.urlopen(base + css)
    assert style.status == 200 and style.headers["Content-Type"].startswith("text/css")
    assert b".topbar" in style.read()
    script = urllib.request.urlopen(f"{base}/static/js/overlay.js")
    assert script.headers["Content-Type"].startswith("text/javascript")

    # A missing page is Django's plain 404, not a debug page.
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{base}/no-such-page/")
    assert missing.value.code == 404 and b"Traceback" not in missing.value.read()

    # Logging in works through gunicorn (CSRF cookie, session, redirect).
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"username": "athlete1", "password": env["DEMO_PASSWORD"]}
    answer = opener.open(
        f"{base}/accounts/login/",
        data=urlencode({**form, "csrfmiddlewaretoken": token}).encode(),
    )
    assert answer.status == 200 and answer.url.endswith("/me/")
    assert "My sessions" in answer.read().decode()
