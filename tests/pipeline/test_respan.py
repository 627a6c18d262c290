"""A rep rebuilt from the track kept beside the report is the rep the analysis made."""

import numpy as np
import pytest

from core.pipeline.respan import SpanRefused, rebuild_rep


@pytest.fixture(scope="module")
def analysed_dir(tmp_path_factory, analysed_in):
    """The session's analysis of the clip (tests/pipeline/conftest.py), in a copy of its
    folder that the rebuilt reps are written into."""
    import shutil

    folder, result = analysed_in("RFN-Dev-Git+AI-GYM/Deadlift3.mp4")
    out = tmp_path_factory.mktemp("respan") / "analysis"
    shutil.copytree(folder, out)
    return out, result


def test_the_same_span_rebuilds_the_same_image_and_kinematics(analysed_dir):
    out, result = analysed_dir
    for rep in result.reps:
        again = rebuild_rep(
            out,
            index=rep.index,
            start_frame=rep.start_frame,
            lockout_frame=rep.lockout_frame,
            end_frame=rep.end_frame,
            name=f"again_{rep.index}",
        )
        assert (again.start_frame, again.lockout_frame, again.end_frame) == (
            rep.start_frame,
            rep.lockout_frame,
            rep.end_frame,
        )
        same = np.load(out / again.orientation), np.load(out / rep.orientation)
        assert np.array_equal(*same)
        assert again.kinematics == rep.kinematics


def test_a_moved_span_changes_the_rep_and_a_bad_one_is_refused(analysed_dir):
    out, result = analysed_dir
    rep = result.reps[0]
    moved = rebuild_rep(
        out,
        index=1,
        start_frame=rep.start_frame + 6,
        lockout_frame=rep.lockout_frame,
        end_frame=rep.end_frame,
        name="moved",
    )
    assert moved.kinematics["concentric_s"] < rep.kinematics["concentric_s"]
    assert not np.array_equal(np.load(out / moved.orientation), np.load(out / rep.orientation))
    with pytest.raises(SpanRefused, match="in that order"):
        rebuild_rep(out, index=1, start_frame=50, lockout_frame=40, end_frame=60, name="x")
    with pytest.raises(SpanRefused, match="0.2 s"):
        rebuild_rep(out, index=1, start_frame=40, lockout_frame=41, end_frame=42, name="x")
    with pytest.raises(FileNotFoundError):
        rebuild_rep(out / "nowhere", index=1, start_frame=0, lockout_frame=1, end_frame=9, name="x")
