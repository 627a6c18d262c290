"""The API schema's OpenAPI links (a drf-spectacular postprocessing hook named in settings):
how one answer's ids feed the next request, so that a generated client, or schemathesis'
stateful run, can walk from a session to its reps, comments and labels."""

from __future__ import annotations

# (operationId, status) -> {link name: (target operationId, {parameter: expression})}
FIRST_ID = "$response.body#/results/0/id"
LINKS: dict[tuple[str, str], dict[str, tuple[str, dict[str, str]]]] = {
    ("sessions_list", "200"): {
        "FirstSession": ("sessions_retrieve", {"id": FIRST_ID}),
        "FirstSessionReps": ("sessions_reps_list", {"id": FIRST_ID}),
        "CommentOnFirstSession": ("sessions_comments_create", {"id": FIRST_ID}),
    },
    ("sessions_create", "201"): {
        "Session": ("sessions_retrieve", {"id": "$response.body#/id"}),
        "Reps": ("sessions_reps_list", {"id": "$response.body#/id"}),
        "Comment": ("sessions_comments_create", {"id": "$response.body#/id"}),
    },
    ("sessions_retrieve", "200"): {
        "Reps": ("sessions_reps_list", {"id": "$response.body#/id"}),
        "Comments": ("sessions_comments_list", {"id": "$response.body#/id"}),
        "Comment": ("sessions_comments_create", {"id": "$response.body#/id"}),
        "Retry": ("sessions_retry_create", {"id": "$response.body#/id"}),
    },
    ("sessions_reps_list", "200"): {
        "FirstRep": ("reps_retrieve", {"id": FIRST_ID}),
        "LabelFirstRep": ("reps_label_create", {"id": FIRST_ID}),
        "CommentOnFirstRep": ("reps_comments_create", {"id": FIRST_ID}),
    },
    ("reps_comments_create", "201"): {
        "LabelTheRep": ("reps_label_create", {"id": "$response.body#/rep"}),
    },
}


def links_hook(result: dict, generator, request, public) -> dict:
    """Add `LINKS` to the operations' responses (an operation that is not in the schema, or
    an answer it does not give, is left alone)."""
    operations = {
        op.get("operationId"): op
        for item in result.get("paths", {}).values()
        for op in item.values()
        if isinstance(op, dict)
    }
    known = set(operations)
    for (operation_id, status), links in LINKS.items():
        response = operations.get(operation_id, {}).get("responses", {}).get(status)
        if response is None:
            continue
        response["links"] = {
            name: {"operationId": target, "parameters": parameters}
            for name, (target, parameters) in links.items()
            if target in known
        }
    return result
