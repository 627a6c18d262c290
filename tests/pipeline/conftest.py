import pytest

from core.pipeline.run import analyze_video
from tests.conftest import shared_path
from tests.pose_cache import cached_poses


@pytest.fixture(scope="session")
def analysed_in(tmp_path_factory, pose_cache_dir):
    """Analyse each clip once per test session (pose is the expensive part): the output
    folder and the result. Poses of bytes this run posed already (the platform's tests
    upload some of these clips) are read from the run's pose cache (tests/pose_cache.py)."""
    cache = {}

    def get(path):
        if path not in cache:
            out = tmp_path_factory.mktemp("clip")
            video = shared_path("videos", *path.split("/"))
            with cached_poses(pose_cache_dir):
                cache[path] = (out, analyze_video(video, out))
        return cache[path]

    return get


@pytest.fixture(scope="session")
def analysed(analysed_in):
    """The result of analysing a clip (once per test session)."""
    return lambda path: analysed_in(path)[1]
