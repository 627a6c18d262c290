"""Benchmark media on object storage: what the storage layer (coach_platform/storage.py) adds
to a job and a page when the media are in an S3-compatible bucket instead of on the disk.
Starts moto's S3 server on the loopback (or uses AWS_S3_ENDPOINT_URL with its keys) and
prints, for an analysis-sized folder (a 15 s upload, a report, 24 rep files) and a 100 MB
upload: storing it (media_publish), fetching it on a machine that never saw it
(media_path), the check of a current local copy, and a page's stat of a video.

Run: `.venv/bin/python scripts/bench_storage.py` (no ../shared/data needed).
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _timed(fn, repeat: int = 1) -> float:
    """Median wall time of `fn()` in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    from tests.conftest import free_port, start_server

    endpoint = os.environ.get("AWS_S3_ENDPOINT_URL")
    server = None
    work = Path(tempfile.mkdtemp(prefix="bench-storage-"))
    if not endpoint:
        port = free_port()
        endpoint = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
        server = start_server(command, endpoint, work / "s3.log", timeout=30)
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    bucket = f"bench-{uuid.uuid4().hex[:8]}"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="coach_platform.settings",
        MEDIA_STORAGE="s3",
        AWS_S3_ENDPOINT_URL=endpoint,
        AWS_STORAGE_BUCKET_NAME=bucket,
        AWS_DEFAULT_REGION="us-east-1",
        MEDIA_CACHE_ROOT=str(work / "machine-a"),
        SECRET_KEY="bench-only",
    )
    import django

    django.setup()
    import boto3
    from django.conf import settings

    from coach_platform.storage import media_path, media_publish, media_root, media_stat

    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=bucket)
    try:
        folder = media_root() / "sessions" / "bench" / "analysis-1-abcdef"
        (folder / "reps").mkdir(parents=True)
        (folder / "upload.mp4").write_bytes(os.urandom(880_000))  # the 15 s clip's size
        (folder / "report.json").write_bytes(os.urandom(200_000))
        for i in range(24):
            (folder / "reps" / f"rep{i}.png").write_bytes(os.urandom(4_000))
        big = media_root() / "sessions" / "bench" / "upload" / "original.mp4"
        big.parent.mkdir(parents=True)
        big.write_bytes(os.urandom(100 * 1024 * 1024))

        rows = [
            ("store an analysis folder (26 files, 1.2 MB)", _timed(lambda: media_publish(folder))),
            ("store a 100 MB upload", _timed(lambda: media_publish(big))),
        ]
        settings.MEDIA_CACHE_ROOT = work / "machine-b"  # a machine that never saw them
        key = "sessions/bench/analysis-1-abcdef/report.json"
        rows += [
            ("fetch the report on another machine", _timed(lambda: media_path(key))),
            ("check a current local copy (HEAD)", _timed(lambda: media_path(key), 20)),
            ("stat a video for a page's URL (HEAD)", _timed(lambda: media_stat(key), 20)),
            (
                "fetch the 100 MB upload on another machine",
                _timed(lambda: media_path("sessions/bench/upload/original.mp4")),
            ),
        ]
        print(f"media on an S3-compatible server at {endpoint} (moto unless given)")
        for what, ms in rows:
            print(f"  {what:<46} {ms:8.1f} ms")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if server is not None:
            server.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
