"""The potential-benefit analysis as a document: tagged PDF, Word and Markdown.

It carries the four sections as the organiser saved them (or as drafted, until then),
the candidate's score with every component explained, and both profiles with where each
value came from. The PDF is rendered by WeasyPrint from one HTML template with the
report's stylesheet, like the session report; nothing in it is fetched from elsewhere.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from weasyprint import HTML

from agora.core.i18n import _, current_language
from agora.matching.benefit import SECTIONS, Analysis, section_title
from agora.matching.explain import COMPONENT_NAMES, show_value, source_label
from agora.matching.profiles import DIMENSIONS, MatchProfile
from agora.reports.exports import md
from agora.reports.html import CSS_PATH, TEMPLATES, environment
from agora.reports.narrative import add_to_docx, to_markdown
from agora.reports.narrative import to_html as prose
from agora.reports.pdf import PDF_VARIANT, _no_fetch

#: The document's formats: media type and file extension.
FORMATS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "pdf"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    "md": ("text/markdown; charset=utf-8", "md"),
    "html": ("text/html; charset=utf-8", "html"),
}


def title(analysis: Analysis) -> str:
    """Return the document's title."""
    return _("Potential-benefit analysis: %(actor)s and %(candidate)s") % {
        "actor": analysis.seeker.actor.name,
        "candidate": analysis.candidate.name,
    }


def profile_rows(profile: MatchProfile) -> list[tuple[str, str, str]]:
    """Return (dimension, value, where it came from) for each of the five dimensions."""
    return [
        (
            _(COMPONENT_NAMES[d]),
            show_value(d, profile.dimensions[d]),
            source_label(profile.dimensions[d]),
        )
        for d in DIMENSIONS
    ]


def _goal(analysis: Analysis) -> str:
    return ", ".join(analysis.topic_names.get(t, t) for t in analysis.goal.topics) or _(
        "no topics given"
    )


def _illustrative(analysis: Analysis) -> bool:
    return analysis.seeker.illustrative or analysis.candidate.profile.illustrative


def to_html(analysis: Analysis, *, for_pdf: bool = False) -> str:
    """Render the analysis as a standalone HTML page (the PDF's source)."""
    template = environment().get_template("reports/benefit.html")
    return template.render(
        a=analysis,
        title=title(analysis),
        language=current_language(),
        css=CSS_PATH.read_text(encoding="utf-8"),
        for_pdf=for_pdf,
        goal=_goal(analysis),
        sections=[(name, section_title(name), analysis.texts[name]) for name in SECTIONS],
        prose=prose,
        seeker_rows=profile_rows(analysis.seeker),
        candidate_rows=profile_rows(analysis.candidate.profile),
        illustrative=_illustrative(analysis),
    )


def to_pdf(analysis: Analysis) -> bytes:
    """Render the analysis as A4 PDF bytes, tagged for accessibility (PDF/UA-1)."""
    document = HTML(
        string=to_html(analysis, for_pdf=True), base_url=str(TEMPLATES), url_fetcher=_no_fetch
    )
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    assert pdf is not None
    return bytes(pdf)


def to_markdown_text(analysis: Analysis) -> str:
    """Render the analysis as Markdown, every typed special character escaped."""
    lines = [f"# {md(title(analysis))}", "", f"{md(_('Goal:'))} {md(_goal(analysis))}", ""]
    if _illustrative(analysis):
        lines += [md(_("Illustrative demonstration values: not the actor’s own assessment.")), ""]
    for name in SECTIONS:
        lines += [f"## {md(section_title(name))}", "", to_markdown(analysis.texts[name]), ""]
    lines += [f"## {md(_('Why this candidate'))}", ""]
    lines += [
        f"- **{md(c.label)}** ({c.score * 100:.0f}%): {md(c.explanation)}"
        for c in analysis.candidate.components
    ]
    for profile in (analysis.candidate.profile, analysis.seeker):
        lines += ["", f"### {md(_('Profile of %(name)s') % {'name': profile.actor.name})}", ""]
        lines += [f"- {md(d)}: {md(v)} ({md(s)})" for d, v, s in profile_rows(profile)]
    return "\n".join(lines).rstrip() + "\n"


def to_markdown_bytes(analysis: Analysis) -> bytes:
    """Return the Markdown document as UTF-8 bytes."""
    return to_markdown_text(analysis).encode("utf-8")


def to_docx(analysis: Analysis) -> bytes:
    """Render the analysis as a Word document: headings, the sections, the score, profiles."""
    document: Any = Document()
    document.core_properties.title = title(analysis)
    document.core_properties.language = current_language()
    document.add_heading(title(analysis), level=0)
    document.add_paragraph().add_run(f"{_('Goal:')} {_goal(analysis)}")
    if _illustrative(analysis):
        document.add_paragraph().add_run(
            _("Illustrative demonstration values: not the actor’s own assessment.")
        ).italic = True
    for name in SECTIONS:
        document.add_heading(section_title(name), level=1)
        add_to_docx(document, analysis.texts[name])
    document.add_heading(_("Why this candidate"), level=1)
    for c in analysis.candidate.components:
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(f"{c.label} ({c.score * 100:.0f}%): ").bold = True
        paragraph.add_run(c.explanation)
    for profile in (analysis.candidate.profile, analysis.seeker):
        document.add_heading(_("Profile of %(name)s") % {"name": profile.actor.name}, level=2)
        table = document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells,
            (_("Dimension"), _("Value"), _("Where it comes from")),
            strict=True,
        ):
            cell.paragraphs[0].add_run(text).bold = True
        for row in profile_rows(profile):
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.paragraphs[0].add_run(text)
        document.add_paragraph()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render(analysis: Analysis, fmt: str) -> bytes:
    """Return the document in ``fmt`` (a key of ``FORMATS``)."""
    if fmt == "pdf":
        return to_pdf(analysis)
    if fmt == "docx":
        return to_docx(analysis)
    if fmt == "md":
        return to_markdown_bytes(analysis)
    return to_html(analysis).encode("utf-8")
