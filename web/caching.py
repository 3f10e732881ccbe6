"""Conditional GET for every public read, and a small cache of the machine-readable ones.

Every GET answered 200 to a reader who is not logged in carries an ETag (a hash of the body, so it
is right whatever the page shows) and Last-Modified (when the audit trail last recorded a change:
every change to the register is an event there), and answers 304 to If-None-Match or
If-Modified-Since when nothing changed.

The trail's head also keys a per-worker cache of the public JSON, feeds and open-data answers
(never HTML: pages carry a per-session form token): the same bytes are served again until the
register changes, which the next request notices by the head alone (one indexed lookup).
Pages for a logged-in reader or a bearer token differ by person and are never cached.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from flask import Flask, current_app, g, request

#: Answers that are not a read of the register: probes, static files (Flask sets their own).
_SKIPPED = ("/healthz", "/static/")
#: Public answers that are the same bytes for every anonymous reader.
CACHEABLE = frozenset(
    {
        "documents.list_documents",
        "documents.get_document",
        "documents.document_sections",
        "documents.document_relations",
        "cases.list_cases",
        "cases.get_case",
        "pages.feed",
        "pages.sitemap",
        "pages.catalogue",
        "pages.open_data_zip",
        "pages.open_data_table",
        # content-negotiated: only their JSON-LD answers are kept (see _conditional)
        "pages.kfs_work",
        "pages.kfs_version",
    }
)
#: What the cache may hold per worker.
CACHE_BYTES = 32 * 1024 * 1024
CACHE_ENTRIES = 512


@dataclass(frozen=True)
class Cached:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str


class ResponseCache:
    """A least-recently-used map with a byte budget; safe for threaded workers."""

    def __init__(self, max_bytes: int = CACHE_BYTES, max_entries: int = CACHE_ENTRIES):
        self.max_bytes, self.max_entries = max_bytes, max_entries
        self._items: OrderedDict[tuple, Cached] = OrderedDict()
        self._bytes = 0
        self._lock = Lock()

    def get(self, key: tuple) -> Cached | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple, value: Cached) -> None:
        if len(value.body) > self.max_bytes // 4:
            return  # one huge answer must not push out everything else
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._items[key] = value
            self._bytes += len(value.body)
            while self._items and (self._bytes > self.max_bytes or len(self._items) > self.max_entries):
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.body)


#: A constant statement, so a cache hit costs no SQL compilation either.
_HEAD = "SELECT id, occurred_at FROM audit_events ORDER BY id DESC LIMIT 1"


def trail_head() -> tuple[int, dt.datetime | None]:
    """The audit trail's last event: its id (the register's change counter) and its time.

    One read through a pooled connection, no ORM session: on a cache hit it is the only
    statement the request runs."""
    from flask import current_app

    engine = current_app.extensions["styrdok"]["engine"].execution_options(writes=False)
    with engine.connect() as connection:
        row = connection.exec_driver_sql(_HEAD).first()
    if row is None:
        return 0, None
    moment = row.occurred_at
    if isinstance(moment, str):  # SQLite hands back text through a bare connection
        moment = dt.datetime.fromisoformat(moment)
    return row.id, (moment if moment is None or moment.tzinfo else moment.replace(tzinfo=dt.UTC))


def _public_read() -> bool:
    return (
        request.method in ("GET", "HEAD") and getattr(g, "user", None) is None and not request.path.startswith(_SKIPPED)
    )


def install(app: Flask) -> None:
    """Call after auth.install: the cache must know whether the reader is logged in."""
    cache = ResponseCache()
    app.extensions["styrdok"]["response_cache"] = cache

    @app.before_request
    def _serve_cached():
        if not _public_read():
            return None
        try:
            g.trail_head = trail_head()
        except Exception:  # noqa: BLE001 — without the head there is no cache and no validator
            return None
        if request.endpoint not in CACHEABLE:
            return None
        g.cache_key = (
            request.full_path,
            request.headers.get("Accept", ""),
            g.trail_head[0],
            app.config["STYRDOK_SETTINGS"].public_url,
        )
        hit = cache.get(g.cache_key)
        if hit is None:
            return None
        g.cache_hit = True
        response = app.response_class(hit.body, status=hit.status, headers=list(hit.headers))
        response.set_etag(hit.etag)
        return response

    @app.after_request
    def _conditional(response):
        head = g.get("trail_head")
        if (
            head is None
            or response.status_code != 200
            or response.direct_passthrough
            or response.is_streamed
            or not _public_read()
        ):
            return response
        if head[1] is not None:
            response.last_modified = head[1].replace(microsecond=0)
        response.add_etag()
        response.headers.setdefault("Cache-Control", "no-cache")  # may be stored, but ask again
        key = g.get("cache_key")
        if key is not None and not g.get("cache_hit") and response.mimetype != "text/html":
            etag, _ = response.get_etag()
            headers = tuple(
                (k, v) for k, v in response.headers.items() if k.lower() not in ("set-cookie", "etag", "last-modified")
            )
            cache.put(key, Cached(response.status_code, headers, response.get_data(), etag or ""))
        return response.make_conditional(request)


def per_trail_head(name: str, key, compute):
    """``compute()`` once per state of the register (the audit trail's head) and ``key``, kept in
    this worker: for reads that scan the whole register (filter values, the overlap network)."""
    head = g.get("trail_head") or trail_head()
    cache = current_app.extensions["styrdok"].setdefault(f"per-head:{name}", {})
    full_key = (key, head[0])
    if full_key not in cache:
        cache.clear()  # only the newest head is worth keeping
        cache[full_key] = compute()
    return cache[full_key]
