"""Plain dataclasses the pipeline returns; `AnalysisResult.report()` is `report.json`.

The report's keys are a contract read by other tools (the platform, outside checks): keep them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import numpy as np


@dataclass
class VideoInfo:
    path: str
    frames: int  # frames actually decoded
    fps: float  # average frame rate (frames / duration)
    width: int  # displayed size, after rotation
    height: int
    duration_s: float
    rotation: int = 0  # degrees applied to honour the phone's rotation metadata
    codec: str = ""
    variable_frame_rate: bool = False
    # What the bytes are, as the demuxer decoded them (never the file's name): its format
    # name ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "avi", ...) and, for the ISO/QuickTime
    # family, the major brand ("isom", "qt", ...).
    container: str = ""
    brand: str = ""
    pixel_format: str = ""  # the decoder's ("yuv420p", "yuv420p10le", ...)
    # The first frame's presentation time in the file: a browser's clock for the file (a
    # video element's currentTime) counts from the file's zero, frame times here from it.
    start_s: float = 0.0

    def summary(self) -> dict[str, Any]:
        """What a person may read about the video: its facts, never where it lies on disk."""
        return {
            "frames": self.frames,
            "fps": round(self.fps, 3),
            "width": self.width,
            "height": self.height,
            "duration_s": round(self.duration_s, 3),
            "rotation": self.rotation,
            "codec": self.codec,
            "variable_frame_rate": self.variable_frame_rate,
            "start_s": round(self.start_s, 4),
        }


@dataclass
class Exercise:
    """What a clip shows (core/lifts/recognise.py). `name`: a lift of the registry or one of
    its variants, or what else it looks like ("squat", "curl", "unknown"); `is_deadlift`:
    a lift the platform judges (its reps counted and judged), under the report's key from
    when there was one lift; `probabilities`, each lift's probability from the set's
    posture, the likeliest first (none: unknown, e.g. no person)."""

    name: str
    is_deadlift: bool
    message: str  # what was seen, in a sentence
    # How likely each lift of the registry is, and "other" (lifts/posture.py), 0..1.
    probabilities: dict[str, float] = field(default_factory=dict)

    @property
    def judged(self) -> bool:
        """A lift the platform judges was seen: its reps are counted and judged."""
        return self.is_deadlift


# A rep's outcome for people; the model's is decided here (pure), the coach's label on top
# of it in analysis.models (Outcome, Rep.outcome).
GOOD, FAULTS, UNUSUAL, NOT_JUDGED = "good", "faults", "unusual", "not_judged"
# What an athlete's own baseline does to the outcome (detector/personal.py: effect).
FLAGGED, CLEARED = "flagged", "cleared"


def model_outcome(
    not_judged_reason: str,
    detected_faults: list | None,
    verdict: str | None,
    personal: str = "",
) -> str:
    """Named faults first, then the detector's "unusual", then good; not judged when the
    rep could not be judged or nothing judged it. Faults are checked without a detector.
    `personal` is the athlete's own baseline's effect (detector/personal.py: effect):
    CLEARED (usual for them, the flags borderline) is good, FLAGGED at least unusual."""
    if not_judged_reason:
        return NOT_JUDGED
    if personal == CLEARED:
        return GOOD
    if detected_faults:
        return FAULTS
    if verdict == "anomalous" or personal == FLAGGED:
        return UNUSUAL
    if verdict == "good" or detected_faults is not None:
        return GOOD
    return NOT_JUDGED


MIN_VIEW_SHARE = 0.1  # a camera view under this share of a detector's normal reps is new to it


def detector_abstains(trained_views: dict[str, int], camera_view: str) -> str:
    """Why a detector should not judge a rep filmed from `camera_view`, or "": it learnt
    what normal looks like from its training reps' views, and a view it rarely saw reads as
    unusual whatever the form. Unknown views (older or imported reps) are not refused."""
    known = {view: n for view, n in trained_views.items() if view}
    total = sum(known.values())
    if not camera_view or not total or known.get(camera_view, 0) >= MIN_VIEW_SHARE * total:
        return ""
    seen = " and ".join(sorted(known, key=known.get, reverse=True))
    return (
        f"The detector learnt from reps filmed from the {seen}; this rep was filmed from the "
        f"{camera_view}."
    )


@dataclass
class Judgement:
    """A detector's opinion of one rep."""

    verdict: str | None  # "good" or "anomalous"; None: abstained (details["abstained"])
    score: float  # in [0, 1], higher = more anomalous
    threshold: float  # the score above which a rep is anomalous
    joints: list[str]  # body parts that deviated most, most deviating first
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def abstained(self) -> str:
        """Why the detector gave no verdict (result.detector_abstains), or ""."""
        return self.details.get("abstained", "")


def image_kind(judge: object) -> str:
    """Which SkeleMotion image a judge learnt from: "seed" (the dissertation's, the default)
    or "body" (the body-frame one); the detector's manifest says."""
    return getattr(judge, "image_kind", "seed")


class RepJudge(Protocol):
    """What the pipeline needs from an anomaly detector (the hook for core/detector)."""

    version: str
    lift: str  # whose reps it judges (a registry name; pipeline.steps.judge_lift)

    def judge(self, images: np.ndarray, views: list[str] | None = None) -> list[Judgement]:
        """Judge SkeleMotion PNG images, uint8 RGB, shape (N, 45, 100, 3), of reps filmed
        from `views` (camera views, "" unknown); a judgement it abstains from has verdict
        None and the reason in details["abstained"]."""
        ...


@dataclass
class Rep:
    index: int  # 1-based, in order
    start_frame: int  # frame numbers of the input video
    lockout_frame: int
    end_frame: int
    start_s: float
    lockout_s: float
    end_s: float
    complete: bool  # False when the clip ends before the bar is back down
    stages: dict[str, Any]
    kinematics: dict[str, Any]
    image: str | None = None  # paths relative to the output folder
    orientation: str | None = None
    magnitude: str | None = None
    landmarks: str | None = None
    body_image: str | None = None  # the body-frame SkeleMotion PNG (skelemotion.py)
    verdict: str | None = None
    score: float | None = None
    threshold: float | None = None
    joints: list[str] = field(default_factory=list)
    detector_version: str | None = None
    detector_abstained: str = ""  # why the detector did not judge this rep (result.py)
    confidence: float | None = None  # 0..1: how sure the counter is that this is a rep
    evidence: dict[str, Any] = field(default_factory=dict)  # what it was counted on
    # Named faults (faults.py): None when the rep could not be judged (not_judged_reason).
    detected_faults: list[str] | None = None
    fault_evidence: dict[str, Any] = field(default_factory=dict)  # per fault checked
    camera_view: str = ""  # "side", "oblique", "front"
    not_judged_reason: str = ""


@dataclass
class Candidate:
    """A rise the counter saw and did not count, with the reason in a sentence."""

    kind: str  # "stood_up", "not_a_pull", "other_shot", "partial_start", "too_short", ...
    reason: str  # "12.8 s: stood up after setting the bar down (...)"
    start_frame: int  # input frame numbers, as for reps
    lockout_frame: int
    end_frame: int
    start_s: float
    lockout_s: float
    end_s: float


@dataclass
class AnalysisResult:
    video: VideoInfo
    exercise: Exercise
    reps: list[Rep]
    timings_ms: dict[str, float]
    pose_frames_found: int
    pose_frames_estimated: int
    frames: list[dict[str, Any]] = field(default_factory=list)  # per input frame: stage, prob
    result_video: str | None = None  # relative to the output folder
    warnings: list[str] = field(default_factory=list)
    # People detected per sampled frame (a lower bound; see people.py); empty if not counted.
    people_counts: list[int] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)  # rises not counted as reps
    # How pose ran: processes, and segments posed again after a helper failed.
    pose: dict[str, int] = field(default_factory=lambda: {"processes": 1, "posed_again": 0})

    @property
    def multi_person_share(self) -> float:
        """Share of sampled frames in which more than one person was detected."""
        counts = self.people_counts
        return sum(c > 1 for c in counts) / len(counts) if counts else 0.0

    def report(self) -> dict[str, Any]:
        v = self.video
        return {
            "input": {"path": v.path, **v.summary()},
            "exercise": asdict(self.exercise),
            "pose_frames_estimated": self.pose_frames_estimated,
            "pose_frames_found": self.pose_frames_found,
            "pose": self.pose,
            "people": {
                "frames_sampled": len(self.people_counts),
                "max": max(self.people_counts, default=None),
                "share_with_several": round(self.multi_person_share, 3),
            },
            "rep_count": len(self.reps),
            "timings_ms": {k: round(t, 1) for k, t in self.timings_ms.items()},
            "result_video": self.result_video,
            "warnings": self.warnings,
            "frames": self.frames,
            "reps": [asdict(r) for r in self.reps],
            "candidates": [asdict(c) for c in self.candidates],
        }
