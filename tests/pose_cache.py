"""Poses computed once per test run for the same video bytes.

The pose pass (MediaPipe over every frame: pose_segments.parallel_pose_pass) is nearly all of
an analysis' time. Many tests analyse the very same file (the shared 15 s clip is uploaded by
half the browser tests) to test what happens after the poses: reps, files, rows, pages. Those
tests opt in (the `pose_cache` fixture in tests/conftest.py, `cached_poses` below for a
session-scoped fixture): the first analysis of a file in the run poses it for real and keeps
the pass in this run's pytest temporary folder, keyed by the file's content hash and the
segments it was posed in; a later analysis of the same bytes in the same plan reads that pass
(pickled, so each reader gets its own copy) and everything after the pose pass runs as ever.

A worker process (tests/conftest.py: qcluster_start) gets the folder in TEST_POSE_CACHE and is
started through `python -m tests.pose_cache`, which installs the same cache and then runs
`scripts/run_platform.py --worker` unchanged.

Tests whose subject is the pose pass itself (pose_segments, the worker's helper processes, a
worker killed mid-pose, the progress a page shows while posing) do not opt in. Every lookup is
one line in the folder's `passes.log` (hit or posed), so a run's pose passes can be counted.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import time
from pathlib import Path

ENV = "TEST_POSE_CACHE"
# The name analyze_video calls the pose pass by (patched there, so callers of
# parallel_pose_pass itself, like tests/pipeline/test_pose_segments.py, always pose).
TARGET = ("core.pipeline.run", "parallel_pose_pass")


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def caching(real, folder: Path):
    """`real` (parallel_pose_pass) answering from `folder` when it posed these bytes before."""
    from core.pipeline.pose_segments import WARM_S, plan_segments

    folder = Path(folder)

    def log(what: str, key: str, video_path, seconds: float) -> None:
        line = f"{what} {key[:16]} {seconds:.2f}s {os.getpid()} {Path(video_path).name}\n"
        with (folder / "passes.log").open("a") as out:
            out.write(line)

    def pose_pass(video_path, duration_s, processes, timer=None, on_decoded=None, max_seconds=None):
        started = time.perf_counter()
        starts = plan_segments(duration_s, processes)
        key = hashlib.sha256(f"{_digest(Path(video_path))} {starts} {WARM_S}".encode()).hexdigest()
        kept = folder / f"{key}.pickle"
        if kept.exists():
            with kept.open("rb") as f:
                poses, ms = pickle.load(f)
            # A pass that got to the end is the same under any limit it stays within; past
            # `max_seconds`, the real pass below refuses the video as it should.
            if max_seconds is None or max(poses.frame_times, default=0.0) <= max_seconds:
                if timer is not None:  # the costs of the pass that made these poses
                    for name, value in ms.items():
                        timer.ms[name] = timer.ms.get(name, 0.0) + value
                if on_decoded is not None:
                    on_decoded(len(poses.frame_times) * len(starts))
                log("hit", key, video_path, time.perf_counter() - started)
                return poses
        before = dict(timer.ms) if timer is not None else {}
        poses = real(video_path, duration_s, processes, timer, on_decoded, max_seconds)
        ms = {k: v - before.get(k, 0.0) for k, v in timer.ms.items()} if timer else {}
        partial = kept.with_suffix(f".{os.getpid()}.partial")
        with partial.open("wb") as f:
            pickle.dump((poses, ms), f)
        partial.replace(kept)  # whole or not at all, for another process reading it
        log("posed", key, video_path, time.perf_counter() - started)
        return poses

    pose_pass.real = real
    return pose_pass


def install(folder: Path) -> None:
    """Patch analyze_video's pose pass in this process for good (a worker process)."""
    import importlib

    module = importlib.import_module(TARGET[0])
    setattr(module, TARGET[1], caching(getattr(module, TARGET[1]), folder))


@contextlib.contextmanager
def cached_poses(folder: Path):
    """analyze_video's pose pass answering from `folder` inside the block (session-scoped
    fixtures; function-scoped tests use the `pose_cache` fixture)."""
    import importlib

    module = importlib.import_module(TARGET[0])
    real = getattr(module, TARGET[1])
    setattr(module, TARGET[1], caching(real, folder))
    try:
        yield
    finally:
        setattr(module, TARGET[1], real)


def passes(folder: Path) -> list[str]:
    """The lines of `folder`'s log: "hit ..." or "posed ..." per pose pass asked for."""
    log = Path(folder) / "passes.log"
    return log.read_text().splitlines() if log.exists() else []


if __name__ == "__main__":  # a worker with the cache: `python -m tests.pose_cache --worker`
    import runpy

    install(Path(os.environ[ENV]))
    script = Path(__file__).resolve().parents[1] / "scripts" / "run_platform.py"
    sys.argv = [str(script), *sys.argv[1:]]
    runpy.run_path(str(script), run_name="__main__")
