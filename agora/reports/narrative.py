"""The narrative sections of a report: light formatting read once, written for each format.

The organiser types plain text with paragraphs, ``**bold**``, ``*italic*`` and bulleted
lists (``- ``); a line starting "1986." stays as typed. markdown-it-py reads it with raw
HTML off and only those rules on (no links, images, headings or code), so nothing typed is
ever written unescaped: the web page and the PDF get escaped HTML, the DOCX runs of text,
the Markdown export the same structure with every special character escaped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup

from agora.core.i18n import _

#: The narrative sections in report order, with the heading each has in the report.
SECTION_NAMES = ("introduction", "methodology", "impact", "conclusions")


def section_title(section: str) -> str:
    """Return a narrative section's heading in the current language."""
    titles = {
        "introduction": _("Introduction"),
        "methodology": _("Methodology"),
        "impact": _("Impact"),
        "conclusions": _("Conclusions"),
    }
    return titles[section]


@dataclass(frozen=True)
class Run:
    """A stretch of text with one formatting."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Block:
    """A paragraph, or an item of a bulleted (``bullet``) or numbered (``number``) list."""

    kind: str
    runs: list[Run] = field(default_factory=list)


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """Return the reader of the light formatting: paragraphs, emphasis and lists only."""
    return MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False}).enable(
        ["emphasis", "list", "escape"]
    )


#: A line starting like a numbered list item ("1986. A year"): kept as typed, not a list.
_NUMBERED = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)


def _read(text: str) -> str:
    """Return ``text`` with numbered-list markers escaped: only ``- `` makes a list."""
    return _NUMBERED.sub(r"\1\\\2", text)


def to_html(text: str) -> Markup:
    """Return a section's text as HTML; everything typed is escaped."""
    return Markup(parser().render(_read(text)))  # noqa: S704 - markdown-it escapes, html off


def _runs(children: list[Any]) -> list[Run]:
    runs: list[Run] = []
    bold = italic = False
    for token in children:
        if token.type == "strong_open":
            bold = True
        elif token.type == "strong_close":
            bold = False
        elif token.type == "em_open":
            italic = True
        elif token.type == "em_close":
            italic = False
        elif token.type in {"softbreak", "hardbreak"}:
            runs.append(Run(" ", bold, italic))
        elif token.content:
            runs.append(Run(token.content.replace("\n", " "), bold, italic))
    return runs


def blocks(text: str) -> list[Block]:
    """Return a section's text as paragraphs and list items (nested lists are flattened)."""
    out: list[Block] = []
    lists: list[str] = []
    for token in parser().parse(_read(text)):
        if token.type == "bullet_list_open":
            lists.append("bullet")
        elif token.type == "ordered_list_open":
            lists.append("number")
        elif token.type in {"bullet_list_close", "ordered_list_close"}:
            lists.pop()
        elif token.type == "inline":
            out.append(Block(lists[-1] if lists else "paragraph", _runs(token.children or [])))
    return out


_SPECIALS = re.compile(r"([\\`*_\[\]<>#|~&!{}])")
_LINE_START = re.compile(r"^(\s*\d*)([-+=.)])")


def _md_run(run: Run) -> str:
    escaped = _SPECIALS.sub(r"\\\1", run.text)
    core = escaped.strip()
    if not core:
        return escaped
    lead = escaped[: len(escaped) - len(escaped.lstrip())]
    trail = escaped[len(escaped.rstrip()) :]
    mark = ("**" if run.bold else "") + ("*" if run.italic else "")
    return f"{lead}{mark}{core}{mark[::-1]}{trail}"


def to_markdown(text: str) -> str:
    """Return a section's text as Markdown of the same structure, every special escaped."""
    lines: list[str] = []
    previous = ""
    number = 0
    for block in blocks(text):
        content = "".join(_md_run(run) for run in block.runs).strip()
        content = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), content)
        if block.kind != previous or block.kind == "paragraph":
            if lines:
                lines.append("")
            number = 0
        if block.kind == "bullet":
            lines.append(f"- {content}")
        elif block.kind == "number":
            number += 1
            lines.append(f"{number}. {content}")
        else:
            lines.append(content)
        previous = block.kind
    return "\n".join(lines)


def add_to_docx(document: Any, text: str) -> None:
    """Add a section's text to a python-docx document: paragraphs, list items, bold, italic."""
    styles = {"bullet": "List Bullet", "number": "List Number", "paragraph": None}
    for block in blocks(text):
        paragraph = document.add_paragraph(style=styles[block.kind])
        for run in block.runs:
            added = paragraph.add_run(run.text)
            added.bold = run.bold or None
            added.italic = run.italic or None


def markdown_lines(narrative: Mapping[str, str], section: str) -> list[str]:
    """Return the Markdown lines of ``section``'s text, then a blank line (none if empty)."""
    text = narrative.get(section, "")
    return [to_markdown(text), ""] if text.strip() else []


def add_section_to_docx(document: Any, narrative: Mapping[str, str], section: str) -> None:
    """Add ``section``'s text to a python-docx document, if the organiser wrote it."""
    text = narrative.get(section, "")
    if text.strip():
        add_to_docx(document, text)
