"""The report as a Word document (python-docx): headings, tables and PNG charts with alt text.

Participants' text is only ever added as plain runs, never as fields or formulas.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from agora.core.i18n import (
    current_language,
    gettext,
    ngettext,
    pgettext,
    set_language,
    supported,
)
from agora.polls.kinds.table import Chart, say
from agora.polls.models import VotingRule
from agora.polls.voting import rule_labels
from agora.reports.charts import chart_alt, chart_png
from agora.reports.html import (
    cell_text,
    contents,
    country_namer,
    format_dates,
    humanize,
    labels,
    language_namer,
)
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
    # a paragraph after each table: two tables in a row would merge into one
    document.add_paragraph()


def _picture(document: Any, png: bytes, alt: str) -> None:
    """Add ``png`` as an inline picture whose alt text (``descr``) is ``alt``."""
    shape = document.add_picture(io.BytesIO(png), width=CHART_WIDTH)
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", alt)
    doc_pr.set("title", alt[:120])


def _text(document: Any, text: str, style: str | None = None) -> Any:
    """Add a paragraph holding ``text`` as one plain run; return the paragraph."""
    paragraph = document.add_paragraph(style=style)
    paragraph.add_run(text)
    return paragraph


#: Characters XML 1.0 cannot hold: python-docx refuses them, so they become spaces.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(value: Any) -> Any:
    """Return ``value`` (a report, or any part of it) with every string safe for XML."""
    if isinstance(value, str):
        return _NOT_XML.sub(" ", value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: xml_safe(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    if isinstance(value, dict):
        return {xml_safe(k): xml_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(v) for v in value)
    return value


def to_docx(report: Report) -> bytes:
    """Render ``report`` as DOCX bytes, in the report's language.

    A control character someone typed (U+0007…) is written as a space: Word files are
    XML, which cannot hold it, and one answer must not stop the whole report.
    """
    previous = current_language()
    set_language(supported(report.language) or "en")
    try:
        return _render(xml_safe(report))
    finally:
        set_language(previous)


def _render(report: Report) -> bytes:
    """Build the document in the current language."""
    names = country_namer(report.language)
    named = labels()
    languages = language_namer(report.language)

    def country(code: str) -> str:
        return names.get(code.upper(), code) if code else ""

    def label(kind: str, code: str) -> str:
        return named[kind].get(code) or humanize(code)

    document = Document()
    document.core_properties.title = report.title
    document.core_properties.language = report.language
    document.styles["Normal"].font.name = "DejaVu Sans"
    document.styles["Normal"].font.size = Pt(10.5)
    for style in ("Heading 1", "Heading 2", "Heading 3"):
        document.styles[style].paragraph_format.keep_with_next = True
    dates = format_dates(report)

    _cover(document, report, dates)
    _page_numbers(document, report)

    document.add_heading(_("Introduction"), level=1)
    add_section_to_docx(document, report.narrative, "introduction")
    if report.description and not report.narrative.get("introduction"):
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
        if q.table.explanation is not None:
            line += ". " + say(q.table.explanation)
        _text(document, line, "List Bullet")

    document.add_heading(_("Participation"), level=1)
    p = report.participation
    if p.simulated:
        _simulated(
            document,
            _(
                "Simulated: the people in the room and the participation figures below are "
                "simulated for the demo; only the session's published facts are real."
            ),
        )
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
        _table(
            document,
            [_("Organisation types"), _("People")],
            [(label("organisation_type", k), v) for k, v in p.organisation_types.items()],
        )
    if p.countries:
        counts = ", ".join(f"{country(k)} {v}" for k, v in p.countries.items())
        _labelled(document, _("Countries"), counts)
    if report.languages:
        used = ", ".join(f"{languages.get(k, k)} ({v})" for k, v in report.languages.items())
        _labelled(document, _("Languages the room wrote in (open-text answers and lessons):"), used)

    document.add_heading(_("Lessons shared"), level=1)
    for lesson in report.lessons:
        title = lesson.place or lesson.organisation
        if lesson.country:
            title += f" ({country(lesson.country)})"
        document.add_heading(level=2).add_run(title)
        who = lesson.speaker_name
        if lesson.organisation and lesson.organisation != lesson.place:
            who = f"{who}, {lesson.organisation}" if who else lesson.organisation
        _text(document, who)
        _text(document, lesson.lesson)
        if lesson.partners:
            partners = "; ".join(_partner(x, country) for x in lesson.partners)
            _labelled(document, _("Partners"), partners)
        if lesson.topics:
            _labelled(document, _("Topics"), ", ".join(lesson.topics))
        if lesson.outcomes:
            outcomes = "; ".join(
                label("outcome", str(o.get("kind", "")))
                + (f": {o['description']}" if o.get("description") else "")
                for o in lesson.outcomes
            )
            _labelled(document, _("Outcomes"), outcomes)
    if not report.lessons:
        _text(document, _("No takeaways were approved for this session."))

    document.add_heading(_("Impact"), level=1)
    add_section_to_docx(document, report.narrative, "impact")
    impact = report.impact
    if impact.outcomes_by_kind:
        _table(
            document,
            [_("Outcome"), _("Count")],
            [(label("outcome", k), v) for k, v in impact.outcomes_by_kind.items()],
        )
    if impact.partner_world_areas:
        _table(
            document,
            [_("World area"), _("Partners")],
            [(label("world_area", k), v) for k, v in impact.partner_world_areas.items()],
        )
    if impact.partner_countries:
        counts = ", ".join(f"{country(k)} {v}" for k, v in impact.partner_countries.items())
        _labelled(document, _("Partners by country"), counts)
    if impact.topics:
        topics = ", ".join(f"{k} ({v})" for k, v in impact.topics.items())
        _labelled(document, _("Topics"), topics)

    document.add_heading(_("Poll results"), level=1)
    for q in report.polls:
        document.add_heading(level=2).add_run(q.prompt)
        meta = " · ".join(
            [
                q.poll_title,
                say(q.table.name),
                ngettext("%(num)d response", "%(num)d responses", q.responses)
                % {"num": q.responses},
            ]
        )
        if q.table.method is not None:
            meta += " · " + _("Method: %(method)s") % {"method": say(q.table.method)}
        rule = rule_labels()[VotingRule(q.voting_rule)]
        meta += " · " + _("Who could vote: %(rule)s") % {"rule": rule}
        _text(document, meta).paragraph_format.keep_with_next = True
        if q.simulated_responses:
            _simulated(
                document,
                ngettext(
                    "Simulated: %(num)d of these responses comes from a simulated participant; "
                    "the session's own ballots were not kept.",
                    "Simulated: %(num)d of these responses come from simulated participants; "
                    "the session's own ballots were not kept.",
                    q.simulated_responses,
                )
                % {"num": q.simulated_responses},
            )
        png = chart_png(q)
        if png is not None:
            _picture(document, png, chart_alt(q))
            caption = say(q.table.explanation) if q.table.explanation else chart_alt(q)
            _text(document, caption, "Caption")
        if q.themes:
            _text(
                document,
                _("Answers grouped into themes, found by: %(method)s")
                % {"method": q.themes_method},
            )
            for theme in q.themes:
                count = ngettext("%(num)d answer", "%(num)d answers", len(theme.answers)) % {
                    "num": len(theme.answers)
                }
                document.add_heading(f"{theme.label} ({count})", level=3)
                for answer in theme.answers:
                    _text(document, answer, "Quote")
        elif q.table.chart is Chart.cards:
            for text in q.table.cells(q.table.label):
                _text(document, str(text), "Quote")
        if q.rank_distribution and q.responses:
            places = len(q.rank_distribution[0]["positions"])
            _text(
                document, _("How many ballots put each option in each place")
            ).paragraph_format.keep_with_next = True
            _table(
                document,
                [_("Option"), *(str(n) for n in range(1, places + 1)), _("Not ranked")],
                [(d["label"], *d["positions"], d["unranked"]) for d in q.rank_distribution],
            )
        else:
            _data_table(document, q)

    document.add_heading(_("Questions from the audience"), level=1)
    if report.audience_questions:
        if any(e.simulated for e in report.audience_questions):
            _simulated(
                document,
                _(
                    "Simulated: the questions marked so were asked by simulated participants, "
                    "invented for the demo."
                ),
            )
        _table(
            document,
            [
                _("Question"),
                pgettext("audience question", "Votes"),
                pgettext("report column", "Answered"),
            ],
            [
                (
                    (f"[{_('Simulated')}] " if e.simulated else "") + e.text,
                    e.votes,
                    _("Yes") if e.answered else _("No"),
                )
                for e in report.audience_questions
            ],
        )
    else:
        _text(document, _("No audience questions."))

    if report.narrative.get("conclusions"):
        document.add_heading(_("Conclusions"), level=1)
        add_section_to_docx(document, report.narrative, "conclusions")

    if report.annex:
        document.add_page_break()  # type: ignore[no-untyped-call]
        document.add_heading(_("Annex: participants"), level=1)
        _table(
            document,
            [_("Name"), _("Organisation"), _("Type"), _("Country"), _("Present")],
            [
                (
                    r.name,
                    r.organisation,
                    label("organisation_type", r.organisation_type),
                    country(r.country),
                    _("Yes") if (r.checked_in or r.walk_in) else _("No"),
                )
                for r in report.registrations
            ],
        )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _labelled(document: Any, label: str, text: str) -> Any:
    """Add a paragraph ``label: text`` with the label in bold."""
    paragraph = document.add_paragraph()
    paragraph.add_run(label.rstrip(":") + ": ").bold = True
    paragraph.add_run(text)
    return paragraph


def _simulated(document: Any, text: str) -> None:
    """Add a note that says what is simulated, in bold."""
    document.add_paragraph().add_run(text).bold = True


def _cover(document: Any, report: Report, dates: str) -> None:
    """Add the cover page: what, when, where; then the table of contents."""
    _text(document, _("Report of the session"), "Subtitle")
    document.add_heading(level=0).add_run(report.title)
    _labelled(document, _("Date"), dates)
    if report.venue:
        _labelled(document, _("Place"), report.venue)
    _labelled(document, _("Code"), report.code)
    if report.participation.simulated:
        _simulated(
            document,
            _(
                "Part of this report is simulated for a demonstration: every simulated item "
                "is labelled where it appears."
            ),
        )
    document.add_heading(_("Contents"), level=1).style = document.styles["TOC Heading"]
    headings = [heading for _anchor, heading in contents(report)]
    _field(
        document.add_paragraph(),
        'TOC \\o "1-1" \\h \\z \\u',
        headings,
    )
    # Word refreshes the contents (with their page numbers) when the file is opened.
    settings = document.settings.element
    update = settings.makeelement(qn("w:updateFields"), {qn("w:val"): "true"})
    settings.append(update)
    document.add_page_break()


def _field(paragraph: Any, instruction: str, shown: Sequence[str]) -> None:
    """Add a Word field (``PAGE``, ``TOC``…) whose result until updated is ``shown``."""

    def char(kind: str) -> Any:
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
        return run

    char("begin")
    code = paragraph.add_run()._r
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    code.append(text)
    char("separate")
    for number, line in enumerate(shown):
        run = paragraph.add_run(line)
        if number < len(shown) - 1:
            run.add_break()
    char("end")


def _page_numbers(document: Any, report: Report) -> None:
    """Number the pages in the footer (not on the cover): the title, then "3 / 9"."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.footer.paragraphs[0]
    paragraph.add_run(f"{report.title} · ")
    _field(paragraph, "PAGE", ["1"])
    paragraph.add_run(" / ")
    _field(paragraph, "NUMPAGES", ["1"])
    for run in paragraph.runs:
        run.font.size = Pt(8)


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
