"""One pagination style for every list of the audit API.

A list is read in pages with `?after=<cursor>&limit=N`: leave `after` out for the first page,
then pass the `next` of the page before. The cursor is the key the list is ordered by (a
leaf index, a checkpoint id): the last item's on that page, so a page is never skipped or
repeated while the list grows. The body is `{"items": [...], "next": <cursor or null>}`; when
there is more, the same cursor is in a `Link: <?after=…&limit=…>; rel="next"` header, a
reference relative to the request's own URL, so it holds behind the gateway's /audit prefix.
`next` is null when nothing follows yet; a reader that tails a list keeps its last cursor.
"""

from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlencode

from fastapi import Query, Request, Response
from pydantic import BaseModel

T = TypeVar("T")

After = Annotated[
    int | None,
    Query(ge=0, description="the `next` of the previous page; leave out for the first page"),
]
LINK_HEADER = {
    "Link": {
        "description": 'The next page, when there is one: `<?after=…&limit=…>; rel="next"`,'
        " relative to the request's URL",
        "schema": {"type": "string"},
    }
}
PAGED: dict[int | str, dict[str, Any]] = {200: {"headers": LINK_HEADER}}


def at_most(most: int) -> Any:
    """The `limit` parameter of a list whose pages hold at most `most` items."""
    return Query(ge=1, le=most, description=f"items a page, at most {most}")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next: int | None  # the cursor of the next page: pass it as `after`; null at the end


def paged(request: Request, response: Response, rows: Sequence[T], limit: int,
          cursor: Callable[[T], int]) -> dict[str, Any]:  # fmt: skip
    """A page of `rows`, read with one row more than `limit` to know whether more follow."""
    items = list(rows[:limit])
    following = cursor(items[-1]) if len(rows) > limit else None
    if following is not None:
        query = {**request.query_params, "after": str(following), "limit": str(limit)}
        response.headers["Link"] = f'<?{urlencode(query)}>; rel="next"'
    return {"items": items, "next": following}


def start(after: int | None) -> int:
    """The key the first item of the page comes after (-1: from the first leaf or id)."""
    return -1 if after is None else after
