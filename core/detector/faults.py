"""Per-fault decisions learnt from coaches' fault tags, and their report.

The named faults' measures are computed once per rep (pipeline/faults.py); what a training
run learns is where, on each measure, this platform's coaches draw the line: the threshold
that best separates the reps they tagged with the fault from the reps they marked good. A
fault with too few tagged reps keeps its default (the literature's and the labelled sets'
number). Plain functions on measures; the training service fetches the reps.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.lifts.faults import DEFAULT_RULES, FAULTS, LEARNABLE, VIEW_KEY, decide

MIN_EACH = 5  # tagged reps and good reps needed before a threshold is learnt


@dataclass
class FaultExample:
    """One labelled rep: its fault evidence, the faults a coach says it has (empty for a
    rep marked good), and its camera view."""

    evidence: dict[str, dict[str, Any]]
    truth: set[str]
    view: str = ""


def _balanced_accuracy(pos: np.ndarray, neg: np.ndarray, threshold: float, below: bool) -> float:
    fires = (lambda v: v < threshold) if below else (lambda v: v > threshold)
    return (fires(pos).mean() + (~fires(neg)).mean()) / 2


def _learn(fault: str, examples: list[FaultExample], near: float) -> dict[str, Any] | None:
    """The threshold on `fault`'s measure with the best balanced accuracy between the
    examples tagged with it and those marked good (of equals, the nearest to `near`), with
    the counts behind it; None under MIN_EACH of either."""
    rule = DEFAULT_RULES[fault]
    pos = np.array([x.evidence[fault]["value"] for x in examples
                    if fault in x.truth and fault in x.evidence])  # fmt: skip
    neg = np.array([x.evidence[fault]["value"] for x in examples
                    if not x.truth and fault in x.evidence])  # fmt: skip
    if len(pos) < MIN_EACH or len(neg) < MIN_EACH:
        return None
    values = np.unique(np.r_[pos, neg])
    candidates = (values[:-1] + values[1:]) / 2 if len(values) > 1 else values
    scored = [(_balanced_accuracy(pos, neg, t, rule.below), -abs(t - near), t)
              for t in candidates]  # fmt: skip
    best, _, threshold = max(scored)
    return {
        "threshold": round(float(threshold), 4),
        "default": rule.threshold,
        "tagged": len(pos),
        "good": len(neg),
        "balanced_accuracy": round(float(best), 3),
        "_pos": pos,
        "_neg": neg,
    }


def learn_thresholds(examples: list[FaultExample]) -> dict[str, dict[str, Any]]:
    """Per learnable fault with at least MIN_EACH tagged and MIN_EACH good reps measured:
    the threshold with the best balanced accuracy between them (of equals, the nearest to
    the default), with the counts behind it; under `seen` the camera views of the reps it
    was learnt from (with how many: a line learnt from side views says nothing of the
    front-3/4, where the measure may read otherwise); and under `views` a view's own line
    where its reps alone have as many and the line must differ there: its own threshold
    judges that view's reps better than the one learnt from all views."""
    out = {}
    for fault in LEARNABLE:
        rule = DEFAULT_RULES[fault]
        pooled = _learn(fault, examples, rule.threshold)
        if pooled is None:
            continue
        views = {}
        for view in sorted({x.view for x in examples if x.view}):
            own = _learn(fault, [x for x in examples if x.view == view], pooled["threshold"])
            if own is None:
                continue
            shared = _balanced_accuracy(own["_pos"], own["_neg"], pooled["threshold"], rule.below)
            if own["balanced_accuracy"] > round(float(shared), 3):
                views[view] = {k: v for k, v in own.items() if not k.startswith("_")}
        out[fault] = {k: v for k, v in pooled.items() if not k.startswith("_")}
        out[fault]["seen"] = dict(sorted(Counter(x.view for x in examples
                                                 if fault in x.evidence).items()))  # fmt: skip
        if views:
            out[fault]["views"] = views
    return out


def thresholds_of(learnt: dict[str, dict[str, Any]]) -> dict[str, float]:
    """The thresholds `decide` takes from what `learn_thresholds` learnt (a version's
    stored metrics), per fault and camera view (VIEW_KEY): a view's own line, else the
    line learnt from all views for the views its reps were filmed from; a view none was
    filmed from keeps the default. Reps of no known view (and versions that did not record
    their views) take the line learnt from all views (the bare fault key)."""
    out = {}
    for fault, entry in learnt.items():
        seen = entry.get("seen")
        own = {view: e["threshold"] for view, e in (entry.get("views") or {}).items()}
        if seen is None or "" in seen:
            out[fault] = entry["threshold"]
        for view in {*(seen or ()), *own} - {""}:
            out[VIEW_KEY.format(fault=fault, view=view)] = own.get(view, entry["threshold"])
    return out


def fault_report(
    examples: list[FaultExample], thresholds: dict[str, float] | None = None
) -> dict[str, Any]:
    """Per fault the confusion counts, precision and recall of the named faults against
    coaches' tags, and per camera view the share of reps judged right (good as good, a
    tagged rep with a fault named), each figure with the number of reps behind it."""
    per_fault: dict[str, dict[str, Any]] = {}
    views: dict[str, list[bool]] = defaultdict(list)
    named = [set(decide(x.evidence, thresholds, x.view)[0]) for x in examples]
    for fault in FAULTS:
        c = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
        for x, said in zip(examples, named, strict=True):
            truth, hit = fault in x.truth, fault in said
            c["tp" if truth and hit else "fn" if truth else "fp" if hit else "tn"] += 1
        c["precision"] = round(c["tp"] / (c["tp"] + c["fp"]), 3) if c["tp"] + c["fp"] else None
        c["recall"] = round(c["tp"] / (c["tp"] + c["fn"]), 3) if c["tp"] + c["fn"] else None
        per_fault[fault] = c
    for x, said in zip(examples, named, strict=True):
        views[x.view or "unknown"].append(bool(said & x.truth) if x.truth else not said)
    return {
        "reps": len(examples),
        "per_fault": per_fault,
        "by_view": {v: {"reps": len(ok), "right": int(sum(ok))} for v, ok in sorted(views.items())},
    }
