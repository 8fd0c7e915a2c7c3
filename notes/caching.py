"""Whole-page caching for readers, retired the moment anything they could see changes.

Pages are the same for every reader who is not staff (staff also see drafts and edit
links, so they are never served from the cache). A cached page's key holds the
language, the address and the content version, one row in the database that every
change bumps: a new version makes every older page unreachable in all worker
processes at once, whatever cache backend holds them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache, wraps
from typing import TYPE_CHECKING, overload
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.urls import Resolver404, resolve
from django.utils import translation

from .models import ContentVersion

if TYPE_CHECKING:
    # What a QueryDict made without mutable=True is, to the stubs (request.GET is one).
    from django.http.request import _ImmutableQueryDict

# A view, as path() takes it.
ViewFunction = Callable[..., HttpResponseBase]

_VERSION_SQL: dict[str, str] = {}


def content_version() -> int:
    """The counter every change readers could see moves on (read on every cached hit)."""
    db = connections[DEFAULT_DB_ALIAS]  # one lookup: each through the proxy costs one
    sql = _VERSION_SQL.get(db.vendor)
    if sql is None:
        table = db.ops.quote_name(ContentVersion._meta.db_table)
        sql = _VERSION_SQL[db.vendor] = f"SELECT counter FROM {table} WHERE id = 1"  # noqa: S608
    if db.vendor != "sqlite" or db.queries_logged or db.connection is None:
        # A server's connection may have dropped (Django's cursor checks and reconnects),
        # a test may be counting queries, or there is no connection yet.
        with db.cursor() as cursor:
            cursor.execute(sql)
            row = cursor.fetchone()
    else:
        # The embedded database, connected: the driver's own cursor. Django's wrapper
        # cost 3x the query itself, a tenth of a whole cache hit.
        cursor = db.connection.cursor()
        try:
            cursor.execute(sql)
            row = cursor.fetchone()
        finally:
            cursor.close()
    return row[0] if row else 0


def bump_content_version() -> None:
    batched = _BATCHED.get()
    if batched is not None:
        batched.append(True)
        return
    if not ContentVersion.objects.filter(pk=1).update(counter=F("counter") + 1):
        ContentVersion.objects.get_or_create(pk=1, defaults={"counter": 1})


# Set while a batch of changes runs (an import): one bump at its end stands for all.
_BATCHED: ContextVar[list | None] = ContextVar("content_version_batched", default=None)


@contextmanager
def content_version_bumped_at_end() -> Iterator[None]:
    """Bump the content version once, when the batch ends, if anything in it asked to.

    Use inside the batch's transaction so that the bump commits with the changes.
    """
    if _BATCHED.get() is not None:
        yield
        return
    asked: list = []
    token = _BATCHED.set(asked)
    try:
        yield
    finally:
        _BATCHED.reset(token)
    if asked:
        bump_content_version()


def content_key(kind: str, shown) -> str:
    """A key for a fragment of ``kind`` made of everything it ``shows`` (a repr-able
    value): the fragment changes exactly when its key does, so nothing retires it,
    and a change elsewhere (which retires whole pages) leaves it in place."""
    return f"{kind}:{hashlib.sha256(repr(shown).encode()).hexdigest()}"


def page_key(request: HttpRequest, version: int, language: str) -> str:
    # The whole address, scheme and host included: some pages (map exports, feeds,
    # the sitemap) hold absolute URLs built from the request. The query string is
    # already reduced to the parameters the page reads (kept_query).
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"page:{version}:{language}:{address}"


def kept_query(query: QueryDict, params: tuple[str, ...]) -> _ImmutableQueryDict:
    """``query`` reduced to ``params``, in that order: ``?junk=1`` and ``?b=2&a=1``
    become one page, not a cache entry each."""
    pairs = [(name, value) for name in params for value in query.getlist(name) if value]
    return QueryDict(urlencode(pairs))


def _reduce_query(request: HttpRequest, params: tuple[str, ...]) -> None:
    """Make the request hold only the parameters its page reads, so that the cache key,
    the page and every link built from the request's address agree."""
    if not request.META.get("QUERY_STRING"):
        return
    kept = kept_query(request.GET, params)
    request.GET = kept
    request.META["QUERY_STRING"] = kept.urlencode()


@overload
def cache_for_readers(view: ViewFunction, *, params: tuple[str, ...] = ()) -> ViewFunction: ...


@overload
def cache_for_readers(
    view: None = None, *, params: tuple[str, ...] = ()
) -> Callable[[ViewFunction], ViewFunction]: ...


def cache_for_readers(
    view: ViewFunction | None = None, *, params: tuple[str, ...] = ()
) -> ViewFunction | Callable[[ViewFunction], ViewFunction]:
    """Mark a GET page as the same for every reader who is not staff, so that
    ReaderCacheMiddleware keeps it (with the headers the other middleware add).

    ``params`` names the query parameters the page reads; the view sees no other, so a
    page is always the page its cache key names.
    """
    if view is None:
        return lambda view: cache_for_readers(view, params=params)

    @wraps(view)
    def marked_view(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        _reduce_query(request, params)
        response = view(request, *args, **kwargs)
        user = request.user
        if request.method in {"GET", "HEAD"} and not (user.is_active and user.is_staff):
            # The ignore: a mark for ReaderCacheMiddleware, which Django's responses do
            # not declare.
            response.for_readers = True  # type: ignore[attr-defined]
        return response

    # The ignore: read back by _cached_params; functions do not declare it.
    marked_view.reader_cache_params = params  # type: ignore[attr-defined]
    return marked_view


@lru_cache(maxsize=2048)
def _cached_params(urlconf: str | None, path: str) -> tuple[str, ...] | None:
    """The parameters the page at ``path`` reads, or None for a page never cached."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    return getattr(match.func, "reader_cache_params", None)


class ReaderCacheMiddleware:
    """First in the stack: a reader's page straight from the cache, the rest skipped.

    Readers without a session (anyone not logged in) all see the same page, so a hit
    costs the content version's query and a cache read, and no other middleware runs:
    the response was stored after all of them had added their headers (security,
    Content-Security-Policy, language, Vary). Requests with a session cookie (staff)
    always take the whole way through. Pages larger than
    ``PAGE_CACHE_MAX_PAGE_BYTES`` are not kept.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        static = settings.STATIC_URL
        # Never cached: no need to read the content version for them.
        self.skipped = (static if static.startswith("/") else f"/{static}", "/admin/",
                        "/healthz")  # fmt: skip

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = None
        if (
            request.method in {"GET", "HEAD"}
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(self.skipped)
        ):
            params = _cached_params(getattr(request, "urlconf", None), request.path_info)
            if params is not None:
                _reduce_query(request, params)
                # The language LocaleMiddleware would choose: the cookie, then
                # Accept-Language.
                language = translation.get_language_from_request(request)
                try:
                    key = page_key(request, content_version(), language)
                except DisallowedHost:
                    # Left to the middleware inside, whose 400 carries the security headers.
                    key = None
                cached: HttpResponse | None = cache.get(key) if key is not None else None
                if cached is not None:
                    return cached
        response = self.get_response(request)
        if (
            key is not None
            and getattr(response, "for_readers", False)
            and response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
        ):
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if len(response.content) <= settings.PAGE_CACHE_MAX_PAGE_BYTES:
                cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        return response
