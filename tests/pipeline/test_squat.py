"""The squat on the shared real clips: recognised as a squat, counted as the manifest's
`lift_reps` (by eye for squat_dillon*.mp4, which the manifest leaves uncounted: one squat
each on their contact sheets), the same on footage derived from them, and no fault named
on the sets of lifters squatting to depth."""

import csv

import pytest

from core.pipeline.run import analyze_video
from tests.conftest import SHARED_DATA, shared_path
from tests.pipeline.footage import write_clip

MANIFEST = SHARED_DATA / "videos" / "MANIFEST.tsv"
ROWS = (
    {r["path"]: r for r in csv.DictReader(MANIFEST.open(), delimiter="\t")}
    if (MANIFEST.exists())
    else {}
)
BY_EYE = {"dillonloh+gymai/squat_dillon.mp4": 1, "dillonloh+gymai/squat_dillon2.mp4": 1}
CLIPS = [
    "TheSebitzu+gym-app-ai/squat.mp4",  # front, 60 fps
    "domi-zc+DSPRO2/squat.mp4",  # side, 202x360
    "dillonloh+gymai/squat_dillon.mp4",  # side, cropped, another app's drawing on it
    "dillonloh+gymai/squat_dillon2.mp4",
]


def _expected(path: str) -> int:
    count = ROWS.get(path, {}).get("lift_reps", "")
    return int(count) if count else BY_EYE[path]


@pytest.mark.parametrize("path", CLIPS)
def test_each_squat_clip_is_a_squat_counted_as_the_manifest(path, analysed):
    shared_path("videos", *path.split("/"))
    result = analysed(path)
    assert result.exercise.name == "squat" and result.exercise.judged, result.exercise.message
    assert len(result.reps) == _expected(path), result.exercise.message


@pytest.mark.parametrize("path", ["TheSebitzu+gym-app-ai/squat.mp4", "domi-zc+DSPRO2/squat.mp4"])
def test_squats_to_depth_are_not_named_shallow_or_hips_first(path, analysed):
    shared_path("videos", *path.split("/"))
    faults = [r.detected_faults for r in analysed(path).reps]
    assert all(not {"above_parallel", "hips_shoot_up"} & set(f or []) for f in faults), faults


def test_a_mirrored_and_a_cut_squat_clip_count_the_same(tmp_path):
    side = shared_path("videos", "domi-zc+DSPRO2", "squat.mp4")
    front = shared_path("videos", "TheSebitzu+gym-app-ai", "squat.mp4")
    write_clip(tmp_path / "mirror.mp4", [(side, 0, 15)], transform=lambda im: im[:, ::-1])
    mirrored = analyze_video(tmp_path / "mirror.mp4", tmp_path / "mirror")
    assert (mirrored.exercise.name, len(mirrored.reps)) == ("squat", 5)
    # The front clip cut after its first rep, standing (its top at ~4.2 s, the next squat
    # from ~6.3 s): one rep.
    write_clip(tmp_path / "cut.mp4", [(front, 0, 6.0)], max_side=480)
    cut = analyze_video(tmp_path / "cut.mp4", tmp_path / "cut")
    assert (cut.exercise.name, len(cut.reps)) == ("squat", 1)
