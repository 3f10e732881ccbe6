"""What every resource of the API shares: the Api, its blueprints, the one error envelope, ETags.

flask-smorest parses arguments and serialises answers with the shared marshmallow schemas and
writes the OpenAPI document from them; Styrdok keeps its own error handling (web.errors), so an
API error and a page error come from one table and every error has the shape ``Error``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flask_smorest
from flask import request
from webargs.flaskparser import FlaskParser

from registry import schemas
from registry.models import Document
from registry.schemas import invalid_input
from web.errors import ApiError

#: What each refusal means, said once for every operation that may give it.
ERRORS = {
    400: "Begäran kunde inte tolkas (till exempel trasig JSON).",
    401: "Inloggning eller API-nyckel krävs, eller nyckeln är ogiltig.",
    403: "Nyckeln saknar behörighet.",
    404: "Posten finns inte (eller är inte publicerad).",
    409: "Krockar med något som redan finns.",
    410: "Dokumentet är gallrat; svaret säger när och enligt vilket gallringsbeslut.",
    412: "If-Match stämmer inte med dokumentets ETag.",
    413: "För stort innehåll.",
    415: "Innehållet är inte JSON.",
    422: "Ogiltiga uppgifter; errors anger fälten.",
    428: "If-Match saknas.",
}

#: What a refused request body or query is called in the Swedish message ("Dokument: fältet …").
WHAT = {
    schemas.DocumentSchema: "Dokument",
    schemas.DocumentChangeSchema: "Ändring",
    schemas.RelationSchema: "Relation",
    schemas.CaseSchema: "Ärende",
    schemas.DecisionCreateSchema: "Beslut",
    schemas.CheckInputSchema: "Bedömning",
    schemas.RegisterQuerySchema: "Frågan",
    schemas.ReportQuerySchema: "Frågan",
}


class SwedishParser(FlaskParser):
    """webargs' parser, refusing as the services do: one Swedish InvalidInput naming the field.

    A body that is not JSON, is broken, or is not an object is refused before the schema reads it,
    with the same statuses as before (415, 400, 422)."""

    DEFAULT_VALIDATION_STATUS = 422

    def _raw_load_json(self, req: Any) -> Any:
        if req.mimetype != "application/json" and not req.mimetype.endswith("+json"):
            raise ApiError(415)
        try:
            data = req.get_json(silent=True)
        except RecursionError:  # "[[[[…" ten thousand deep: the parser gives up, so do we, politely
            raise ApiError(400, "JSON-innehållet är för djupt nästlat.") from None
        if data is None:
            raise ApiError(400, "Innehållet är inte giltig JSON.")
        if not isinstance(data, dict):
            raise ApiError(422, "Skicka ett JSON-objekt med fält.", {"_schema": ["Ett objekt väntades."]})
        return data

    def handle_error(self, error: Any, req: Any, schema: Any, *, error_status_code: Any, error_headers: Any) -> Any:
        messages = error.messages
        if isinstance(messages, dict) and len(messages) == 1 and next(iter(messages)) in self.__location_map__:
            messages = next(iter(messages.values()))  # {"json": {...}}: the location is ours to know
        raise invalid_input(messages, what=WHAT.get(type(schema), "Uppgifterna"))


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = SwedishParser()

    def refuses(self, *codes: int, secured: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Document the error answers an operation may give, each in the one envelope ``Error``:
        the codes named, 413 for every operation, 401 and 403 for one that needs a key."""
        every = sorted(set(codes) | {413} | ({401, 403} if secured else set()))

        def apply(view: Callable[..., Any]) -> Callable[..., Any]:
            for code in every:
                view = self.alt_response(code, schema=schemas.ErrorSchema, description=ERRORS[code])(view)
            if secured:
                view = self.doc(security=[{"bearer": []}])(view)
            return view

        return apply


class Api(flask_smorest.Api):
    """flask-smorest without its own error handlers: web.errors answers every error, in one shape."""

    ERROR_SCHEMA = schemas.ErrorSchema
    #: Every status an operation gives is documented on it; none hides behind a "default".
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self) -> None:
        return None


def document_etag(document: Document) -> dict[str, Any]:
    """What a document's ETag is computed from: the document and its version, nothing else, so a
    reader's If-Match names exactly the version they read."""
    return {"id": document.id, "version": document.version}


def json_body() -> dict[str, Any]:
    """The request's JSON object as sent (after the arguments decorator has checked it): services
    validate it once more with the same schema, as they do for forms and the CLI."""
    return dict(request.get_json(silent=True) or {})
