"""A set's answer in a few lines, for the athlete first: which faults, on how many reps, what
to do and the rep that shows it most; what was close to the line; what was not judged."""

from __future__ import annotations

from typing import Any

from analysis.models import FAULT_NAMES, Outcome, Rep
from core.lifts.faults import CUES, DRILLS, past_line


def _fault_entry(fault: str, reps: list[Rep]) -> dict[str, Any]:
    """One fault of the set: its reps, cue and drill, and the worst rep (the one whose measure
    went furthest past the line; a coach's tag without a measure: the first)."""

    def how_far(rep: Rep) -> float:
        return past_line((rep.fault_evidence or {}).get(fault, {}))

    worst = max(reps, key=how_far)
    time_s = (worst.fault_evidence or {}).get(fault, {}).get("time_s")
    return {
        "fault": fault,
        "name": FAULT_NAMES.get(fault, fault.replace("_", " ")),
        "reps": [r.index for r in reps],
        "count": len(reps),
        "cue": CUES.get(fault, ""),
        "drill": DRILLS.get(fault, ""),
        "worst": worst.index,
        "worst_s": time_s if time_s is not None else worst.start_s,
    }


def set_summary(counted: list[Rep]) -> dict[str, Any]:
    """The set's summary from its counted reps' outcomes (a coach's label first, as everywhere):
    `faults` (most reps first), `close` (faults close to the line on reps not showing them),
    the count of good, unusual and not judged reps, and a headline."""
    by_fault: dict[str, list[Rep]] = {}
    close: dict[str, list[Rep]] = {}
    tally = {o: 0 for o in Outcome.values}
    for rep in counted:
        tally[rep.outcome] += 1
        for fault in rep.outcome_faults:
            by_fault.setdefault(fault, []).append(rep)
        if rep.label:  # the coach has judged it: the model's close calls do not matter
            continue
        for fault, e in rep.evidence_explained.items():
            if e["close"] and fault not in rep.outcome_faults:
                close.setdefault(fault, []).append(rep)
    faults = sorted(
        (_fault_entry(f, reps) for f, reps in by_fault.items()), key=lambda e: -e["count"]
    )
    total = len(counted)

    def of_total(n: int) -> str:  # "3 of 4 reps"; a set of one rep: "the one rep"
        return "the one rep" if total == 1 else f"{n} of {total} reps"

    if not total:
        headline = "No reps were counted in this set."
    elif faults:
        top = faults[0]
        headline = f"{top['name'].capitalize()} on {of_total(top['count'])}."
    elif tally[Outcome.UNUSUAL]:
        unusual = of_total(tally[Outcome.UNUSUAL])
        headline = f"{unusual[0].upper()}{unusual[1:]} moved unusually; no named fault."
    elif tally[Outcome.GOOD] == total:
        headline = "The one rep looks good." if total == 1 else f"All {total} reps look good."
    elif tally[Outcome.GOOD]:
        headline = f"{tally[Outcome.GOOD]} of {total} reps look good; the rest were not judged."
    else:
        headline = "These reps could not be judged: the reason is on each rep."
    return {
        "headline": headline,
        "total": total,
        "faults": faults,
        "close": [
            {"fault": f, "name": FAULT_NAMES.get(f, f), "reps": [r.index for r in reps]}
            for f, reps in close.items()
        ],
        "good": tally[Outcome.GOOD],
        "unusual": tally[Outcome.UNUSUAL],
        "not_judged": tally[Outcome.NOT_JUDGED],
    }
