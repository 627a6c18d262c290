"""Pose over both cores: a video cut into segments posed at once by helper processes and
merged (pipeline/pose_segments.py), checked against one process posing it all."""

import numpy as np
import pytest

from core.errors import VideoTooLong
from core.pipeline import pose_segments
from core.pipeline.pose_segments import WARM_S, parallel_pose_pass, plan_segments
from core.pipeline.run import analyze_video
from core.pipeline.steps import Timer
from tests.conftest import shared_path

CLIP = ("videos", "kantesh813+AI_GYM_Trainer", "deadlift.mp4")  # 15.2 s, 455 frames, 3 reps


def test_segments_pose_the_same_length_of_video_counting_their_warm_up():
    assert plan_segments(5.0, 2) == [0.0]  # too short to gain from a second process
    starts = plan_segments(15.0, 2)
    assert starts == [0.0, 8.0]  # 0-8 s here; 7-15 s in the helper (1 s warming up)
    starts = plan_segments(30.0, 3)
    lengths = [b - a for a, b in zip(starts, starts[1:] + [30.0], strict=True)]
    assert lengths[0] == pytest.approx(lengths[1] + WARM_S) == pytest.approx(lengths[2] + WARM_S)
    assert plan_segments(30.0, 1) == [0.0]


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    """The clip analysed on one core and on two, each analysis' pose pass kept as it was made
    (steps.pose_pass in this process for one; helper and here for two): the module poses the
    clip once per plan. (path, header duration the passes were planned on, {processes:
    (AnalysisResult, PosePass)})."""
    from core.pipeline import run

    path = shared_path(*CLIP)
    real, made = run.parallel_pose_pass, {}

    def keeping(video_path, duration_s, processes, *args, **kwargs):
        poses = real(video_path, duration_s, processes, *args, **kwargs)
        made[processes] = (duration_s, poses)
        return poses

    out = tmp_path_factory.mktemp("pose-segments")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run, "parallel_pose_pass", keeping)
        results = {n: analyze_video(path, out / str(n), pose_processes=n) for n in (1, 2)}
    (duration, _), (duration_2, _) = made[1], made[2]
    assert duration == duration_2 == pytest.approx(15.17, abs=0.01)
    return path, duration, {n: (results[n], made[n][1]) for n in (1, 2)}


@pytest.fixture(scope="module")
def passes(analysed):
    """The clip's pose pass in one process (steps.pose_pass) and over two
    (parallel_pose_pass), and the duration the cut was planned on."""
    path, duration, by_processes = analysed
    return path, by_processes[1][1], by_processes[2][1], duration


def test_a_parallel_pass_has_the_shape_frames_and_counts_of_a_single_one(passes):
    _, single, parallel, _ = passes
    assert parallel.processes == 2 and single.processes == 1
    assert parallel.frame_times == single.frame_times
    assert parallel.posed == single.posed  # the same frames, chosen as one pass chooses
    assert parallel.people == single.people  # counted on the same frames
    assert parallel.shape == single.shape and parallel.rotation == single.rotation
    assert parallel.thumbs.shape == single.thumbs.shape
    assert np.array_equal(parallel.track.times, single.track.times)
    assert parallel.track.landmarks.shape == single.track.landmarks.shape
    assert parallel.track.back.shape == single.track.back.shape


def test_the_first_segment_is_exact_and_the_second_within_the_trackers_own_jitter(passes):
    _, single, parallel, duration = passes
    cut = int(np.searchsorted(single.track.times, plan_segments(duration, 2)[1]))
    a, b = single.track.landmarks[:, :, :2], parallel.track.landmarks[:, :, :2]
    assert np.array_equal(a[:cut], b[:cut], equal_nan=True)  # the same process, same frames
    assert np.array_equal(single.track.found, parallel.track.found)
    # After the cut the tracker started over a second early: it lands within a fraction
    # of a percent of the picture, less than the skeleton moves between two frames.
    after = np.nanmax(np.abs(a[cut:] - b[cut:]), axis=(1, 2))
    assert after.max() < 0.02
    jitter = np.nanmedian(np.nanmax(np.abs(np.diff(a[cut:], axis=0)), axis=(1, 2)))
    assert np.median(after) < jitter


def test_the_analysis_finds_the_same_reps_and_faults_on_one_core_or_two(analysed):
    _, _, by_processes = analysed
    one, two = by_processes[1][0], by_processes[2][0]
    assert len(one.reps) == len(two.reps) == 3
    for r1, r2 in zip(one.reps, two.reps, strict=True):
        for edge in ("start_frame", "lockout_frame", "end_frame"):
            assert abs(getattr(r1, edge) - getattr(r2, edge)) <= 2, (r1.index, edge)
        assert r1.detected_faults == r2.detected_faults
        k1, k2 = r1.kinematics, r2.kinematics
        assert k2["duration_s"] == pytest.approx(k1["duration_s"], abs=0.1)
        assert k2["hip_angle_bottom_deg"] == pytest.approx(k1["hip_angle_bottom_deg"], abs=3)
    assert one.report()["pose"] == {"processes": 1, "posed_again": 0}
    assert two.report()["pose"] == {"processes": 2, "posed_again": 0}


def test_a_helper_refusing_the_video_refuses_it_here():
    # The helper's segment runs past the limit; this process's segment (0-8 s) does not.
    with pytest.raises(VideoTooLong, match="10 s limit"):
        parallel_pose_pass(shared_path(*CLIP), 15.17, 2, max_seconds=10)


def test_a_segment_whose_helper_died_is_posed_here(passes):
    path, single, _, duration = passes
    start = plan_segments(duration, 2)[1]
    timer = Timer()
    part = pose_segments._segment(
        path, (start, float("inf")), {"crash": "helper exited"}, {}, timer, None
    )
    cut = int(np.searchsorted(single.track.times, start))
    assert part.posed == single.posed[cut:]
    assert timer.ms["pose"] > 0  # posed in this process


def test_a_hung_helper_is_given_up_on_and_replaced(monkeypatch):
    import os
    import signal

    monkeypatch.setattr(pose_segments, "ANSWER_TIMEOUT_S", 1)
    helper = pose_segments.helpers(1)[0]
    os.kill(helper.proc.pid, signal.SIGSTOP)  # frozen: it will never answer
    assert "no answer" in helper.pose({"ping": True})["crash"]
    helper.proc.wait(timeout=5)  # killed
    replaced = pose_segments.helpers(1)[0]
    assert replaced is not helper and replaced.pose({"ping": True}) == {"pong": True}
