"""Shared fixtures: where the real data lives, and a skip when a fresh clone has none."""

import contextlib
import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data, or a skip with the reason when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs the real data at {path} (../shared/data beside the project)")
    return path


# --- platform personas and data ----------------------------------------------------------
# A file-backed test database (not SQLite's in-memory default), so that a real `qcluster`
# subprocess in the browser tests can share it with the live server.
TEST_DB_DIR = Path(os.environ.get("TEST_DB_DIR", "/tmp")) / f"coach-test-db-{os.getpid()}"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        TEST_DB_DIR.mkdir(parents=True, exist_ok=True)
        db.setdefault("TEST", {})["NAME"] = str(TEST_DB_DIR / "test.sqlite3")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counts live in the cache; one test's requests must not limit the next."""
    from django.core.cache import cache

    cache.clear()
    yield


PERSONA_PASSWORD = "Deadlift-Persona-2026"  # every persona's; passes the password validators


def _user(username: str, role: str):
    from athletes.services import user_create

    user, _ = user_create(username=username, role=role, password=PERSONA_PASSWORD)
    return user


@pytest.fixture
def athlete_a(db):
    return _user("athlete_a", "athlete")


@pytest.fixture
def athlete_b(db):
    return _user("athlete_b", "athlete")


@pytest.fixture
def coach_a(db, athlete_a):
    """athlete A's coach."""
    from athletes.models import CoachAssignment

    coach = _user("coach_a", "coach")
    CoachAssignment.objects.create(coach=coach, athlete=athlete_a)
    return coach


@pytest.fixture
def coach_other(db, athlete_b):
    """A coach with another roster (athlete B), not athlete A."""
    from athletes.models import CoachAssignment

    coach = _user("coach_other", "coach")
    CoachAssignment.objects.create(coach=coach, athlete=athlete_b)
    return coach


@pytest.fixture
def admin_user(db):
    return _user("boss", "admin")


def make_session(athlete, *, reps: int = 2, status: str = "done", verdicts=("good", "anomalous")):
    """A session with its analysis, reps and small files written directly: test data for
    permission and rendering tests that do not need the pipeline to run."""
    import json
    import uuid

    import numpy as np
    from django.core.files.base import ContentFile

    from analysis.models import Analysis, Rep, RepVerdict
    from coach_platform.storage import media_publish, media_root
    from detectors.models import DetectorVersion
    from sets.models import TrainingSession

    session = TrainingSession(athlete=athlete, uploaded_by=athlete, folder=uuid.uuid4().hex)
    session.video.save("original.mp4", ContentFile(b"\x00" * 4096), save=False)
    session.save()
    folder = media_root() / "sessions" / session.folder / "analysis"  # stored at the end
    (folder / "reps").mkdir(parents=True, exist_ok=True)
    (folder / "result.mp4").write_bytes(bytes(range(256)) * 40)
    frames = [{"t": i / 30, "stage": "down", "prob": 0.9, "bar_y": 0.3} for i in range(90)]
    (folder / "report.json").write_text(json.dumps({"frames": frames, "rep_count": reps}))
    landmarks = np.full((90, 33, 2), 0.5, np.float32)  # what the page draws over the video
    landmarks[:5] = np.nan  # no pose in the first frames
    np.save(folder / "overlay_landmarks.npy", landmarks)
    rel = f"sessions/{session.folder}/analysis"
    analysis = Analysis.objects.create(
        session=session,
        status=status,
        progress=100 if status == "done" else 0,
        rep_count=reps if status == "done" else 0,
        output_dir=rel if status == "done" else "",
        result_video=f"{rel}/result.mp4" if status == "done" else "",
        export="ready" if status == "done" else "",
        report_file=f"{rel}/report.json" if status == "done" else "",
        video_info={"fps": 30, "duration_s": 3.0},
    )
    version = None
    if verdicts:
        version, _ = DetectorVersion.objects.get_or_create(
            name="test-v1", defaults={"model_dir": "/nonexistent", "is_active": False}
        )
    for i in range(1, reps + 1 if status == "done" else 1):
        (folder / "reps" / f"rep{i}.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
        verdict = verdicts[(i - 1) % len(verdicts)] if verdicts else None
        rep = Rep.objects.create(
            analysis=analysis,
            index=i,
            start_frame=30 * i,
            lockout_frame=30 * i + 10,
            end_frame=30 * i + 25,
            start_s=float(i),
            lockout_s=i + 0.33,
            end_s=i + 0.83,
            kinematics={"duration_s": 0.83, "concentric_s": 0.33, "eccentric_s": 0.5},
            image=f"{rel}/reps/rep{i}.png",
            verdict=verdict,
            score=0.3 if verdict == "good" else (0.8 if verdict else None),
            threshold=0.5 if verdict else None,
            joints=["lower back"] if verdict == "anomalous" else [],
            detector_version=version if verdict else None,
        )
        if verdict:
            RepVerdict.objects.create(
                rep=rep,
                detector_version=version,
                verdict=verdict,
                score=rep.score,
                threshold=0.5,
                joints=rep.joints,
            )
    media_publish(folder)
    return session


@pytest.fixture
def session_a(athlete_a):
    return make_session(athlete_a)


@pytest.fixture
def session_b(athlete_b):
    return make_session(athlete_b)


# --- a real django-q2 worker -----------------------------------------------------------
ROOT = Path(__file__).resolve().parent.parent


def _test_database_url(db: dict) -> str:
    """Where a worker process finds the test database: the SQLite file (tests/conftest.py
    makes it file-backed), or the PostgreSQL test database the run created."""
    if db["ENGINE"] == "django.db.backends.sqlite3":
        assert Path(db["NAME"]).is_file(), "a real worker needs a file-backed test database"
        return f"sqlite:///{db['NAME']}"
    from urllib.parse import quote

    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    host = f"{auth}@" if auth else ""
    return f"postgres://{host}{db['HOST'] or ''}:{db['PORT'] or 5432}/{db['NAME']}"


# --- poses computed once per run for the same bytes (tests/pose_cache.py) -------------------
@pytest.fixture(scope="session")
def pose_cache_dir(tmp_path_factory) -> Path:
    """This run's pose passes by video content (a pytest temporary folder: every run, a clean
    clone's too, poses each file once for real)."""
    return tmp_path_factory.mktemp("pose-cache")


def _clips_the_session_analyses(items) -> list[str]:
    """The shared clips (paths under videos/) the selected tests analyse through the
    pipeline's session cache (tests/pipeline/conftest.py: analysed_in), as their parameters
    name them, in the order the tests run."""
    clips: list[str] = []
    for item in items:
        if "analysed_in" not in getattr(item, "fixturenames", ()):
            continue
        for value in getattr(getattr(item, "callspec", None), "params", {}).values():
            path = value.get("path") if isinstance(value, dict) else value
            named = isinstance(path, str) and path.endswith(".mp4") and "/" in path
            if named and path not in clips and SHARED_DATA.joinpath("videos", path).is_file():
                clips.append(path)
    return clips


@pytest.fixture(scope="session", autouse=True)
def _pose_warmer(request, pose_cache_dir):
    """Pose the shared clips the pipeline's tests will analyse ahead, in a background process
    at the lowest CPU priority (tests/pose_cache.py: warm), into this run's pose cache: on the
    core the rest of the run leaves idle, from the last clip backwards, never waited for.
    TEST_POSE_WARM=0 turns it off."""
    import signal
    import subprocess
    import sys

    clips = _clips_the_session_analyses(request.session.items)
    if not clips or os.environ.get("TEST_POSE_WARM", "1") == "0":
        yield
        return
    videos = [str(SHARED_DATA.joinpath("videos", path)) for path in reversed(clips)]
    command = [sys.executable, "-m", "tests.pose_cache", "--warm", str(pose_cache_dir), *videos]
    with (pose_cache_dir / "warm.log").open("w") as log:
        warmer = subprocess.Popen(
            command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        yield
        with contextlib.suppress(ProcessLookupError):  # it and the pose helpers it started
            os.killpg(warmer.pid, signal.SIGKILL)
        warmer.wait()


@pytest.fixture
def pose_cache(pose_cache_dir, monkeypatch) -> Path:
    """analyze_video reads the poses of bytes this run posed before (tests/pose_cache.py), in
    this process and in the workers `qcluster_start` starts for the test. For tests of what
    comes after the pose pass; tests of the pose pass itself leave it out."""
    from tests import pose_cache

    module = __import__(pose_cache.TARGET[0], fromlist=["_"])
    real = getattr(module, pose_cache.TARGET[1])
    monkeypatch.setattr(module, pose_cache.TARGET[1], pose_cache.caching(real, pose_cache_dir))
    monkeypatch.setenv(pose_cache.ENV, str(pose_cache_dir))
    return pose_cache_dir


@pytest.fixture(scope="session")
def derived_clip(tmp_path_factory):
    """`derived_clip(name)`: footage made from the shared clips by a recipe of
    tests/pipeline/footage.py (DERIVED), written once per run, so every test that uses it
    has the same bytes (and, with `pose_cache`, poses them once)."""
    made: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in made:
            from tests.pipeline.footage import DERIVED, write_clip

            pieces, options = DERIVED[name]
            dst = tmp_path_factory.mktemp("derived") / f"{name}.mp4"
            sources = [(shared_path("videos", *p.split("/")), a, b) for p, a, b in pieces]
            assert write_clip(dst, sources, **options) > 0
            made[name] = dst
        return made[name]

    return get


@pytest.fixture
def qcluster_start(transactional_db, monkeypatch, request):
    """Start real django-q2 clusters (`run_platform.py --worker`, as `make run` does) on the
    file-backed test database and media folder; the test's own side enqueues instead of
    running tasks inline. `qcluster_start(**env)` returns the Popen; each cluster is its own
    process group (`os.killpg` kills it whole, as a crash would) and is stopped after the
    test. Logs: test-artifacts/<test folder>/worker-<test module>[-n].log."""
    import contextlib
    import signal
    import subprocess
    import sys

    from django.conf import settings
    from django.db import connection
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)
    database_url = _test_database_url(connection.settings_dict)
    from django_q.brokers import get_broker

    get_broker().purge_queue()  # tasks an earlier test left in a shared (Redis) queue
    parts = request.module.__name__.split(".")
    artifacts = ROOT / "test-artifacts" / (parts[1] if len(parts) > 2 else "tests")
    artifacts.mkdir(parents=True, exist_ok=True)
    started: list[tuple[subprocess.Popen, object]] = []

    def start(**extra_env: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "coach_platform.settings",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            # Object storage: each worker is another machine with its own local mirror.
            "MEDIA_CACHE_ROOT": str(Path(settings.MEDIA_CACHE_ROOT) / f"worker-{len(started) + 1}"),
            "SECRET_KEY": settings.SECRET_KEY,  # task packages are signed with it
            "Q_SYNC": "false",
            "Q_WORKERS": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "DEBUG": "true",
            **extra_env,
        }
        suffix = f"-{len(started) + 1}" if started else ""
        log = (artifacts / f"worker-{parts[-1]}{suffix}.log").open("w")
        # With the `pose_cache` fixture: the same worker, its pose pass reading this run's
        # poses of the same bytes (tests/pose_cache.py).
        launcher = (
            ["-m", "tests.pose_cache"]
            if env.get("TEST_POSE_CACHE")
            else [str(ROOT / "scripts" / "run_platform.py")]
        )
        worker = subprocess.Popen(
            [sys.executable, *launcher, "--worker"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append((worker, log))
        return worker

    yield start
    for worker, log in started:
        if worker.poll() is None:
            worker.terminate()  # qcluster stops its workers, then itself
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):  # whatever is left of its group
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        log.close()


def wait_for(what: str, condition, timeout: float, workers=()):
    """`condition()`'s first true value, polled until `timeout` seconds; fails at once when
    one of the `workers` (Popen) exited."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        for worker in workers:
            assert worker.poll() is None, f"a worker exited ({worker.returncode}): see its log"
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture
def qcluster(qcluster_start):
    """One real django-q2 cluster on the test database (see `qcluster_start`)."""
    return qcluster_start()


# --- servers started for a test ---------------------------------------------------------------
def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(command: list[str], url: str, log: Path, *, env=None, timeout: float = 60):
    """Start a server process (output to `log`) and return it once `url` answers at all;
    fails with the log when it exits or does not answer within `timeout` seconds."""
    import subprocess
    import time
    import urllib.error
    import urllib.request

    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return server
        except urllib.error.HTTPError:
            return server  # it answered
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                tail = log.read_text()[-2000:]
                raise AssertionError(f"{command[2:4]} did not answer: {tail}") from None
            time.sleep(0.2)


# --- an S3-compatible server ----------------------------------------------------------------
@pytest.fixture(scope="session", autouse=True)
def _media_bucket() -> None:
    """MEDIA_STORAGE=s3 for the whole run (CI's scale run): its bucket exists."""
    import contextlib

    from django.conf import settings

    if settings.MEDIA_STORAGE != "s3":
        return
    import boto3

    s3 = boto3.client("s3", endpoint_url=os.environ.get("AWS_S3_ENDPOINT_URL") or None)
    bucket = settings.STORAGES["default"]["OPTIONS"]["bucket_name"]
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(Bucket=bucket)


class Served:
    """A stored file as the browser got it: this server's answer, or, when the file is in a
    bucket, the bucket's answer to the pre-signed URL the server redirected to (asked with
    the same Range). `headers` are case-insensitive."""

    def __init__(self, status_code: int, headers, body: bytes, redirect=None):
        self.status_code, self.headers, self.body = status_code, headers, body
        self.redirect = redirect  # the server's redirect into the bucket, if there was one

    def __getitem__(self, name: str) -> str:
        return self.headers[name]


def served(client, url: str, **headers: str) -> Served:
    """GET a media URL with the Django test client `client` (headers like Range=...), and
    follow a redirect into the bucket the way a browser would."""
    import urllib.error
    import urllib.request

    response = client.get(url, headers=headers)
    location = response.get("Location", "") if response.status_code == 302 else ""
    if not location.startswith("http"):
        body = (
            b"".join(response.streaming_content)
            if getattr(response, "streaming", False)
            else response.content
        )
        return Served(response.status_code, response.headers, body)
    request = urllib.request.Request(location, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return Served(answer.status, answer.headers, answer.read(), redirect=response)
    except urllib.error.HTTPError as error:
        return Served(error.code, error.headers, error.read(), redirect=response)


def server_answer(answer: Served):
    """Where the headers this server sets itself are (X-Content-Type-Options: nosniff,
    Cache-Control private): its redirect into the bucket, which cannot send them, or the
    file system's answer itself."""
    return answer.redirect if answer.redirect is not None else answer


def stored_files(prefix: str) -> list[str]:
    """The keys of every file stored under the folder `prefix`: what the store holds (the
    bucket, or MEDIA_ROOT on the file system), not what a local mirror happens to keep."""
    from coach_platform.storage import media_is_local, media_key, media_root, media_storage

    if media_is_local():
        folder = media_root() / prefix
        return sorted(media_key(p) for p in folder.rglob("*") if p.is_file())
    listed = media_storage().bucket.objects.filter(Prefix=prefix.rstrip("/") + "/")
    return sorted(o.key for o in listed)


S3_ENV = {"AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret"}


@pytest.fixture(scope="session")
def s3_endpoint() -> str:
    """A real S3-compatible server on the loopback: the one the environment names (CI's
    scale run starts one), else moto's server (a PyPI package) started here for the session."""
    import sys

    if os.environ.get("AWS_S3_ENDPOINT_URL"):
        yield os.environ["AWS_S3_ENDPOINT_URL"]
        return
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    server = start_server(command, url, ROOT / "test-artifacts" / "s3-server.log", timeout=30)
    yield url
    server.terminate()
    server.wait(timeout=10)


class S3Media:
    """The bucket a test's media live in, and how a worker process reaches it."""

    def __init__(self, endpoint: str, bucket: str):
        import boto3

        self.endpoint, self.bucket = endpoint, bucket
        self.client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")

    def keys(self, prefix: str = "") -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        )
        return sorted(o["Key"] for page in pages for o in page.get("Contents", []))

    def worker_env(self) -> dict[str, str]:
        return {
            "MEDIA_STORAGE": "s3",
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_S3_REGION_NAME": "us-east-1",
            **S3_ENV,
        }


@pytest.fixture
def s3_media(s3_endpoint, settings, monkeypatch, tmp_path) -> S3Media:
    """Media in a fresh bucket of the S3 server for this test (the storage the settings name
    for MEDIA_STORAGE=s3), with this process's local mirror in a fresh folder."""
    import uuid

    for name, value in S3_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    media = S3Media(s3_endpoint, f"coach-test-{uuid.uuid4().hex[:12]}")
    media.client.create_bucket(Bucket=media.bucket)
    from coach_platform.settings import s3_media_storage

    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_media_storage(media.bucket, s3_endpoint, "us-east-1"),
    }
    settings.MEDIA_STORAGE = "s3"
    settings.MEDIA_CACHE_ROOT = tmp_path / "mirror-web"
    # Pages may load videos and images from the bucket's origin, as settings.py allows it.
    policy = {**settings.CONTENT_SECURITY_POLICY}
    policy["DIRECTIVES"] = {**policy["DIRECTIVES"]}
    for directive in ("img-src", "media-src"):
        policy["DIRECTIVES"][directive] = [*policy["DIRECTIVES"][directive], s3_endpoint]
    settings.CONTENT_SECURITY_POLICY = policy
    return media
