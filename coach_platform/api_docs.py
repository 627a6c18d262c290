"""An API docs page rendered on the server from the OpenAPI schema: works offline (Swagger
UI and Redoc load their JavaScript from a CDN)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


def _fields(schema: dict, components: dict) -> list[dict]:
    ref = schema.get("$ref", "")
    if ref:
        schema = components.get(ref.rsplit("/", 1)[-1], {})
    if schema.get("type") == "array":
        return _fields(schema.get("items", {}), components)
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": spec.get("type") or spec.get("$ref", "").rsplit("/", 1)[-1] or "object",
            "format": spec.get("format", ""),
            "required": name in required,
            "read_only": spec.get("readOnly", False),
            "description": spec.get("description", ""),
        }
        for name, spec in schema.get("properties", {}).items()
    ]


def _answers(op: dict, shared: dict) -> list[dict]:
    """Every status code the operation declares, with its meaning (shared error answers
    are references to `components.responses`)."""
    answers = []
    for code, answer in op.get("responses", {}).items():
        if "$ref" in answer:
            answer = shared.get(answer["$ref"].rsplit("/", 1)[-1], {})
        answers.append({"code": code, "description": answer.get("description", "")})
    return answers


def api_docs(request: HttpRequest) -> HttpResponse:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})
    shared = schema.get("components", {}).get("responses", {})
    operations = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            body = op.get("requestBody", {}).get("content", {})
            media, spec = next(iter(body.items()), ("", {}))
            ok = next(
                (r for code, r in op.get("responses", {}).items() if code.startswith("2")), {}
            )
            ok_schema = next(iter(ok.get("content", {}).values()), {}).get("schema", {})
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary") or op.get("description", ""),
                    "parameters": op.get("parameters", []),
                    "request_media": media,
                    "request_fields": _fields(spec.get("schema", {}), components),
                    "response_fields": _fields(ok_schema, components),
                    "answers": _answers(op, shared),
                    "tag": (op.get("tags") or [""])[0],
                }
            )
    return render(
        request, "api_docs.html", {"info": schema.get("info", {}), "operations": operations}
    )
