"""The relation graph as Graphviz draws it: full titles wrapped, arrows in the relation's
direction, each neighbour a link; the table on the document page holds the same facts.

Two columns whatever the direction (the document left, its neighbours stacked on the right; an
incoming relation's arrow points back at the document), so the picture stays narrow enough to
read on a phone. Without Graphviz's ``dot`` program the page falls back to the simple circle.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
from collections.abc import Callable

from registry.models import Document
from registry.models.vocabulary import RELATION_KINDS
from web.i18n import t

#: More neighbours than this are in the table only (the picture would be a wall).
MAX_NEIGHBOURS = 40
WRAP_AT = 18
DOT_TIMEOUT_SECONDS = 5


def _wrapped(title: str) -> str:
    lines = textwrap.wrap(title, WRAP_AT, break_long_words=False) or [title]  # words whole
    # DOT's own line break ("\n" as two characters); backslashes in a title stay literal.
    return "\\n".join(line.replace("\\", "\\\\") for line in lines)


def _node_style(fontsize: str) -> dict[str, str]:
    """The boxes both pictures draw: rounded, filled, our brand colour, readable text."""
    return {
        "shape": "box",
        "style": "rounded,filled",
        "fontname": "DejaVu Sans",
        "fontsize": fontsize,
        "margin": "0.15,0.08",
        "penwidth": "2",
        "fillcolor": "#eef5f8",
        "color": "#0b4f6c",
        "fontcolor": "#0b4f6c",
    }


def _edge_style(fontsize: str) -> dict[str, str]:
    return {"fontname": "DejaVu Sans", "fontsize": fontsize, "color": "#4a5563", "fontcolor": "#1f2937"}


def _run_dot(source: str, layout: str = "dot") -> bytes | None:
    """SVG from Graphviz, or None when it is not installed, fails or does not answer in time."""
    dot = shutil.which("dot")
    if dot is None:
        return None
    try:
        completed = subprocess.run(
            [dot, f"-K{layout}", "-Tsvg"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return completed.stdout if completed.returncode == 0 and completed.stdout else None


def relation_dot(document: Document, relations: list[dict], link: Callable[[str], str]) -> str:
    import graphviz

    graph = graphviz.Digraph(
        t("Relationer för %(title)s", title=document.title),  # the picture's <title>; the page says it too
        graph_attr={"rankdir": "LR", "bgcolor": "white", "nodesep": "0.2", "ranksep": "0.4", "pad": "0.15"},
        node_attr=_node_style("16"),
        edge_attr=_edge_style("14"),
    )
    graph.node(
        "dokument",
        _wrapped(document.title),
        fillcolor="#0b4f6c",
        color="#0b4f6c",
        fontcolor="white",
        tooltip=document.title,
    )
    for number, relation in enumerate(relations[:MAX_NEIGHBOURS]):
        other: Document = relation["other"]
        node = f"n{number}"
        graph.node(
            node,
            _wrapped(other.title),
            href=link(other.id),
            target="_top",
            tooltip=f"{t(relation['label'])} {other.title}",
        )
        active = t(RELATION_KINDS[relation["kind"]].label)
        if relation["outgoing"]:
            graph.edge("dokument", node, label=active)
        else:  # the other document is the subject: its arrow points back at this one
            graph.edge("dokument", node, label=active, dir="back")
    return graph.source


def relation_svg(document: Document, relations: list[dict], link: Callable[[str], str]) -> bytes | None:
    """The SVG from ``dot``, or None when Graphviz is not installed or does not answer in time."""
    return _run_dot(relation_dot(document, relations, link))


def inline_svg(drawn: bytes) -> str:
    """The SVG element alone (no XML prolog or doctype), to put in the page: its links then work
    there and its text is real text, zoomable and read out. ``dot`` escapes every label."""
    text = drawn.decode("utf-8")
    start = text.find("<svg")
    return _titles_in_swedish(text[start:]) if start >= 0 else ""


_NODE = re.compile(r'(<g id="[^"]*" class="node">.*?</g>)', re.S)


def _titles_in_swedish(svg: str) -> str:
    """The nodes are document titles, the municipality's own words: their text is marked
    lang="sv" (the edges carry words of the page's language)."""
    return _NODE.sub(lambda m: m.group(1).replace("<text ", '<text lang="sv" '), svg)


#: The overview draws the largest groups only; the overlaps report lists every one.
NETWORK_GROUPS = 6
NETWORK_NODES = 30


def overlap_network_svg(groups: list[dict], rows: list[dict], link: Callable[[str], str]) -> str | None:
    """The overlap groups as a network (Graphviz ``neato``): a document a node (a link), an
    overlapping pair an edge labelled with its likhet. None without Graphviz or overlaps."""
    import graphviz

    chosen = sorted(groups, key=lambda group: -len(group["documents"]))[:NETWORK_GROUPS]
    if not chosen:
        return None
    graph = graphviz.Graph(
        t("Överlappande dokument"),
        graph_attr={"bgcolor": "white", "overlap": "false", "splines": "true", "sep": "+12", "pad": "0.2"},
        node_attr=_node_style("14"),
        edge_attr=_edge_style("13"),
    )
    shown: set[str] = set()
    for group in chosen:
        for document in group["documents"]:
            if len(shown) >= NETWORK_NODES:
                break
            shown.add(document["id"])
            graph.node(
                document["id"],
                _wrapped(document["title"]),
                href=link(document["id"]),
                target="_top",
                tooltip=t("Grupp %(cluster)s: %(title)s", cluster=group["cluster"], title=document["title"]),
            )
    for row in rows:
        if row["first_id"] in shown and row["second_id"] in shown:
            graph.edge(row["first_id"], row["second_id"], label=f"{round(row['score'] * 100)} %")
    drawn = _run_dot(graph.source, layout="neato")
    return inline_svg(drawn) if drawn else None
