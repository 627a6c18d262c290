"""Footage made from the shared clips with PyAV, for tests and scripts/eval_rep_counts.py:
pieces of real videos (cut at given times, another clip spliced in front), their frames
optionally transformed (mirrored, shrunk inside a black frame), re-encoded into one H.264
file in a temporary folder. Nothing made here is kept."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np

Piece = tuple[Path, float, float]  # a video, and the times [from, to) in seconds to keep


def write_clip(
    dst: Path,
    pieces: list[Piece],
    max_side: int = 640,
    transform: Callable[[np.ndarray], np.ndarray] | None = None,
) -> int:
    """Write the pieces one after the other to `dst` at the first piece's frame rate and
    size (later pieces are scaled to it: a camera cut), each piece's frames keeping their
    spacing, each frame (RGB) first passed through `transform` if given (mirror, crop).
    Returns the number of frames written."""
    import av
    import cv2

    from core.video.decode import iter_frames, probe_video

    rate = round(probe_video(pieces[0][0]).fps) or 30
    tb = Fraction(1, 90000)
    written, last, offset = 0, -1, 0.0
    size: tuple[int, int] | None = None
    with av.open(str(dst), "w") as out:
        stream = None
        for src, t_from, t_to in pieces:
            first = None
            for f in iter_frames(src, max_side=max_side):
                if f.time_s < t_from:
                    continue
                if f.time_s >= t_to:
                    break
                image = f.image if transform is None else transform(f.image)
                if stream is None:
                    codec = "libx264" if "libx264" in av.codecs_available else "mpeg4"
                    stream = out.add_stream(codec, rate=rate)
                    size = (
                        image.shape[1] - image.shape[1] % 2,
                        image.shape[0] - image.shape[0] % 2,
                    )
                    stream.width, stream.height, stream.pix_fmt = *size, "yuv420p"
                    stream.time_base = stream.codec_context.time_base = tb
                    if codec == "libx264":
                        stream.options = {"crf": "18", "preset": "veryfast"}
                if image.shape[1::-1] != size:
                    image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
                first = f.time_s if first is None else first
                vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24")
                pts = max(int(round((offset + f.time_s - first) / tb)), last + 1)
                vf.pts, vf.time_base, last = pts, tb, pts
                for packet in stream.encode(vf):
                    out.mux(packet)
                written += 1
            offset = (last + 1) * tb + 1 / rate if last >= 0 else 0.0
        if stream is not None:
            for packet in stream.encode():
                out.mux(packet)
    return written


def mirrored(image: np.ndarray) -> np.ndarray:
    """The picture flipped left-right: the lifter faces the other way."""
    return image[:, ::-1]


def shrunk(scale: float) -> Callable[[np.ndarray], np.ndarray]:
    """A transform: the picture shrunk to `scale` of its width and height, centred in a black
    frame of the same size (a lifter filmed from further away, the frame the same)."""
    import cv2

    def shrink(image: np.ndarray) -> np.ndarray:
        h, w = image.shape[:2]
        small = cv2.resize(
            image,
            (max(1, round(w * scale)), max(1, round(h * scale))),
            interpolation=cv2.INTER_AREA,
        )
        out = np.zeros_like(image)
        top, left = (h - small.shape[0]) // 2, (w - small.shape[1]) // 2
        out[top : top + small.shape[0], left : left + small.shape[1]] = small
        return out

    return shrink


# ---- footage more than one test uses, written once per run (tests/conftest.py: derived_clip) ---
TBY66 = "TBY66+Intelligent-Deadlift-Diagnosis-System"


def without_the_feet(image: np.ndarray) -> np.ndarray:
    """The bottom 28% of the picture cut off: the ankles out of the frame."""
    return image[: int(image.shape[0] * 0.72)]


# name -> (pieces as (shared clip under videos/, from s, to s), write_clip's keywords)
DERIVED: dict[str, tuple[list[tuple[str, float, float]], dict]] = {
    # The correct set's first 7 s with the feet out of the picture: reps that cannot be judged
    # (tests/pipeline/test_faults.py, tests/e2e/test_named_faults.py).
    "feet-cut-off": ([(f"{TBY66}/0016c_1.mp4", 0, 7)], {"transform": without_the_feet}),
}
