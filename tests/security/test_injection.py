"""Hostile text through every field people type into, then every output that shows it.

One corpus (script tags, event handlers, ``javascript:`` links, template and formula
starts, mathtext, control and bidirectional characters, a 5,000-character word, emoji
and combining marks) goes in through the API and the forms: joining, answers, organisers'
option and scale labels, audience questions, floor requests, takeaways, registrations (form,
API and CSV import), events, agenda items, polls, theme labels and the report's sections.

Each input gets an answer below 500 (NUL is 422); then every page, the live stream and the
report in each format are read back: no element, attribute or link made of people's text,
no formula a spreadsheet would run, no control or bidi character, and the text is still
there (escaped), not silently dropped.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook  # type: ignore[import-untyped]

from agora.accounts.services import create_api_token, create_organiser
from agora.app import create_app
from agora.core.db import Database
from agora.core.settings import Settings
from agora.reports.exports import neutralise
from agora.takeaways.report_writing import SECTIONS
from agora.text.clean import plain
from agora.web.deps import PARTICIPANT_COOKIE
from tests.conftest import SECRET, truncate
from tests.pages.test_stream import EventStream

LONG_WORD = "w" * 5000

#: The corpus: what a hostile (or unlucky) person types.
CORPUS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    "{{7*7}}",
    "=cmd|' /C calc'!A0",
    "x;=cmd",
    "x,=1+1",
    "x\t@SUM(1)",
    "+1",
    "-1+1",
    "$\\foo$",
    "$x^2$",
    "\x07bell",
    "\u202etxt",
    "\u2066isolated\u2069",
    "\u2066",
    LONG_WORD,
    "Zagreb 🇭🇷 👩🏽‍💻 cafe\u0301 Z\u0351\u0337a\u0308lgo",
]
NUL = "\x00nul"
CONTROL_OR_BIDI = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\u202a-\u202e\u2066-\u2069]")
#: Text whose presence is not worth checking: too short to be told from other text.
TRIVIAL = {"+1", "-1+1", ""}
CODE = "HACKED"


def shown(text: str) -> str:
    """Return ``text`` as Agora keeps it, whitespace runs made one space."""
    return " ".join(plain(text).split())


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


# -- reading HTML ----------------------------------------------------------------------------


class _Reader(HTMLParser):
    """Collects what could run: scripts, event-handler attributes, links; and the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self._in_script = False
        self._json_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in {"href", "src", "action", "formaction", "xlink:href"} and (
                (value or "").strip().lower().startswith("javascript:")
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if value:
                # Attribute values people see (titles, values of form fields) count as text.
                self.text.append(value)
        if tag == "script":
            self._in_script = True
            self._json_script = dict(attrs).get("type") == "application/json"
            if not dict(attrs).get("src") and not self._json_script:
                self.problems.append("an inline <script>")
        if tag in {"img", "svg"} and any(n == "src" and v == "x" for n, v in attrs):
            self.problems.append(f"<{tag}> made of typed text")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and self._json_script:
            # Data for the page's scripts: JSON, with "<" escaped so no tag can end it early.
            if "<" in data:
                self.problems.append(f"a JSON script with '<': {data[:60]!r}")
            json.loads(data)
            return
        if self._in_script and "alert(" in data:
            self.problems.append(f"a script with {data[:60]!r}")
        self.text.append(data)


@dataclass
class Html:
    problems: list[str]
    text: str


def read_html(markup: str) -> Html:
    reader = _Reader()
    reader.feed(markup)
    reader.close()
    return Html(reader.problems, " ".join(" ".join(reader.text).split()))


def check_html(where: str, markup: str, expected: list[str]) -> None:
    """No runnable markup, no control character, and each expected text present."""
    page = read_html(markup)
    assert page.problems == [], f"{where}: {page.problems}"
    assert not CONTROL_OR_BIDI.search(markup), f"{where}: a control or bidi character"
    missing = [t[:40] for t in expected if shown(t) not in page.text]
    assert missing == [], f"{where} lost: {missing}"


# -- arranging ---------------------------------------------------------------------------------


@dataclass
class World:
    """The event full of the corpus, and what each input was answered."""

    client: TestClient
    organiser: dict[str, str]
    moderator: dict[str, str]
    screen_key: str
    moderator_key: str
    statuses: list[tuple[str, str, int]] = field(default_factory=list)
    accepted: dict[str, list[str]] = field(default_factory=dict)
    created: dict[str, list[Any]] = field(default_factory=dict)
    questions: dict[str, int] = field(default_factory=dict)

    def send(self, what: str, text: str, method: str, url: str, **kwargs: Any) -> Any:
        response = self.client.request(method, url, **kwargs)
        self.statuses.append((what, text[:30], response.status_code))
        if response.status_code < 400:
            self.accepted.setdefault(what, []).append(text)
            if response.headers.get("content-type", "").startswith("application/json"):
                self.created.setdefault(what, []).append(response.json())
        return response


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
) -> Iterator[World]:
    """The corpus pushed through every field of one event (and an event per text).

    Built once per database for the module: the tests read it and add nothing it shows.
    """
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("injection") / "agora.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
        truncate(url)
    app = create_app(
        Settings(
            database_url=url,
            secret_key=SECRET,
            live_interval_ms=20,
            heartbeat_s=0.2,
            rate_limits=False,
            _env_file=None,
        )
    )
    database = Database(url)
    with database.session() as session:
        create_organiser(session, email="organiser@example.org", password="a long enough password")
        organiser = {
            "Authorization": "Bearer "
            + create_api_token(session, email="organiser@example.org", label="injection")
        }
    database.dispose()
    with TestClient(app) as client:
        created = client.post(
            "/api/v1/events",
            headers=organiser,
            json={
                "title": "Injection session",
                "starts_on": "2024-01-01",
                "code": CODE,
                "ask_identity": True,
            },
        )
        assert created.status_code == 201, created.text
        key = created.json()["moderator_url"].split("key=")[1]
        screen_key = created.json()["screen_url"].split("key=")[1]
        world = World(client, organiser, {**organiser, "X-Moderator-Key": key}, screen_key, key)
        _arrange(world)
        yield world


def _arrange(w: World) -> None:
    api = f"/api/v1/events/{CODE}"
    answers = w.client.post(
        f"{api}/polls",
        headers=w.moderator,
        json={
            "title": "Answers",
            "questions": [
                {"kind": "open_text", "prompt": "What did you learn?", "max_length": 2000},
                {"kind": "word_cloud", "prompt": "One word", "max_entries": 1},
            ],
        },
    ).json()
    w.client.post(f"/api/v1/polls/{answers['id']}/open", headers=w.moderator)
    open_text, cloud = (q["id"] for q in answers["questions"])
    w.questions = {"open text": open_text, "word cloud": cloud}
    for i, text in enumerate(CORPUS):
        joined = w.send(
            "join", text, "POST", f"{api}/join", json={"name": text, "organisation": text}
        )
        if joined.status_code != 201:
            joined = w.client.post(f"{api}/join", json={"name": f"Person {i}"})
        me = {"Authorization": f"Bearer {joined.json()['participant_token']}"}
        w.send(
            "join form",
            text,
            "POST",
            f"/e/{CODE}/join",
            data={"name": text, "organisation": text},
            follow_redirects=False,
        )
        w.client.cookies.clear()  # the tests choose who they are per request
        w.send(
            "open text",
            text,
            "POST",
            f"/api/v1/questions/{open_text}/responses",
            headers=me,
            json={"answer": {"texts": [text]}},
        )
        w.send(
            "word cloud",
            text,
            "POST",
            f"/api/v1/questions/{cloud}/responses",
            headers=me,
            json={"answer": {"words": [text]}},
        )
        w.send(
            "audience question", text, "POST", f"{api}/questions", headers=me, json={"text": text}
        )
        w.send(
            "floor request",
            text,
            "POST",
            f"{api}/floor",
            headers=me,
            json={"name": text, "organisation": text, "place": text, "topic": text},
        )
        taken = w.send(
            "takeaway",
            text,
            "POST",
            f"{api}/takeaways",
            headers=me,
            json={
                "speaker_name": text,
                "organisation": text,
                "place": text,
                "lesson": text,
                "topics": [text],
                "partners": [{"organisation": text, "place": text}],
                "outcomes": [{"kind": "other", "description": text}],
            },
        )
        if taken.status_code == 201:
            w.client.post(f"/api/v1/takeaways/{taken.json()['id']}/approve", headers=w.moderator)
        w.send(
            "registration form",
            text,
            "POST",
            f"/e/{CODE}/register",
            data={
                "name": text,
                "email": f"form{i}@example.org",
                "organisation": text,
                "place": text,
            },
        )
        w.send(
            "registration api",
            text,
            "POST",
            f"{api}/registrations",
            headers=w.organiser,
            json={
                "name": text,
                "email": f"api{i}@example.org",
                "organisation": text,
                "place": text,
            },
        )
        poll = w.send(
            "poll",
            text,
            "POST",
            f"{api}/polls",
            headers=w.moderator,
            json={
                "title": text,
                "questions": [
                    {"kind": "single_choice", "prompt": text, "options": [text, "Plain"]},
                    {"kind": "rating", "prompt": "Rate", "min_label": text, "max_label": text},
                    {"kind": "points", "prompt": "Share", "options": [text, "Plain"]},
                ],
            },
        )
        if poll.status_code == 201:  # answered once, so its labels reach the charts
            _answer_and_close(w, poll.json(), me)
        w.send(
            "agenda item",
            text,
            "POST",
            f"{api}/agenda",
            headers=w.moderator,
            json={
                "kind": "speaker",
                "title": text,
                "speaker_name": text,
                "speaker_organisation": text,
            },
        )
        w.send(
            "event",
            text,
            "POST",
            "/api/v1/events",
            headers=w.organiser,
            json={
                "title": text[:300],
                "venue": text[:300],
                "description": text,
                "starts_on": "2024-02-01",
            },
        )
    sections = list(SECTIONS)
    for n, name in enumerate(sections):
        texts = CORPUS[n :: len(sections)]
        saved = w.send(
            "report sections",
            name,
            "POST",
            f"/e/{CODE}/report/sections/{name}",
            headers=w.moderator,
            data={"text": "\n\n".join(texts)},
        )
        if saved.status_code < 400:
            w.accepted.setdefault("report section", []).extend(texts)
    # The rows the API took one by one (an import takes all its rows or none).
    rows = [["name", "email", "organisation"]] + [
        [text, f"csv{i}@example.org", text] for i, text in enumerate(w.accepted["registration api"])
    ]
    data = io.StringIO()
    csv.writer(data).writerows(rows)
    w.send(
        "registration import",
        "csv",
        "POST",
        f"{api}/registrations/import",
        headers=w.organiser,
        files={"file": ("people.csv", data.getvalue().encode(), "text/csv")},
    )
    for text in CORPUS:
        w.send(
            "theme label",
            text,
            "POST",
            f"/e/{CODE}/moderate/themes/{open_text}/rename",
            headers=w.moderator,
            data={"theme": "1", "label": text},
        )


def _answer_and_close(w: World, poll: dict[str, Any], me: dict[str, str]) -> None:
    choice, rating, points = (q["id"] for q in poll["questions"])
    answers = [
        (choice, {"option": "o1"}),
        (rating, {"value": 3}),
        (points, {"points": {"o1": 60, "o2": 40}}),
    ]
    assert w.client.post(f"/api/v1/polls/{poll['id']}/open", headers=w.moderator).is_success
    for question_id, answer in answers:
        response = w.client.post(
            f"/api/v1/questions/{question_id}/responses", headers=me, json={"answer": answer}
        )
        assert response.status_code == 201, response.text
    assert w.client.post(f"/api/v1/polls/{poll['id']}/close", headers=w.moderator).is_success


# -- the tests ---------------------------------------------------------------------------------


def test_every_input_is_answered_without_a_server_error(world: World) -> None:
    errors = [s for s in world.statuses if s[2] >= 500]
    assert errors == []
    # Most of the corpus is ordinary text for Agora: it is kept, not refused.
    for what in ("audience question", "floor request", "takeaway", "registration api", "poll"):
        assert len(world.accepted.get(what, [])) >= len(CORPUS) - 4, (what, world.statuses)
    assert ("registration import", "csv", 201) in world.statuses


def test_nul_is_refused_everywhere(world: World) -> None:
    api = f"/api/v1/events/{CODE}"
    me = {
        "Authorization": "Bearer "
        + world.client.post(f"{api}/join", json={"name": "Tester"}).json()["participant_token"]
    }
    attempts: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", f"{api}/join", {"json": {"name": NUL}}),
        ("POST", f"{api}/questions", {"headers": me, "json": {"text": NUL}}),
        ("POST", f"{api}/floor", {"headers": me, "json": {"name": NUL}}),
        ("POST", f"{api}/takeaways", {"headers": me, "json": {"lesson": NUL}}),
        (
            "POST",
            f"/api/v1/questions/{world.questions['open text']}/responses",
            {"headers": me, "json": {"answer": {"texts": [NUL]}}},
        ),
        ("POST", "/api/v1/events", {"headers": world.organiser, "json": {"title": NUL}}),
        ("POST", f"/e/{CODE}/register", {"data": {"name": NUL, "email": "n@example.org"}}),
        ("POST", f"/e/{CODE}/qa/ask", {"data": {"text": NUL}}),
        (
            "POST",
            f"/e/{CODE}/report/sections/introduction",
            {"headers": world.moderator, "data": {"text": NUL}},
        ),
    ]
    before = _stored(world)
    for method, url, kwargs in attempts:
        response = world.client.request(method, url, **kwargs)
        assert response.status_code == 422, (url, response.status_code, response.text[:200])
    assert _stored(world) == before  # a refusal changes nothing


def _stored(world: World) -> list[Any]:
    """Return what the event holds that people typed, as the API lists it."""
    api = f"/api/v1/events/{CODE}"
    lists = [
        world.client.get(f"{api}/{name}", headers=world.moderator).json()
        for name in ("questions", "floor", "takeaways")
    ]
    lists.append(world.client.get(f"{api}/registrations", headers=world.organiser).json())
    lists.append(world.client.get(f"{api}/attendance", headers=world.moderator).json())
    report = world.client.get(f"{api}/report", headers=world.moderator).json()
    lists.append({key: value for key, value in report.items() if key != "generated_at"})
    return lists


#: A body that is not UTF-8: a lone continuation byte and an overlong encoding.
BAD_UTF8 = b"\xff\xfe\xc0\xaf"


def test_bytes_that_are_not_utf8_are_refused(world: World) -> None:
    api = f"/api/v1/events/{CODE}"
    me = {
        "Authorization": "Bearer "
        + world.client.post(f"{api}/join", json={"name": "Tester"}).json()["participant_token"]
    }
    as_json = {"content-type": "application/json"}
    as_form = {"content-type": "application/x-www-form-urlencoded"}
    json_body = b'{"text": "' + BAD_UTF8 + b'", "name": "' + BAD_UTF8 + b'"}'
    for url, headers in [
        (f"{api}/join", {}),
        (f"{api}/questions", me),
        (f"{api}/floor", me),
        (f"{api}/takeaways", me),
        (f"/api/v1/questions/{world.questions['open text']}/responses", me),
        ("/api/v1/events", world.organiser),
        (f"{api}/registrations", world.organiser),
        (f"{api}/agenda", world.moderator),
        (f"{api}/polls", world.moderator),
    ]:
        response = world.client.post(url, headers={**headers, **as_json}, content=json_body)
        assert 400 <= response.status_code < 500, (url, response.status_code, response.text)
    for url, headers, names in [
        (f"/e/{CODE}/join", {}, ["name", "organisation"]),
        (f"/e/{CODE}/register", {}, ["name", "email", "organisation"]),
        (f"/e/{CODE}/qa/ask", {}, ["text"]),
        (f"/e/{CODE}/floor", {}, ["name", "topic"]),
        (f"/e/{CODE}/takeaways", {}, ["lesson", "organisation"]),
        (f"/e/{CODE}/report/sections/introduction", world.moderator, ["text"]),
        (
            f"/e/{CODE}/moderate/themes/{world.questions['open text']}/rename",
            world.moderator,
            ["theme", "label"],
        ),
        (f"/e/{CODE}/settings", world.organiser, ["title", "venue"]),
    ]:
        for body in (
            b"&".join(name.encode() + b"=" + BAD_UTF8 for name in names),
            b"&".join(name.encode() + b"=%FF%FE%C0%AF" for name in names),
        ):
            response = world.client.post(url, headers={**headers, **as_form}, content=body)
            assert response.status_code < 500, (url, body, response.status_code)


# -- the outputs ---------------------------------------------------------------------------------


def _accepted(world: World, *kinds: str) -> list[str]:
    return [
        text
        for kind in kinds
        for text in world.accepted.get(kind, [])
        if shown(text) not in TRIVIAL and text != LONG_WORD
    ]


def test_pages_show_the_text_and_run_none_of_it(world: World) -> None:
    client, moderator = world.client, world.moderator
    questions = _accepted(world, "audience question")
    floor = _accepted(world, "floor request")
    joined = client.post(f"/e/{CODE}/join", data={"name": "Reader"}, follow_redirects=False)
    client.cookies.clear()
    participant = {"Cookie": f"{PARTICIPANT_COOKIE}={joined.cookies[PARTICIPANT_COOKIE]}"}
    pages: list[tuple[str, str, dict[str, str], list[str]]] = [
        ("participant page", f"/e/{CODE}", participant, questions),
        ("screen", f"/e/{CODE}/screen?key={world.screen_key}", {}, []),
        ("moderator console", f"/e/{CODE}/moderate", moderator, questions + floor),
        ("organiser's events", "/events", world.organiser, _accepted(world, "event")),
        (
            "registrations",
            f"/e/{CODE}/registrations",
            world.organiser,
            _accepted(world, "registration api", "registration form"),
        ),
        ("agenda", f"/e/{CODE}/agenda", moderator, _accepted(world, "agenda item")),
        ("poll list", f"/e/{CODE}/moderate/polls", moderator, _accepted(world, "poll")),
        (
            "themes",
            f"/e/{CODE}/moderate/themes/{world.questions['open text']}",
            moderator,
            _accepted(world, "open text"),
        ),
        ("report page", f"/e/{CODE}/report", moderator, _accepted(world, "report section")),
    ]
    for poll in world.created.get("poll", []):
        pages.append(
            (
                f"poll {poll['title'][:20]!r}",
                f"/e/{CODE}/moderate/polls/{poll['id']}",
                moderator,
                _accepted(world, "poll")[:0] + ([poll["title"]] if poll["title"] else []),
            )
        )
    for event in world.created.get("event", []):
        pages.append(
            (
                f"settings of {event['title'][:20]!r}",
                f"/e/{event['code']}/settings",
                world.organiser,
                [t for t in (event["title"], event["venue"]) if shown(t) not in TRIVIAL],
            )
        )
    for takeaway in world.created.get("takeaway", []):
        pages.append(
            (
                f"takeaway {takeaway['id']}",
                f"/e/{CODE}/takeaways/{takeaway['id']}/edit",
                moderator,
                [takeaway["lesson"]] if shown(takeaway["lesson"]) not in TRIVIAL else [],
            )
        )
    for where, url, headers, expected in pages:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (where, response.status_code)
        check_html(where, response.text, expected)


#: What would turn a stream message's text into markup in the browser.
MARKUP_SINKS = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(")
STATIC = Path(__file__).parents[2] / "agora" / "web" / "static"


def test_the_live_stream_carries_text_as_data(world: World) -> None:
    """Stream messages are JSON data that the pages put in with textContent, never markup."""
    for script in sorted(STATIC.glob("*.js")):
        assert not MARKUP_SINKS.search(script.read_text()), script.name
    url = f"/api/v1/events/{CODE}/stream"
    moderator_sees = _accepted(world, "audience question", "floor request", "agenda item")
    for params, expected in (
        ({"key": world.moderator_key}, moderator_sees),
        ({"key": world.screen_key}, []),
        ({}, []),
    ):
        with world.client.stream("GET", url, params=params) as response:
            assert response.status_code == 200
            snapshot = EventStream(response).next()
        assert snapshot.event == "snapshot"
        strings: list[str] = []
        _collect(snapshot.data, strings)
        for text in strings:
            assert not CONTROL_OR_BIDI.search(text.replace("\t", "")), text[:60]
        everything = " ".join(" ".join(strings).split())
        missing = [t[:40] for t in expected if shown(t) not in everything]
        assert missing == [], f"the stream lost {missing}"


def _collect(value: Any, into: list[str]) -> None:
    if isinstance(value, str):
        into.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _collect(item, into)
    elif isinstance(value, list):
        for item in value:
            _collect(item, into)


def _report(world: World, fmt: str) -> bytes:
    response = world.client.get(
        f"/api/v1/events/{CODE}/report", params={"format": fmt}, headers=world.moderator
    )
    assert response.status_code == 200, (fmt, response.text[:300])
    return response.content


def _report_texts(world: World) -> list[str]:
    return _accepted(world, "takeaway", "open text", "report section", "poll")


def test_report_html_and_markdown(world: World) -> None:
    from markdown_it import MarkdownIt

    expected = _report_texts(world)
    check_html("report html", _report(world, "html").decode(), expected)
    markdown = _report(world, "md").decode()
    assert not CONTROL_OR_BIDI.search(markdown)
    check_html("report markdown", MarkdownIt("commonmark").render(markdown), expected)


needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is missing"
)


@needs_poppler
def test_report_pdf_and_docx(world: World, tmp_path: Path) -> None:
    # pdftotext leaves out the zero-width joiner inside an emoji sequence
    expected = [squeezed(shown(t)).replace("\u200d", "") for t in _report_texts(world)]
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(_report(world, "pdf"))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert not CONTROL_OR_BIDI.search(text.replace("\f", ""))
    missing = [t[:40] for t in expected if t not in squeezed(text).replace("\u200d", "")]
    assert missing == [], f"the PDF lost {missing}"

    document = Document(io.BytesIO(_report(world, "docx")))
    parts = [p.text for p in document.paragraphs] + [
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    ]
    docx_text = "\n".join(parts)
    assert not CONTROL_OR_BIDI.search(docx_text.replace("\n", "").replace("\t", ""))
    expected = [squeezed(shown(t)) for t in _report_texts(world)]
    missing = [t[:40] for t in expected if t not in squeezed(docx_text)]
    assert missing == [], f"the Word file lost {missing}"


def _check_cell(where: str, value: str) -> None:
    assert not CONTROL_OR_BIDI.search(value.replace("\n", "")), (where, value[:60])
    if value.startswith(("=", "+", "-", "@", "\t", "\r")) or re.search(r"[;,\t|]\s*[=+\-@]", value):
        assert value.startswith("'"), f"{where}: {value[:60]!r} could run as a formula"


def test_report_spreadsheets_run_no_formula(world: World) -> None:
    expected = [neutralise(shown(t)) for t in _accepted(world, "open text", "takeaway")]
    workbook = load_workbook(io.BytesIO(_report(world, "xlsx")))
    cells: list[str] = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    _check_cell(f"{sheet.title}!{cell.coordinate}", cell.value)
                    cells.append(cell.value)
    missing = [t[:40] for t in expected if t not in cells]
    assert missing == [], f"the XLSX lost {missing}"

    values: list[str] = []
    with zipfile.ZipFile(io.BytesIO(_report(world, "csv"))) as archive:
        for name in archive.namelist():
            for row in csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))):
                for value in row:
                    _check_cell(name, value)
                    values.append(value)
    missing = [t[:40] for t in expected if t not in values]
    assert missing == [], f"the CSV lost {missing}"


def test_report_json_keeps_the_text(world: World) -> None:
    data = json.loads(_report(world, "json"))
    strings: list[str] = []
    _collect(data, strings)
    for text in strings:
        assert not CONTROL_OR_BIDI.search(text.replace("\n", "")), text[:60]
    everything = "\n".join(strings)
    missing = [t[:40] for t in _report_texts(world) if plain(t) not in everything]
    assert missing == [], f"the JSON lost {missing}"
