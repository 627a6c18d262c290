"""The named steps `analyze_video` runs, each with plain input and output.

pose pass -> time base (30 fps) -> reps -> images and kinematics -> verdicts.

Three cadences meet here: input frames (what the file holds and the annotated video shows),
posed frames (the input frames pose estimation saw: a 60 fps clip only needs every other
one) and the 30 fps grid everything downstream counts in. The pose pass decodes the video
(its header is read once, by video.probe_video, and handed to check_input); the steps
after it are functions of arrays, rep_images also writing each rep's files where told.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from core import lifts
from core.errors import NoPersonVisible, VideoTooLong, VideoUnreadable
from core.images.skelemotion import write_body_image, write_rep_images
from core.lifts.base import Lift
from core.lifts.faults import FaultCheck, check_rep
from core.lifts.kinematics import body_angles, rep_kinematics
from core.lifts.recognise import segment_reps
from core.pose.bodyframe import to_body_frame
from core.pose.estimator import POSE_MAX_SIDE, PoseEstimator, PoseTrack
from core.pose.people import person_counter
from core.reps.segment import RepSpan, RiseRule, Segmentation, rule_stages
from core.result import (
    AnalysisResult,
    Candidate,
    Rep,
    RepJudge,
    VideoInfo,
    image_kind,
)
from core.video.decode import Frame, describe_video, iter_frames
from core.video.timebase import FPS, Timeline, nearest_index, resample

PEOPLE_EVERY_S = 0.5  # how often people are counted
MULTI_PERSON_WARN = 0.3  # share of counted frames with several people that earns a warning
MIN_PERSON_SHARE = 0.2  # below this share of frames with a person, there is nothing to judge
RESULT_VIDEO = "result.mp4"
OVERLAY_LANDMARKS = "overlay_landmarks.npy"  # per input frame x, y: what the overlay draws


class Timer:
    """Milliseconds per named cost centre; `with timer("pose"): ...` adds to "pose"."""

    def __init__(self) -> None:
        self.ms: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.ms[name] = self.ms.get(name, 0.0) + (time.perf_counter() - t0) * 1000


def timed_frames(path: Path, timer: Timer, name: str, max_side: int) -> Iterator[Frame]:
    """Iterate frames, charging decode time to `name`."""
    frames = iter_frames(path, max_side=max_side)
    while True:
        with timer(name):
            frame = next(frames, None)
        if frame is None:
            return
        yield frame


THUMB_WIDTH = 96  # pixels: enough to see a camera cut change the whole picture


def thumbnail(image: np.ndarray) -> np.ndarray:
    """An RGB frame as a small grey uint8 image (what camera-cut detection compares)."""
    import cv2

    h, w = image.shape[:2]
    size = (THUMB_WIDTH, max(1, round(h * THUMB_WIDTH / w)))
    return cv2.resize(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), size, interpolation=cv2.INTER_AREA)


# ---- 1. pose pass ---------------------------------------------------------------------------
@dataclass
class PosePass:
    """What the one decode for pose yields."""

    frame_times: list[float]  # per input frame, seconds
    posed: list[int]  # input frame indices that went through pose estimation
    track: PoseTrack  # per posed frame
    people: list[int]  # people counted every PEOPLE_EVERY_S (empty if not counted)
    shape: tuple[int, int, int] | None  # full-size (height, width, 3); None: nothing decoded
    rotation: int = 0
    thumbs: np.ndarray | None = None  # per posed frame a small grey image (thumbnail)
    processes: int = 1  # pose processes that posed it (pose_segments.py)
    posed_again: int = 0  # segments a helper failed on, posed again in the first process


def pose_pass(
    video_path: Path,
    timer: Timer | None = None,
    on_decoded: Callable[[int], None] | None = None,
    max_seconds: float | None = None,
    span: tuple[float, float] | None = None,
    warm_s: float = 0.0,
    pose_until: float = float("inf"),
) -> PosePass:
    """Decode every frame; estimate pose on those that reach the next 30 fps grid point (so
    nothing is estimated twice) and count people twice a second. Charges "decode", "pose"
    and "people" to `timer`; tells `on_decoded` how many frames are decoded, every 15.

    With `span` (start, end seconds) only the frames in it are posed and kept: one segment
    of a video posed in parallel (pose_segments.py). Frames are still decoded and chosen
    from the first one, so the segment's frames, indices and people counts are exactly
    those a whole pass would give; pose starts `warm_s` early so the tracker has settled
    by `start`, and the pass stops at `end`. `frame_times` covers every frame up to there.
    Frames from `pose_until` on are decoded (counted in `frame_times`) but not posed: the end
    of a set's kept span (a trimmed set) with the video's frames still all there.

    A frame later than `max_seconds` stops the pass with VideoTooLong: the limit holds on
    the frames themselves, also for files whose header gives no duration."""
    timer = timer or Timer()
    start, end = span or (0.0, float("inf"))
    shape, rotation = None, 0
    frame_times: list[float] = []
    posed: list[int] = []
    people: list[int] = []
    next_t = next_count = 0.0
    counter = person_counter()
    thumbs: list[np.ndarray] = []
    warm_frames = 0
    with PoseEstimator() as estimator:
        for frame in timed_frames(video_path, timer, "decode", POSE_MAX_SIDE):
            if max_seconds is not None and frame.time_s > max_seconds:
                raise VideoTooLong(
                    f"The video runs past the {max_seconds:.0f} s limit. Trim it to the set "
                    "and upload it again."
                )
            if frame.time_s >= end:
                break
            frame_times.append(frame.time_s)
            shape, rotation = (*frame.size[::-1], 3), frame.rotation
            if next_t <= frame.time_s < pose_until:
                next_t = frame.time_s + 0.75 / FPS
                count = frame.time_s >= next_count
                if count:
                    next_count = frame.time_s + PEOPLE_EVERY_S
                if frame.time_s < start - warm_s:
                    continue  # before the segment: chosen as a whole pass would, not posed
                with timer("decode"):
                    image = frame.image  # only frames that meet pose are converted
                with timer("pose"):
                    estimator.process(image, frame.time_s)
                if frame.time_s < start:
                    warm_frames += 1  # the tracker settling: posed, not kept
                    continue
                with timer("thumbs"):
                    thumbs.append(thumbnail(image))
                if counter is not None and count:
                    with timer("people"):
                        people.append(counter.count(image))
                posed.append(frame.index)
            if frame.index % 15 == 0 and on_decoded is not None:
                on_decoded(frame.index + 1)
        track = estimator.track().without_first(warm_frames)
    stacked = np.stack(thumbs) if thumbs else None
    return PosePass(frame_times, posed, track, people, shape, rotation, stacked)


def check_input(
    poses: PosePass, probe: VideoInfo, expected_frames: int
) -> tuple[VideoInfo, list[str]]:
    """The decoded video's facts (header facts from `probe`, video.probe_video's answer)
    and warnings; raises VideoUnreadable when nothing decoded and NoPersonVisible when a
    person is seen too rarely to judge anything."""
    if poses.shape is None:
        raise VideoUnreadable("The file holds no decodable video frames.")
    info = describe_video(probe, poses.frame_times, poses.shape, poses.rotation)
    warnings = []
    if info.frames < 0.9 * expected_frames - 2:
        warnings.append(
            f"Only {info.frames} of the {expected_frames} frames the file announces could be "
            "decoded: it may be truncated. The analysis covers what was decoded."
        )
    found = poses.track.found
    found_share = float(found.mean())
    if found_share < MIN_PERSON_SHARE:
        raise NoPersonVisible(
            "No person was visible in the video."
            if not found.any()
            else f"A person was visible in only {found_share:.0%} of the video: film the "
            "whole body for the whole set."
        )
    return info, warnings


# ---- 2. time base ---------------------------------------------------------------------------
@dataclass
class Track30:
    """The lifter on the 30 fps grid, and per input frame what the overlay draws."""

    timeline: Timeline  # landmarks on the grid; source_frame as input frame numbers
    world: np.ndarray  # (M, 33, 3) world landmarks on the grid
    frame_landmarks: np.ndarray  # (N, 33, 4) per input frame, the nearest posed frame's
    thumbs: np.ndarray | None = None  # (M, h, w) the nearest posed frame's small grey image
    back: np.ndarray | None = None  # (M,) the nearest posed frame's back bulge (back.py)

    @property
    def landmarks(self) -> np.ndarray:
        return self.timeline.landmarks


def time_base(poses: PosePass) -> Track30:
    """Resample the posed frames onto the 30 fps grid."""
    track = poses.track
    timeline = resample(track.times, track.landmarks, track.found)
    frame_landmarks = track.landmarks[nearest_index(track.times, np.asarray(poses.frame_times))]
    thumbs = poses.thumbs[timeline.source_frame] if poses.thumbs is not None else None
    back = track.back[timeline.source_frame] if track.back is not None else None
    timeline.source_frame = np.asarray(poses.posed)[timeline.source_frame]
    world = resample(track.times, track.world, track.found).landmarks
    # At the precision kept beside the report (respan.TRACK_FILE), so that a rep rebuilt
    # from it on the same span is the same rep, to the bit.
    timeline.landmarks = timeline.landmarks.astype(np.float32).astype(np.float64)
    world = world.astype(np.float32).astype(np.float64)
    return Track30(timeline, world, frame_landmarks, thumbs, back)


# ---- 3. reps (rises: reps.segment; which are a lift's reps: lifts.recognise) ---------------
def lift_of(seg: Segmentation) -> Lift:
    """The lift whose reps `seg` holds (the registry's DEFAULT when it names none)."""
    return lifts.get(seg.lift) if seg.lift else lifts.DEFAULT


def find_reps(
    lm30: np.ndarray,
    world30: np.ndarray,
    timer: Timer | None = None,
    thumbs30: np.ndarray | None = None,
    lift: str | None = None,
) -> tuple[dict[str, np.ndarray], Segmentation]:
    """The body angles (kinematics.body_angles) and the reps on a 30 fps track, of the first
    lift of the registry they are reps of (recognise.segment_reps), or only of `lift` when
    someone said what it is: landmarks `lm30`, world landmarks `world30`, small grey frames
    `thumbs30` (to see camera cuts). Charges "kinematics" and "reps" to `timer`."""
    timer = timer or Timer()
    with timer("kinematics"):
        angles = body_angles(world30, lm30)
    with timer("reps"):
        only = [lifts.get(lift)] if lift else None
        seg = segment_reps(lm30, world30, knee_angles=angles["knee"], thumbs=thumbs30, lifts=only)
    return angles, seg


class Stages(NamedTuple):
    """Per grid frame: "up", "down" or "neutral", and the top class's probability."""

    labels: list[str]
    probs: np.ndarray


def grid_stages(
    lm30: np.ndarray,
    shoulder_ratio: np.ndarray,
    model_path: str | Path | None = None,
    rise: RiseRule | None = None,
) -> Stages:
    """Per grid frame stage and probability: a trained model if given, else the rule on a
    lift's `rise` (the registry's DEFAULT's when None)."""
    if model_path:
        from core.reps.stage_model import StageModel

        stages, probs = StageModel.load(model_path).predict(lm30)
        return Stages(list(stages), np.nan_to_num(np.asarray(probs, dtype=float)))
    return Stages(*rule_stages(shoulder_ratio, rise or lifts.DEFAULT.rise))


# ---- 4. images and kinematics ---------------------------------------------------------------
def reps_kinematics(
    lm30: np.ndarray, angles: dict[str, np.ndarray], seg: Segmentation, info: VideoInfo
) -> list[dict[str, Any]]:
    """kinematics.rep_kinematics for each of `seg`'s reps, in `info`'s pixels."""
    lift = lift_of(seg)
    return [
        rep_kinematics(span, lm30, angles, seg.signals, info.width, info.height, lift)
        for span in seg.spans
    ]


def reps_faults(
    lm30: np.ndarray,
    world30: np.ndarray,
    angles: dict[str, np.ndarray],
    seg: Segmentation,
    kinematics: list[dict[str, Any]],
    back30: np.ndarray | None,
    thresholds: dict[str, float] | None = None,
) -> list[FaultCheck]:
    """faults.check_rep for each of `seg`'s reps, its lift's faults (learnt `thresholds` if
    given)."""
    lift = lift_of(seg)
    return [
        check_rep(span, lm30, world30, angles, kin, back30, thresholds, lift)
        for span, kin in zip(seg.spans, kinematics, strict=True)
    ]


IMAGE_KINDS = ("seed", "body")  # the dissertation's image; the body-frame one beside it


def rep_images(
    lm30: np.ndarray,
    spans: list[RepSpan],
    out: Path,
    names: list[str] | None = None,
    world30: np.ndarray | None = None,
) -> tuple[list[dict[str, str]], dict[str, list[np.ndarray]]]:
    """Write each rep's SkeleMotion files under out/reps/ (as `names`, default rep_01, ...),
    with the body-frame image (`body_image`) when world landmarks are given; returns their
    paths (relative to `out`) and, per image kind, the PNGs read back as RGB arrays, as the
    detector's dataset holds them."""
    import cv2

    names = names or [f"rep_{i:02d}" for i in range(1, len(spans) + 1)]
    body = to_body_frame(world30) if world30 is not None else None
    files: list[dict[str, str]] = []
    images: dict[str, list[np.ndarray]] = {kind: [] for kind in IMAGE_KINDS}
    for span, name in zip(spans, names, strict=True):
        found = np.isfinite(lm30[span.start : span.end + 1, 0, 0])  # frames with a pose
        seq = lm30[span.start : span.end + 1, :, :3][found]
        paths = write_rep_images(seq, out / "reps" / name)
        images["seed"].append(cv2.imread(str(paths["image"]))[:, :, ::-1])
        if body is not None:
            paths["body_image"] = write_body_image(
                body[span.start : span.end + 1][found], out / "reps" / f"{name}.body.png"
            )
            images["body"].append(cv2.imread(str(paths["body_image"]))[:, :, ::-1])
        files.append({k: str(p.relative_to(out)) for k, p in paths.items()})
    return files, images


def rep_records(
    spans: list[RepSpan],
    source_frame: np.ndarray,
    stages: Stages,
    info: VideoInfo,
    kinematics: list[dict[str, Any]],
    files: list[dict[str, str]],
    checks: list[FaultCheck],
) -> list[Rep]:
    """Reps in input frame numbers and seconds, with their stage shares, kinematics, files
    and named faults (one of each per span)."""

    def frame_of(k: int) -> int:
        return int(min(source_frame[min(k, len(source_frame) - 1)], info.frames - 1))

    def evidence(check: FaultCheck) -> dict[str, dict[str, Any]]:
        """Each measure's grid frame as the input frame and video time where it shows."""
        return {
            name: e
            | {"frame": frame_of(e["frame"]), "time_s": round(frame_of(e["frame"]) / info.fps, 3)}
            for name, e in check.evidence.items()
        }

    reps = []
    for i, (span, kin, paths, check) in enumerate(
        zip(spans, kinematics, files, checks, strict=True), start=1
    ):
        seg_stages = stages.labels[span.start : span.end + 1]
        shares = {
            s: round(seg_stages.count(s) / max(len(seg_stages), 1), 3)
            for s in ("up", "down", "neutral")
        }
        mean_prob = round(float(np.mean(stages.probs[span.start : span.end + 1])), 3)
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
                confidence=round(float(span.confidence), 2),
                evidence=span.evidence,
                stages=shares | {"mean_probability": mean_prob},
                kinematics=kin,
                detected_faults=None if check.not_judged else check.faults,
                fault_evidence=evidence(check),
                camera_view=check.camera_view,
                not_judged_reason=check.not_judged,
                **paths,
            )
        )
    return reps


def candidate_records(
    seg: Segmentation, source_frame: np.ndarray, info: VideoInfo
) -> list[Candidate]:
    """The rises not counted, in input frame numbers and seconds, with their reasons."""
    out = []
    for c in seg.candidates:
        frames = [
            int(min(source_frame[min(k, len(source_frame) - 1)], info.frames - 1))
            for k in (c.start, c.lockout, c.end)
        ]
        seconds = [round(f / info.fps, 3) for f in frames]
        out.append(Candidate(c.kind, c.reason, *frames, *seconds))
    return out


# ---- 5. verdicts ----------------------------------------------------------------------------
def judge_reps(
    reps: list[Rep], images: dict[str, list[np.ndarray]], judge: RepJudge, lift: str
) -> list[Rep]:
    """The reps (of `lift`) with the judge's verdict, score, threshold and joints (no
    verdict, with the reason, where it abstains), on the kind of image it learnt from
    (rep_images); unchanged when the judge judges another lift (lifts.judge_lift)."""
    if lifts.judge_lift(judge) != lift:
        return list(reps)
    kind = image_kind(judge)
    if not images.get(kind):
        return list(reps)
    judgements = judge.judge(np.stack(images[kind]), [r.camera_view for r in reps])
    return [
        replace(
            rep,
            verdict=j.verdict,
            score=j.score,
            threshold=j.threshold,
            joints=j.joints,
            detector_version=judge.version,
            detector_abstained=j.abstained,
        )
        for rep, j in zip(reps, judgements, strict=True)
    ]


# ---- per input frame, the report and the warnings -------------------------------------------
def frame_table(
    times: list[float], fps: float, timeline: Timeline, stages: Stages, bar30: np.ndarray
) -> list[dict[str, Any]]:
    """Stage, probability and bar height (`bar30` per grid frame: the lift's `bar`, the
    wrists' for a standing lift) per input frame, for charts and overlay; "t" counts frames
    at the average rate, "pts" is the frame's time in the file."""
    out = []
    for i, t in enumerate(times):
        k = timeline.grid_index(t)
        bar = bar30[k] if np.isfinite(bar30[k]) else None
        out.append(
            {
                "t": round(i / fps, 3),
                "pts": round(t, 4),  # the frame's own presentation time (variable rates too)
                "stage": stages.labels[k],
                "prob": round(float(stages.probs[k]), 3),
                "bar_y": round(float(bar), 3) if bar is not None else None,
            }
        )
    return out


def crowd_warnings(result: AnalysisResult) -> list[str]:
    """A warning when several people were in view often enough to confuse the tracker."""
    if result.multi_person_share < MULTI_PERSON_WARN:
        return []
    return [
        f"More than one person was visible in {result.multi_person_share:.0%} of the "
        "video. The analysis follows one of them: check in the annotated video that the "
        "skeleton stays on the lifter, or film the lifter alone."
    ]
