"""One function from a video file to reps, images, kinematics, verdicts and an annotated video.

`analyze_video` runs the named steps of steps.py in order: pose pass -> time base (30 fps)
-> reps -> images and kinematics -> verdicts -> video. Pose estimation runs once per frame
(first pass); the annotated video is drawn in a second decode, because the stages and reps
it shows are only known once the whole set is seen. `redraw_reps` redraws that video later
(new verdicts, a corrected count), from the report and the kept landmarks.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .overlay import MAX_SIDE, RepMark, write_overlay_video
from .respan import save_track
from .result import AnalysisResult, RepJudge, VideoInfo, model_outcome
from .steps import (
    OVERLAY_LANDMARKS,
    RESULT_VIDEO,
    Timer,
    candidate_records,
    check_input,
    crowd_warnings,
    draw_video,
    find_reps,
    frame_table,
    grid_stages,
    judge_reps,
    pose_pass,
    rep_images,
    rep_records,
    reps_faults,
    reps_kinematics,
    time_base,
)
from .video import iter_frames, probe_video

POSE_SHARE = 85.0  # progress percent spent in the pose pass; the rest is the video

__all__ = ["OVERLAY_LANDMARKS", "RESULT_VIDEO", "VIDEO_MARKS", "analyze_video", "redraw_reps"]


def analyze_video(
    video_path: str | Path,
    out_dir: str | Path,
    *,
    judge: RepJudge | None = None,
    progress: Callable[[float], None] | None = None,
    stage_model_path: str | Path | None = None,
    write_video: bool = True,
    max_seconds: float | None = None,
    fault_thresholds: dict[str, float] | None = None,
) -> AnalysisResult:
    """Analyse a set: writes report.json, result.mp4 and reps/ under `out_dir`.

    `progress` receives the percentage done. Raises VideoUnreadable, NoPersonVisible or
    (past `max_seconds`) VideoTooLong for bad input; `fault_thresholds` are a detector
    version's learnt ones (faults.decide); a clip that is not a deadlift returns
    normally with `exercise.is_deadlift` False and no reps. `timings_ms` holds milliseconds
    per cost centre (see steps.Timer).
    """
    video_path, out = Path(video_path), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    timer = Timer()
    on_progress = progress or (lambda pct: None)

    with timer("probe"):  # a file that is no video fails here, before pose is loaded
        probe = probe_video(video_path)
    expected = max(probe.frames, 1)
    # 1. Pose pass: input frames in, pose on the frames the 30 fps grid needs.
    poses = pose_pass(
        video_path,
        timer,
        lambda n: on_progress(min(POSE_SHARE, POSE_SHARE * n / expected)),
        max_seconds=max_seconds,
    )
    info, warnings = check_input(poses, probe, expected)

    # 2. Time base: from here on everything counts in 30 fps grid frames.
    with timer("timebase"):
        track = time_base(poses)
    lm30 = track.landmarks
    # 3. Reps, and the stage of every grid frame.
    angles, seg = find_reps(lm30, track.world, timer, track.thumbs)
    # Kept for coaches' corrections: a rep rebuilt on another span without pose again.
    save_track(out, lm30, track.world, track.timeline.source_frame, seg.signals.shots, track.back)
    with timer("stages"):
        stages = grid_stages(lm30, seg.signals.shoulder, stage_model_path)

    # 4. Images and kinematics per rep, reported in input frame numbers.
    files, images, kinematics, checks = [], {}, [], []
    if seg.spans:
        with timer("skelemotion"):
            files, images = rep_images(lm30, seg.spans, out, world30=track.world)
        with timer("kinematics"):
            kinematics = reps_kinematics(lm30, angles, seg, info)
            checks = reps_faults(
                lm30, track.world, angles, seg, kinematics, track.back, fault_thresholds
            )
    reps = rep_records(
        seg.spans, track.timeline.source_frame, stages, info, kinematics, files, checks
    )
    # 5. Verdicts.
    if judge is not None and images:
        with timer("detector"):
            reps = judge_reps(reps, images, judge)

    result = AnalysisResult(
        video=info,
        exercise=seg.exercise,
        reps=reps,
        timings_ms=timer.ms,
        pose_frames_found=int(poses.track.found.sum()),
        pose_frames_estimated=len(poses.posed),
        frames=frame_table(poses.frame_times, info.fps, track.timeline, stages, seg.signals.wrist),
        warnings=warnings + seg.warnings,
        people_counts=poses.people,
        candidates=candidate_records(seg, track.timeline.source_frame, info),
    )
    result.warnings += crowd_warnings(result)
    # 6. Video: a second decode, drawn per input frame.
    if write_video:
        with timer("video"):
            result.result_video = draw_video(
                video_path,
                out,
                result,
                track.frame_landmarks,
                timer,
                lambda share: on_progress(POSE_SHARE + (100 - POSE_SHARE) * share),
            )
    result.timings_ms = timer.ms
    result.timings_ms["total"] = sum(v for k, v in timer.ms.items() if k != "video_decode")
    (out / "report.json").write_text(json.dumps(result.report(), indent=1))
    on_progress(100.0)
    return result


VIDEO_MARKS = "video_marks.json"  # what the video shows: [[index, start, outcome, faults]]


def redraw_reps(video_path: str | Path, out_dir: str | Path, marks: list[RepMark]) -> bool:
    """Redraw `out_dir`'s annotated video with these reps (number, start frame, outcome): a
    newer detector judged them, or a coach corrected the count. Everything else comes from
    report.json and the kept landmarks. Returns False when the video already shows these
    reps; the new file replaces the old one only once complete."""
    out = Path(out_dir)
    report = json.loads((out / "report.json").read_text())
    wanted = [[m.index, m.start_frame, m.outcome, list(m.faults)] for m in marks]
    drawn_file = out / VIDEO_MARKS
    drawn = (
        json.loads(drawn_file.read_text())
        if drawn_file.exists()
        else [
            [
                r["index"],
                r["start_frame"],
                model_outcome(
                    r.get("not_judged_reason", ""), r.get("detected_faults"), r["verdict"]
                ),
                list(r.get("detected_faults") or []),
            ]
            for r in report["reps"]
        ]
    )
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
    write_overlay_video(frames_in, partial, info, report["frames"], marks, landmarks)
    partial.replace(out / RESULT_VIDEO)
    drawn_file.write_text(json.dumps(wanted))
    return True
