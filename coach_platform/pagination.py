"""One way to page a list on a page: `?page=N` (or another parameter when a page holds two
lists), a bounded page size, and a page number out of range answered with the last page."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 25


def page_of(
    request: HttpRequest,
    items: Sequence,
    *,
    per_page: int = PAGE_SIZE,
    param: str = "page",
    last: bool = False,
) -> Page:
    """The requested page of `items` (a queryset or list), the first (or with `last`, the
    last) when none is asked for; `page.param` names its parameter for the pager template
    (templates/includes/pager.html)."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get(param) or (paginator.num_pages if last else 1))
    page.param = param
    page.query = {k: v for k, v in request.GET.items() if k != param}
    return page
