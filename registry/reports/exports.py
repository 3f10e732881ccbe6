"""Every export of the register to a spreadsheet or a file: one formula guard for them all.

Reports, the register's CSV export, the audit trail's CSV and the open-data tables all write their
cells through :func:`spreadsheet_safe`, so no cell becomes a formula when Excel opens the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any

from registry.reports.base import Report

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Swedish Excel splits a CSV line on ";" (and on a tab): each part is a cell of its own there, so a
#: formula after a separator inside our cell ("Policy;=cmd|' /C calc'!A0") must be defused too.
_FORMULA_AFTER_SEPARATOR = re.compile(r"([;\t]\s*)([=+\-@])")


def spreadsheet_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is written as text: at the start of the
    cell, and after any separator a spreadsheet might split the cell on."""
    if not isinstance(value, str):
        return value
    value = _FORMULA_AFTER_SEPARATOR.sub(r"\1'\2", value)
    if value[:1] in _FORMULA_START:
        return "'" + value
    return value


def csv_lines(report: Report, *, swedish: bool = False) -> Iterator[list[Any]]:
    """The rows as CSV fields; ``swedish`` writes decimal commas ("0,27"), which Swedish Excel
    reads as numbers (the caller then separates fields with semicolons)."""
    yield [title for _, title in report.columns]
    for row in report.rows:
        yield [_csv_value(row.get(key, ""), swedish) for key, _ in report.columns]


def _csv_value(value: Any, swedish: bool) -> Any:
    if swedish and isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".").replace(".", ",")
    return spreadsheet_safe(value)


def write_csv_report(report: Report, out: IO[str], *, swedish: bool) -> None:
    """CSV for Swedish Excel (semicolons, decimal commas; the caller adds the BOM) or plain CSV."""
    import csv

    writer = csv.writer(out, delimiter=";" if swedish else ",", lineterminator="\r\n")
    for line in csv_lines(report, swedish=swedish):
        writer.writerow(line)


def write_xlsx(report: Report, path_or_buffer: str | IO[bytes]) -> None:
    """XLSX in constant memory; no string ever becomes a formula."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        path_or_buffer,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "in_memory": not isinstance(path_or_buffer, str),
        },
    )
    sheet = workbook.add_worksheet(report.name)
    bold = workbook.add_format({"bold": True, "bg_color": "#EEF5F8", "bottom": 1})
    wrapped = workbook.add_format({"text_wrap": True, "valign": "top"})
    # Widths from the content (constant-memory mode wants them before any row is written).
    for column, (key, title) in enumerate(report.columns):
        longest = max([len(title), *(len(str(row.get(key, ""))) for row in report.rows[:500])])
        sheet.set_column(column, column, min(max(longest + 2, 8), 60), wrapped if longest > 60 else None)
    sheet.freeze_panes(1, 0)  # the header stays in view
    sheet.autofilter(0, 0, max(len(report.rows), 1), len(report.columns) - 1)
    for column, (_, title) in enumerate(report.columns):
        sheet.write_string(0, column, title, bold)
    for line, row in enumerate(report.rows, start=1):
        for column, (key, _) in enumerate(report.columns):
            value = row.get(key, "")
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(line, column, value)
            else:
                sheet.write_string(line, column, str(spreadsheet_safe(value)))
    workbook.close()


def text_lines(report: Report) -> Iterator[str]:
    yield report.title
    yield "=" * len(report.title)
    yield report.summary
    yield ""
    if report.name == "overlaps":
        for group in report.groups:
            yield f"Grupp {group['cluster']}: gemensamma ord {', '.join(group['shared_terms'])}"
            for document in group["documents"]:
                yield f"  - {document['title']} ({document['type']})"
            for row in (r for r in report.rows if r["cluster"] == group["cluster"]):
                where = f"; avsnitt {row['sections']}" if row["sections"] else ""
                yield (
                    f"    {row['score']:.2f} {row['kind']}: {row['first']} ~ {row['second']}"
                    f" [{row['shared_terms']}]{where}"
                )
            yield ""
        return
    for row in report.rows:
        yield " | ".join(str(row.get(key, "")) for key, _ in report.columns)
