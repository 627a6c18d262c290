"""A pose helper process (pose_segments.py starts it): reads jobs as JSON lines on stdin,
poses each job's segment with steps.pose_pass, pickles the pass to the job's "out" file and
answers one JSON line: {"timings_ms": ...}, {"error": class name, "message": ...} for a
video it refuses, or {"crash": ...} ({"ping": ...} is answered {"pong": true} once its
imports are done). Exits when stdin closes (its parent is gone)."""

from __future__ import annotations

import json
import os
import pickle
import sys
import traceback


def main() -> None:
    # `import mediapipe` imports TensorFlow when installed (4 s, 500 MB) and nothing here
    # needs it: people are counted with LiteRT (people.py).
    sys.modules.setdefault("tensorflow", None)
    # Answers go to the original stdout; anything a library prints goes to stderr instead.
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    from core.errors import PipelineError
    from core.pipeline.steps import Timer, pose_pass

    for line in sys.stdin:
        job = json.loads(line)
        if "ping" in job:  # started and ready (imports done)
            print(json.dumps({"pong": True}), file=answers, flush=True)
            continue
        try:
            timer = Timer()
            start, end = job["span"]
            part = pose_pass(
                job["video"],
                timer,
                max_seconds=job["max_seconds"],
                span=(start, float("inf") if end is None else end),
                warm_s=job["warm_s"],
                pose_until=float("inf") if job.get("pose_until") is None else job["pose_until"],
            )
            with open(job["out"], "wb") as f:
                pickle.dump(part, f, protocol=pickle.HIGHEST_PROTOCOL)
            answer = {"timings_ms": timer.ms}
        except PipelineError as exc:
            answer = {"error": type(exc).__name__, "message": str(exc)}
        except Exception:
            answer = {"crash": traceback.format_exc(limit=5)}
        print(json.dumps(answer), file=answers, flush=True)


if __name__ == "__main__":
    main()
