"""Both cores on pose: a video cut into contiguous segments posed at once, merged into one
pass identical in shape to a single one (steps.pose_pass).

MediaPipe runs on one core per process, so the first segment is posed here and each later
one by a helper process (pose_helper.py) that pose starts a second early, so the tracker
has settled when its segment begins; the overlap is dropped. The helpers are plain
subprocesses, not `multiprocessing` children: django-q2's workers are daemonic processes,
which may not have those. They live as long as the process that started them (they exit
when their stdin closes), so only the first analysis in a worker waits for one to start.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import select
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from core import errors
from core.pipeline.steps import PosePass, Timer, pose_pass
from core.pose.estimator import PoseTrack

logger = logging.getLogger(__name__)
WARM_S = 1.0  # video posed before a segment starts, so the tracker settles; then dropped
MIN_SEGMENT_S = 4.0  # shorter segments would spend too much of their time warming up
ROOT = Path(__file__).resolve().parents[2]  # where `python -m analysis...` imports from
# A helper that has not answered by then is hung (a 300 s set's half poses in about 2 min).
ANSWER_TIMEOUT_S = 600


def plan_segments(duration_s: float, processes: int, warm_s: float = WARM_S) -> list[float]:
    """Where each segment starts (the first at 0): as many as `processes`, none shorter
    than MIN_SEGMENT_S, each posing the same length of video counting its warm-up."""
    n = max(1, min(processes, int(duration_s // MIN_SEGMENT_S)))
    length = (duration_s + (n - 1) * warm_s) / n
    return [0.0] + [k * (length - warm_s) + warm_s for k in range(1, n)]


def merge_passes(parts: list[PosePass]) -> PosePass:
    """Consecutive segments' passes as one; the last segment decoded every frame up to the
    end, so its frame times are the whole video's."""
    last = parts[-1]
    thumbs = [p.thumbs for p in parts if p.thumbs is not None]
    return PosePass(
        frame_times=last.frame_times,
        posed=[i for p in parts for i in p.posed],
        track=PoseTrack.joined([p.track for p in parts]),
        people=[n for p in parts for n in p.people],
        shape=last.shape,
        rotation=last.rotation,
        thumbs=np.concatenate(thumbs) if thumbs else None,
        processes=len(parts),
        posed_again=sum(p.posed_again for p in parts),
    )


class PoseHelper:
    """One helper process: a job is a JSON line in, a JSON line out (pose_helper.py)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "core.pipeline.pose_helper"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # MediaPipe's log lines; failures come back as replies
            text=True,
        )
        self.lock = threading.Lock()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def pose(self, job: dict) -> dict:
        """Send a job, wait for its answer; a helper that died answers {"crash": ...}."""
        with self.lock:  # one job at a time: answers come back in order
            try:
                self.proc.stdin.write(json.dumps(job) + "\n")
                self.proc.stdin.flush()
                if not select.select([self.proc.stdout], [], [], ANSWER_TIMEOUT_S)[0]:
                    self.proc.kill()  # hung: its segment is posed again in the worker
                    return {"crash": f"no answer in {ANSWER_TIMEOUT_S} s"}
                line = self.proc.stdout.readline()
                return json.loads(line) if line else {"crash": "helper exited"}
            except (OSError, ValueError) as exc:
                return {"crash": f"helper unreachable: {exc}"}


_helpers: list[PoseHelper] = []
_helpers_lock = threading.Lock()


def helpers(n: int) -> list[PoseHelper]:
    """n live helpers, started once per process and kept for the next analysis."""
    with _helpers_lock:
        _helpers[:] = [h for h in _helpers if h.alive()]
        while len(_helpers) < n:
            _helpers.append(PoseHelper())
        return _helpers[:n]


def parallel_pose_pass(
    video_path: Path,
    duration_s: float,
    processes: int,
    timer: Timer | None = None,
    on_decoded: Callable[[int], None] | None = None,
    max_seconds: float | None = None,
    keep: tuple[float | None, float | None] | None = None,
) -> PosePass:
    """steps.pose_pass over `processes` cores. `duration_s` (the header's) only places the
    cuts: the last segment runs to the end of what decodes, however long. A segment whose
    helper fails is posed here after the first, so a lost helper costs time, not results.
    `on_decoded` hears this process's count times the segments (they keep the same pace).

    `keep` (start, end seconds; None: the video's start, its end) poses only that span of a
    trimmed set, cut into segments as a whole video of its length would be: frames before
    it are decoded and not posed, frames after it decoded to the end of the video and not
    posed, so frame numbers and times stay the video's own."""
    timer = timer or Timer()
    first, last = _kept(keep)
    until = last if duration_s <= 0 else min(last, duration_s)
    starts = [first + s for s in plan_segments(max(until - first, 0.0), processes)]
    if len(starts) == 1:
        if keep is None:
            return pose_pass(video_path, timer, on_decoded, max_seconds)
        span = (first, float("inf"))
        return pose_pass(video_path, timer, on_decoded, max_seconds, span=span, pose_until=last)

    def progress(n: int) -> None:
        if on_decoded is not None:
            on_decoded(n * len(starts))

    spans = list(zip(starts, starts[1:] + [float("inf")], strict=True))
    answers: dict[int, dict] = {}
    with tempfile.TemporaryDirectory(prefix="pose-") as tmp:
        jobs = {
            k: {
                "video": str(Path(video_path).resolve()),
                "span": [start, end if end != float("inf") else None],
                "warm_s": WARM_S,
                "max_seconds": max_seconds,
                # The last segment poses up to the kept span's end (JSON has no infinity).
                "pose_until": last if end == float("inf") and last != float("inf") else None,
                "out": str(Path(tmp) / f"segment-{k}.pickle"),
            }
            for k, (start, end) in enumerate(spans)
            if k > 0
        }
        threads = [
            threading.Thread(target=lambda k=k, h=h: answers.update({k: h.pose(jobs[k])}))
            for k, h in zip(jobs, helpers(len(jobs)), strict=True)
        ]
        for t in threads:
            t.start()
        try:
            parts = [pose_pass(video_path, timer, progress, max_seconds, span=spans[0])]
        finally:  # a helper is free for the next job only once it has answered this one
            for t in threads:
                t.join()
        for k in jobs:
            parts.append(_segment(video_path, spans[k], answers[k], jobs[k], timer, max_seconds))
    return merge_passes(parts)


def _segment(
    video_path: Path,
    span: tuple[float, float],
    answer: dict,
    job: dict,
    timer: Timer,
    max_seconds: float | None,
) -> PosePass:
    """A helper's segment; its refusal of the video raised as here; posed here if it failed."""
    if "error" in answer:
        error = getattr(errors, answer["error"], errors.PipelineError)
        raise (error if issubclass(error, errors.PipelineError) else errors.PipelineError)(
            answer["message"]
        )
    if "crash" in answer:
        logger.warning("pose helper failed (%s): segment posed in this process", answer["crash"])
        until = float("inf") if job.get("pose_until") is None else job["pose_until"]
        part = pose_pass(
            video_path, timer, None, max_seconds, span=span, warm_s=WARM_S, pose_until=until
        )
        part.posed_again = 1
        return part
    for name, ms in answer["timings_ms"].items():
        timer.ms[name] = timer.ms.get(name, 0.0) + ms
    with open(job["out"], "rb") as f:
        return pickle.load(f)  # written by our own helper, in our own temporary folder


def _kept(keep: tuple[float | None, float | None] | None) -> tuple[float, float]:
    """A kept span with its open ends filled in: (start, end) seconds."""
    start, end = keep or (None, None)
    return (0.0 if start is None else float(start), float("inf") if end is None else float(end))


def default_processes() -> int:
    """One pose process per core."""
    return max(1, os.cpu_count() or 1)
