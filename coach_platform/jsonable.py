"""Plain JSON out of what the pipeline and the detector return, for JSONField."""

from __future__ import annotations

from typing import Any


def jsonable(value: Any) -> Any:
    """numpy scalars and tuples out of the pipeline's dicts, so JSONField can store them."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    return value
