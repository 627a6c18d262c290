"""Benchmark the analysis on real clips: per clip, ms per input frame for decoding, pose
and the rest, x real time for the whole analysis, and its speed-up over MediaPipe alone in
one process on the same frames, measured in the same run. Also a 1080p and a 4K input made
here from a shared clip (scaled with PyAV). Run with `make bench` (needs ../shared/data).

The analysis runs as the worker runs it: MediaPipe imported and the pose helpers started
(a worker does both once; their cost is printed at the top).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "videos"
CLIPS = [  # (path under DATA, what it stands for)
    ("BichraiX+AI-Deadlift-Analysis/good008.mp4", "720p 30 fps"),
    ("jrplatin+FormFit/curl.mp4", "720p 30 fps"),
    ("kantesh813+AI_GYM_Trainer/deadlift.mp4", "360p 30 fps"),
    ("RafikHachana+virtual-trainer/deadlift_3.mp4", "360p 25 fps"),
    ("RafikHachana+virtual-trainer/deadlift_reference.mp4", "360p 24 fps"),
    ("TBY66+Intelligent-Deadlift-Diagnosis-System/0016c_1.mp4", "portrait 60 fps"),
    ("RFN-Dev-Git+AI-GYM/Deadlift3.mp4", "portrait 720p, 4.5 s"),
]
SCALED_FROM = "kantesh813+AI_GYM_Trainer/deadlift.mp4"
SCALED = [(1920, 1080, "1080p 30 fps (scaled)"), (3840, 2160, "4K 30 fps (scaled)")]


def scaled_copy(src: Path, dest: Path, width: int, height: int) -> Path:
    """The clip at a phone's size: every frame scaled by PyAV, H.264 as phones write it."""
    import av

    with av.open(str(src)) as inp, av.open(str(dest), "w") as out:
        stream_in = inp.streams.video[0]
        stream = out.add_stream("libx264", rate=stream_in.average_rate)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "veryfast", "crf": "20"}
        for frame in inp.decode(stream_in):
            big = frame.reformat(width=width, height=height, format="yuv420p")
            big.pts, big.time_base = frame.pts, frame.time_base
            for packet in stream.encode(big):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return dest


def pose_alone(path: Path) -> tuple[float, int]:
    """MediaPipe alone, one process, on the frames the analysis poses (decoded first and
    held in memory): milliseconds and frames."""
    from core.pose.estimator import POSE_MAX_SIDE, PoseEstimator
    from core.video.decode import iter_frames
    from core.video.timebase import FPS

    frames, next_t = [], 0.0
    for f in iter_frames(path, max_side=POSE_MAX_SIDE):
        if f.time_s >= next_t:  # steps.pose_pass's choice of frames
            frames.append((f.image, f.time_s))
            next_t = f.time_s + 0.75 / FPS
    with PoseEstimator() as est:
        t0 = time.perf_counter()
        for image, t in frames:
            est.process(image, t)
        return (time.perf_counter() - t0) * 1000, len(frames)


def bench(path: Path, label: str) -> None:
    from core.pipeline.run import analyze_video

    with tempfile.TemporaryDirectory() as out:
        result = analyze_video(path, out)
    ms, n = result.timings_ms, result.video.frames
    wall = ms["total"] / 1000
    rest = ms["total"] - ms["pose_pass"]
    alone_ms, posed = pose_alone(path)
    print(
        f"{path.name[:22]:22s} {label:22s} {result.video.width:>4d}x{result.video.height:<4d} "
        f"{n:6d} {result.video.duration_s:6.1f} {len(result.reps):4d} "
        f"{ms.get('decode', 0) / n:7.2f} {ms.get('pose', 0) / n:7.2f} {rest / n:7.2f} "
        f"{wall:7.2f} {result.video.duration_s / wall:7.2f}x {alone_ms / 1000:7.2f} "
        f"{alone_ms / posed:7.2f} {alone_ms / 1000 / wall:6.2f}x",
        flush=True,
    )


def main() -> None:
    if not DATA.exists():
        sys.exit(f"needs the real clips at {DATA}")
    t0 = time.perf_counter()
    import mediapipe  # noqa: F401  (as the worker does before it takes a job)

    from core.pipeline.pose_segments import default_processes, helpers

    t1 = time.perf_counter()
    for helper in helpers(default_processes() - 1):
        helper.pose({"ping": True})
    print(
        f"{default_processes()} pose processes; imports took {t1 - t0:.2f} s and starting the "
        f"helpers {time.perf_counter() - t1:.2f} s (both once per worker, not timed below)"
    )
    print(
        f"{'clip':22s} {'kind':22s} {'size':9s} {'frames':>6s} {'secs':>6s} {'reps':>4s} "
        f"{'decode':>7s} {'pose':>7s} {'rest':>7s} {'wall s':>7s} {'speed':>8s} "
        f"{'alone s':>7s} {'ms/pose':>7s} {'vs alone':>7s}"
    )
    for name, label in CLIPS:
        bench(DATA / name, label)
    with tempfile.TemporaryDirectory() as tmp:
        for width, height, label in SCALED:
            bench(
                scaled_copy(DATA / SCALED_FROM, Path(tmp) / f"{height}p.mp4", width, height), label
            )
    print(
        "decode, pose: ms per input frame, summed over the pose processes (CPU time); rest: "
        "ms per input frame of wall time outside the pose pass; speed: video seconds per "
        "wall second, upload to results stored; alone: MediaPipe in one process on the same "
        "frames, seconds and ms per posed frame; vs alone: how much sooner the analysis ends."
    )


if __name__ == "__main__":
    main()
