import pytest

from analysis.pipeline.run import analyze_video
from tests.conftest import shared_path


@pytest.fixture(scope="session")
def analysed(tmp_path_factory):
    """Analyse each clip once per test session (pose is the expensive part)."""
    cache = {}

    def get(path):
        if path not in cache:
            out = tmp_path_factory.mktemp("clip")
            video = shared_path("videos", *path.split("/"))
            cache[path] = analyze_video(video, out, write_video=False)
        return cache[path]

    return get
