"""One function from a video file to reps, images, kinematics, verdicts and an annotated video.

Pose estimation runs once per frame (first pass); the annotated video is drawn in a second
decode, because the stages and reps it shows are only known once the whole set is seen.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .errors import NoPersonVisible, VideoUnreadable
from .kinematics import body_angles, rep_kinematics
from .overlay import MAX_SIDE, RepMark, write_overlay_video
from .people import person_counter
from .pose import POSE_MAX_SIDE, PoseEstimator
from .reps import rule_stages, segment_reps
from .result import AnalysisResult, Rep, RepJudge, VideoInfo
from .skelemotion import write_rep_images
from .timebase import FPS, nearest_index, resample
from .video import describe_video, iter_frames, probe_video

PEOPLE_EVERY_S = 0.5  # how often people are counted
MULTI_PERSON_WARN = 0.3  # share of counted frames with several people that earns a warning
MIN_PERSON_SHARE = 0.2  # below this share of frames with a person, there is nothing to judge
POSE_SHARE = 85.0  # progress percent spent in the pose pass; the rest is the video
RESULT_VIDEO = "result.mp4"
OVERLAY_LANDMARKS = "overlay_landmarks.npy"  # per input frame x, y: what the video draws


class _Timer:
    def __init__(self) -> None:
        self.ms: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.ms[name] = self.ms.get(name, 0.0) + (time.perf_counter() - t0) * 1000


def _timed_frames(path: Path, timer: _Timer, name: str, max_side: int):
    """Iterate frames, charging decode time to `name`."""
    frames = iter_frames(path, max_side=max_side)
    while True:
        with timer(name):
            frame = next(frames, None)
        if frame is None:
            return
        yield frame


def analyze_video(
    video_path: str | Path,
    out_dir: str | Path,
    *,
    judge: RepJudge | None = None,
    progress: Callable[[float], None] | None = None,
    stage_model_path: str | Path | None = None,
    write_video: bool = True,
) -> AnalysisResult:
    """Analyse a set: writes report.json, result.mp4 and reps/ under `out_dir`.

    Raises VideoUnreadable or NoPersonVisible for bad input; a clip that is not a deadlift
    returns normally with `exercise.is_deadlift` False and no reps.
    """
    video_path, out = Path(video_path), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    timer = _Timer()
    report = progress or (lambda pct: None)

    with timer("probe"):
        expected = max(probe_video(video_path).frames, 1)

    # Pass 1: decode + pose. Everything downstream lives on the 30 fps grid, so a 60 fps
    # clip only needs pose on every other frame; nothing is estimated twice.
    shape, rotation = None, 0
    posed: list[int] = []  # input frame indices that went through pose estimation
    next_t = next_count = 0.0
    people: list[int] = []
    counter = person_counter()
    with PoseEstimator() as estimator:
        frame_times: list[float] = []
        for frame in _timed_frames(video_path, timer, "decode", POSE_MAX_SIDE):
            frame_times.append(frame.time_s)
            shape, rotation = (*frame.size[::-1], 3), frame.rotation
            if frame.time_s >= next_t:
                with timer("decode"):
                    image = frame.image  # only frames that meet pose are converted
                with timer("pose"):
                    estimator.process(image, frame.time_s)
                if counter is not None and frame.time_s >= next_count:
                    with timer("people"):
                        people.append(counter.count(image))
                    next_count = frame.time_s + PEOPLE_EVERY_S
                posed.append(frame.index)
                next_t = frame.time_s + 0.75 / FPS
            if frame.index % 15 == 0:
                report(min(POSE_SHARE, POSE_SHARE * (frame.index + 1) / expected))
        track = estimator.track()
    if shape is None:
        raise VideoUnreadable("The file holds no decodable video frames.")
    info = describe_video(video_path, frame_times, shape, rotation)
    warnings = []
    if info.frames < 0.9 * expected - 2:
        warnings.append(
            f"Only {info.frames} of the {expected} frames the file announces could be decoded: "
            "it may be truncated. The analysis covers what was decoded."
        )
    found_share = float(track.found.mean())
    if found_share < MIN_PERSON_SHARE:
        raise NoPersonVisible(
            "No person was visible in the video."
            if not track.found.any()
            else f"A person was visible in only {found_share:.0%} of the video: film the "
            "whole body for the whole set."
        )

    with timer("timebase"):
        timeline = resample(track.times, track.landmarks, track.found)
        lm30 = timeline.landmarks
        # Per input frame: the landmarks of the nearest posed frame (for the overlay), and
        # the grid's source frames expressed as input frame numbers.
        frame_landmarks = track.landmarks[nearest_index(track.times, np.asarray(frame_times))]
        timeline.source_frame = np.asarray(posed)[timeline.source_frame]
    with timer("kinematics"):
        world30 = resample(track.times, track.world, track.found).landmarks
        angles = body_angles(world30, lm30)
    with timer("reps"):
        seg = segment_reps(lm30, knee_angles=angles["knee"])
    with timer("stages"):
        stages30, probs30 = _stages(lm30, seg.signals.shoulder, stage_model_path)

    reps: list[Rep] = []
    images = []
    for i, span in enumerate(seg.spans, start=1):
        seq = lm30[span.start : span.end + 1, :, :3]
        seq = seq[np.isfinite(seq[:, 0, 0])]  # only frames where a pose was found
        with timer("skelemotion"):
            paths = write_rep_images(seq, out / "reps" / f"rep_{i:02d}")
        import cv2

        images.append(cv2.imread(str(paths["image"]))[:, :, ::-1])  # RGB, as the dataset
        with timer("kinematics"):
            kin = rep_kinematics(span, lm30, angles, seg.signals, info.width, info.height)
        seg_stages = stages30[span.start : span.end + 1]
        frame_of = _input_frame(timeline.source_frame, info.frames)
        reps.append(
            Rep(
                index=i,
                start_frame=frame_of(span.start),
                lockout_frame=frame_of(span.lockout),
                end_frame=frame_of(span.end),
                start_s=round(frame_of(span.start) / info.fps, 3),
                lockout_s=round(frame_of(span.lockout) / info.fps, 3),
                end_s=round(frame_of(span.end) / info.fps, 3),
                complete=span.complete,
                stages={
                    s: round(seg_stages.count(s) / max(len(seg_stages), 1), 3)
                    for s in ("up", "down", "neutral")
                }
                | {
                    "mean_probability": round(float(np.mean(probs30[span.start : span.end + 1])), 3)
                },
                kinematics=kin,
                **{k: str(p.relative_to(out)) for k, p in paths.items()},
            )
        )

    if judge is not None and images:
        with timer("detector"):
            for rep, j in zip(reps, judge.judge(np.stack(images)), strict=True):
                rep.verdict, rep.score, rep.threshold = j.verdict, j.score, j.threshold
                rep.joints, rep.detector_version = j.joints, judge.version

    frames = _per_frame(frame_times, info.fps, timeline, stages30, probs30, seg.signals.wrist)
    result = AnalysisResult(
        video=info,
        exercise=seg.exercise,
        reps=reps,
        timings_ms=timer.ms,
        pose_frames_found=int(track.found.sum()),
        pose_frames_estimated=len(posed),
        frames=frames,
        warnings=warnings + seg.warnings,
        people_counts=people,
    )
    if result.multi_person_share >= MULTI_PERSON_WARN:
        result.warnings.append(
            f"More than one person was visible in {result.multi_person_share:.0%} of the "
            "video. The analysis follows one of them: check in the annotated video that the "
            "skeleton stays on the lifter, or film the lifter alone."
        )
    if write_video:
        with timer("video"):
            # Kept so the video can be redrawn when a newer detector changes the verdicts.
            np.save(out / OVERLAY_LANDMARKS, frame_landmarks[:, :, :2].astype(np.float32))
            frames_in = _timed_frames(video_path, timer, "video_decode", MAX_SIDE)
            write_overlay_video(
                frames_in,
                out / RESULT_VIDEO,
                info,
                frames,
                [RepMark(r.index, r.start_frame, r.verdict) for r in reps],
                frame_landmarks,
                lambda share: report(POSE_SHARE + (100 - POSE_SHARE) * share),
            )
        result.result_video = RESULT_VIDEO
    result.timings_ms = timer.ms
    result.timings_ms["total"] = sum(v for k, v in timer.ms.items() if k != "video_decode")
    (out / "report.json").write_text(json.dumps(result.report(), indent=1))
    report(100.0)
    return result


def _input_frame(source_frame: np.ndarray, n_frames: int) -> Callable[[int], int]:
    return lambda k: int(min(source_frame[min(k, len(source_frame) - 1)], n_frames - 1))


def _stages(
    lm30: np.ndarray, shoulder_ratio: np.ndarray, model_path: str | Path | None
) -> tuple[list[str], np.ndarray]:
    """Per grid frame stage and probability: a trained model if given, else the rule."""
    if model_path:
        from .stage_model import StageModel

        stages, probs = StageModel.load(model_path).predict(lm30)
        return list(stages), np.nan_to_num(np.asarray(probs, dtype=float))
    return rule_stages(shoulder_ratio)


def _per_frame(times, fps, timeline, stages30, probs30, wrist30) -> list[dict]:
    """Stage, probability and bar (wrist) height per input frame, for charts and overlay."""
    out = []
    for i, t in enumerate(times):
        k = timeline.grid_index(t)
        bar = wrist30[k] if np.isfinite(wrist30[k]) else None
        out.append(
            {
                "t": round(i / fps, 3),
                "stage": stages30[k],
                "prob": round(float(probs30[k]), 3),
                "bar_y": round(float(bar), 3) if bar is not None else None,
            }
        )
    return out


def redraw_verdicts(
    video_path: str | Path, out_dir: str | Path, verdicts: dict[int, str | None]
) -> bool:
    """Redraw `out_dir`'s annotated video with new verdicts per rep index (a newer detector
    judged the reps); everything else comes from report.json and the kept landmarks.
    Returns False when the video already shows these verdicts. The new file replaces the
    old one only once complete."""
    out = Path(out_dir)
    report = json.loads((out / "report.json").read_text())
    reps = [RepMark(r["index"], r["start_frame"], verdicts.get(r["index"])) for r in report["reps"]]
    drawn_file = out / "video_verdicts.json"
    drawn = (
        json.loads(drawn_file.read_text())
        if drawn_file.exists()
        else {str(r["index"]): r["verdict"] for r in report["reps"]}
    )
    wanted = {str(r.index): r.verdict for r in reps}
    if drawn == wanted:
        return False
    v = report["input"]
    info = VideoInfo(
        path=v["path"],
        frames=v["frames"],
        fps=v["frames"] / v["duration_s"],  # finer than the rounded "fps": same rate as before
        width=v["width"],
        height=v["height"],
        duration_s=v["duration_s"],
    )
    landmarks = np.load(out / OVERLAY_LANDMARKS)
    partial = out / f"partial-{RESULT_VIDEO}"  # the extension names the format
    frames_in = iter_frames(video_path, max_side=MAX_SIDE)
    write_overlay_video(frames_in, partial, info, report["frames"], reps, landmarks)
    partial.replace(out / RESULT_VIDEO)
    drawn_file.write_text(json.dumps(wanted))
    return True
