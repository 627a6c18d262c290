"""One function from a video file to reps, images, kinematics and verdicts, and one that
draws the annotated video from them when it is asked for.

`analyze_video` runs the named steps of steps.py in order: pose pass (over both cores,
pose_segments.py) -> time base (30 fps) -> reps -> images and kinematics -> verdicts. It
draws no video: people watch the upload itself with the skeleton drawn over it by the
browser from the kept per-frame landmarks (OVERLAY_LANDMARKS). `export_video` draws the
annotated MP4 from the report and those landmarks (a second decode), and redraws it with
new reps or verdicts (a newer detector, a corrected count).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from core import lifts
from core.errors import VideoUnreadable
from core.images.overlay import RepMark, write_overlay_video
from core.pipeline.pose_segments import default_processes, parallel_pose_pass
from core.pipeline.respan import save_track
from core.pipeline.steps import (
    OVERLAY_LANDMARKS,
    RESULT_VIDEO,
    Timer,
    candidate_records,
    check_input,
    crowd_warnings,
    find_reps,
    frame_table,
    grid_stages,
    judge_reps,
    lift_of,
    rep_images,
    rep_records,
    reps_faults,
    reps_kinematics,
    time_base,
)
from core.result import AnalysisResult, RepJudge, VideoInfo, model_outcome
from core.video.decode import iter_frames, probe_video
from core.video.encode import MAX_SIDE

POSE_SHARE = 95.0  # progress percent spent in the pose pass

__all__ = ["OVERLAY_LANDMARKS", "RESULT_VIDEO", "VIDEO_MARKS", "analyze_video", "export_video"]


def analyze_video(
    video_path: str | Path,
    out_dir: str | Path,
    *,
    judge: RepJudge | None = None,
    progress: Callable[[float], None] | None = None,
    stage_model_path: str | Path | None = None,
    max_seconds: float | None = None,
    fault_thresholds: dict[str, float] | None = None,
    pose_processes: int | None = None,
    lift: str | None = None,
    keep: tuple[float | None, float | None] | None = None,
) -> AnalysisResult:
    """Analyse a set: writes report.json, reps/ and the per-frame landmarks (what the
    video's drawing is made from) under `out_dir`.

    `progress` receives the percentage done; pose runs in `pose_processes` processes (one
    per core by default). Raises VideoUnreadable, NoPersonVisible or
    (past `max_seconds`) VideoTooLong for bad input; `fault_thresholds` are a detector
    version's learnt ones (faults.decide); a clip that shows no lift the platform judges
    (core/lifts' registry) returns normally with `exercise.judged` False and no reps.
    `lift` (a registry name) analyses the set as that lift only: someone said what it is.
    `keep` (start, end seconds; None: the video's start, its end) analyses only that span of
    the video (the set trimmed): nothing outside it is posed, so no rep is found there, and
    every frame number and time stays the whole video's (the player's clock): the overlay
    draws nothing outside the span.
    `timings_ms` holds milliseconds per cost centre (see steps.Timer).
    """
    started = time.perf_counter()
    video_path, out = Path(video_path), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    timer = Timer()
    on_progress = progress or (lambda pct: None)

    with timer("probe"):  # a file that is no video fails here, before pose is loaded
        probe = probe_video(video_path)
    expected = max(probe.frames, 1)
    # 1. Pose pass: input frames in, pose on the frames the 30 fps grid needs.
    with timer("pose_pass"):  # wall time; "decode", "pose"... add up every process's
        poses = parallel_pose_pass(
            video_path,
            probe.duration_s,
            pose_processes or default_processes(),
            timer,
            lambda n: on_progress(min(POSE_SHARE, POSE_SHARE * n / expected)),
            max_seconds=max_seconds,
            **({"keep": keep} if keep is not None else {}),
        )
    if keep is not None and not poses.posed and poses.shape is not None:
        raise VideoUnreadable("The kept span holds no frame of the video: trim within it.")
    info, warnings = check_input(poses, probe, expected)

    # 2. Time base: from here on everything counts in 30 fps grid frames.
    with timer("timebase"):
        track = time_base(poses)
        if keep is not None:  # outside the kept span nothing was posed: nothing to draw
            times = np.asarray(poses.frame_times)
            start, end = keep
            outside = times < (start or 0.0)
            if end is not None:
                outside |= times >= end
            track.frame_landmarks[outside] = np.nan
    lm30 = track.landmarks
    # 3. Reps, and the stage of every grid frame.
    angles, seg = find_reps(lm30, track.world, timer, track.thumbs, lift=lift)
    # Kept for coaches' corrections: a rep rebuilt on another span without pose again.
    save_track(out, lm30, track.world, track.timeline.source_frame, seg.signals.shots, track.back)
    with timer("stages"):
        stages = grid_stages(lm30, seg.signals.shoulder, stage_model_path, lift_of(seg).rise)

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
            reps = judge_reps(reps, images, judge, seg.lift)

    result = AnalysisResult(
        video=info,
        exercise=seg.exercise,
        reps=reps,
        timings_ms=timer.ms,
        pose_frames_found=int(poses.track.found.sum()),
        pose_frames_estimated=len(poses.posed),
        frames=frame_table(
            poses.frame_times, info.fps, track.timeline, stages, lift_of(seg).bar(seg.signals)
        ),
        warnings=warnings + seg.warnings,
        people_counts=poses.people,
        candidates=candidate_records(seg, track.timeline.source_frame, info),
        pose={"processes": poses.processes, "posed_again": poses.posed_again},
    )
    result.warnings += crowd_warnings(result)
    # What the browser draws over the video, and an export later, per input frame.
    np.save(out / OVERLAY_LANDMARKS, track.frame_landmarks[:, :, :2].astype(np.float32))
    result.timings_ms = timer.ms
    result.timings_ms["total"] = (time.perf_counter() - started) * 1000
    (out / "report.json").write_text(json.dumps(result.report(), indent=1))
    on_progress(100.0)
    return result


VIDEO_MARKS = "video_marks.json"  # what the video shows: [[index, start, outcome, faults]]


def export_video(
    video_path: str | Path,
    out_dir: str | Path,
    marks: list[RepMark] | None = None,
    progress: Callable[[float], None] | None = None,
) -> bool:
    """Draw `out_dir`'s annotated video (RESULT_VIDEO): the seed's boxes (stage,
    probability, frame, rep) and each rep's verdict box, from report.json and the kept
    landmarks. `marks` are the reps to show (number, start frame, outcome: the platform's
    counted reps, labels included); the report's own by default. Returns False when the
    video exists and already shows these reps; a new file replaces the old one only once
    complete."""
    out = Path(out_dir)
    report = json.loads((out / "report.json").read_text())
    if marks is None:
        marks = [
            RepMark(
                r["index"],
                r["start_frame"],
                model_outcome(
                    r.get("not_judged_reason", ""), r.get("detected_faults"), r["verdict"]
                ),
                tuple(r.get("detected_faults") or ()),
            )
            for r in report["reps"]
        ]
    wanted = [[m.index, m.start_frame, m.outcome, list(m.faults)] for m in marks]
    drawn_file = out / VIDEO_MARKS
    drawn = json.loads(drawn_file.read_text()) if drawn_file.exists() else None
    if (out / RESULT_VIDEO).exists() and drawn == wanted:
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
    lift = lifts.of_exercise((report.get("exercise") or {}).get("name", ""))
    write_overlay_video(
        frames_in, partial, info, report["frames"], marks, landmarks, progress, lift
    )
    partial.replace(out / RESULT_VIDEO)
    drawn_file.write_text(json.dumps(wanted))
    return True
