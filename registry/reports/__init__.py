"""The auditors' reports: overlaps, rule violations, reviews due, register hygiene.

Each report is a title, columns and rows of plain values (``base.Report``), so one exporter
(``exports``) serves text, JSON, CSV and XLSX, the CLI, the page and the API alike. Read-only.
One module per report; ``exports`` holds the formula guard every export of the register shares.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from registry.reports.base import DUE_SOON_DAYS, EXPLAINING_RELATIONS, Progress, Report
from registry.reports.exports import (
    csv_lines,
    spreadsheet_safe,
    text_lines,
    write_csv_report,
    write_xlsx,
)
from registry.reports.hygiene import hygiene_report
from registry.reports.overlaps import overlaps_report
from registry.reports.reviews import election_year_on_or_before, mandate_start, review_due, reviews_report
from registry.reports.violations import violations_report
from registry.rules.model import Ruleset
from registry.text.ui import N_

REPORTS = {
    "overlaps": N_("Överlappande dokument"),
    "violations": N_("Avvikelser från kommunens regler"),
    "reviews": N_("Aktualitetsprövning"),
    "hygiene": N_("Registrets skick"),
}


def build_report(session: Session, name: str, ruleset: Ruleset, **options: Any) -> Report:
    if name == "overlaps":
        return overlaps_report(session, ruleset, **options)
    if name == "violations":
        return violations_report(session, ruleset)
    if name == "reviews":
        return reviews_report(session, ruleset)
    if name == "hygiene":
        return hygiene_report(session, ruleset)
    from registry.errors import NotFound

    raise NotFound(f"Rapporten ”{name}” finns inte. Rapporter: {', '.join(REPORTS)}.", field="name")


__all__ = [
    "DUE_SOON_DAYS",
    "EXPLAINING_RELATIONS",
    "REPORTS",
    "Progress",
    "Report",
    "build_report",
    "csv_lines",
    "election_year_on_or_before",
    "hygiene_report",
    "mandate_start",
    "overlaps_report",
    "review_due",
    "reviews_report",
    "spreadsheet_safe",
    "text_lines",
    "violations_report",
    "write_csv_report",
    "write_xlsx",
]
