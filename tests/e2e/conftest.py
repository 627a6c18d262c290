"""Browser-test fixtures shared by the e2e tests: Debian's Chromium driven by Playwright,
and a real django-q2 `qcluster` worker in a subprocess sharing the test database (a file,
see tests/conftest.py) and media folder, so nothing runs inline."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM = "/usr/bin/chromium"
CLIP = ("videos", "kantesh813+AI_GYM_Trainer", "deadlift.mp4")  # 15 s, 455 frames, 3 reps
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs /usr/bin/chromium")


@pytest.fixture
def qcluster(transactional_db, monkeypatch, request):
    """A real django-q2 cluster on the test database; the web side enqueues instead of
    running tasks inline. Its log: test-artifacts/e2e/worker-<test module>.log."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    db_name = connection.settings_dict["NAME"]
    assert Path(db_name).is_file(), "the browser test needs a file-backed test database"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coach_platform.settings",
        "DATABASE_URL": f"sqlite:///{db_name}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DETECTOR_ROOT": str(settings.DETECTOR_ROOT or ""),  # versions land where tests look
        "SECRET_KEY": settings.SECRET_KEY,  # task packages are signed with it
        "Q_SYNC": "false",
        "Q_WORKERS": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "DEBUG": "true",
    }
    module = request.module.__name__.rsplit(".", 1)[-1]
    log = (ARTIFACTS / f"worker-{module}.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "run_platform.py"), "--worker"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield worker
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    log.close()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def login(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def logout(page) -> None:
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/")
