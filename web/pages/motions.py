"""“Prova en motion”: paste or upload a motion, see the assessment, download a draft."""

from __future__ import annotations

import io

from flask import render_template, request, send_file
from flask_babel import gettext as _

from registry.errors import UnreadableInput
from registry.ingest.extract import extract_text
from registry.limits import MAX_ANALYSED_CHARS, too_long_message
from registry.rules import engine
from registry.rules.loader import available_rulesets, cached_ruleset
from registry.rules.render import render_markdown
from web.pages.blueprint import bp
from web.pages.common import related_index, ruleset
from web.pages.highlight import COLOURS, highlighted, number_evidence


def _chosen_ruleset():
    from flask import current_app

    key = request.form.get("ruleset") or ""
    settings = current_app.config["STYRDOK_SETTINGS"]
    if key and key in available_rulesets(settings.rules_dir):
        return cached_ruleset(settings.rules_dir, key)
    return ruleset()


def _input_text() -> tuple[str, str | None]:
    """The text to assess, from the upload or the text box; (text, error)."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        try:
            text = extract_text(upload.read(), upload.filename, max_chars=MAX_ANALYSED_CHARS)
        except UnreadableInput as error:
            return "", error.message
        if not text.strip():
            return "", _("Filen %(file)s är tom; klistra in en motion eller välj en annan fil.", file=upload.filename)
        if len(text) > MAX_ANALYSED_CHARS:
            return "", too_long_message(len(text), f"Texten i {upload.filename}")
        return text, None
    text = request.form.get("text", "")
    if len(text) > MAX_ANALYSED_CHARS:
        return "", too_long_message(len(text))
    if not text.strip():
        return "", _("Klistra in en motion eller välj en fil (text, PDF eller Word).")
    return text, None


@bp.route("/prova", methods=["GET", "POST"])
def try_motion():
    from flask import current_app

    rulesets = available_rulesets(current_app.config["STYRDOK_SETTINGS"].rules_dir)
    if request.method == "GET":
        text = ""
        if request.args.get("arende"):
            from registry.errors import InvalidInput
            from registry.services.cases import find_case
            from web.db import db

            try:
                case = find_case(db(), request.args["arende"])
            except InvalidInput:
                case = None
            text = (case.text or "") if case else ""
        return render_template("try.html", result=None, text=text, error=None, rulesets=rulesets, chosen=ruleset().key)
    text, error = _input_text()
    rules = _chosen_ruleset()
    if error:
        return render_template(
            "try.html", result=None, text=request.form.get("text", ""), error=error, rulesets=rulesets, chosen=rules.key
        ), 422
    result = engine.check(text, rules, related=related_index().related(text))
    numbers, evidence = number_evidence(result.findings)
    findings = [
        (finding, numbers.get(index), [e for e in evidence if e.finding == numbers.get(index)])
        for index, finding in enumerate(result.findings)
        if finding.code != "related_documents"
    ]
    return render_template(
        "try.html",
        result=result,
        text=text,
        error=None,
        rules=rules,
        rulesets=rulesets,
        chosen=rules.key,
        findings=findings,
        blocks=highlighted(text, evidence),
        colours=COLOURS,
    )


@bp.route("/prova/ladda-ner", methods=["POST"])
def download_assessment():
    text, error = _input_text()
    if error:
        from web.errors import ApiError

        raise ApiError(422, error)
    rules = _chosen_ruleset()
    result = engine.check(text, rules, related=related_index().related(text))
    markdown = render_markdown(result, rules)
    if request.form.get("format") == "docx":
        return send_file(
            io.BytesIO(markdown_to_docx(markdown)),
            as_attachment=True,
            download_name="om-styrdokument.docx",
            mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    return send_file(
        io.BytesIO(markdown.encode("utf-8")),
        as_attachment=True,
        download_name="om-styrdokument.md",
        mimetype="text/markdown; charset=utf-8",
    )


def markdown_to_docx(markdown: str) -> bytes:
    """The draft as a Word document: headings, quotes and list items kept as such."""
    from docx import Document

    document = Document()
    for block in markdown.split("\n"):
        line = block.rstrip()
        if not line:
            continue
        if line.startswith("## "):
            document.add_heading(line[3:], level=2)
        elif line.startswith("> "):
            document.add_paragraph(line[2:], style="Quote")
        elif line.startswith("- "):
            document.add_paragraph(line[2:], style="List Bullet")
        elif line.startswith("*") and line.endswith("*"):
            document.add_paragraph().add_run(line.strip("*")).italic = True
        else:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
