"""Data exports of a report: JSON, Markdown, XLSX and CSV, as pure functions of a Report.

Participant text stays as typed in JSON (it is data: escaping is the consumer's job); in
Markdown it is backslash-escaped so no tag or link can become active; in XLSX and CSV a
text cell that could start a formula is prefixed with a single quote (OWASP advice).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import importlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from gettext import NullTranslations
from typing import Any

from agora.events.times import in_zone
from agora.polls.kinds.table import Chart, Format, Phrase, Scalar, Text, say
from agora.polls.models import VotingRule
from agora.polls.voting import RULE_NAMES
from agora.reports.model import QuestionResult, Report
from agora.reports.narrative import markdown_lines
from agora.takeaways.fields import outcome_kinds, world_areas

SCHEMA_ID = "https://agora.invalid/report-schema/1"
SCHEMA_VERSION = 1

#: The formats this module writes, with the media type and file extension of each.
DATA_FORMATS: dict[str, tuple[str, str]] = {
    "json": ("application/json", "json"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("application/zip", "zip"),
}

#: The data exports are written in English: their words are the tables' message ids.
ENGLISH = NullTranslations()


def english(text: Text | Scalar) -> str:
    """Return a result table's words in English."""
    return say(text, ENGLISH)


# -- JSON ----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Return ``value`` with dates as ISO strings and tuples as lists, recursively."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def report_json(report: Report) -> dict[str, Any]:
    """Return the report as JSON-ready data described by ``docs/report-schema.json``."""
    data = {f.name: getattr(report, f.name) for f in dataclasses.fields(report)}
    for name in ("agenda", "lessons", "polls", "audience_questions", "registrations"):
        data[name] = [dataclasses.asdict(item) for item in data[name]]
    data["participation"] = dataclasses.asdict(report.participation)
    data["impact"] = dataclasses.asdict(report.impact)
    plain: dict[str, Any] = _plain(data)
    return {"schema": SCHEMA_ID, "version": SCHEMA_VERSION, **plain}


def to_json(report: Report) -> bytes:
    """Return the report as UTF-8 JSON (strict: no NaN or Infinity)."""
    return json.dumps(report_json(report), ensure_ascii=False, indent=2, allow_nan=False).encode()


# -- Markdown ------------------------------------------------------------------------------

_MD_SPECIALS = re.compile(r"([\\`*_\[\]<>#|~])")
_MD_LINE_START = re.compile(r"^(\s*\d*)([-+=.)])")


def md(text: object) -> str:
    """Return participant text as inert inline Markdown: one line, specials escaped."""
    flat = " ".join(str(text).split())
    escaped = _MD_SPECIALS.sub(r"\\\1", flat)
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def md_block(text: str) -> str:
    """Return multi-paragraph participant text as inert Markdown paragraphs."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n\n".join(md(p) for p in paragraphs)


def _md_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """Return the lines of a Markdown table; every cell is escaped."""
    lines = ["| " + " | ".join(md(h) for h in header) + " |"]
    lines.append("|" + "|".join(" --- " for _h in header) + "|")
    lines += ["| " + " | ".join(md(_fmt(c)) for c in row) + " |" for row in rows]
    return lines


def _fmt(value: object) -> str:
    """Return a figure as the report shows it (shares as percentages elsewhere)."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return str(value)


def _pct(share: object) -> str:
    return "–" if not isinstance(share, int | float) else f"{share * 100:.0f}%"


def _date_range(report: Report) -> str:
    days = report.starts_on.isoformat()
    if report.ends_on != report.starts_on:
        days += f" – {report.ends_on.isoformat()}"
    if report.start_time is not None:
        days += f", {report.start_time:%H:%M}"
    return f"{days} ({report.time_zone})"


def _generated(report: Report) -> str:
    """Return when the report was made, in the event's time zone, naming it."""
    local = in_zone(report.generated_at, report)
    return f"{local.isoformat(timespec='seconds')} ({report.time_zone})"


def _counts_lines(title: str, counts: Mapping[str, int], labels: Mapping[str, str]) -> list[str]:
    if not counts:
        return [f"**{title}**: none recorded.", ""]
    return [
        f"**{title}**",
        "",
        *_md_table(["", "Count"], [(labels.get(k, k), n) for k, n in counts.items()]),
        "",
    ]


def _poll_numbers(polls: Sequence[QuestionResult]) -> list[tuple[int, int]]:
    """Return (poll number, question number) of each question, both counted from 1."""
    numbers: list[tuple[int, int]] = []
    poll, last_title, last_position = 0, None, None
    for question in polls:
        new = (
            last_position is None
            or question.poll_title != last_title
            or question.position <= last_position
        )
        poll, number = (poll + 1, 1) if new else (poll, numbers[-1][1] + 1)
        numbers.append((poll, number))
        last_title, last_position = question.poll_title, question.position
    return numbers


def _result_lines(question: QuestionResult) -> list[str]:
    """Return the Markdown of one question's result, drawn from its table."""
    table = question.table
    lines: list[str] = []
    if table.notes:
        figures = "; ".join(f"{english(n.label)}: {md(_note(n.value))}" for n in table.notes)
        lines += [f"{figures}.", ""]
    if not table.rows:
        return [*lines, "No answers.", ""]
    if question.themes:
        lines += _theme_lines(question)
    elif table.chart is Chart.cards:
        lines += [*(f"- {md(cell)}" for cell in table.cells(table.label)), ""]
    else:
        header = [english(column.header) for column in table.columns]
        rows = [
            [
                _md_cell(value, column.format)
                for value, column in zip(row.cells, table.columns, strict=True)
            ]
            for row in table.rows
        ]
        lines += [*_md_table(header, rows), ""]
    if question.rank_distribution:
        places = len(question.rank_distribution[0]["positions"])
        lines += ["How many ballots put each option in each place:", ""]
        lines += _md_table(
            ["Option", *(str(n) for n in range(1, places + 1)), "Not ranked"],
            [(d["label"], *d["positions"], d["unranked"]) for d in question.rank_distribution],
        )
        lines.append("")
    return lines


def _theme_lines(question: QuestionResult) -> list[str]:
    """Return the Markdown of answers grouped into themes."""
    edited = ", edited by a moderator" if question.themes_edited else ""
    lines = [f"Answers grouped into themes ({md(question.themes_method)}{edited}).", ""]
    if question.languages:
        used = ", ".join(f"{md(code)} {n}" for code, n in question.languages.items())
        lines += [f"Languages of the answers: {used}.", ""]
    if question.themes_words_only:
        words = ", ".join(f"{md(code)} {n}" for code, n in question.themes_words_only.items())
        lines += [
            f"Grouped by shared words only, as the model does not know their language: {words}.",
            "",
        ]
    for theme in question.themes:
        lines += [
            f"#### {md(theme.label)} ({len(theme.answers)})",
            "",
            f"Typical answer: {md(theme.representative)}",
            "",
            *(f"- {md(a)}" for a in theme.answers),
            "",
        ]
    return lines


def _note(value: Scalar | Phrase) -> str:
    """Return a note's value as the exports print it."""
    return english(value) if isinstance(value, Phrase) else _fmt(value)


def _md_cell(value: Scalar, fmt: Format) -> str:
    """Return a table cell for Markdown: shares as percentages."""
    return _pct(value) if fmt is Format.share else _fmt(value)


def _count(number: int, thing: str) -> str:
    """Return "1 response", "2 responses": English plurals for the English documents."""
    return f"{number} {thing}" if number == 1 else f"{number} {thing}s"


def _simulated_note(question: QuestionResult) -> str:
    simulated = question.simulated_responses
    if not simulated:
        return ""
    return f" (simulated: {simulated} from simulated participants)"


def to_markdown(report: Report) -> str:
    """Return the report as a Markdown document with every participant's text escaped."""
    p = report.participation
    areas, kinds = world_areas(), outcome_kinds()
    out: list[str] = [f"# {md(report.title)}", "", "## Introduction", ""]
    out += markdown_lines(report.narrative, "introduction")
    out += [
        f"- **Event**: {md(report.title)} ({md(report.code)})",
        f"- **Date**: {_date_range(report)}",
        f"- **Venue**: {md(report.venue) or '–'}",
        "",
    ]
    if report.description and not report.narrative.get("introduction"):
        out += ["**Purpose**", "", md_block(report.description), ""]

    out += ["## Methodology", ""]
    out += markdown_lines(report.narrative, "methodology")
    if report.agenda:
        out += ["The session followed this agenda:", ""]
        for number, item in enumerate(report.agenda, start=1):
            who = ", ".join(x for x in (item.speaker_name, item.speaker_organisation) if x)
            minutes = f" ({item.duration_minutes} min)" if item.duration_minutes else ""
            start = f"{item.planned_start} " if item.planned_start else ""
            out.append(
                f"{number}. {start}{md(item.title)}" + (f" — {md(who)}" if who else "") + minutes
            )
        out.append("")
    out += [
        "Tools used: Agora live polls, Q&A (audience questions with votes) and the floor "
        "queue (participants asking for the microphone).",
        "",
    ]

    out += ["## Participation", ""]
    if p.simulated:
        out += [
            "> **Note:** the people and figures of the room in this report are simulated for "
            "the demo; they are not real participants.",
            "",
        ]
    occupancy = _pct(p.occupancy)
    out += _md_table(
        ["Figure", "Value"],
        [
            ("Registered", p.registered),
            ("Checked in", p.checked_in),
            ("Walk-ins", p.walk_ins),
            ("Present", p.present),
            ("No-shows", p.no_shows),
            ("Seats", p.seats),
            ("Occupancy", occupancy),
            ("Joined live", p.joined_live),
        ],
    )
    out.append("")
    if report.polls:
        out += ["**Responses per poll question**", ""]
        numbers = _poll_numbers(report.polls)
        out += _md_table(
            ["Poll", "Question", "Responses"],
            [
                (
                    f"{n}.{q} {question.poll_title}",
                    question.prompt,
                    f"{question.responses}{_simulated_note(question)}",
                )
                for (n, q), question in zip(numbers, report.polls, strict=True)
            ],
        )
        out.append("")
    out += _counts_lines("Organisation types", p.organisation_types, {})
    out += _counts_lines("Countries", p.countries, {})

    out += ["## Lessons shared", ""]
    if not report.lessons:
        out += ["No lessons were recorded.", ""]
    for number, lesson in enumerate(report.lessons, start=1):
        place = ", ".join(x for x in (lesson.place, lesson.country) if x)
        out += [f"### {number}. {md(place or lesson.organisation or 'Lesson')}", ""]
        who = ", ".join(x for x in (lesson.speaker_name, lesson.organisation) if x)
        if who:
            out.append(f"- **Shared by**: {md(who)}")
        for partner in lesson.partners:
            bits = [partner.get("place", ""), partner.get("country", "")]
            area = areas.get(partner.get("world_area", ""), partner.get("world_area", ""))
            where = ", ".join(b for b in [*bits, area] if b)
            name = partner.get("organisation") or partner.get("place") or "Partner"
            out.append(f"- **Partner**: {md(name)}" + (f" ({md(where)})" if where else ""))
        if lesson.topics:
            out.append(f"- **Topics**: {md(', '.join(lesson.topics))}")
        for outcome in lesson.outcomes:
            label = kinds.get(outcome.get("kind", ""), outcome.get("kind", ""))
            date = f" ({md(outcome['date'])})" if outcome.get("date") else ""
            out.append(f"- **{md(label)}**: {md(outcome.get('description', ''))}{date}")
        out += ["", md_block(lesson.lesson), ""]

    out += ["## Impact", ""]
    out += markdown_lines(report.narrative, "impact")
    out += _counts_lines("Outcomes by kind", report.impact.outcomes_by_kind, kinds)
    out += _counts_lines("Topics", report.impact.topics, {})
    out += _counts_lines("Partner world areas", report.impact.partner_world_areas, areas)
    out += _counts_lines("Partner countries", report.impact.partner_countries, {})

    if report.languages:
        used = ", ".join(f"{md(code)} ({n})" for code, n in report.languages.items())
        out += [f"Languages the room wrote in (open-text answers and lessons): {used}.", ""]
    out += ["## Poll results", ""]
    if not report.polls:
        out += ["No poll was run.", ""]
    for (n, q), question in zip(_poll_numbers(report.polls), report.polls, strict=True):
        of = f" ({q}/{question.questions_in_poll})" if question.questions_in_poll > 1 else ""
        out += [
            f"### Poll {n}: {md(question.poll_title)}{of}",
            "",
            f"**{md(question.prompt)}**",
            "",
            f"{english(question.table.name)}; "
            f"{_count(question.responses, 'response')}{_simulated_note(question)}. "
            f"Who could vote: {RULE_NAMES[VotingRule(question.voting_rule)]}.",
            "",
        ]
        out += _result_lines(question)

    out += ["## Q&A", ""]
    if report.audience_questions:
        out += _md_table(
            ["Question", "Votes", "Answered"],
            [
                (("Simulated: " if a.simulated else "") + a.text, a.votes, a.answered)
                for a in report.audience_questions
            ],
        )
        out.append("")
    else:
        out += ["No audience questions were published.", ""]

    if report.narrative.get("conclusions"):
        out += ["## Conclusions", "", *markdown_lines(report.narrative, "conclusions")]
    out += [
        "## Appendix",
        "",
        "Every poll's data and the takeaways are in the data exports "
        "(XLSX, CSV and JSON) of this report.",
        "",
        f"*Generated by Agora on {_generated(report)}.*",
        "",
    ]
    return "\n".join(out)


# -- tables for XLSX and CSV ---------------------------------------------------------------

Cell = str | int | float | bool | None

#: Text that a spreadsheet could read as the start of a formula or command.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


#: A formula start after a separator: a CSV opened with ";" (or tab, "|") as its separator
#: splits "x;=cmd" into two cells, the second a formula.
_FORMULA_AFTER_SEPARATOR = re.compile(r"[;,\t|]\s*[=+\-@]")


def neutralise(value: str) -> str:
    """Return text a spreadsheet shows as text: formula starts get a leading quote.

    Also when a formula would start after a separator another spreadsheet may split on.
    """
    cleaned = _ILLEGAL.sub("", value)
    if cleaned.startswith(_FORMULA_START) or _FORMULA_AFTER_SEPARATOR.search(cleaned):
        return "'" + cleaned
    return cleaned


@dataclass
class Table:
    """One sheet of the XLSX and one file of the CSV export."""

    sheet: str
    filename: str
    rows: list[list[Cell]] = field(default_factory=list)
    bold: set[int] = field(default_factory=set)

    def header(self, *cells: Cell) -> None:
        """Append a bold header row."""
        self.bold.add(len(self.rows))
        self.rows.append(list(cells))

    def row(self, *cells: Cell) -> None:
        """Append a row."""
        self.rows.append(list(cells))


def _result_table(table: Table, question: QuestionResult) -> None:
    """Add one question's result to its sheet: notes, then its table (or its themes)."""
    result = question.table
    for note in result.notes:
        value = note.value
        table.row(english(note.label), english(value) if isinstance(value, Phrase) else value)
    if result.notes:
        table.row()
    if question.themes:
        table.header("Theme", "Answer", "Language")
        details = {d["text"]: d for d in question.answer_details}
        for theme in question.themes:
            for answer in theme.answers:
                table.row(theme.label, answer, details.get(answer, {}).get("language", ""))
    else:
        table.header(*(english(column.header) for column in result.columns))
        for row in result.rows:
            table.row(*row.cells)
    if question.rank_distribution:
        places = len(question.rank_distribution[0]["positions"])
        table.row()
        table.header("Option", *(f"Place {n}" for n in range(1, places + 1)), "Not ranked")
        for d in question.rank_distribution:
            table.row(d["label"], *d["positions"], d["unranked"])


def tables(report: Report) -> list[Table]:
    """Return the report's data as tables: summary, one per poll question, then the lists."""
    p = report.participation
    summary = Table("Summary", "summary.csv")
    summary.header("Field", "Value")
    facts: list[tuple[str, Cell]] = [
        ("Event code", report.code),
        ("Title", report.title),
        ("Starts on", report.starts_on.isoformat()),
        ("Ends on", report.ends_on.isoformat()),
        ("Start time", f"{report.start_time:%H:%M}" if report.start_time else ""),
        ("Time zone", report.time_zone),
        ("Venue", report.venue),
        ("Language", report.language),
        ("Registered", p.registered),
        ("Checked in", p.checked_in),
        ("Walk-ins", p.walk_ins),
        ("Present", p.present),
        ("No-shows", p.no_shows),
        ("Seats", p.seats),
        ("Occupancy", p.occupancy),
        ("Joined live", p.joined_live),
        ("Simulated room", p.simulated),
        ("Lessons shared", len(report.lessons)),
        ("Poll questions", len(report.polls)),
        ("Audience questions", len(report.audience_questions)),
        ("Generated at", _generated(report)),
    ]
    for name, value in facts:
        summary.row(name, value)
    out = [summary]
    used = {summary.sheet.lower()}
    for (n, q), question in zip(_poll_numbers(report.polls), report.polls, strict=True):
        sheet = f"Poll {n} Q{q}"[:31]
        suffix = 2
        while sheet.lower() in used:  # cannot happen with the numbering; kept as a guard
            sheet = f"Poll {n} Q{q} ({suffix})"[:31]
            suffix += 1
        used.add(sheet.lower())
        table = Table(sheet, f"poll-{n}-q{q}.csv")
        table.row("Poll", question.poll_title)
        table.row("Question", question.prompt)
        table.row("Kind", english(question.table.name))
        table.row("State", question.poll_state)
        table.row("Who could vote", RULE_NAMES[VotingRule(question.voting_rule)])
        table.row("Responses", question.responses)
        table.row("Simulated responses", question.simulated_responses)
        table.row()
        _result_table(table, question)
        out.append(table)

    # names of people only when the organiser annexed them (never e-mail addresses)
    registrations = Table("Registrations", "registrations.csv")
    registrations.header(
        "Name",
        "Organisation",
        "Organisation type",
        "Country",
        "Place",
        "Status",
        "Walk-in",
        "Checked in",
        "Source",
    )
    for r in report.registrations:
        registrations.row(
            r.name,
            r.organisation,
            r.organisation_type,
            r.country,
            r.place,
            r.status,
            r.walk_in,
            r.checked_in,
            r.source,
        )
    takeaways = Table("Takeaways", "takeaways.csv")
    takeaways.header(
        "Speaker",
        "Organisation",
        "Place",
        "Country",
        "Partners",
        "Topics",
        "Outcomes",
        "Lesson",
        "Language",
    )
    kinds = outcome_kinds()
    for lesson in report.lessons:
        partners = "; ".join(
            " / ".join(
                str(partner.get(k, ""))
                for k in ("organisation", "place", "country", "world_area")
                if partner.get(k)
            )
            for partner in lesson.partners
        )
        outcomes = "; ".join(
            f"{kinds.get(o.get('kind', ''), o.get('kind', ''))}: {o.get('description', '')}"
            for o in lesson.outcomes
        )
        takeaways.row(
            lesson.speaker_name,
            lesson.organisation,
            lesson.place,
            lesson.country,
            partners,
            ", ".join(lesson.topics),
            outcomes,
            lesson.lesson,
            lesson.language,
        )
    questions = Table("Questions", "questions.csv")
    questions.header("Question", "Votes", "Answered", "Simulated")
    for a in report.audience_questions:
        questions.row(a.text, a.votes, a.answered, a.simulated)
    lists = [registrations] if report.annex else []
    return [*out, *lists, takeaways, questions]


def to_xlsx(report: Report) -> bytes:
    """Return the report as an XLSX workbook; text cells can never be formulas."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for table in tables(report):
        sheet = workbook.create_sheet(table.sheet)
        widths: dict[int, int] = {}
        for r, values in enumerate(table.rows, start=1):
            for c, value in enumerate(values, start=1):
                cell = sheet.cell(row=r, column=c)
                if isinstance(value, str):
                    cell.value = neutralise(value)
                    cell.data_type = "s"  # never "f", whatever the text
                else:
                    cell.value = value
                if r - 1 in table.bold:
                    cell.font = bold
                widths[c] = max(widths.get(c, 0), len(str(value or "")))
        for c, width in widths.items():
            sheet.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 80)
        if table.bold:
            first = min(table.bold) + 1
            sheet.freeze_panes = f"A{first + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def to_csv(report: Report) -> dict[str, bytes]:
    """Return one CSV per table by file name, UTF-8 with a BOM so Excel reads it right."""
    files: dict[str, bytes] = {}
    for table in tables(report):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        for values in table.rows:
            writer.writerow([_csv_cell(v) for v in values])
        files[table.filename] = ("\ufeff" + buffer.getvalue()).encode()
    return files


def to_csv_zip(report: Report) -> bytes:
    """Return the CSV files of the report in one ZIP archive, in a folder named after it."""
    buffer = io.BytesIO()
    folder = f"{report.code.lower()}-report"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in to_csv(report).items():
            archive.writestr(f"{folder}/{name}", content)
    return buffer.getvalue()


#: Every format of the report: media type and file extension (csv is a zip of CSV files).
FORMATS: dict[str, tuple[str, str]] = {
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    **DATA_FORMATS,
}

#: The document renderers written elsewhere: format -> (module, function).
_DOCUMENT_RENDERERS = {
    "html": ("agora.reports.html", "to_html"),
    "pdf": ("agora.reports.pdf", "to_pdf"),
    "docx": ("agora.reports.docx", "to_docx"),
}


class FormatUnavailable(Exception):
    """A known format whose renderer is not part of this build (or cannot load)."""

    def __init__(self, fmt: str, reason: str = "") -> None:
        detail = f" ({reason})" if reason else ""
        super().__init__(f"format {fmt} is not available in this build{detail}")
        self.fmt = fmt


def extension(fmt: str) -> str:
    """Return the file extension of a format's file."""
    return FORMATS[fmt][1]


def media_type(fmt: str) -> str:
    """Return the media type of a format's file."""
    return FORMATS[fmt][0]


def renderer(fmt: str) -> Callable[[Report], bytes]:
    """Return the function writing ``fmt`` as bytes; raise FormatUnavailable if it cannot."""
    data: dict[str, Callable[[Report], bytes]] = {
        "json": to_json,
        "md": lambda report: to_markdown(report).encode(),
        "xlsx": to_xlsx,
        "csv": to_csv_zip,
    }
    if fmt in data:
        return data[fmt]
    if fmt not in _DOCUMENT_RENDERERS:
        raise FormatUnavailable(fmt, "unknown format")
    module_name, function_name = _DOCUMENT_RENDERERS[fmt]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        reason = "" if exc.name == module_name else f"missing {exc.name}"
        raise FormatUnavailable(fmt, reason) from None
    function = getattr(module, function_name, None)
    if not callable(function):
        raise FormatUnavailable(fmt, f"{module_name} has no {function_name}")

    def write(report: Report) -> bytes:
        content = function(report)
        return content.encode() if isinstance(content, str) else bytes(content)

    return write


def render(report: Report, fmt: str) -> bytes:
    """Return the report in ``fmt`` as bytes (FormatUnavailable if it cannot be written)."""
    return renderer(fmt)(report)
