"""The web, PDF and DOCX reports of the reference session: facts, charts, escaping, alt text."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from docx import Document
from PIL import Image
from sqlalchemy.orm import Session

from agora.demo.reference import EXPERIENCES, create_reference_session, reference_polls
from agora.events.models import Event
from agora.events.services import join_event
from agora.floor.services import end_turn, give_floor, request_floor
from agora.polls.responses import Submission, record_responses
from agora.polls.services import close_poll, open_poll
from agora.qa.services import ask_question
from agora.reports.charts import chart_alt, chart_png, chart_svg
from agora.reports.docx import to_docx
from agora.reports.html import to_html
from agora.reports.model import Report, build_report
from agora.reports.pdf import to_pdf
from agora.takeaways.services import Actor, record_turn_takeaway

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
REGIONS = [
    "Hamburg",
    "Krapina-Zagorje County",
    "North East Romania",
    "Murcia",
    "Genova",
    "Sisak-Moslavina County",
    "Extremadura",
]
BALLOTS = [
    ["asia", "latam", "oceania", "north-america", "africa"],
    ["latam", "asia", "africa", "oceania", "north-america"],
    ["asia", "oceania", "latam", "africa", "north-america"],
]
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdfinfo") is None,
    reason="poppler-utils is missing (`make browser-deps` installs it)",
)


def _reference(session: Session, *, hostile: bool = False) -> Report:
    """Return the reference session's report, with ranking ballots (and hostile text)."""
    event = create_reference_session(session)
    ranking, experiences = reference_polls(session, event)
    record_responses(
        session,
        [
            Submission(
                ranking.questions[0].id, join_event(session, event).id, event.id, {"ranking": b}
            )
            for b in BALLOTS
        ],
    )
    if hostile:
        open_poll(session, experiences)
        _add_hostile_text(session, event, experiences.questions[0].id)
        close_poll(session, experiences)
    session.commit()
    return build_report(session, event, annex=True)


def _add_hostile_text(session: Session, event: Event, open_question_id: int) -> None:
    """Add markup typed by participants: an open-text answer, a lesson and a question."""
    record_responses(
        session,
        [
            Submission(
                open_question_id,
                join_event(session, event).id,
                event.id,
                {"texts": [f"Answer {SCRIPT} {IMG}"]},
            )
        ],
    )
    request = request_floor(
        session, event, None, name="Mallory", organisation="Evil", place="Nowhere", topic="x"
    )
    give_floor(session, request)
    end_turn(session, request)
    record_turn_takeaway(
        session,
        request,
        {
            "country": "BE",
            "partners": [],
            "topics": [IMG],
            "outcomes": [],
            "lesson": f"Lesson {SCRIPT}",
        },
        Actor(moderator=True),
    )
    ask_question(session, event, join_event(session, event), f"Question {IMG}", anonymous=True)


class _Elements(HTMLParser):
    """Collect the tags of a page and the attributes of its elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.tags


def test_html_states_the_reference_facts(session: Session) -> None:
    report = _reference(session)
    html = to_html(report)
    for fact in ["10 October 2023", "Brussels", "EURADA", "EUROCITIES", *REGIONS]:
        assert fact in html
    for answer in EXPERIENCES:
        assert answer in html.replace("&#39;", "'")
    assert "Diferrence beetwen international region or country laws" in html
    assert '<th scope="row">Registered</th><td class="num">128</td>' in html
    assert '<th scope="row">Present</th><td class="num">144</td>' in html
    assert '<th scope="row">Seats</th><td class="num">144</td>' in html
    assert "Average points" in html
    assert "3 ballots" in html
    assert "simulated for the demo" in html
    tags = _elements(html)
    assert ("html", {"lang": "en"}) in tags
    assert [t for t, _a in tags].count("h1") == 1
    assert all(a.get("scope") in {"row", "col"} for t, a in tags if t == "th")
    assert not [t for t, _a in tags if t == "script"]
    # Nothing from another origin: the only link is the report's own stylesheet.
    assert [a.get("href") for t, a in tags if t == "link"] == ["/static/report.css"]
    assert "http://" not in html.split("<svg", 1)[0]
    assert "https://" not in html


def test_html_chart_is_inline_svg_with_text_and_alt(session: Session) -> None:
    report = _reference(session)
    html = to_html(report)
    tags = _elements(html)
    svgs = [a for t, a in tags if t == "svg"]
    assert len(svgs) == 1
    assert svgs[0]["role"] == "img"
    assert (svgs[0]["aria-label"] or "").startswith("Bar chart")
    assert any(t == "text" for t, _a in tags)  # svg.fonttype none: labels stay text
    ranking = report.polls[0]
    assert chart_svg(ranking) == chart_svg(ranking)  # deterministic
    assert "Asia" in chart_alt(ranking)
    assert chart_svg(report.polls[1]) is None  # open text: answers are listed instead


def test_without_the_simulated_flag_there_is_no_note(session: Session) -> None:
    report = _reference(session)
    participation = report.participation.__class__(
        **{**report.participation.__dict__, "simulated": False}
    )
    real = report.__class__(**{**report.__dict__, "participation": participation})
    assert "simulated for the demo" not in to_html(real)


def test_participant_markup_is_escaped_in_html(session: Session) -> None:
    report = _reference(session, hostile=True)
    for for_pdf in (False, True):
        html = to_html(report, for_pdf=for_pdf)
        tags = _elements(html)
        assert not [t for t, _a in tags if t == "script"]
        assert not [a for t, a in tags if t == "img"]
        assert not [a for _t, a in tags if any(k.startswith("on") for k in a)]
        assert SCRIPT not in html
        assert IMG not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "Answer &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x" in html
        assert "Question &lt;img src=x onerror=alert(1)&gt;" in html
        assert "Lesson &lt;script&gt;" in html


@needs_poppler
def test_pdf_has_pages_a_chart_and_participant_text_as_text(
    session: Session, tmp_path: Path
) -> None:
    report = _reference(session, hostile=True)
    pdf = to_pdf(report)
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    fields = dict(line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    assert int(fields["Pages"]) >= 3
    assert fields["Tagged"].strip() == "yes"
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "10 October 2023" in text
    assert "EUROCITIES" in text
    assert SCRIPT in text
    assert IMG in " ".join(text.split())
    pages = text.split("\f")
    chart_page = next(i for i, p in enumerate(pages, 1) if "Average points" in p and "Asia" in p)
    subprocess.run(
        [
            "pdftoppm",
            *("-r", "50", "-f", str(chart_page), "-l", str(chart_page), "-png"),
            str(path),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    (png,) = tmp_path.glob("page*.png")
    with Image.open(png) as image:
        rgb = image.convert("RGB")
        pixels = np.asarray(rgb, dtype=np.int16)
    # The chart's bars are in Okabe–Ito blue/orange: strongly coloured pixels exist.
    coloured = int(((pixels.max(axis=2) - pixels.min(axis=2)) > 80).sum())
    assert coloured > 200


def test_docx_has_headings_figures_charts_with_alt_and_plain_text(session: Session) -> None:
    report = _reference(session, hostile=True)
    document = Document(io.BytesIO(to_docx(report)))
    headings = [
        p.text
        for p in document.paragraphs
        if p.style and (p.style.name or "").startswith("Heading")
    ]
    for heading in ["Introduction", "Methodology", "Participation", "Lessons shared", "Impact"]:
        assert heading in headings
    assert "Poll results" in headings
    assert "Questions from the audience" in headings
    assert "Hamburg (Germany)" in headings
    figures = {
        row.cells[0].text: row.cells[1].text for table in document.tables for row in table.rows
    }
    assert figures["Registered"] == "128"
    assert figures["Present"] == "144"
    assert figures["Seats"] == "144"
    shapes = list(document.inline_shapes)
    assert shapes
    assert all(s._inline.docPr.get("descr", "").startswith("Bar chart") for s in shapes)
    body = "\n".join(p.text for p in document.paragraphs)
    assert f"Answer {SCRIPT} {IMG}" in body
    assert "simulated for the demo" in body
    xml = document.element.xml
    assert "fldSimple" not in xml
    # the only fields are the document's own: its contents, and the page numbers below
    assert re.findall(r"<w:instrText[^>]*>([^<]*)<", xml) == [' TOC \\o "1-1" \\h \\z \\u ']
    footer = document.sections[0].footer._element.xml
    assert [i.strip() for i in re.findall(r"<w:instrText[^>]*>([^<]*)<", footer)] == [
        "PAGE",
        "NUMPAGES",
    ]


def test_png_chart_is_an_image(session: Session) -> None:
    report = _reference(session)
    png = chart_png(report.polls[0])
    assert png is not None
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.width > 400


def test_report_says_which_ballots_are_simulated(session: Session) -> None:
    from agora.reports.exports import to_markdown
    from agora.reports.html import to_html
    from agora.reports.model import build_report

    report = build_report(session, create_reference_session(session, simulate_ballots=12))
    assert "12 of these responses come from simulated participants" in to_html(report)
    assert "12 from simulated participants" in to_markdown(report)
