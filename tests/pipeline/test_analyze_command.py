"""`analyze_video` end to end on a real clip, and bad input giving a one-line reason."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from django.core.management import call_command

from core.errors import NoPersonVisible, VideoUnreadable
from core.images.overlay import RepMark
from core.pipeline.run import analyze_video, export_video
from core.video.decode import probe_video
from tests.conftest import shared_path

ROOT = Path(__file__).resolve().parents[2]


def clip():
    return shared_path("videos", "RFN-Dev-Git+AI-GYM", "Deadlift3.mp4")


@pytest.fixture(scope="module")
def command_output(tmp_path_factory):
    out = tmp_path_factory.mktemp("analysis")
    call_command("analyze_video", str(clip()), "--out", str(out), verbosity=0)
    return out


def test_report_holds_input_facts_timings_and_reps_with_their_files(command_output):
    report = json.loads((command_output / "report.json").read_text())
    assert report["input"]["frames"] == 133
    assert report["input"]["fps"] == pytest.approx(29.338, abs=0.01)
    assert report["exercise"]["name"] == "deadlift"
    assert {"decode", "pose", "reps", "skelemotion", "total"} <= set(report["timings_ms"])
    assert len(report["reps"]) == 2
    for rep in report["reps"]:
        assert rep["start_frame"] < rep["lockout_frame"] < rep["end_frame"]
        assert rep["verdict"] is None
        image = command_output / rep["image"]
        assert image.suffix == ".png" and image.exists()
        orientation = np.load(command_output / rep["orientation"])
        assert orientation.shape == (45, 100, 3)
        landmarks = np.load(command_output / rep["landmarks"])
        assert landmarks.ndim == 3 and landmarks.shape[1:] == (33, 3)
        # The PNG was built from exactly these landmarks.
        from core.images.skelemotion import orientation_image

        assert np.array_equal(orientation_image(landmarks), orientation)


def test_annotated_video_is_browser_playable_h264_with_the_input_frames(command_output):
    video = command_output / "result.mp4"
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert stream.width % 2 == 0 and stream.height % 2 == 0
        assert float(stream.average_rate) == pytest.approx(29.338, abs=0.01)
        frames = sum(1 for _ in container.decode(stream))
    assert frames == 133
    head = video.read_bytes()[:200_000]
    assert head.find(b"moov") < head.find(b"mdat")  # faststart: playable while loading


def _corner_colour(video: Path, frame_no: int) -> np.ndarray:
    """Mean BGR of a patch inside the top-right verdict box of one frame."""
    with av.open(str(video)) as container:
        for k, frame in enumerate(container.decode(video=0)):
            if k == frame_no:
                return frame.to_ndarray(format="bgr24")[6:14, -16:-8].reshape(-1, 3).mean(0)
    raise AssertionError(f"no frame {frame_no}")


def test_a_new_verdict_redraws_the_export_with_the_same_frames(command_output, tmp_path):
    out = tmp_path / "analysis"
    shutil.copytree(command_output, out)
    reps = json.loads((out / "report.json").read_text())["reps"]
    first, second = reps[0]["start_frame"] + 3, reps[1]["start_frame"] + 3
    b, g, r = _corner_colour(out / "result.mp4", first)
    assert abs(r - b) < 40  # grey: not judged

    marks = [
        RepMark(1, reps[0]["start_frame"], "faults", ("jerky",)),
        RepMark(2, reps[1]["start_frame"], "good"),
    ]
    assert export_video(clip(), out, marks)
    b, g, r = _corner_colour(out / "result.mp4", first)
    assert r > 150 and r > b + 80 and r > g + 80  # red box on rep 1
    b, g, r = _corner_colour(out / "result.mp4", second)
    assert g > 120 and g > r + 50 and g > b + 50  # green box on rep 2
    with av.open(str(out / "result.mp4")) as container:
        stream = container.streams.video[0]
        assert float(stream.average_rate) == pytest.approx(29.338, abs=0.01)
        assert sum(1 for _ in container.decode(stream)) == 133
    assert not list(out.glob("partial-*"))
    # The video already shows these verdicts: nothing to redraw.
    assert not export_video(clip(), out, marks)


def run_cli(video, out):
    return subprocess.run(
        [sys.executable, "manage.py", "analyze_video", str(video), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("kind", ["empty", "text", "truncated"])
def test_bad_files_exit_non_zero_with_a_one_line_reason(kind, tmp_path):
    bad = tmp_path / "bad.mp4"
    if kind == "empty":
        bad.write_bytes(b"")
    elif kind == "text":
        bad.write_text("this is not a video\n" * 100)
    else:  # index (moov) at the end, as phones write it: nothing is decodable
        data = shared_path("videos", "BichraiX+AI-Deadlift-Analysis", "good008.mp4").read_bytes()
        bad.write_bytes(data[: len(data) // 2])
    proc = run_cli(bad, tmp_path / "out")
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("CommandError:")
    assert any(w in last for w in ("empty", "could not be read", "decod"))


def test_a_truncated_file_with_its_index_first_is_analysed_as_far_as_it_goes(tmp_path):
    data = clip().read_bytes()  # this clip's index (moov) comes first
    bad = tmp_path / "cut.mp4"
    bad.write_bytes(data[: len(data) // 2])
    result = analyze_video(bad, tmp_path / "out")
    assert result.video.frames < 133
    assert any("truncated" in w for w in result.warnings)


def test_probe_refuses_a_text_file_renamed_mp4(tmp_path):
    bad = tmp_path / "notes.mp4"
    bad.write_text("hello")
    with pytest.raises(VideoUnreadable):
        probe_video(bad)


def synthetic_video(path, frames=45, size=(320, 240), fps=30, rotate=None):
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        rng = np.random.default_rng(0)
        for i in range(frames):
            img = np.full((size[1], size[0], 3), 40 + i, np.uint8)
            img[:, : size[0] // 2] = rng.integers(0, 255, (size[1], size[0] // 2, 3))
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def test_a_clip_with_no_person_is_refused_with_a_clear_message(tmp_path):
    video = tmp_path / "empty_room.mp4"
    synthetic_video(video)
    with pytest.raises(NoPersonVisible, match="No person was visible"):
        analyze_video(video, tmp_path / "out")


def test_odd_frame_sizes_are_padded_for_the_encoder(tmp_path):
    video = tmp_path / "odd.mp4"
    synthetic_video(video, frames=12, size=(322, 242))
    info = probe_video(video)
    assert (info.width, info.height) == (322, 242)
    from core.video.encode import H264Writer

    writer = H264Writer(tmp_path / "o.mp4", 30, 327, 449)
    assert writer.size[0] % 2 == 0 and writer.size[1] % 2 == 0
    writer.write(np.zeros((449, 327, 3), np.uint8))
    writer.close()
    assert probe_video(tmp_path / "o.mp4").frames == 1
