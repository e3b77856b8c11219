"""The light formatting of the narrative sections, written safely for each format."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document

from agora.reports.narrative import Block, Run, add_to_docx, blocks, to_html, to_markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "![x](http://tracker.example/x.png)",
    "<a href='http://evil.example'>x</a>",
    "&lt;b&gt; `code` # heading",
]
TEXT = "Why it **mattered** and *how*.\nSecond line.\n\n- first\n- second\n\n1986. A year"


def test_paragraphs_emphasis_and_lists_are_read() -> None:
    assert blocks(TEXT) == [
        Block(
            "paragraph",
            [
                Run("Why it "),
                Run("mattered", bold=True),
                Run(" and "),
                Run("how", italic=True),
                Run(". Second line."),
            ],
        ),
        Block("bullet", [Run("first")]),
        Block("bullet", [Run("second")]),
        Block("paragraph", [Run("1986. A year")]),
    ]
    html = to_html(TEXT)
    assert "<strong>mattered</strong>" in html
    assert "<em>how</em>" in html
    assert "<ul>\n<li>first</li>" in html
    assert "<ol" not in html
    assert "<p>1986. A year</p>" in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_nothing_typed_is_written_unescaped(payload: str) -> None:
    html = to_html(f"Before {payload}\n\n- {payload}")
    assert not re.search(r"<(script|img|a)\b", html)
    assert "<code>" not in html
    assert "<h1>" not in html
    markdown = to_markdown(f"Before {payload}\n\n- {payload}")
    assert not re.search(r"(?<!\\)[<\[`&]", markdown)
    assert all(b.runs for b in blocks(payload))


def test_markdown_keeps_the_structure() -> None:
    assert to_markdown(TEXT) == (
        "Why it **mattered** and *how*. Second line.\n\n- first\n- second\n\n1986\\. A year"
    )


def test_docx_gets_runs_and_list_styles() -> None:
    document = Document()
    add_to_docx(document, TEXT + "\n\n" + PAYLOADS[0])
    paragraphs = document.paragraphs
    assert [p.style.name if p.style else "" for p in paragraphs] == [
        "Normal",
        "List Bullet",
        "List Bullet",
        "Normal",
        "Normal",
    ]
    bold = [r.text for r in paragraphs[0].runs if r.bold]
    italic = [r.text for r in paragraphs[0].runs if r.italic]
    assert (bold, italic) == (["mattered"], ["how"])
    assert paragraphs[-1].text == PAYLOADS[0]  # a run of text, escaped by the XML writer
    out = io.BytesIO()
    document.save(out)
