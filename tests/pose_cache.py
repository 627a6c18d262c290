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
started through `python -m tests.pose_cache --worker`, which installs the same cache and then
runs `scripts/run_platform.py --worker` unchanged.

The shared clips the pipeline's tests analyse once per session (tests/pipeline/conftest.py)
can be posed ahead by a background process at the lowest CPU priority (`--warm`, started by
tests/conftest.py: _pose_warmer), on the core the rest of the suite leaves idle: browser tests
mostly wait on pages and videos, short clips are posed in one process. It takes the clips
from the last one the tests will ask for backwards and skips any pass that is kept or being
made (a `.claim` file beside it); the tests never wait for it.

Tests whose subject is the pose pass itself (pose_segments, the worker's helper processes, a
worker killed mid-pose, the progress a page shows while posing) do not opt in. Every pass is
one line in the folder's `passes.log` (hit, posed or warmed), so a run's pose passes can be
counted.
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


def _key(video_path, duration_s: float, processes: int, keep=None) -> str:
    """The bytes, the segments they are posed in and the span kept (a trimmed set's): all
    that decides a pass."""
    from core.pipeline.pose_segments import WARM_S, plan_segments

    starts = plan_segments(duration_s, processes)
    kept = "" if keep is None else f" keep={list(keep)}"
    what = f"{_digest(Path(video_path))} {starts} {WARM_S}{kept}"
    return hashlib.sha256(what.encode()).hexdigest()


def _log(folder: Path, what: str, key: str, video_path, seconds: float) -> None:
    line = f"{what} {key[:16]} {seconds:.2f}s {os.getpid()} {Path(video_path).name}\n"
    with (folder / "passes.log").open("a") as out:
        out.write(line)


def caching(real, folder: Path, posed: str = "posed"):
    """`real` (parallel_pose_pass) answering from `folder` when it posed these bytes before."""
    from core.pipeline.pose_segments import plan_segments

    folder = Path(folder)

    def pose_pass(
        video_path, duration_s, processes, timer=None, on_decoded=None, max_seconds=None, keep=None
    ):
        started = time.perf_counter()
        key = _key(video_path, duration_s, processes, keep)
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
                    segments = len(plan_segments(duration_s, processes))
                    on_decoded(len(poses.frame_times) * segments)
                _log(folder, "hit", key, video_path, time.perf_counter() - started)
                return poses
        claim = folder / f"{key}.claim"
        with contextlib.suppress(OSError):  # tells the warmer to leave this one
            claim.write_text(str(os.getpid()))
        try:
            before = dict(timer.ms) if timer is not None else {}
            span = {"keep": keep} if keep is not None else {}
            poses = real(video_path, duration_s, processes, timer, on_decoded, max_seconds, **span)
            ms = {k: v - before.get(k, 0.0) for k, v in timer.ms.items()} if timer else {}
            partial = kept.with_suffix(f".{os.getpid()}.partial")
            with partial.open("wb") as f:
                pickle.dump((poses, ms), f)
            partial.replace(kept)  # whole or not at all, for another process reading it
        finally:
            claim.unlink(missing_ok=True)
        _log(folder, posed, key, video_path, time.perf_counter() - started)
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
    """The lines of `folder`'s log: "hit ...", "posed ..." or "warmed ..." per pose pass."""
    log = Path(folder) / "passes.log"
    return log.read_text().splitlines() if log.exists() else []


def warm(folder: Path, videos: list[Path]) -> None:
    """Pose `videos` in this order into `folder` as analyze_video would (its default
    processes, the header's duration), skipping any pass kept or being made; stops when the
    test run that started it is gone."""
    from core.pipeline.pose_segments import default_processes, parallel_pose_pass
    from core.video.decode import probe_video

    parent = os.getppid()
    pose = caching(parallel_pose_pass, folder, posed="warmed")
    for video in videos:
        if os.getppid() != parent:
            return
        duration, processes = probe_video(video).duration_s, default_processes()
        key = _key(video, duration, processes)
        if (folder / f"{key}.pickle").exists() or (folder / f"{key}.claim").exists():
            continue
        try:
            pose(video, duration, processes)
        except Exception as error:  # the test that needs it will pose it, and say why
            print(f"{video}: {error!r}", file=sys.stderr, flush=True)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--warm"]:  # python -m tests.pose_cache --warm FOLDER VIDEO...
        os.nice(19)  # only what the rest of the run leaves idle
        warm(Path(argv[1]), [Path(v) for v in argv[2:]])
        return
    # A worker with the cache: python -m tests.pose_cache --worker (TEST_POSE_CACHE set).
    import runpy

    install(Path(os.environ[ENV]))
    script = Path(__file__).resolve().parents[1] / "scripts" / "run_platform.py"
    sys.argv = [str(script), *argv]
    runpy.run_path(str(script), run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
