"""One error table for the whole app: JSON envelope under /api, a Swedish page elsewhere."""

from __future__ import annotations

import contextlib
import errno

from flask import Flask, current_app, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from registry.errors import RegistryError, StaleVersion
from registry.text.ui import N_

#: A full or read-only disk, said so the person knows their work was not saved.
STORAGE_FULL = N_("Lagringen är full eller skrivskyddad, så inget sparades. Försök igen när driften har ordnat det.")

#: werkzeug's English texts replaced by Swedish ones people can act on.
HTTP_MESSAGES = {
    400: N_("Begäran kunde inte tolkas."),
    401: N_("Du behöver logga in (eller skicka en API-nyckel) för att göra det här."),
    403: N_("Du har inte behörighet till det här."),
    404: N_("Sidan eller posten finns inte."),
    405: N_("Metoden stöds inte här."),
    410: N_("Posten är gallrad."),
    409: N_("Ändringen krockar med en annan ändring."),
    412: N_("Dokumentet har ändrats sedan du läste det."),
    413: N_("Filen eller texten är för stor; högst 20 MB."),
    415: N_("Skicka JSON (Content-Type: application/json)."),
    422: N_("Uppgifterna är inte giltiga."),
    428: N_("Ange If-Match med dokumentets ETag för att ändra det."),
    429: N_("För många försök; vänta en stund."),
    500: N_("Något gick fel hos oss. Försök igen om en stund."),
    503: N_("Registret är inte tillgängligt just nu. Försök igen om en stund."),
}

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    410: "gone",
    409: "conflict",
    412: "precondition_failed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    428: "precondition_required",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


class ApiError(Exception):
    """An HTTP error with our own Swedish message and optional field errors."""

    def __init__(self, status: int, message: str | None = None, errors: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message or HTTP_MESSAGES.get(status, "Fel.")
        self.errors = errors or {}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str, errors: dict | None = None, headers: dict | None = None):
    if wants_json():
        body = {
            "error": {"status": status, "code": CODES.get(status, "error"), "message": message, "errors": errors or {}}
        }
        response = jsonify(body)
        response.status_code = status
    else:
        response = current_app.make_response(
            (render_template("error.html", status=status, message=message, errors=errors or {}), status)
        )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _discard_session() -> None:
    from flask import g

    session = g.pop("db_session", None)
    if session is not None:
        with contextlib.suppress(Exception):  # the connection may be gone with the database
            session.close()
    g.user = None  # shown as logged out on the error page rather than asking the database


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(error: ApiError):
        return error_response(error.status, error.message, error.errors)

    @app.errorhandler(RegistryError)
    def _registry_error(error: RegistryError):
        status = 412 if isinstance(error, StaleVersion) and wants_json() else error.status
        if isinstance(error, StaleVersion) and not wants_json():
            status = 409
        return error_response(status, error.message, error.errors)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        status = error.code or 500
        if status == 304:  # If-None-Match named the current ETag: nothing to send
            return current_app.response_class(status=304)
        # Keep what the protocol needs, such as Allow on 405.
        headers = {k: v for k, v in error.get_headers() if k.lower() in ("allow", "retry-after", "www-authenticate")}
        return error_response(status, HTTP_MESSAGES.get(status, error.description or "Fel."), headers=headers)

    @app.errorhandler(OperationalError)
    def _database_down(error: OperationalError):
        app.logger.error("Databasen svarar inte: %s", error.orig if error.orig is not None else error)
        _discard_session()  # the page must not touch the failed transaction
        return error_response(503, HTTP_MESSAGES[503])

    @app.errorhandler(DBAPIError)
    def _database_refused(error: DBAPIError):
        # PostgreSQL says "read-only transaction" (a standby, default_transaction_read_only) or
        # "insufficient resources" (53xxx: disk full, out of memory, too many connections) with
        # other error classes than OperationalError; each is the register unable to write now.
        sqlstate = getattr(error.orig, "sqlstate", None) or ""
        if sqlstate != "25006" and not sqlstate.startswith("53"):
            return _internal(error)
        return _database_down(error)

    @app.errorhandler(OSError)
    def _storage_failed(error: OSError):
        if error.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
            return _internal(error)
        app.logger.error("Lagringen tar inte emot filer: %s", error.strerror)
        _discard_session()
        return error_response(503, STORAGE_FULL)

    @app.errorhandler(Exception)
    def _internal(error: Exception):
        if app.testing and not app.config.get("STYRDOK_SWALLOW_ERRORS"):
            raise error  # errors must fail tests, not hide behind a 500 page
        app.logger.exception("Internt fel")
        return error_response(500, HTTP_MESSAGES[500])
