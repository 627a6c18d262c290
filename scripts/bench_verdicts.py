"""Measure the named faults (core/lifts/faults.py) on the labelled shared clips.

Prints, from the pipeline's own steps on the pose cache of scripts/eval_rep_counts.py (one
pose pass per clip, kept in var/pose-cache):
  1. per-fault confusion on the labelled sets of one lifter (0016c_1 and 0016c_2 correct,
     0016h_1 hips rise first, 0016k_1 knee dominant, 0016r_1 rounded back), with the
     default thresholds, and leave-one-set-out: the thresholds learnt again from the other
     sets as a training run learns them from coaches' tags (detector/faults.py); a fault
     whose only set is held out keeps its default;
  2. the BichraiX clips of many lifters, labelled good or bad per clip: false alarms on the
     good ones and detection on the bad ones (a clip is flagged when any rep has a fault);
  3. cross-camera agreement: the same rep of 0016c_1 (side) and 0016c_2 (front-3/4);
  4. the share of reps not judged, with the reasons;
  5. with --seed-cv, the detector's leave-videos-out CV accuracy on the seed images;
  6. a personal baseline: 3 reps of a correct set marked good, the lifter's other reps from
     the same camera judged before and after (detector/personal.py).

  .venv/bin/python scripts/bench_verdicts.py [--json out.json] [--seed-cv]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from eval_rep_counts import DATA, cached_track, fill_cache, manifest_clips  # noqa: E402

from core.detector.faults import FaultExample, learn_thresholds, thresholds_of  # noqa: E402
from core.lifts.faults import DEFAULT_RULES, FAULTS, check_rep, decide  # noqa: E402
from core.pipeline.steps import find_reps, reps_kinematics  # noqa: E402
from core.result import VideoInfo  # noqa: E402

SET_FAULT = {"0016c": None, "0016h": "hips_rise_first", "0016k": "knee_dominant",
             "0016r": "rounded_back"}  # fmt: skip


def clip_label(path: str, label: str) -> tuple[str, str | None] | None:
    """(group, true fault or None) for a labelled clip, None for the others."""
    name = Path(path).stem
    if name[:5] in SET_FAULT:
        return name, SET_FAULT[name[:5]]
    if "BichraiX" in path:
        return ("good" if "good" in label else "bad"), None
    return None


def measure(path: str) -> list[dict]:
    """Per rep: its checked measures and faults with the default thresholds."""
    data, _ = cached_track(DATA / path)
    lm30, world30 = data["lm30"].astype(float), data["world30"].astype(float)
    back30 = data["back30"].astype(float) if "back30" in data else None
    angles, seg = find_reps(lm30, world30, thumbs30=data.get("thumbs30"))
    info = VideoInfo(path, len(lm30), 30.0, 1280, 720, len(lm30) / 30)
    kinematics = reps_kinematics(lm30, angles, seg, info)
    rows = []
    for i, (span, kin) in enumerate(zip(seg.spans, kinematics, strict=True), start=1):
        check = check_rep(span, lm30, world30, angles, kin, back30)
        rows.append(
            {
                "rep": i,
                "faults": check.faults,
                "not_judged": check.not_judged,
                "view": check.camera_view,
                "values": {f: e["value"] for f, e in check.evidence.items()},
                "evidence": check.evidence,
            }
        )
    return rows


def examples(reps: list[dict]) -> list[FaultExample]:
    return [FaultExample(r["evidence"], {r["truth"]} if r["truth"] else set(), r["view"])
            for r in reps]  # fmt: skip


def confusion(reps: list[dict], decided: list[list[str]]) -> dict[str, dict[str, int]]:
    table = {}
    for fault in FAULTS:
        c = Counter()
        for rep, faults in zip(reps, decided, strict=True):
            truth, said = rep["truth"] == fault, fault in faults
            c["tp" if truth and said else "fn" if truth else "fp" if said else "tn"] += 1
        table[fault] = dict(c)
    return table


def print_confusion(title: str, table: dict[str, dict[str, int]]) -> None:
    print(f"\n{title}")
    print(f"  {'fault':20s} {'tp':>4s} {'fn':>4s} {'fp':>4s} {'tn':>4s}  precision recall")
    for fault, c in table.items():
        tp, fn, fp, tn = (c.get(k, 0) for k in ("tp", "fn", "fp", "tn"))
        prec = f"{tp / (tp + fp):.2f}" if tp + fp else "  - "
        rec = f"{tp / (tp + fn):.2f}" if tp + fn else "  - "
        print(f"  {fault:20s} {tp:4d} {fn:4d} {fp:4d} {tn:4d}  {prec:>9s} {rec:>6s}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, help="also write the numbers here")
    ap.add_argument(
        "--seed-cv",
        action="store_true",
        help="also the detector's leave-videos-out CV on the seed images (minutes; "
        "scripts/bench_detector.py cv with the default configuration)",
    )
    args = ap.parse_args(argv)
    if not DATA.is_dir():
        print(f"no shared clips at {DATA}: nothing to measure")
        return 1
    labels = {r["path"]: r.get("label", "") for r in csv.DictReader(
        (DATA / "MANIFEST.tsv").open(), delimiter="\t")}  # fmt: skip
    clips = [c for c in manifest_clips() if clip_label(c.name, labels.get(c.name, "x"))]
    fill_cache(clips, refresh=False, jobs=2)
    reps_by_clip: dict[str, list[dict]] = {}
    for clip in clips:
        group, truth = clip_label(clip.name, labels.get(clip.name, ""))
        reps = measure(clip.name)
        for r in reps:
            r |= {"clip": clip.name, "group": group, "truth": truth}
        reps_by_clip[clip.name] = reps
    out: dict = {}

    # 1. The labelled sets.
    sets = [r for reps in reps_by_clip.values() for r in reps if r["group"][:5] in SET_FAULT]
    judged = [r for r in sets if not r["not_judged"]]
    out["sets_default"] = confusion(judged, [r["faults"] for r in judged])
    print_confusion(f"Labelled sets, default thresholds ({len(judged)} reps judged)",
                    out["sets_default"])  # fmt: skip
    loso = []
    for group in sorted({r["group"] for r in judged}):
        learnt = learn_thresholds(examples([r for r in judged if r["group"] != group]))
        thresholds = thresholds_of(learnt)
        for r in judged:
            if r["group"] == group:
                loso.append((r, decide(r["evidence"], thresholds, r["view"])[0], thresholds))
    out["sets_leave_one_set_out"] = confusion([r for r, _, _ in loso], [d for _, d, _ in loso])
    print_confusion("Labelled sets, leave one set out", out["sets_leave_one_set_out"])
    right = sum(bool(r["truth"]) and r["truth"] in d for r, d, _ in loso)
    faulty = sum(bool(r["truth"]) for r, _, _ in loso)
    clean = [d for r, d, _ in loso if not r["truth"]]
    print(f"  right fault named on {right}/{faulty} faulty reps; "
          f"{sum(not d for d in clean)}/{len(clean)} correct reps with no fault")  # fmt: skip
    out["sets_leave_one_set_out_by_view"] = {}
    for view in sorted({r["view"] for r, _, _ in loso}):
        mine = [(r, d) for r, d, _ in loso if r["view"] == view]
        row = {"faulty": sum(bool(r["truth"]) for r, _ in mine),
               "named": sum(bool(r["truth"]) and r["truth"] in d for r, d in mine),
               "correct": sum(not r["truth"] for r, _ in mine),
               "clean": sum(not r["truth"] and not d for r, d in mine)}  # fmt: skip
        out["sets_leave_one_set_out_by_view"][view] = row
        print(f"    {view}: right fault named on {row['named']}/{row['faulty']} faulty reps; "
              f"{row['clean']}/{row['correct']} correct reps with no fault")  # fmt: skip

    # 2. Other lifters: BichraiX clips, labelled per clip.
    per_clip = defaultdict(list)
    for name, reps in reps_by_clip.items():
        if "BichraiX" in name:
            group = "good" if labels.get(name, "").startswith("good") else "bad"
            judged_reps = [r for r in reps if not r["not_judged"]]
            flagged = any(r["faults"] for r in judged_reps)
            per_clip[group].append((name, len(reps), len(judged_reps), flagged, judged_reps))
    out["bichraix"] = {}
    print("\nBichraiX clips (many lifters; a clip is flagged when any judged rep has a fault)")
    for group in ("good", "bad"):
        rows = per_clip[group]
        with_reps = [r for r in rows if r[2]]
        flagged = sum(r[3] for r in with_reps)
        out["bichraix"][group] = {"clips": len(rows), "judged": len(with_reps),
                                  "flagged": flagged}  # fmt: skip
        what = "false alarms" if group == "good" else "detected"
        print(f"  {group}: {len(rows)} clips, {len(with_reps)} with a judged rep, "
              f"{what} {flagged}/{len(with_reps)}")  # fmt: skip
        for name, _, _, _, judged_reps in with_reps:
            faults = sorted({f for r in judged_reps for f in r["faults"]})
            print(f"    {Path(name).name:12s} {judged_reps[0]['view']:8s} "
                  f"{', '.join(faults) if faults else '-'}")  # fmt: skip
    good, bad = out["bichraix"]["good"], out["bichraix"]["bad"]
    if good["judged"] and bad["judged"]:
        bacc = ((1 - good["flagged"] / good["judged"]) + bad["flagged"] / bad["judged"]) / 2
        print(f"  balanced accuracy per clip: {bacc:.2f}")
        out["bichraix"]["balanced_accuracy"] = bacc

    # 3. Cross-camera: the same rep from the side and from the front-3/4.
    side = {r["rep"]: r for r in reps_by_clip.get(f"{_tby()}/0016c_1.mp4", [])}
    oblique = {r["rep"]: r for r in reps_by_clip.get(f"{_tby()}/0016c_2.mp4", [])}
    pairs = [(side[i], oblique[i]) for i in sorted(set(side) & set(oblique))]
    same = sum(a["faults"] == b["faults"] for a, b in pairs)
    diffs = {f: [abs(a["values"][f] - b["values"][f]) for a, b in pairs
                 if f in a["values"] and f in b["values"]] for f in FAULTS}  # fmt: skip
    print(f"\nCross-camera 0016c_1 (side) / 0016c_2 (front-3/4): same faults on {same}/"
          f"{len(pairs)} reps")  # fmt: skip
    for f, d in diffs.items():
        if d:
            print(f"  {f:20s} {DEFAULT_RULES[f].measure:42s} mean |diff| {np.mean(d):.3f}")
    out["cross_camera"] = {
        "pairs": len(pairs),
        "same_faults": same,
        "mean_abs_diff": {f: float(np.mean(d)) for f, d in diffs.items() if d},
    }

    # 4. Not judged.
    every = [r for reps in reps_by_clip.values() for r in reps]
    reasons = Counter(r["not_judged"].split(" in ")[0] for r in every if r["not_judged"])
    print(f"\nNot judged: {sum(reasons.values())}/{len(every)} reps")
    for reason, n in reasons.most_common():
        print(f"  {n:3d}  {reason}")
    out["not_judged"] = {"reps": len(every), "not_judged": sum(reasons.values())}
    out["personal"] = personal_baseline_effect(reps_by_clip)
    if args.seed_cv:  # 5. the detector on the dissertation's images
        from bench_detector import main as detector_bench

        print("\nSeed images, leave-videos-out CV (the dissertation reports 0.88 on its test set):")
        detector_bench(["cv", "--methods", "native"])
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


def personal_baseline_effect(reps_by_clip: dict[str, list[dict]]) -> dict:
    """6. Three reps of a correct set marked good by a coach, then every other rep of that
    lifter filmed from the same camera judged with and without the baseline (its effect on
    the outcome, detector/personal.py): reps judged right before and after, over every
    choice of the three reps (one camera: its own correct set's reps)."""
    from itertools import combinations

    from core.detector.personal import PersonalBaseline, effect, rep_measures
    from core.result import GOOD, NOT_JUDGED, model_outcome

    print("\nPersonal baseline: 3 reps of the correct set marked good, the lifter's other reps "
          "from that camera judged (mean [min-max] over every choice of the 3)")  # fmt: skip
    out = {}
    for view, correct in (("side", "0016c_1"), ("oblique", "0016c_2")):
        pool = [r for name, reps in reps_by_clip.items() for r in reps
                if r["group"][:5] in SET_FAULT and r["view"] == view
                and not r["not_judged"]]  # fmt: skip
        good = [r for r in pool if r["group"] == correct]
        before, after = [], []
        for marked in combinations(good, 3):
            baseline = PersonalBaseline.fit([rep_measures(r["evidence"]) for r in marked])
            rest = [r for r in pool if r not in marked]
            right = [0, 0]
            for r in rest:
                said = effect(baseline.compare(rep_measures(r["evidence"])), r["faults"],
                              r["evidence"], None, None)  # fmt: skip
                for i, personal in enumerate(("", said)):
                    outcome = model_outcome("", r["faults"], None, personal)
                    right[i] += (outcome == GOOD) == (r["truth"] is None) and outcome != NOT_JUDGED
            before.append(right[0])
            after.append(right[1])
        n = len(pool) - 3
        out[view] = {"reps": n, "before": float(np.mean(before)), "after": float(np.mean(after)),
                     "after_min": min(after), "after_max": max(after)}  # fmt: skip
        print(f"  {view:8s} {n} reps: right before {np.mean(before):.1f}, after "
              f"{np.mean(after):.1f} [{min(after)}-{max(after)}]")  # fmt: skip
    return out


def _tby() -> str:
    return "TBY66+Intelligent-Deadlift-Diagnosis-System"


if __name__ == "__main__":
    raise SystemExit(main())
