#!/usr/bin/env python
"""Start the platform: the web server and the django-q2 worker together; Ctrl-C stops both.

`make run` calls this after `manage.py migrate` and `manage.py seed_demo` (Django's
development server); `make serve` with `--production` (gunicorn, DEBUG off, static files
collected, no demo accounts). The worker runs
through `--worker`: it imports MediaPipe and TensorFlow once in the cluster's parent before
its workers fork, which saves seconds per analysis (recipes.md).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")
# What TensorFlow's native libraries print on import on a machine without a GPU (their CUDA
# plugins registering twice, before absl's logging starts, so no log level reaches them):
# harmless, and alarming to a newcomer. Every other line of the worker is passed on.
NOISE = (
    "Unable to register cu",
    "computation placer already registered",
    "All log messages before absl::InitializeLog",
    "oneDNN custom operations are on",
    "This TensorFlow binary is optimized",
    "To enable the following instructions",
    "AXES: BEGIN",
    # Django's development server's own warning: `make run` is the local way by design.
    "WARNING: This is a development server",
    "For more information on production servers see",
)


def forward(stream, out) -> None:
    """Copy a child's output to ours, without the known noise (NOISE)."""
    for line in iter(stream.readline, ""):
        if not any(marker in line for marker in NOISE):
            out.write(line)
            out.flush()


def worker() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coach_platform.settings")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    try:  # warm imports only; no TensorFlow op runs before the fork
        import mediapipe  # noqa: F401

        import core.pipeline.run  # noqa: F401
    except Exception as error:  # the worker still runs, just slower per task
        print(f"worker: could not pre-import the pipeline ({error})", file=sys.stderr)
    from django.core.management import call_command

    call_command("qcluster")


def reap_before_start(production: bool) -> None:
    """Jobs left `running` by the last stop: the reaper (the same service the every-minute
    schedule runs) queues them again (or fails them, retryable, when they were interrupted
    before), and enqueues again the tasks that queued analyses lost with the last cluster.
    On one machine (`make run`) no worker runs yet, so every running job lost its worker;
    `--production` may share the database with other machines' live workers, so only jobs
    without a heartbeat for JOB_STALE_SECONDS count as lost."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coach_platform.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from coach_platform.jobs import jobs_reap

    counts = jobs_reap(stale_seconds=None if production else 0)
    if counts["analyses_restarted"]:
        count = counts["analyses_restarted"]
        print(f"{count} analysis job(s) interrupted by the last stop queued again.")
    if counts["analyses_failed"]:
        count = counts["analyses_failed"]
        print(f"{count} analysis job(s) interrupted twice in a row marked failed (retryable).")
    if counts["training_runs_failed"]:
        print("A training run interrupted by the last stop was marked failed.")
    if counts["analyses_requeued"]:
        print(f"{counts['analyses_requeued']} queued analysis job(s) enqueued again.")


def web_ready(web: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until the web server accepts connections (or exits, or `timeout` passes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and web.poll() is None:
        try:
            with socket.create_connection((HOST, int(PORT)), timeout=1):
                return
        except OSError:
            time.sleep(0.3)


def banner(production: bool) -> str:
    lines = [
        "",
        f"  Barbell coach is running at http://{HOST}:{PORT}/",
        f"  API docs: http://{HOST}:{PORT}/api/docs/",
    ]
    if not production:
        password = os.environ.get("DEMO_PASSWORD")
        file = ROOT / "var" / "demo-password"
        if not password and file.exists():
            password = file.read_text().strip()
        lines += [
            "  Demo accounts: admin, coach, athlete1, athlete2",
            f"  Password: {password or '(see seed_demo output above)'}",
        ]
    lines += ["  Ctrl-C stops the web server and the worker.", ""]
    return "\n".join(lines)


def main() -> int:
    if "--worker" in sys.argv:
        worker()
        return 0
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    # The worker's routine lines (a task picked up, the reaper's schedule each minute) only
    # when asked for: Q_LOG_LEVEL=INFO; warnings and errors always show.
    env.setdefault("Q_LOG_LEVEL", "WARNING")
    python = sys.executable
    # `--production` (make serve): gunicorn with gunicorn.conf.py, static files by whitenoise.
    production = "--production" in sys.argv
    reap_before_start(production)
    if production:
        command = [python, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py")]
    else:
        command = [python, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"]
    children = []
    for cmd in (command, [python, str(Path(__file__).resolve()), "--worker"]):
        child = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, errors="replace",
        )  # fmt: skip
        for stream, out in ((child.stdout, sys.stdout), (child.stderr, sys.stderr)):
            threading.Thread(target=forward, args=(stream, out), daemon=True).start()
        children.append(child)
    web_ready(children[0])  # the banner last, when the address answers: what people read
    print(banner(production), flush=True)
    stopping = False

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True

    # Handle both explicitly: a parent that ignores SIGINT (a background job) is inherited.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and all(p.poll() is None for p in children):
        time.sleep(0.3)
    print("\nStopping web server and worker…", flush=True)
    for child in children:
        if child.poll() is None:
            child.terminate()  # runserver exits; qcluster finishes its current task, then stops
    deadline = time.monotonic() + 15
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    print("Stopped.", flush=True)
    return 0 if stopping else 1


if __name__ == "__main__":
    sys.exit(main())
