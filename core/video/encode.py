"""Writing video: H.264 in MP4, the one format every browser plays and seeks.

OpenCV's pip wheel cannot encode H.264 and its mp4v does not play in browsers, so PyAV's
libx264 writes the file: yuv420p, even size, faststart.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np

MAX_SIDE = 960  # larger inputs are scaled down: a review video in a browser needs no more


class H264Writer:
    """Streams BGR frames into an H.264 MP4 that Chromium plays and can seek: at the given
    frame rate, or at each frame's own time when `write` is given one (variable rates)."""

    TIME_BASE = Fraction(1, 90_000)  # MPEG's clock: fine enough for any frame time

    def __init__(
        self,
        path: Path,
        fps: float,
        width: int,
        height: int,
        max_side: int = MAX_SIDE,
        preset: str = "ultrafast",
    ) -> None:
        import av

        s = min(1.0, max_side / max(width, height))
        self.size = (int(round(width * s / 2) * 2), int(round(height * s / 2) * 2))
        self.container = av.open(str(path), "w", options={"movflags": "+faststart"})
        rate = Fraction(fps).limit_denominator(1001)
        self.stream = self.container.add_stream("libx264", rate=rate)
        self.stream.width, self.stream.height = self.size
        self.stream.pix_fmt = "yuv420p"
        self.stream.options = {"preset": preset, "crf": "23"}
        self.last_pts = -1

    def write(self, img: np.ndarray, time_s: float | None = None) -> None:
        import av
        import cv2

        if (img.shape[1], img.shape[0]) != self.size:
            img = cv2.resize(img, self.size, interpolation=cv2.INTER_AREA)
        frame = av.VideoFrame.from_ndarray(img, format="bgr24")
        if time_s is not None:
            frame.time_base = self.stream.codec_context.time_base = self.TIME_BASE
            frame.pts = self.last_pts = max(round(time_s / self.TIME_BASE), self.last_pts + 1)
        for packet in self.stream.encode(frame):
            self.container.mux(packet)

    def close(self) -> None:
        for packet in self.stream.encode():
            self.container.mux(packet)
        self.container.close()
