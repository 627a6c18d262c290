"""Sound in: check that a file someone gave us is a sound recording (a coach's voice-over,
as a browser's MediaRecorder makes it), and store its sound alone in a file this server wrote.

A browser records WebM/Opus (Chromium, Firefox), Ogg/Opus (older Firefox) or MP4/AAC
(Safari). The recording is only ever copied packet by packet (never decoded to be stored):
its one sound stream goes into a fresh container that names its length and can be seeked
(a MediaRecorder's WebM names neither), so a player shows the length and nothing else the
upload carried (other streams, attachments, metadata) is kept.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from core.errors import AudioUnreadable

# Only containers a browser records sound in (by the demuxer's name: "mov" is MP4 and M4A,
# "matroska" WebM), only from the local file: no playlist opens other files or URLs.
AUDIO_OPEN_OPTIONS = {"format_whitelist": "matroska,ogg,mov", "protocol_whitelist": "file"}
AUDIO_FORMATS = ("WebM", "Ogg", "M4A")
# The sound codecs browsers record and play, and the container each is stored in:
# (muxer, suffix). Everything stored is WebM/Opus or Vorbis, or M4A/AAC.
AUDIO_STORED = {"opus": ("webm", ".weba"), "vorbis": ("webm", ".weba"), "aac": ("ipod", ".m4a")}
CHECK_PACKETS = 25  # decoded to see it really is sound (half a second of Opus)

_NOT_SOUND = (
    "This file could not be read as a sound recording: a voice-over is WebM, Ogg or M4A audio."
)


@dataclass(frozen=True)
class AudioInfo:
    """What a sound recording is: its codec, length (from its packets, not what a header
    claims), the container it came in, and the suffix it is stored under."""

    codec: str
    duration_s: float
    container: str
    sample_rate: int
    suffix: str


def _open(path: Path):
    import av

    if not path.is_file():
        raise AudioUnreadable(f"The file {path.name} does not exist.")
    if os.path.getsize(path) == 0:
        raise AudioUnreadable("The recording is empty.")
    try:
        return av.open(str(path), container_options=AUDIO_OPEN_OPTIONS)
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as error:
        raise AudioUnreadable(_NOT_SOUND) from error


def _sound_stream(container):
    """The container's one sound stream; a video (a picture stream that is not an album
    cover) or a file with no sound is refused."""
    pictures = [
        s for s in container.streams.video if not (s.disposition & s.disposition.attached_pic)
    ]
    if pictures:
        raise AudioUnreadable(
            "This file is a video: a voice-over is a sound recording (WebM, Ogg or M4A audio)."
        )
    if not container.streams.audio:
        raise AudioUnreadable("This file holds no sound.")
    stream = container.streams.audio[0]
    codec = stream.codec_context.name
    if codec not in AUDIO_STORED:
        raise AudioUnreadable(
            f"This recording's sound is {codec}; a voice-over is Opus, Vorbis or AAC "
            "(what browsers record)."
        )
    return stream


def probe_audio(path: str | Path) -> AudioInfo:
    """Check a file is a sound recording: one of the containers and codecs browsers record,
    its first packets decode to sound, and its length counted from its packets' times.
    Raises AudioUnreadable with a sentence for anything else."""
    import av

    path = Path(path)
    container = _open(path)
    try:
        stream = _sound_stream(container)
        base = stream.time_base
        first = last = None
        decoded = samples = 0
        try:
            for packet in container.demux(stream):
                if packet.pts is None:
                    continue
                start = packet.pts
                end = packet.pts + (packet.duration or 0)
                first = start if first is None else min(first, start)
                last = end if last is None else max(last, end)
                if decoded < CHECK_PACKETS:
                    decoded += 1
                    samples += sum(frame.samples for frame in packet.decode())
        except av.error.FFmpegError as error:
            if not samples:
                raise AudioUnreadable(_NOT_SOUND) from error
            # A damaged tail: the length is what was read before it.
        if not samples or first is None or base is None:
            raise AudioUnreadable("The recording holds no sound.")
        duration = float((last - first) * base)
        return AudioInfo(
            codec=stream.codec_context.name,
            duration_s=max(duration, 0.0),
            container=container.format.name,
            sample_rate=int(stream.codec_context.sample_rate or 0),
            suffix=AUDIO_STORED[stream.codec_context.name][1],
        )
    finally:
        container.close()


def remux_audio(source: str | Path, target: str | Path) -> None:
    """Copy the sound stream of `source` (probe_audio said it is one) into a new file
    `target` of the container AUDIO_STORED names for its codec: packets as they are, times
    from zero, nothing else. AudioUnreadable when it cannot be written (`target` is then
    left to the caller to remove)."""
    import av

    container = _open(Path(source))
    try:
        stream = _sound_stream(container)
        muxer = AUDIO_STORED[stream.codec_context.name][0]
        options = {"movflags": "+faststart"} if muxer == "ipod" else {}
        try:
            with av.open(str(target), "w", format=muxer, options=options) as out:
                copy = out.add_stream_from_template(stream)
                offset = None
                for packet in container.demux(stream):
                    if packet.dts is None or packet.pts is None:
                        continue  # the demuxer's empty packet at the end
                    if offset is None:
                        offset = min(packet.pts, packet.dts)
                    packet.pts -= offset
                    packet.dts -= offset
                    packet.stream = copy
                    out.mux(packet)
        except (av.error.FFmpegError, ValueError) as error:
            raise AudioUnreadable(_NOT_SOUND) from error
    finally:
        container.close()
