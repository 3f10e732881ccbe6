"""Log lines as JSON: UTC time, level, request id, user id (never a name), method, path, status.

One line per request and one per error. Values are JSON-encoded, so a newline typed into a form
cannot forge a log line; passwords, cookies and tokens are never put in a log record.
"""

from __future__ import annotations

import json
import logging
import secrets
import time

from flask import Flask, g, has_request_context, request

from registry.timeutil import utcnow


class RequestFields(logging.Filter):
    """Attach the request's id, user id, method and path to a record when it is made."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = getattr(g, "request_id", None)
            # A plain id noted at login lookup: touching the ORM object here could reload it
            # inside a failed transaction.
            record.user_id = getattr(g, "user_id", None)
            record.method = request.method
            record.path = request.path[:200]
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": utcnow().isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
        }
        for key in ("request_id", "user_id", "method", "path", "status", "ms"):
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info:
            line["error"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        return json.dumps(line, ensure_ascii=False)


def install(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    app.logger.handlers[:] = [handler]
    app.logger.filters[:] = [RequestFields()]
    app.logger.setLevel(logging.INFO)
    app.logger.propagate = True  # tests read the records through caplog

    @app.before_request
    def _request_id():
        g.request_id = secrets.token_hex(6)
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        response.headers["X-Request-Id"] = getattr(g, "request_id", "")
        started = getattr(g, "request_started", None)
        elapsed = round((time.perf_counter() - started) * 1000, 1) if started else None
        app.logger.info("request", extra={"status": response.status_code, "ms": elapsed})
        return response
