"""In a real django-q2 worker (daemonic processes): pose runs on both cores through helper
processes, the results are stored before any video is encoded, and an upload browsers
cannot play (MPEG-4 Part 2 in AVI, as some cameras write) gets an H.264 copy in the
background with every frame at its own time, so the drawing over it stays in step."""

from pathlib import Path

import av
from django.core.files.uploadedfile import SimpleUploadedFile

from analysis.models import Analysis
from analysis.selectors.media import analysis_report
from coach_platform.storage import media_path, media_stat
from core.video.decode import iter_frames
from tests.conftest import shared_path, wait_for
from uploads.services.uploads import session_upload

CLIP = ("videos", "kantesh813+AI_GYM_Trainer", "deadlift.mp4")  # 15 s, 455 frames, 3 reps


def _as_avi(src: Path, dest: Path) -> Path:
    """The clip re-encoded as MPEG-4 Part 2 in AVI: decodable, not playable in browsers."""
    with av.open(str(src)) as inp, av.open(str(dest), "w") as out:
        stream = out.add_stream("mpeg4", rate=inp.streams.video[0].average_rate)
        stream.width, stream.height, stream.pix_fmt = 640, 360, "yuv420p"
        stream.options = {"qscale": "3"}
        for frame in inp.decode(video=0):
            for packet in stream.encode(frame.reformat(format="yuv420p")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return dest


def test_a_worker_poses_on_two_cores_stores_results_first_then_makes_a_playable_copy(
    qcluster, athlete_a, tmp_path
):
    path = _as_avi(shared_path(*CLIP), tmp_path / "camera.avi")
    video = SimpleUploadedFile(path.name, path.read_bytes(), content_type="video/x-msvideo")
    session = session_upload(uploaded_by=athlete_a, athlete=athlete_a, video=video)
    analysis = Analysis.objects.get(session=session)

    def finished():
        analysis.refresh_from_db()
        return analysis.status in ("done", "failed")

    wait_for("the analysis", finished, 240, [qcluster])
    assert analysis.status == "done", analysis.error
    assert analysis.rep_count == 3
    report = analysis_report(analysis)
    # Both cores: the helper process worked inside the daemonic worker, nothing posed again.
    assert report["pose"] == {"processes": 2, "posed_again": 0}
    assert analysis.playback in ("preparing", "copy")
    assert analysis.result_video == ""  # no annotated video unless asked for

    def copied():
        analysis.refresh_from_db()
        return analysis.playback in ("copy", "failed")

    wait_for("the playable copy", copied, 120, [qcluster])
    assert analysis.playback == "copy"
    copy = media_path(analysis.playable_video)
    # Made after the results were stored (the store keeps whole seconds): nobody waited for it.
    assert media_stat(analysis.playable_video)[1] / 1000 >= int(analysis.finished_at.timestamp())
    with av.open(str(copy)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264" and stream.codec_context.pix_fmt == "yuv420p"
    original = [f.time_s for f in iter_frames(media_path(session.video.name))]
    remade = [f.time_s for f in iter_frames(copy)]
    assert len(remade) == len(original) == 455
    assert max(abs(a - b) for a, b in zip(original, remade, strict=True)) < 1e-3
