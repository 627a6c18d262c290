"""Frames as pose sees them: a phone's 1080p or 4K picture is shrunk plane by plane
(video.shrink_i420), the same picture swscale's conversion gives to about a grey level;
up to 2x smaller (every shared clip) the conversion is swscale's own, unchanged."""

import av
import numpy as np
import pytest

from core.video.decode import iter_frames
from tests.conftest import shared_path

CLIP = ("videos", "kantesh813+AI_GYM_Trainer", "deadlift.mp4")


def _clip(path, width, height, frames=3):
    """The first frames of a shared clip at a phone's size (scaled by PyAV), H.264."""
    with av.open(str(shared_path(*CLIP))) as source, av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"crf": "18"}
        for _, frame in zip(range(frames), source.decode(video=0), strict=False):
            big = frame.reformat(width=width, height=height, format="yuv420p")
            for packet in stream.encode(big):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160), (1080, 1920)])
def test_big_frames_shrink_to_the_picture_swscale_gives(tmp_path, size):
    for frame in iter_frames(_clip(tmp_path / "big.mp4", *size), max_side=640):
        expected = frame.decoded.reformat(
            width=frame.image.shape[1], height=frame.image.shape[0], format="bgr24",
            interpolation="AREA",
        ).to_ndarray()  # fmt: skip
        assert max(frame.image.shape[:2]) == 640
        assert np.abs(frame.image.astype(int) - expected).mean() < 1.5


def test_frames_up_to_twice_the_size_convert_as_before(tmp_path):
    for frame in iter_frames(_clip(tmp_path / "hd.mp4", 1280, 720), max_side=640):
        expected = frame.decoded.reformat(
            width=640, height=360, format="bgr24", interpolation="AREA"
        ).to_ndarray()
        assert np.array_equal(frame.image, expected)
