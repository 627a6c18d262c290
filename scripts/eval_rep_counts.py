"""Measure the rep counter on the real clips and on clips derived from them (issue 12).

The pose pass runs once per clip, with the pipeline's own functions (`steps.pose_pass`,
`steps.check_input`, `steps.time_base`), and what segmentation needs is kept in
`var/pose-cache/<sha1 of path + size + mtime>.npz`: the 30 fps landmarks, the world landmarks
(knee and elbow angles), the small grey frames (camera cuts) and, per grid frame, the input
frame it came from. Re-running after a
change to `core/reps/segment.py` then costs milliseconds per clip.

Clips: every row of ../shared/data/videos/MANIFEST.tsv with a count: `lift_reps` (reps of the
lift the clip shows: squats, bench presses) or else `deadlift_reps` (0 for the curl), plus
the 34 clips under BichraiX+AI-Deadlift-Analysis/good and bad, which the manifest does not
count: their expected counts are ours, by eye, in scripts/rep_counts_by_eye.tsv
(a pull whose start is not in the clip is not counted).

Derived clips, cut from the cached 30 fps track (a grid frame is 1/30 s):
  full          the clip itself; expected = the manifest's count.
  end_lockout   each counted set cut so that its last frame is the lockout of its last rep
                (the lowering is cut off); expected unchanged. A squat's rep turns at the
                bottom: cut there, it is not finished and not counted (expected one fewer).
  start_mid     the set starts halfway up the first rep's pull: at the first frame whose
                shoulder height (reps.compute_signals on the full clip) is halfway between
                its value at the rep's start and at its lockout as the counter finds them
                (halfway in height, not in time: a slow break from the floor would leave a
                time-halfway cut still at the bottom). Expected = count - 1. Choice: a
                pull whose start from the floor is not in the clip is not a rep by the
                data's counting rule ("a pull from the floor ... that reaches lockout"), and
                it cannot be told from standing up.
  camera_cut    up to 1 s of another clip's track and small grey frames put before the
                clip (a camera cut: another lifter, camera and scale). The piece taken ends
                at the other clip's first rep's bottom (a setup shot, the lifter low; never
                a pull of its own), so the cut jumps from a low to wherever this clip
                starts. Expected unchanged (also for the squat and the curl: 0).
  mirrored      the track flipped left to right (a camera on the lifter's other side);
                expected unchanged.
  scaled        the lifter at half the size, in the picture's top-left quarter (a camera
                further away); expected unchanged. Harder than a real camera further away:
                joints the picture cut off come into it.
  split         every multi-rep set cut at its bottoms (halfway between one rep's end and
                the next rep's start) into one-rep pieces; expected 1 each.
end_lockout, start_mid and split need the counter's spans on the full clip, so they are only
made from clips it counts exactly (the others are listed as skipped). Every row also says
whether the lift was recognised as the one the manifest's `exercise` names (`lift`).

`--video-cuts N` also cuts N of those derived clips out of the real video with PyAV (into a
temporary folder), runs the whole pose pass on them and reports whether the count and the
reps agree with the track-level cut (camera_cut is not cut for real: it joins two videos).

Usage (from the project root; needs ../shared/data):
  .venv/bin/python scripts/eval_rep_counts.py                  # table + summary
  .venv/bin/python scripts/eval_rep_counts.py --refresh        # recompute the pose cache
  .venv/bin/python scripts/eval_rep_counts.py --json out.json --jobs 2 --video-cuts 6
  .venv/bin/python scripts/eval_rep_counts.py --only 0016c --kinds full,split
Exit status 0 whatever the counts (a measurement, not a test).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import sys
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("GLOG_minloglevel", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from core.pose.estimator import POSE_MAX_SIDE  # noqa: E402
from core.video.timebase import FPS as GRID_FPS  # noqa: E402 - a grid frame is 1/30 s
from tests.pipeline.footage import write_clip  # noqa: E402 - PyAV cuts, shared with the tests

DATA = ROOT.parent / "shared" / "data" / "videos"
CACHE = ROOT / "var" / "pose-cache"
CACHE_VERSION = 3  # 3: with the back bulge per grid frame
CUT_SECONDS = 1.0
UNCOUNTED_DIR = "BichraiX+AI-Deadlift-Analysis/"
UNCOUNTED_SUBDIRS = ("good/", "bad/")
# Counts by eye for the clips the manifest leaves uncounted (our own labels, made from
# contact sheets with the data README's counting rule; a pull whose start is not in the clip
# is not counted): clip -> reps.
BY_EYE = {
    row["clip"]: int(row["reps"])
    for row in csv.DictReader((ROOT / "scripts" / "rep_counts_by_eye.tsv").open(), delimiter="\t")
}
# Counts by eye of clips whose manifest counts neither a deadlift nor a squat or bench press:
# the curl's (its notes: "5 curls"; five rises of the hands to the shoulders in the track).
LIFT_COUNTS = {"jrplatin+FormFit/curl.mp4": 5}
KINDS = ("full", "mirrored", "scaled", "end_lockout", "start_mid", "camera_cut", "split")
# The manifest's `exercise` (its start) -> the exercise the recogniser should name.
LIFT_OF = (
    ("back squat", "squat"),
    ("bench press", "bench_press"),
    ("dumbbell biceps curl", "curl"),
    ("kettlebell deadlift", "deadlift"),
    ("deadlift", "deadlift"),
)


# ---- clips ---------------------------------------------------------------------------------
@dataclass
class Clip:
    name: str  # path relative to DATA
    expected: int | None  # None: no count in the manifest
    lift: str = "deadlift"  # the exercise it shows (LIFT_OF)


def manifest_clips() -> list[Clip]:
    rows = list(csv.DictReader((DATA / "MANIFEST.tsv").open(), delimiter="\t"))
    clips = []
    for row in rows:
        lift = next((name for start, name in LIFT_OF if row["exercise"].startswith(start)), "")
        count = (row.get("lift_reps") or "").strip() or str(LIFT_COUNTS.get(row["path"], ""))
        count = count or row["deadlift_reps"].strip()
        if count:
            clips.append(Clip(row["path"], int(count), lift))
        elif row["path"].startswith(UNCOUNTED_DIR) and any(
            row["path"][len(UNCOUNTED_DIR) :].startswith(s) for s in UNCOUNTED_SUBDIRS
        ):
            clips.append(Clip(row["path"], BY_EYE.get(row["path"][len(UNCOUNTED_DIR) :]), lift))
    return clips


# ---- pose cache ----------------------------------------------------------------------------
def cache_key(path: Path) -> str:
    st = path.stat()
    return hashlib.sha1(f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()


def pose_track(path: Path) -> dict[str, np.ndarray]:
    """The pipeline's pose pass and time base on one video: what segmentation needs."""
    from core.errors import NoPersonVisible
    from core.pipeline.steps import check_input, pose_pass, time_base
    from core.video.decode import probe_video

    t0 = time.perf_counter()
    probe = probe_video(path)
    poses = pose_pass(path)
    refused = ""
    try:
        check_input(poses, probe, max(probe.frames, 1))
    except NoPersonVisible as exc:  # the pipeline's answer, not a crash
        refused = str(exc)
    track = time_base(poses)
    return {
        "version": np.array(CACHE_VERSION),
        "lm30": track.landmarks.astype(np.float32),
        "world30": track.world.astype(np.float32),
        "source_frame": np.asarray(track.timeline.source_frame, dtype=np.int32),
        "thumbs30": track.thumbs,
        "back30": track.back.astype(np.float32),
        "frame_times": np.asarray(poses.frame_times, dtype=np.float64),
        "refused": np.array(refused),
        "pose_seconds": np.array(time.perf_counter() - t0),
    }


def cached_track(path: Path, refresh: bool = False) -> tuple[dict[str, np.ndarray], bool]:
    """(arrays, whether they were computed now)."""
    file = CACHE / f"{cache_key(path)}.npz"
    if file.exists() and not refresh:
        with np.load(file) as z:
            data = {k: z[k] for k in z.files}
        if int(data["version"]) == CACHE_VERSION:
            return data, False
    data = pose_track(path)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = file.with_suffix(f".{os.getpid()}.tmp.npz")
    np.savez_compressed(tmp, **data)
    tmp.replace(file)
    return data, True


def _fill_one(args: tuple[str, bool]) -> tuple[str, str, float]:
    """Worker: (clip name, error or "", seconds)."""
    name, refresh = args
    t0 = time.perf_counter()
    try:
        cached_track(DATA / name, refresh)
        return name, "", time.perf_counter() - t0
    except Exception as exc:  # noqa: BLE001 - a crash is a result to report
        return name, f"{type(exc).__name__}: {exc}", time.perf_counter() - t0


def fill_cache(clips: list[Clip], refresh: bool, jobs: int) -> dict[str, str]:
    """Compute missing cache entries (in `jobs` processes); returns errors per clip."""
    todo = [
        c.name for c in clips if refresh or not (CACHE / f"{cache_key(DATA / c.name)}.npz").exists()
    ]
    errors: dict[str, str] = {}
    if not todo:
        return errors
    print(f"pose pass on {len(todo)} clip(s), {jobs} job(s) ...", file=sys.stderr, flush=True)
    work = [(n, refresh) for n in todo]
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            results = list(pool.map(_fill_one, work))
    else:
        results = [_fill_one(w) for w in work]
    for name, err, secs in results:
        print(f"  {name}: {secs:.1f} s {err}", file=sys.stderr, flush=True)
        if err:
            errors[name] = err
    return errors


# ---- counting on a track -------------------------------------------------------------------
@dataclass
class Count:
    found: int
    spans: list[tuple[int, int, int, bool]]  # grid frames: start, lockout, end, complete
    exercise: str
    error: str = ""


def count_reps(lm30: np.ndarray, world30: np.ndarray, thumbs30: np.ndarray | None = None) -> Count:
    """What the pipeline's reps step says about a 30 fps track."""
    from core.pipeline.steps import find_reps

    try:
        _, seg = find_reps(lm30, world30, thumbs30=thumbs30)
    except Exception as exc:  # noqa: BLE001 - a crash is a result to report
        tb = traceback.format_exc(limit=-1).strip().splitlines()[-3:]
        return Count(0, [], "crash", f"{type(exc).__name__}: {exc} | {' / '.join(tb)}")
    spans = [(s.start, s.lockout, s.end, s.complete) for s in seg.spans]
    return Count(len(spans), spans, seg.exercise.name)


# ---- derived clips -------------------------------------------------------------------------
@dataclass
class Case:
    clip: str
    kind: str
    expected: int | None
    lm30: np.ndarray = field(repr=False)
    world30: np.ndarray = field(repr=False)
    thumbs30: np.ndarray | None = field(repr=False)
    grid_from: int = 0  # first grid frame of the source clip used (video cuts)
    grid_to: int = 0  # one past the last
    note: str = ""
    lift: str = "deadlift"  # the exercise it shows


@dataclass
class Row:
    clip: str
    kind: str
    expected: int | None
    found: int
    exact: bool | None
    spans_s: list[str]
    exercise: str
    lift_ok: bool | None  # None: no rep to tell the lift by
    note: str = ""
    error: str = ""
    seconds: float = 0.0


def derive(
    clip: Clip, data: dict[str, np.ndarray], full: Count, others: list[tuple[Clip, dict, Count]]
) -> tuple[list[Case], list[str]]:
    """The derived cases of one clip, and reasons for the kinds not made."""
    from core import lifts
    from core.reps.segment import compute_signals

    lm, world = data["lm30"].astype(float), data["world30"].astype(float)
    th = data.get("thumbs30")
    n = len(lm)
    cases, skipped = [], []
    exp = clip.expected
    if exp is not None:
        mirrored, scaled = lm.copy(), lm.copy()
        mirrored[..., 0] = 1.0 - mirrored[..., 0]
        scaled[..., :2] *= 0.5
        flip_world = world.copy()
        flip_world[..., 0] *= -1
        small = None if th is None else _quarter(th)
        cases.append(
            Case(
                clip.name,
                "mirrored",
                exp,
                mirrored,
                flip_world,
                None if th is None else th[:, :, ::-1].copy(),
                0,
                n,
            )
        )
        cases.append(Case(clip.name, "scaled", exp, scaled, world, small, 0, n))
    usable = exp is not None and exp > 0 and full.found == exp and full.error == ""
    if exp is not None and exp > 0 and not usable:
        skipped.append(f"{clip.name}: end_lockout/start_mid/split skipped (full count not exact)")
    if usable:
        spans = full.spans
        last_lockout = spans[-1][1]
        unfinished = clip.lift == "squat"  # the squat counts a rep once the lifter stands
        cases.append(
            Case(
                clip.name,
                "end_lockout",
                exp - unfinished,
                lm[: last_lockout + 1],
                world[: last_lockout + 1],
                _cut(th, 0, last_lockout + 1),
                0,
                last_lockout + 1,
                f"cut after grid {last_lockout}",
            )
        )
        start, lockout = spans[0][0], spans[0][1]
        signal = lifts.get(clip.lift).rise.signal  # the lift's rise (a bench: the bar's descent)
        ratio = getattr(compute_signals(lm, arms=signal != "shoulder"), signal)
        halfway = (ratio[start] + ratio[lockout]) / 2
        risen = np.where(ratio[start : lockout + 1] >= halfway)[0]
        mid = start + int(risen[0]) if len(risen) else (start + lockout) // 2
        cases.append(
            Case(
                clip.name,
                "start_mid",
                exp - 1,
                lm[mid:],
                world[mid:],
                _cut(th, mid, n),
                mid,
                n,
                f"from grid {mid} (rep 1: start {start}, lockout {lockout}; "
                f"shoulder ratio {ratio[start]:.2f} -> {ratio[mid]:.2f} -> {ratio[lockout]:.2f})",
            )
        )
        if exp > 1:
            cuts = [(spans[k][2] + spans[k + 1][0]) // 2 for k in range(len(spans) - 1)]
            edges = [0, *cuts, n]
            for k in range(len(edges) - 1):
                a, b = edges[k], edges[k + 1]
                cases.append(
                    Case(
                        f"{clip.name}#{k + 1}",
                        "split",
                        1,
                        lm[a:b],
                        world[a:b],
                        _cut(th, a, b),
                        a,
                        b,
                        f"grid {a}-{b}",
                    )
                )
    if exp is not None and others:
        # the next counted clip (cyclically) that has a rep, as the other shot
        names = [o[0].name for o in others]
        i = (names.index(clip.name) + 1) if clip.name in names else 0
        for j in range(len(others)):
            oclip, odata, ocount = others[(i + j) % len(others)]
            if oclip.name != clip.name and ocount.spans:
                break
        else:
            oclip = None
        if oclip is not None:
            k = int(round(CUT_SECONDS * GRID_FPS))
            bottom = ocount.spans[0][0]
            a = max(0, bottom + 1 - k)  # never past the bottom: no pull of its own
            head_lm = odata["lm30"][a : bottom + 1].astype(float)
            head_w = odata["world30"][a : bottom + 1].astype(float)
            cases.append(
                Case(
                    clip.name,
                    "camera_cut",
                    exp,
                    np.concatenate([head_lm, lm]),
                    np.concatenate([head_w, world]),
                    _splice(odata.get("thumbs30"), a, bottom + 1, th),
                    0,
                    n,
                    f"{len(head_lm)} grid frames of {Path(oclip.name).name} "
                    f"(grid {a}-{bottom + 1}) first",
                )
            )
    return cases, skipped


def _quarter(th: np.ndarray) -> np.ndarray:
    """Grey frames with the picture shrunk into their top-left quarter (black elsewhere)."""
    import cv2

    h, w = th.shape[1:3]
    out = np.zeros_like(th)
    for k, f in enumerate(th):
        out[k, : h // 2, : w // 2] = cv2.resize(f, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    return out


def _cut(th: np.ndarray | None, a: int, b: int) -> np.ndarray | None:
    return None if th is None else th[a:b]


def _splice(head: np.ndarray | None, a: int, b: int, th: np.ndarray | None) -> np.ndarray | None:
    """Another clip's grey frames a..b (resized to this clip's) before this clip's."""
    if head is None or th is None:
        return None
    import cv2

    size = (th.shape[2], th.shape[1])
    resized = [cv2.resize(f, size, interpolation=cv2.INTER_AREA) for f in head[a:b]]
    return np.concatenate([np.stack(resized), th]) if resized else th


def spans_seconds(spans: list[tuple[int, int, int, bool]]) -> list[str]:
    return [
        f"{s / GRID_FPS:.2f}-{lo / GRID_FPS:.2f}-{e / GRID_FPS:.2f}{'' if c else '*'}"
        for s, lo, e, c in spans
    ]


def _lift_right(case: Case, c: Count) -> bool | None:
    """The lift named is the clip's (a variant of it counts); None for a case with no rep
    of a judged lift, whose name is not asked (a clip cut before the pull, a curl's 0)."""
    from core import lifts

    if not case.expected and case.lift in lifts.LIFTS:
        return None
    return (
        case.lift == c.exercise or c.exercise in lifts.LIFTS.get(case.lift, lifts.DEFAULT).variants
    )


def evaluate(case: Case) -> Row:
    t0 = time.perf_counter()
    c = count_reps(case.lm30, case.world30, case.thumbs30)
    exact = None if case.expected is None else (c.found == case.expected and not c.error)
    return Row(
        case.clip,
        case.kind,
        case.expected,
        c.found,
        exact,
        spans_seconds(c.spans),
        c.exercise,
        _lift_right(case, c),
        case.note,
        c.error,
        time.perf_counter() - t0,
    )


# ---- real video cuts (--video-cuts) --------------------------------------------------------
def video_cut_checks(evaluated: list[tuple[Case, Row]], how_many: int) -> list[dict]:
    """Cut some derived cases out of the real video and compare the counts with the ones
    `evaluate` found on their tracks (each case with its row)."""
    pick: list[tuple[Case, Row]] = []
    used: set[str] = set()
    pools = [
        [(c, r) for c, r in evaluated if c.kind == k] for k in ("end_lockout", "start_mid", "split")
    ]
    while len(pick) < how_many and any(pools):
        for pool in pools:
            if pool and len(pick) < how_many:
                # a clip not used yet if there is one, taking turns from the front and back
                fresh = [cr for cr in pool if cr[0].clip.split("#")[0] not in used] or pool
                chosen = fresh[0 if len(pick) % 2 == 0 else -1]
                pool.remove(chosen)
                used.add(chosen[0].clip.split("#")[0])
                pick.append(chosen)
    out = []
    with tempfile.TemporaryDirectory(prefix="rep-cuts-") as tmp:
        for i, (case, track) in enumerate(pick):
            src = DATA / case.clip.split("#")[0]
            # grid frame k is k/30 s after the first frame; half a grid frame of slack
            t_from = case.grid_from / GRID_FPS - 0.5 / GRID_FPS
            t_to = (case.grid_to - 1) / GRID_FPS + 0.5 / GRID_FPS
            dst = Path(tmp) / f"cut{i}.mp4"
            t0 = time.perf_counter()
            try:
                frames = write_clip(dst, [(src, t_from, t_to)], max_side=POSE_MAX_SIDE)
                real = pose_track(dst)
                got = count_reps(
                    real["lm30"].astype(float), real["world30"].astype(float), real["thumbs30"]
                )
                err = got.error
            except Exception as exc:  # noqa: BLE001
                frames, got, err = 0, Count(0, [], "crash"), f"{type(exc).__name__}: {exc}"
            out.append(
                {
                    "clip": case.clip,
                    "kind": case.kind,
                    "seconds": f"{t_from:.2f}-{t_to:.2f}",
                    "frames": frames,
                    "expected": case.expected,
                    "track_found": track.found,
                    "video_found": got.found,
                    "agree": track.found == got.found and not err,
                    "track_spans_s": track.spans_s,
                    "video_spans_s": spans_seconds(got.spans),
                    "error": err,
                    "run_s": round(time.perf_counter() - t0, 1),
                }
            )
            print(f"  video cut {i + 1}/{len(pick)} done", file=sys.stderr, flush=True)
    return out


# ---- main ----------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--refresh", action="store_true", help="recompute the pose cache")
    ap.add_argument("--json", metavar="FILE", help="write rows and summary as JSON")
    ap.add_argument("--jobs", type=int, default=1, help="pose passes in parallel (default 1)")
    ap.add_argument(
        "--video-cuts",
        type=int,
        default=0,
        metavar="N",
        help="also cut N derived clips from the real video and compare",
    )
    ap.add_argument("--only", default="", help="only clips whose path contains this")
    ap.add_argument("--kinds", default=",".join(KINDS), help="comma-separated kinds to run")
    ap.add_argument("--cache-only", action="store_true", help="fill the pose cache and stop")
    ap.add_argument("--failures", action="store_true", help="print only the rows not exact")
    args = ap.parse_args(argv)
    if not DATA.exists():
        print(f"needs the real clips at {DATA}", file=sys.stderr)
        return 2
    t_start = time.perf_counter()
    kinds = [k for k in args.kinds.split(",") if k]
    clips = [c for c in manifest_clips() if args.only in c.name]
    crash = fill_cache(clips, args.refresh, max(1, args.jobs))
    t_cache = time.perf_counter() - t_start
    if args.cache_only:
        print(f"cache filled in {t_cache:.1f} s")
        return 0

    t_eval = time.perf_counter()
    loaded: list[tuple[Clip, dict, Count]] = []
    rows: list[Row] = []
    for clip in clips:
        if clip.name in crash:
            rows.append(
                Row(
                    clip.name,
                    "full",
                    clip.expected,
                    0,
                    False if clip.expected is not None else None,
                    [],
                    "crash",
                    None,
                    "",
                    f"pose pass: {crash[clip.name]}",
                )
            )
            continue
        data, _ = cached_track(DATA / clip.name)
        full = count_reps(
            data["lm30"].astype(float), data["world30"].astype(float), data.get("thumbs30")
        )
        loaded.append((clip, data, full))
    counted = [o for o in loaded if o[0].expected is not None]
    skipped: list[str] = []
    all_cases: list[Case] = []
    for clip, data, full in loaded:
        refused = str(data["refused"])
        full_case = Case(
            clip.name,
            "full",
            clip.expected,
            data["lm30"].astype(float),
            data["world30"].astype(float),
            data.get("thumbs30"),
            0,
            len(data["lm30"]),
            f"pipeline refuses: {refused}" if refused else "",
        )
        cases, why = derive(clip, data, full, counted)
        for case in (full_case, *cases):
            case.lift = clip.lift
        all_cases += [full_case, *cases]
        skipped += why
    evaluated = [(c, evaluate(c)) for c in all_cases if c.kind in kinds]
    rows += [r for _, r in evaluated]
    t_eval = time.perf_counter() - t_eval

    checks = video_cut_checks(evaluated, args.video_cuts)

    # table
    shown = [r for r in rows if not (args.failures and r.exact is not False and not r.error)]
    print(
        f"{'clip':58s} {'kind':11s} {'exp':>3s} {'fnd':>3s} {'ok':3s} spans s (start-lockout-end, "
        "* = cut off)"
    )
    for r in shown:
        ok = "-" if r.exact is None else ("yes" if r.exact else "NO")
        if r.lift_ok is False:
            ok += "/L"
        extra = f"  [{r.error}]" if r.error else ""
        if r.note and (r.exact is False or r.note.startswith("pipeline refuses")):
            extra += f"  | {r.note}"
        exp = "?" if r.expected is None else str(r.expected)
        print(
            f"{r.clip[-58:]:58s} {r.kind:11s} {exp:>3s} {r.found:3d} {ok:3s} "
            f"{' '.join(r.spans_s)}{extra}"
        )
    summary = {}
    print()
    for kind in kinds:
        rk = [r for r in rows if r.kind == kind]
        known = [r for r in rk if r.expected is not None]
        summary[kind] = {
            "made": len(rk),
            "with_count": len(known),
            "exact": sum(bool(r.exact) for r in known),
            "crashed": sum(bool(r.error) for r in rk),
            "lift_right": sum(r.lift_ok is True for r in rk),
            "lift_asked": sum(r.lift_ok is not None for r in rk),
            "too_few": sum(r.found < r.expected for r in known),
            "too_many": sum(r.found > r.expected for r in known),
            "no_count_found": [r.found for r in rk if r.expected is None],
        }
        s = summary[kind]
        line = f"{kind:11s} made {s['made']:3d}  exact {s['exact']}/{s['with_count']}"
        line += f"  (too few {s['too_few']}, too many {s['too_many']})  crashed {s['crashed']}"
        line += f"  lift right {s['lift_right']}/{s['lift_asked']}"
        if s["no_count_found"]:
            hist = np.bincount(s["no_count_found"])
            line += "  uncounted clips: " + ", ".join(
                f"{n} found {k}" for k, n in enumerate(hist) if n
            )
        print(line)
    for why in skipped:
        print(f"  skipped {why}")
    if checks:
        print("\nreal video cuts vs track-level cuts:")
        for c in checks:
            print(
                f"  {c['clip'][-45:]:45s} {c['kind']:11s} {c['seconds']:>11s} exp "
                f"{c['expected']} track {c['track_found']} video {c['video_found']} "
                f"{'agree' if c['agree'] else 'DIFFER'}  track {' '.join(c['track_spans_s'])}"
                f" | video {' '.join(c['video_spans_s'])} {c['error']}"
            )
        agree = sum(c["agree"] for c in checks)
        print(f"  agreement {agree}/{len(checks)}")
    total = time.perf_counter() - t_start
    print(
        f"\nrun time {total:.1f} s (pose cache {t_cache:.1f} s, segmentation {t_eval:.2f} s "
        f"for {len(rows)} tracks)"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "rows": [asdict(r) for r in rows],
                    "summary": summary,
                    "skipped": skipped,
                    "video_cuts": checks,
                    "seconds": {"total": total, "cache": t_cache, "segmentation": t_eval},
                },
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
