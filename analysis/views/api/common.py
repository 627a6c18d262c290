"""What the API's subjects share: the admin permission and paged list actions."""

from __future__ import annotations

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from athletes.selectors import user_is_admin


class IsAdmin(BasePermission):
    """The platform's admin role (staff or superuser), the same test the pages use."""

    def has_permission(self, request, view) -> bool:
        return user_is_admin(request.user)


def paginated(view, items, serializer_class) -> Response:
    """A list action's answer in the same pages as the viewsets' own lists."""
    page = view.paginate_queryset(items)
    context = {"request": view.request}
    return view.get_paginated_response(serializer_class(page, many=True, context=context).data)


def absolute(request: Request, url: str | None) -> str | None:
    return request.build_absolute_uri(url) if url else None
