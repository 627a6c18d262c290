"""Annotated video: skeleton, a stage box and a per-rep verdict box, encoded as H.264 MP4.

OpenCV's pip wheel cannot encode H.264 and its mp4v does not play in browsers, so PyAV's
libx264 writes the file: yuv420p, even size, faststart, the input's frame count and rate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from core.lifts import DEFAULT
from core.lifts.base import Lift
from core.pose.landmarks import SKELETON_EDGES
from core.result import FAULTS, GOOD, UNUSUAL, VideoInfo
from core.video.decode import Frame
from core.video.encode import H264Writer

GREEN, RED, AMBER, GREY = (60, 170, 60), (50, 50, 220), (0, 150, 220), (140, 140, 140)  # BGR


class RepMark(NamedTuple):
    """What the video shows of a rep: its number from its first frame on, and its outcome
    (result.model_outcome, or the coach's label on a redraw) with the faults named."""

    index: int
    start_frame: int
    outcome: str | None
    faults: tuple[str, ...] = ()


def verdict_style(
    outcome: str | None, faults: tuple[str, ...] = (), lift: Lift | None = None
) -> tuple[str, tuple[int, int, int]]:
    """A rep's verdict box: its text and colour; a good rep is called by its `lift` (the
    registry's DEFAULT when None)."""
    if outcome == GOOD:
        return (lift or DEFAULT).good_form, GREEN
    if outcome == FAULTS:
        named = ", ".join(f.replace("_", " ") for f in faults)
        return (f"Fault: {named}" if named else "Form fault"), RED
    if outcome == UNUSUAL:
        return "Unusual movement", AMBER
    return "Not judged", GREY


def _box(img: np.ndarray, lines: list[str], corner: str, colour, scale: float) -> None:
    import cv2

    font = cv2.FONT_HERSHEY_SIMPLEX
    fs, th = 0.5 * scale, max(1, round(scale))
    sizes = [cv2.getTextSize(t, font, fs, th)[0] for t in lines]
    pad = round(6 * scale)
    line_h = max(s[1] for s in sizes) + pad
    w = max(s[0] for s in sizes) + 2 * pad
    h = line_h * len(lines) + pad
    x0 = pad if corner == "left" else img.shape[1] - w - pad
    y0 = pad
    cv2.rectangle(img, (x0, y0), (x0 + w, y0 + h), colour, -1)
    for i, text in enumerate(lines):
        y = y0 + (i + 1) * line_h
        cv2.putText(img, text, (x0 + pad, y), font, fs, (255, 255, 255), th, cv2.LINE_AA)


def draw_frame(
    img: np.ndarray,
    landmarks: np.ndarray | None,
    stage: str,
    prob: float,
    frame_no: int,
    rep_label: str,
    verdict_box: tuple[str, tuple[int, int, int]] | None,
) -> np.ndarray:
    import cv2

    h, w = img.shape[:2]
    scale = max(0.6, min(w, h) / 480)
    if landmarks is not None and np.isfinite(landmarks[0, 0]):
        pts = (landmarks[:, :2] * [w, h]).astype(int)
        for a, b in SKELETON_EDGES:
            cv2.line(img, tuple(pts[a]), tuple(pts[b]), (255, 255, 255), max(1, round(2 * scale)))
        for p in pts[11:]:
            cv2.circle(img, tuple(p), max(2, round(3 * scale)), (0, 200, 255), -1)
    _box(
        img,
        [f"Stage: {stage}", f"Probability: {prob:.2f}", f"Frame: {frame_no}", f"Rep: {rep_label}"],
        "left",
        (70, 50, 30),
        scale,
    )
    if verdict_box is not None:
        _box(img, [verdict_box[0]], "right", verdict_box[1], scale)
    return img


def write_overlay_video(
    frames: Iterable[Frame],
    dest: Path,
    info: VideoInfo,
    per_frame: list[dict[str, Any]],
    reps: list[RepMark],
    landmarks: np.ndarray,
    progress: Callable[[float], None] | None = None,
    lift: Lift | None = None,
) -> None:
    """Draw skeleton, stage box and the current rep's verdict box on every frame and encode.
    `per_frame` holds each input frame's stage and probability; `landmarks` (frames, 33, >=2)
    normalised image coordinates; `lift` the reps' (verdict_style)."""
    writer = H264Writer(dest, info.fps, info.width, info.height)
    try:
        for frame in frames:
            i = frame.index
            if i >= len(per_frame):
                break
            started = [r for r in reps if r.start_frame <= i]
            current = started[-1] if started else None
            box = None
            if current is not None:
                text, colour = verdict_style(current.outcome, current.faults, lift)
                box = (f"Rep {current.index}: {text}", colour)
            f = per_frame[i]
            rep_label = f"{current.index if current else 0}/{len(reps)}"
            writer.write(
                draw_frame(frame.image, landmarks[i], f["stage"], f["prob"], i, rep_label, box)
            )
            if progress is not None and i % 30 == 0:
                progress(i / max(info.frames, 1))
    finally:
        writer.close()
