"""/api/v1/reports: the auditors' reports as JSON, CSV or XLSX."""

from __future__ import annotations

from typing import Any

from registry.schemas import ReportOutSchema, ReportQuerySchema
from web.api.base import Blueprint
from web.errors import ApiError

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports", description="Revisorernas rapporter.")

CSV = {"schema": {"type": "string"}}
XLSX = {"schema": {"type": "string", "format": "binary"}}


@blp.get("/<name>", endpoint="get_report")
@blp.arguments(ReportQuerySchema, location="query")
@blp.response(200, ReportOutSchema, description="Rapporten (JSON, eller CSV/XLSX med format)")
@blp.refuses(404, 422, secured=True)
@blp.doc(summary="En rapport (overlaps, violations, reviews, hygiene); kräver inloggning eller nyckel")
def get_report(query: dict[str, Any], name: str) -> Any:
    from registry.reports import REPORTS
    from web.pages.reports import report_response

    if name not in REPORTS:
        raise ApiError(404, f"Rapporten ”{name}” finns inte. Rapporter: {', '.join(REPORTS)}.")
    return report_response(name, query["format"])
