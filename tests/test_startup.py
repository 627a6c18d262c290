"""`make run` is quiet when nothing is wrong: the launcher drops the native libraries' known
noise (TensorFlow's CUDA plugins on a machine without a GPU) and passes on everything else."""

import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import run_platform  # noqa: E402

TF_NOISE = """\
2026-12-07 22:06:16.819127: E external/local_xla/xla/stream_executor/cuda/cuda_fft.cc:467] Unable to register cuFFT factory: Attempting to register factory for plugin cuFFT when one has already been registered
WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
E0000 00:00:1796681176.834334   24976 cuda_dnn.cc:8579] Unable to register cuDNN factory: Attempting to register factory for plugin cuDNN when one has already been registered
W0000 00:00:1796681176.851904   24976 computation_placer.cc:177] computation placer already registered. Please check linkage and avoid linking the same target more than once.
"""  # noqa: E501


def test_the_known_noise_is_dropped_and_a_real_problem_is_kept():
    real = "worker: could not pre-import the pipeline (No module named 'mediapipe')\n"
    out = io.StringIO()
    run_platform.forward(io.StringIO(TF_NOISE + real + "Traceback (most recent call last):\n"), out)
    assert out.getvalue() == real + "Traceback (most recent call last):\n"
