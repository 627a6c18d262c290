"""The API's request parsers: DRF's, with the bounds a hostile body needs.

JSON is refused (400, the one error body) when it nests deeper than `JSON_MAX_DEPTH` (no
request of this API nests more than a drawing's shapes and points: four levels) or deeper
than Python can decode (DRF's parser lets that RecursionError become a 500); a declared
charset nobody knows is a 415. Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE never reach a parser
(`api_errors.ApiErrorsMiddleware`).
"""

from __future__ import annotations

import codecs

from django.utils.http import parse_header_parameters
from rest_framework import parsers
from rest_framework.exceptions import ParseError, UnsupportedMediaType

JSON_MAX_DEPTH = 16


def json_depth(value: object) -> int:
    """How deeply lists and objects nest in `value` (a scalar: 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in item)
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        # Django reads a body of an unknown declared charset as UTF-8; say so instead.
        declared = parse_header_parameters(media_type or "")[1].get("charset")
        if declared:
            try:
                codecs.lookup(declared)
            except LookupError as error:
                raise UnsupportedMediaType(
                    media_type, f"Unknown charset {declared[:40]!r}: send UTF-8."
                ) from error
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(f"The JSON nests too deeply (at most {JSON_MAX_DEPTH}).") from error
        if json_depth(data) > JSON_MAX_DEPTH:
            raise ParseError(f"The JSON nests too deeply (at most {JSON_MAX_DEPTH}).")
        return data
