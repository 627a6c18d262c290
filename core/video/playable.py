"""Whether browsers play an upload as it is, and a copy they play when they do not.

Chromium, Firefox and Safari all play H.264 (8-bit 4:2:0) in MP4/QuickTime (Chromium and
Firefox also VP9 and AV1 there), and VP8, VP9 and AV1 in WebM. Phones also record HEVC
(most browsers cannot play it), some cameras write AVI or MPEG-TS, and a GIF is no video
element source: those get a copy. A turned
picture (rotation metadata) gets one too, with the turn applied to the pixels, so the
skeleton drawn over it never depends on whether a browser honours the metadata.
"""

from __future__ import annotations

from pathlib import Path

from core.errors import VideoUnreadable
from core.result import VideoInfo
from core.video.decode import iter_frames, probe_video
from core.video.encode import H264Writer

PLAYABLE_IN = {  # container (FFmpeg's demuxer name) -> codecs browsers play in it
    "mov,mp4,m4a,3gp,3g2,mj2": {"h264", "vp9", "av1"},
    "matroska,webm": {"vp8", "vp9", "av1"},
}
# 10-bit or 4:2:2/4:4:4 H.264 does not play; VP9/AV1 in WebM play in their usual formats.
PLAYABLE_PIXELS = {"yuv420p", "yuvj420p"}
COPY_MAX_SIDE = 1280  # 720p: enough to review form, cheap to make
COPY_PRESET = "veryfast"  # x264's speed/size trade-off for a copy made once and kept


def plays_in_browsers(info: VideoInfo) -> bool:
    """True when a video (video.probe_video's facts) plays in browsers as it is."""
    codecs = PLAYABLE_IN.get(info.container, set())
    pixels = info.pixel_format in PLAYABLE_PIXELS or info.container == "matroska,webm"
    return info.codec in codecs and pixels and info.rotation == 0


def make_playable(src: str | Path, dest: str | Path) -> int:
    """Write an H.264 MP4 of `src` at most 720p, every frame at its own time (so the
    per-frame landmarks line up), rotation applied; the file appears only once complete.
    Returns the number of frames written."""
    dest = Path(dest)
    partial = dest.with_name(f"partial-{dest.name}")
    info = probe_video(src)
    frames = iter_frames(src, max_side=COPY_MAX_SIDE)
    writer = H264Writer(
        partial, info.fps or 30.0, info.width, info.height, COPY_MAX_SIDE, COPY_PRESET
    )
    written = 0
    try:
        for frame in frames:
            writer.write(frame.image, frame.time_s)
            written += 1
    finally:
        writer.close()
    if not written:
        partial.unlink(missing_ok=True)
        raise VideoUnreadable("The file holds no decodable video frames.")
    partial.replace(dest)
    return written
