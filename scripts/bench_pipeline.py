"""Benchmark the pipeline on the real clips: ms per frame per stage, speed vs real time.

Also times pose estimation alone on the same frames in the same run, so the overhead of
everything else is measured against it. Run with `make bench` (needs ../shared/data).
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "videos"


def pose_alone(path: Path) -> tuple[float, int]:
    """Decoded frames held in memory, then MediaPipe alone over the same frames."""
    from analysis.pipeline.pose import POSE_MAX_SIDE, PoseEstimator
    from analysis.pipeline.video import iter_frames

    frames = [(f.image, f.time_s) for f in iter_frames(path, max_side=POSE_MAX_SIDE)]
    with PoseEstimator() as est:
        t0 = time.perf_counter()
        for image, t in frames:
            est.process(image, t)
        return (time.perf_counter() - t0) * 1000, len(frames)


def main() -> None:
    from analysis.pipeline.run import analyze_video

    if not DATA.exists():
        sys.exit(f"needs the real clips at {DATA}")
    rows = [r for r in csv.DictReader((DATA / "MANIFEST.tsv").open(), delimiter="\t")]
    stages = ["decode", "pose", "timebase", "stages", "reps", "skelemotion", "kinematics"]
    stages += ["video"]
    print(
        f"{'clip':28s} {'frames':>6s} {'fps':>5s} {'reps':>4s} "
        + " ".join(f"{s[:8]:>8s}" for s in stages)
        + f" {'other/pose':>10s} {'x realtime':>10s} {'pose alone':>10s}"
    )
    for row in rows:
        path = DATA / row["path"]
        with tempfile.TemporaryDirectory() as out:
            t0 = time.perf_counter()
            result = analyze_video(path, out)
            wall = time.perf_counter() - t0
        n = result.video.frames
        ms = result.timings_ms
        per = [ms.get(s, 0.0) / n for s in stages]
        other = sum(v for k, v in ms.items() if k not in ("pose", "total", "video_decode"))
        alone_ms, alone_n = pose_alone(path)
        print(
            f"{row['path'].split('/')[-1][:28]:28s} {n:6d} {result.video.fps:5.1f} "
            f"{len(result.reps):4d} "
            + " ".join(f"{v:8.2f}" for v in per)
            + f" {other / ms['pose']:10.0%} {result.video.duration_s / wall:10.2f}"
            + f" {alone_ms / alone_n:8.2f}ms"
        )
    print(
        "stage columns: milliseconds per input frame; 'x realtime': video seconds analysed "
        "per wall-clock second; 'pose alone': MediaPipe on every decoded frame, ms/frame."
    )


if __name__ == "__main__":
    main()
