"""The report as a Word document (python-docx): headings, tables and PNG charts with alt text.

Participants' text is only ever added as plain runs, never as fields or formulas.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from docx import Document
from docx.shared import Cm, Pt

from agora.core.i18n import current_language, gettext, set_language, supported
from agora.polls.kinds.table import Chart, say
from agora.reports.charts import chart_alt, chart_png
from agora.reports.html import cell_text, country_namer, format_dates, humanize
from agora.reports.model import QuestionResult, Report
from agora.reports.narrative import add_section_to_docx

_ = gettext
#: Width of a chart on an A4 page with the default margins.
CHART_WIDTH = Cm(15.5)


def _table(document: Any, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Add a table with a bold header row (repeated on every page) and one row per item."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(str(text)).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.paragraphs[0].add_run(str(value))
    # Mark the first row as the header, for screen readers and page breaks.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header_flag = tr_pr.makeelement(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader", {}
    )
    tr_pr.append(header_flag)


def _picture(document: Any, png: bytes, alt: str) -> None:
    """Add ``png`` as an inline picture whose alt text (``descr``) is ``alt``."""
    shape = document.add_picture(io.BytesIO(png), width=CHART_WIDTH)
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", alt)
    doc_pr.set("title", alt[:120])


def _text(document: Any, text: str, style: str | None = None) -> None:
    """Add a paragraph holding ``text`` as one plain run."""
    paragraph = document.add_paragraph(style=style)
    paragraph.add_run(text)


def to_docx(report: Report) -> bytes:
    """Render ``report`` as DOCX bytes, in the report's language."""
    previous = current_language()
    set_language(supported(report.language) or "en")
    try:
        return _render(report)
    finally:
        set_language(previous)


def _render(report: Report) -> bytes:
    """Build the document in the current language."""
    names = country_namer(report.language)

    def country(code: str) -> str:
        return names.get(code.upper(), code) if code else ""

    document = Document()
    document.core_properties.title = report.title
    document.core_properties.language = report.language
    document.styles["Normal"].font.name = "DejaVu Sans"
    document.styles["Normal"].font.size = Pt(10.5)
    dates = format_dates(report)

    heading = document.add_heading(level=0)
    heading.add_run(report.title)
    _text(document, f"{_('Report of the session')} · {dates} · {report.venue}")

    document.add_heading(_("Introduction"), level=1)
    add_section_to_docx(document, report.narrative, "introduction")
    _table(
        document,
        [_("Item"), _("Value")],
        [
            (_("Event"), report.title),
            (_("Date"), dates),
            (_("Venue"), report.venue),
            (_("Code"), report.code),
        ],
    )
    if report.description:
        document.add_heading(_("Purpose"), level=2)
        _text(document, report.description)

    document.add_heading(_("Methodology"), level=1)
    add_section_to_docx(document, report.narrative, "methodology")
    if report.agenda:
        document.add_heading(_("Agenda"), level=2)
        for item in report.agenda:
            who = ", ".join(x for x in (item.speaker_name, item.speaker_organisation) if x)
            line = f"{item.title} — {who}" if who else item.title
            if item.planned_start:
                line = f"{item.planned_start} · {line}"
            _text(document, line, "List Number")
    document.add_heading(_("Tools"), level=2)
    for q in report.polls:
        line = f"{q.poll_title}: {say(q.table.name)}"
        if q.table.method is not None:
            line += " — " + _("counted by: %(method)s") % {"method": say(q.table.method)}
        _text(document, line, "List Bullet")

    document.add_heading(_("Participation"), level=1)
    p = report.participation
    if p.simulated:
        note = document.add_paragraph()
        note.add_run(
            _(
                "Note: the people in the room and the participation figures below are "
                "simulated for the demo; only the session's published facts are real."
            )
        ).bold = True
    figures: list[tuple[str, object]] = [
        (_("Registered"), p.registered),
        (_("Checked in"), p.checked_in),
        (_("Walk-ins"), p.walk_ins),
        (_("Present"), p.present),
        (_("No-shows"), p.no_shows),
    ]
    if p.seats is not None:
        figures.append((_("Seats"), p.seats))
    if p.occupancy is not None:
        figures.append((_("Occupancy"), f"{p.occupancy * 100:.0f}%"))
    figures.append((_("Joined the live tools"), p.joined_live))
    _table(document, [_("Attendance"), _("Count")], figures)
    if p.organisation_types:
        document.add_heading(_("Organisation types"), level=2)
        _table(
            document,
            [_("Type"), _("People")],
            [(humanize(k), v) for k, v in p.organisation_types.items()],
        )
    if p.countries:
        document.add_heading(_("Countries"), level=2)
        _table(
            document, [_("Country"), _("People")], [(country(k), v) for k, v in p.countries.items()]
        )

    document.add_heading(_("Lessons shared"), level=1)
    for lesson in report.lessons:
        title = lesson.place or lesson.organisation
        if lesson.country:
            title += f" ({country(lesson.country)})"
        document.add_heading(level=2).add_run(title)
        _text(document, lesson.speaker_name)
        _text(document, lesson.lesson)
        if lesson.partners:
            partners = "; ".join(_partner(x, country) for x in lesson.partners)
            _text(document, f"{_('Partners')}: {partners}")
        if lesson.topics:
            _text(document, f"{_('Topics')}: {', '.join(lesson.topics)}")
        for outcome in lesson.outcomes:
            line = humanize(str(outcome.get("kind", "")))
            if outcome.get("description"):
                line += f": {outcome['description']}"
            _text(document, line, "List Bullet")
    if not report.lessons:
        _text(document, _("No takeaways were approved for this session."))

    document.add_heading(_("Impact"), level=1)
    add_section_to_docx(document, report.narrative, "impact")
    impact = report.impact
    if impact.outcomes_by_kind:
        _table(
            document,
            [_("Outcome"), _("Count")],
            [(humanize(k), v) for k, v in impact.outcomes_by_kind.items()],
        )
    if impact.partner_world_areas:
        _table(
            document,
            [_("World area"), _("Partners")],
            [(humanize(k), v) for k, v in impact.partner_world_areas.items()],
        )
    if impact.partner_countries:
        _table(
            document,
            [_("Country"), _("Partners")],
            [(country(k), v) for k, v in impact.partner_countries.items()],
        )

    document.add_heading(_("Poll results"), level=1)
    for q in report.polls:
        document.add_heading(level=2).add_run(q.prompt)
        meta = f"{q.poll_title} · {say(q.table.name)} · {q.responses}"
        if q.table.method is not None:
            meta += " · " + _("Method: %(method)s") % {"method": say(q.table.method)}
        _text(document, meta)
        png = chart_png(q)
        if png is not None:
            _picture(document, png, chart_alt(q))
            _text(document, chart_alt(q), "Caption")
        if q.simulated_responses:
            _text(
                document,
                _(
                    "Of these responses, %(n)s come from simulated participants: the session's "
                    "own ballots were not kept."
                )
                % {"n": q.simulated_responses},
            )
        if q.themes:
            _text(
                document,
                _("Answers grouped into themes, found by: %(method)s")
                % {"method": q.themes_method},
            )
            for theme in q.themes:
                document.add_heading(f"{theme.label} ({len(theme.answers)})", level=3)
                _text(document, _("Typical answer:") + " " + theme.representative)
                for answer in theme.answers:
                    _text(document, answer, "Quote")
        elif q.table.chart is Chart.cards:
            for text in q.table.cells(q.table.label):
                _text(document, str(text), "Quote")
        _data_table(document, q)
        if q.rank_distribution and q.responses:
            places = len(q.rank_distribution[0]["positions"])
            _text(document, _("How many ballots put each option in each place"))
            _table(
                document,
                [_("Option"), *(str(n) for n in range(1, places + 1)), _("Not ranked")],
                [(d["label"], *d["positions"], d["unranked"]) for d in q.rank_distribution],
            )

    document.add_heading(_("Questions from the audience"), level=1)
    if report.audience_questions:
        _table(
            document,
            [_("Question"), _("Votes"), _("Answered")],
            [
                (e.text, e.votes, _("Yes") if e.answered else _("No"))
                for e in report.audience_questions
            ],
        )
    else:
        _text(document, _("No audience questions."))

    if report.narrative.get("conclusions"):
        document.add_heading(_("Conclusions"), level=1)
        add_section_to_docx(document, report.narrative, "conclusions")

    document.add_heading(_("Appendix: data"), level=1)
    if report.registrations:
        _table(
            document,
            [_("Name"), _("Organisation"), _("Type"), _("Country"), _("Status")],
            [
                (r.name, r.organisation, humanize(r.organisation_type), r.country, r.status)
                for r in report.registrations
            ],
        )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _partner(partner: dict[str, Any], country: Callable[[str], str]) -> str:
    """Return a partner as ``Organisation (place, country)``."""
    where = [
        v for v in (str(partner.get("place", "")), country(str(partner.get("country", "")))) if v
    ]
    name = str(partner.get("organisation", ""))
    return f"{name} ({', '.join(where)})" if where else name


def _data_table(document: Any, question: QuestionResult) -> None:
    """Add the table of numbers behind a question's chart (cards are quoted instead)."""
    table = question.table
    if not question.responses or not table.rows or table.chart is Chart.cards:
        return
    _table(
        document,
        [say(column.header) for column in table.columns],
        [
            [
                cell_text(value, column.format)
                for value, column in zip(row.cells, table.columns, strict=True)
            ]
            for row in table.rows
        ],
    )
