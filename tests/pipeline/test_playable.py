"""Which uploads browsers play as they are, and the copy made of the others."""

from dataclasses import replace
from fractions import Fraction

import av
import numpy as np
import pytest

from core.errors import VideoUnreadable
from core.video.decode import iter_frames, probe_video
from core.video.playable import make_playable, plays_in_browsers


def _video(path, codec="libx264", frames=30, size=(320, 240), steps_ms=(33, 50)):
    """A clip with alternating frame durations (a phone's variable frame rate)."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=30)
        stream.width, stream.height, stream.pix_fmt = *size, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        t = 0
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(np.full((*size[::-1], 3), 8 * i, np.uint8))
            frame.pts, frame.time_base = t, Fraction(1, 1000)
            t += steps_ms[i % len(steps_ms)]
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def test_h264_mp4_plays_and_hevc_avi_or_a_turned_picture_do_not(tmp_path):
    h264 = probe_video(_video(tmp_path / "phone.mp4"))
    assert plays_in_browsers(h264)
    assert not plays_in_browsers(probe_video(_video(tmp_path / "iphone.mp4", "libx265")))
    assert not plays_in_browsers(probe_video(_video(tmp_path / "camera.avi", "mpeg4")))
    assert not plays_in_browsers(replace(h264, rotation=90))  # turned by metadata only
    assert not plays_in_browsers(replace(h264, pixel_format="yuv420p10le"))  # 10-bit H.264
    assert not plays_in_browsers(replace(h264, container="matroska,webm"))  # H.264 in WebM


@pytest.mark.parametrize("codec, name", [("libx265", "iphone.mp4"), ("mpeg4", "camera.avi")])
def test_the_copy_is_h264_with_every_frame_at_its_own_time(tmp_path, codec, name):
    src = _video(tmp_path / name, codec)
    dest = tmp_path / "playable.mp4"
    assert make_playable(src, dest) == 30
    info = probe_video(dest)
    assert plays_in_browsers(info) and info.codec == "h264"
    original = [f.time_s for f in iter_frames(src)]
    copied = [f.time_s for f in iter_frames(dest)]
    assert np.allclose(copied, original, atol=1e-3)  # the overlay's frame times still hold
    assert not list(tmp_path.glob("partial-*"))


def test_a_copy_of_nothing_leaves_no_file(tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_text("not a video")
    with pytest.raises(VideoUnreadable):
        make_playable(bad, tmp_path / "playable.mp4")
    assert not list(tmp_path.glob("*playable*"))
