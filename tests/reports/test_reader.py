"""The report as its reader gets it: no personal data unless annexed, words and layout.

The demo's report (the reference session with the CLI's 120 simulated ballots) is built
once for the module on its own SQLite file: what is checked here is what the renderers
write, whatever the database.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from html import escape
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy.orm import Session

from agora.cli import SIMULATED_BALLOTS
from agora.core.db import Database
from agora.core.i18n import LANGUAGES, ngettext, set_language
from agora.demo.reference import create_reference_session
from agora.events.services import create_event, join_event
from agora.polls.kinds import QuestionKind
from agora.polls.responses import Submission, record_responses
from agora.polls.schemas import OptionIn, PollIn, QuestionIn
from agora.polls.services import create_poll, open_poll
from agora.registrations.details import Details
from agora.registrations.models import OrganisationType
from agora.registrations.services import check_in, register
from agora.reports.charts import chart_png, chart_svg
from agora.reports.docx import to_docx
from agora.reports.exports import render
from agora.reports.html import to_html
from agora.reports.model import Report, build_report
from agora.reports.pdf import to_pdf

#: A real-looking person registered beside the demo's simulated room.
PERSON = Details(
    name="Ana Kovačić",
    email="ana.kovacic@kzz.example",
    organisation="Krapina-Zagorje County",
    organisation_type=OrganisationType.region,
    country="HR",
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
    reason="poppler-utils is missing (`make browser-deps` installs it)",
)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Database]:
    """The demo event (as `agora demo` sets it up) with one more, named registrant."""
    path = tmp_path_factory.mktemp("demo") / "agora.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    with database.session() as session:
        event = create_reference_session(session, simulate_ballots=SIMULATED_BALLOTS)
        check_in(session, register(session, event, PERSON))
    yield database
    database.dispose()


def _report(database: Database, *, annex: bool) -> Report:
    with database.session() as session:
        from agora.events.services import get_event

        return build_report(session, get_event(session, "EUREG23"), annex=annex)


@pytest.fixture(scope="module")
def demo(demo_db: Database) -> Report:
    return _report(demo_db, annex=False)


@pytest.fixture(scope="module")
def demo_pdf(demo: Report) -> bytes:
    return to_pdf(demo)


def _pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    count = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    return [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, count + 1)
    ]


def _texts(fmt: str, content: bytes, tmp_path: Path) -> str:
    """Return every word a file of ``fmt`` holds, as one text."""
    if fmt == "pdf":
        return "\n".join(_pdf_pages(content, tmp_path))
    if fmt == "docx":
        document = Document(io.BytesIO(content))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([*(p.text for p in document.paragraphs), *cells])
    if fmt == "xlsx":
        workbook = load_workbook(io.BytesIO(content))
        return "\n".join(
            str(cell.value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        )
    if fmt == "csv":
        archive = zipfile.ZipFile(io.BytesIO(content))
        return "\n".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
    return content.decode("utf-8")


# -- personal data -------------------------------------------------------------------------

FORMATS = ["html", "pdf", "docx", "md", "xlsx", "csv", "json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_registrant_is_named_in_any_format_by_default(
    demo: Report, fmt: str, tmp_path: Path
) -> None:
    if fmt == "pdf" and shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is missing")
    text = _texts(fmt, render(demo, fmt), tmp_path)
    assert "Kovačić" not in text
    assert "Simulated participant" not in text
    assert not EMAIL.search(text)  # no e-mail address, whoever it belongs to
    assert "129" in text  # the counts are there (128 simulated registrations and Ana)


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx", "xlsx", "csv", "json"])
def test_the_annex_names_registrants_but_never_their_email(
    demo_db: Database, fmt: str, tmp_path: Path
) -> None:
    if fmt == "pdf" and shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is missing")
    text = " ".join(_texts(fmt, render(_report(demo_db, annex=True), fmt), tmp_path).split())
    assert "Ana Kovačić" in text
    # the PDF's narrow name column wraps the name; its text interleaves the columns
    assert "Simulated participant" in text or "participant 001" in text
    assert not EMAIL.search(text)


def test_the_json_says_whether_the_list_is_annexed(demo_db: Database, demo: Report) -> None:
    assert json.loads(render(demo, "json"))["registrations"] == []
    annexed = json.loads(render(_report(demo_db, annex=True), "json"))
    assert annexed["annex"] is True
    assert {"name", "organisation"} <= set(annexed["registrations"][0])
    assert not any("email" in row for row in annexed["registrations"])


# -- what is simulated ---------------------------------------------------------------------


def test_the_demo_audience_questions_are_labelled_simulated(demo: Report, tmp_path: Path) -> None:
    assert demo.audience_questions
    assert all(q.simulated for q in demo.audience_questions)
    html = to_html(demo)
    for question in demo.audience_questions:
        assert re.search(r"Simulated</span>\s*" + re.escape(question.text), html)
    rows = list(csv.reader(io.StringIO(_texts("csv", render(demo, "csv"), tmp_path))))
    flagged = [r for r in rows if len(r) == 4 and r[0] == demo.audience_questions[0].text]
    assert flagged
    assert flagged[0][3] == "yes"
    assert "Simulated: How can a small region" in render(demo, "md").decode()
    body = _texts("docx", to_docx(demo), tmp_path)
    assert f"[Simulated] {demo.audience_questions[0].text}" in body


# -- words ---------------------------------------------------------------------------------


def test_kinds_and_areas_are_named_not_spelled_from_codes(demo: Report, tmp_path: Path) -> None:
    for fmt in ("html", "docx"):
        text = _texts(fmt, render(demo, fmt), tmp_path)
        assert "NGO or non-profit" in text
        assert "Latin America and the Caribbean" in text
        assert "Facility or service designed" in text
        assert not re.search(r"\bNgo\b|Latin america|Expert_exchange", text)


def test_no_keyword_lists_and_the_method_says_what_the_score_means(demo: Report) -> None:
    html = to_html(demo)
    assert "Keywords" not in html
    assert "Slido" not in html
    assert "first place earns 5 points, second 4, down to 1 for last place" in html


def test_the_web_page_lists_its_downloads_only_when_served(demo: Report) -> None:
    served = to_html(demo, downloads=[("PDF", "/e/EUREG23/report.pdf")])
    assert 'href="/e/EUREG23/report.pdf" download' in served
    assert "report.pdf" not in to_html(demo)


# -- plurals in every language -------------------------------------------------------------


@pytest.fixture
def one_of_each(session: Session) -> Report:
    """An event whose choice, rating and open questions each have exactly one answer."""
    event = create_event(session, title="Plurals", starts_on=dt.date(2026, 3, 1))
    poll = create_poll(
        session,
        event,
        PollIn(
            title="One",
            questions=[
                QuestionIn(
                    kind=QuestionKind.single_choice,
                    prompt="Choose",
                    options=[OptionIn(id="a", label="A"), OptionIn(id="b", label="B")],
                ),
                QuestionIn(kind=QuestionKind.rating, prompt="Rate", scale_max=5),
            ],
        ),
    )
    open_poll(session, poll)
    participant = join_event(session, event)
    record_responses(
        session,
        [
            Submission(poll.questions[0].id, participant.id, event.id, {"option": "a"}),
            Submission(poll.questions[1].id, participant.id, event.id, {"value": 4}),
        ],
    )
    session.commit()
    return build_report(session, event)


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_one_response_is_singular_in_every_language(one_of_each: Report, language: str) -> None:
    report = dataclasses.replace(one_of_each, language=language)
    html = to_html(report)
    set_language(language)
    try:
        one = ngettext("%(num)d response", "%(num)d responses", 1) % {"num": 1}
        many = ngettext("%(num)d response", "%(num)d responses", 5) % {"num": 5}
        respondent = ngettext("%(num)s respondent", "%(num)s respondents", 1) % {"num": 1}
        rating = ngettext("%(num)s rating", "%(num)s ratings", 1) % {"num": 1}
    finally:
        set_language("en")
    assert one != many.replace("5", "1")  # the catalogue has a singular of its own
    assert html.count(one) >= 2
    assert respondent in html  # the chart titles
    assert rating in html


def test_count_axes_show_whole_numbers(one_of_each: Report) -> None:
    choice = next(q for q in one_of_each.polls if q.kind == "single_choice")
    svg = chart_svg(choice)
    assert svg is not None
    ticks = re.findall(r"<text[^>]*>\s*([0-9.]+)\s*</text>", svg)
    assert ticks
    assert all("." not in tick for tick in ticks), ticks


def test_participants_text_is_never_a_formula_in_charts(one_of_each: Report) -> None:
    choice = next(q for q in one_of_each.polls if q.kind == "single_choice")
    table = choice.table
    rows = tuple(dataclasses.replace(row, cells=(r"$\foo$", *row.cells[1:])) for row in table.rows)
    hostile = dataclasses.replace(choice, result=choice.result)
    object.__setattr__(hostile, "table", dataclasses.replace(table, rows=rows))
    svg = chart_svg(hostile)
    assert svg is not None
    assert r"$\foo$" in svg


@pytest.mark.parametrize("label", [r"$\foo$", r"\9 \g<0> \1", "Zagreb 🇭🇷 👩🏽\u200d💻"])
def test_labels_reach_the_chart_as_typed(one_of_each: Report, label: str) -> None:
    """The chart's aria-label keeps backslashes (it was a re.sub template: "\\f" became a form
    feed and "\\9" a server error); emoji the font lacks draw without a warning (an error
    under the tests)."""
    choice = next(q for q in one_of_each.polls if q.kind == "single_choice")
    table = choice.table
    rows = tuple(dataclasses.replace(row, cells=(label, *row.cells[1:])) for row in table.rows)
    hostile = dataclasses.replace(choice, result=choice.result)
    object.__setattr__(hostile, "table", dataclasses.replace(table, rows=rows))
    svg = chart_svg(hostile)
    assert svg is not None
    opening = re.search(r"<svg [^>]*>", svg)
    assert opening is not None
    assert f": {escape(label)} 1 (100%)" in opening.group(0)
    assert "\x0c" not in svg
    assert chart_png(hostile) is not None


# -- layout --------------------------------------------------------------------------------


def _headings(report: Report) -> list[str]:
    """Return the report's section, lesson, question and theme headings."""
    sections = [
        "Introduction",
        "Methodology",
        "Participation",
        "Lessons shared",
        "Impact",
        "Poll results",
        "Questions from the audience",
    ]
    lessons = [f"{lesson.place} (" for lesson in report.lessons]
    return [*sections, *lessons, *(q.prompt for q in report.polls)]


@needs_poppler
def test_the_demo_pdf_fits_twelve_pages_with_a_cover_and_contents(
    demo_pdf: bytes, tmp_path: Path
) -> None:
    pages = _pdf_pages(demo_pdf, tmp_path)
    assert len(pages) <= 12
    cover = pages[0]
    assert "report of the session" in cover.lower()
    assert "10 October 2023" in cover
    assert "Brussels" in cover
    assert re.search(r"Lessons shared\s*\.[ .]*\d+", cover)  # the contents, with page numbers
    assert re.search(rf"\b2 ?/ ?{len(pages)}\s*$", pages[1].rstrip())  # numbered from page 2


@needs_poppler
def test_no_heading_is_the_last_thing_on_a_page(
    demo: Report, demo_pdf: bytes, tmp_path: Path
) -> None:
    pages = _pdf_pages(demo_pdf, tmp_path)
    for number, page in enumerate(pages[1:], start=2):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        body = [line for line in lines if not re.search(r"\d+ ?/ ?\d+$", line)]
        for heading in _headings(demo):
            for index, line in enumerate(body):
                if not (line == heading or (len(line) > 12 and heading.startswith(line))):
                    continue
                after = len(body) - index - 1
                assert after >= 3, f"page {number}: {heading!r} ends the page"


# -- one participant cannot stop the report ------------------------------------------------


def test_a_formula_like_word_or_a_control_character_never_stops_the_report(
    session: Session, tmp_path: Path
) -> None:
    event = create_event(session, title="Typed by anyone", starts_on=dt.date(2026, 3, 1))
    poll = create_poll(
        session,
        event,
        PollIn(
            title="Words",
            questions=[
                QuestionIn(kind=QuestionKind.word_cloud, prompt="One word"),
                QuestionIn(kind=QuestionKind.open_text, prompt="Tell us"),
            ],
        ),
    )
    open_poll(session, poll)
    people = [join_event(session, event) for _n in range(2)]
    record_responses(
        session,
        [
            Submission(poll.questions[0].id, people[0].id, event.id, {"words": [r"$\foo$"]}),
            Submission(poll.questions[0].id, people[1].id, event.id, {"words": ["$x^2$"]}),
            Submission(poll.questions[1].id, people[0].id, event.id, {"texts": ["bell\x07 here"]}),
        ],
    )
    session.commit()
    report = build_report(session, event)
    for fmt in FORMATS:
        content = render(report, fmt)
        assert content, fmt
    assert r"$\foo$" in to_html(report)
    assert "bell  here" in _texts("docx", to_docx(report), tmp_path)
