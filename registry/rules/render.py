"""Assessments as a short Swedish report (text) and as a draft for a tjänsteskrivelse (Markdown)."""

from __future__ import annotations

from registry.rules.engine import Assessment
from registry.rules.engine.findings import with_article
from registry.rules.model import Ruleset

VERDICT_TEXT = {
    "fits": "PASSAR – typen stämmer med definitionerna",
    "mismatch": "PASSAR INTE – typen stämmer inte med definitionerna",
    "unclear": "OKLART – texten ger för lite underlag",
}
SEVERITY_MARK = {"error": "✗", "warning": "!", "info": "·"}
#: The engine's confidence in words a reader can weigh.
CONFIDENCE_TEXT = {"tydligt": "tydligt", "troligt": "troligt", "svagt": "svagt underlag"}


def _label(ruleset: Ruleset, key: str | None) -> str:
    if key is None:
        return "–"
    document_type = ruleset.types.get(key)
    return document_type.label.lower() if document_type else key


def render_text(assessment: Assessment, ruleset: Ruleset) -> str:
    lines = [f"Bedömning enligt {ruleset.name} ({ruleset.version})", ""]
    if assessment.kind == "check":
        requested = ", ".join(_label(ruleset, t) for t in assessment.requested_types) or "ingen angiven"
        lines.append(f"Begärd typ:         {requested}")
    elif assessment.stated_type:
        lines.append(f"Registrerad typ:    {_label(ruleset, assessment.stated_type)}")
    fit = _label(ruleset, assessment.best_fit)
    if assessment.best_fit and assessment.confidence:
        fit += f" ({CONFIDENCE_TEXT[assessment.confidence]})"
    lines.append(f"Innehållet passar:  {fit}")
    lines.append(f"Slutsats:           {VERDICT_TEXT[assessment.verdict]}")
    lines += ["", "Varför"]
    for finding in assessment.findings:
        if finding.code == "related_documents":
            continue
        lines.append(f"  {SEVERITY_MARK[finding.severity]} {finding.message}")
        if finding.clause:
            lines.append(f"      Definition ({_label(ruleset, finding.clause['type'])}): ”{finding.clause['text']}”")
            lines.append(f"      Källa: {finding.clause['source']}")
        for sentence in finding.evidence[:4]:
            lines.append(f"      Ur texten: ”{sentence}”")
    if assessment.suggested_request:
        lines += [
            "",
            "Förslag till att-sats som begär den typ innehållet passar",
            f"  {assessment.suggested_request.text}",
        ]
    if assessment.related_documents:
        lines += ["", "Dokument i registret som redan berör ämnet"]
        for document in assessment.related_documents:
            where = f", avsnittet {document.section}" if document.section else ""
            lines.append(
                f"  - {document.title} ({_label(ruleset, document.type)}{where}); "
                f"gemensamma ord: {', '.join(document.shared_terms[:6])}"
            )
    return "\n".join(lines) + "\n"


def render_markdown(assessment: Assessment, ruleset: Ruleset) -> str:
    """A draft paragraph "Om styrdokument" that an office can paste into a tjänsteskrivelse."""
    requested = assessment.requested_types
    used = []
    for key in [*assessment.requested_types, assessment.best_fit, assessment.stated_type]:
        if key and key in ruleset.types and key not in used:
            used.append(key)
    lines = ["## Om styrdokument", ""]
    intro = f"Definitionerna av styrdokumentens typer ({ruleset.name}, {ruleset.version}):"
    if assessment.kind == "check" and requested:
        wanted = " och ".join(with_article(ruleset, t) for t in assessment.requested_types)
        lines.append(f"Förslaget gäller att ta fram {wanted}. {intro}")
    else:
        lines.append(intro)
    lines.append("")
    for key in used:
        document_type = ruleset.types[key]
        lines.append(f"> ”{document_type.definition}”")
        lines.append(f"> ({document_type.label}; källa: {document_type.source})")
        lines.append("")
    if assessment.verdict == "mismatch":
        errors = [f for f in assessment.findings if f.severity == "error"]
        lines.append("Förslaget går inte i linje med definitionerna. " + " ".join(f.message for f in errors))
        evidence = []
        for finding in errors:
            evidence += [e for e in finding.evidence if e not in evidence]
        if evidence:
            lines += ["", "Det framgår av texten:", ""]
            lines += [f"- ”{sentence}”" for sentence in evidence[:6]]
    elif assessment.verdict == "fits":
        lines.append(
            "Den begärda typen stämmer med definitionerna"
            + (f"; innehållet motsvarar {_label(ruleset, assessment.best_fit)}." if assessment.best_fit else ".")
        )
    else:
        lines.append("Texten ger för lite underlag för att avgöra vilken typ av styrdokument den motsvarar.")
    if assessment.suggested_request:
        lines += [
            "",
            f"Ett förslag som stämmer med definitionerna kunde i stället lyda: {assessment.suggested_request.text}.",
        ]
    if assessment.related_documents:
        lines += ["", "Frågan berörs redan av följande styrdokument:", ""]
        for document in assessment.related_documents:
            where = f", avsnittet ”{document.section}”" if document.section else ""
            lines.append(f"- {document.title} ({_label(ruleset, document.type)}{where})")
    lines += [
        "",
        f"*Bedömningen är gjord av Styrdok med regeluppsättningen {ruleset.key} ({ruleset.version}) "
        "och är ett utkast som handläggaren ska granska.*",
    ]
    return "\n".join(lines) + "\n"
