"""Data exports of the report (JSON and its schema, Markdown, XLSX, CSV), injection, downloads."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from openpyxl import load_workbook  # type: ignore[import-untyped]

from agora.core.db import Database
from agora.demo.reference import EXPERIENCES, create_reference_session
from agora.reports.exports import (
    md,
    neutralise,
    report_json,
    to_csv,
    to_json,
    to_markdown,
    to_xlsx,
)
from agora.reports.model import (
    AgendaEntry,
    AudienceQuestionEntry,
    Impact,
    Lesson,
    Participation,
    QuestionResult,
    RegistrationRow,
    Report,
    ThemeEntry,
)

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "report-schema.json").read_text())
SCRIPT = "<script>alert(1)</script>"
FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd", "-2+3", "@SUM(A1)"]
HOSTILE = [SCRIPT, *FORMULAS]


@pytest.fixture
def reference(db: Database) -> Report:
    """The report of the reference session, built from the test database."""
    from agora.reports.model import build_report

    with db.session() as session:
        return build_report(session, create_reference_session(session))


def _hostile(report: Report) -> Report:
    """Return ``report`` with script tags and formulas in every kind of typed text."""
    open_text = next(q for q in report.polls if q.kind == "open_text")
    answers = [*open_text.result["answers"], *({"text": t} for t in HOSTILE)]
    themes = [*open_text.themes, ThemeEntry(HOSTILE[0], HOSTILE[1], list(HOSTILE))]
    polls = [
        dataclasses.replace(
            q,
            result={**q.result, "answers": answers},
            texts=[*q.texts, *HOSTILE],
            themes=themes,
            themes_method=HOSTILE[0],
        )
        if q is open_text
        else q
        for q in report.polls
    ]
    lessons = [
        *report.lessons,
        *(
            Lesson(text, text, text, "BE", [{"organisation": text}], [text], [], text)
            for text in HOSTILE
        ),
    ]
    questions = [*report.audience_questions, *(AudienceQuestionEntry(t, 1, False) for t in HOSTILE)]
    rows = [
        *report.registrations,
        *(RegistrationRow(t, t, "other", "BE", t, "registered", False, False, "") for t in HOSTILE),
    ]
    return dataclasses.replace(
        report,
        polls=polls,
        lessons=lessons,
        audience_questions=questions,
        registrations=rows,
        annex=True,
    )


def _xlsx_values(content: bytes) -> dict[str, list[list[Any]]]:
    workbook = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
        for sheet in workbook.worksheets
    }


# -- JSON ----------------------------------------------------------------------------------


def test_the_json_of_the_reference_session_fits_the_schema(reference: Report) -> None:
    Draft202012Validator.check_schema(SCHEMA)
    data = json.loads(to_json(reference))

    errors = sorted(Draft202012Validator(SCHEMA).iter_errors(data), key=str)

    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    assert data["schema"] == "https://agora.invalid/report-schema/1"
    assert data["starts_on"] == "2023-10-10"
    assert data["participation"]["registered"] == 128
    assert data["participation"]["simulated"] is True
    texts = [a["text"] for q in data["polls"] for a in q["result"].get("answers", [])]
    assert texts == EXPERIENCES


def test_the_schema_describes_every_field_of_the_model() -> None:
    def names(cls: type) -> set[str]:
        return {f.name for f in dataclasses.fields(cls)}

    properties = SCHEMA["properties"]
    assert set(properties) == names(Report) | {"schema", "version"}
    assert set(properties["polls"]["items"]["properties"]) == names(QuestionResult)
    assert set(properties["lessons"]["items"]["properties"]) == names(Lesson)
    assert set(properties["registrations"]["items"]["properties"]) == names(RegistrationRow)
    assert set(properties["participation"]["properties"]) == names(Participation)
    assert set(properties["impact"]["properties"]) == names(Impact)
    assert set(properties["agenda"]["items"]["properties"]) == names(AgendaEntry)


def test_the_schema_refuses_an_unknown_field(reference: Report) -> None:
    data = report_json(reference)
    data["participation"]["extra"] = 1

    assert not Draft202012Validator(SCHEMA).is_valid(data)


def test_every_poll_kind_fits_the_schema() -> None:
    results: dict[str, dict[str, Any]] = {
        "single_choice": {"options": [{"id": "a", "label": "A", "count": 1, "share": 1.0}]},
        "multiple_choice": {"options": [{"id": "a", "label": "A", "count": 0, "share": None}]},
        "rating": {
            "distribution": [{"value": 1, "count": 2}],
            "mean": 1.0,
            "median": 1.0,
            "min_label": "",
            "max_label": "",
            "scale_max": 5,
        },
        "points": {
            "budget": 10,
            "options": [{"id": "a", "label": "A", "total": 10, "mean": 10.0, "share": 1.0}],
        },
        "word_cloud": {"words": [{"word": "trust", "count": 3}]},
    }
    validator = Draft202012Validator(SCHEMA["properties"]["polls"]["items"])
    for kind, fields in results.items():
        question = QuestionResult(
            question_id=1,
            poll_title="P",
            poll_state="closed",
            position=0,
            questions_in_poll=1,
            kind=kind,
            prompt="?",
            responses=1,
            simulated_responses=0,
            result={"kind": kind, "voters": 1, **fields},
        )
        assert validator.is_valid(dataclasses.asdict(question)), kind


# -- XLSX, CSV and Markdown of the reference session ---------------------------------------


def test_the_xlsx_has_a_sheet_per_table_with_the_reference_figures(reference: Report) -> None:
    workbook = load_workbook(io.BytesIO(to_xlsx(reference)))
    assert workbook.sheetnames == [
        "Summary",
        "Poll 1 Q1",
        "Poll 2 Q1",
        "Takeaways",
        "Questions",
    ]
    summary = dict(row for row in workbook["Summary"].iter_rows(min_row=2, values_only=True))
    assert (summary["Registered"], summary["Present"], summary["Seats"]) == (128, 144, 144)
    assert summary["Simulated room"] is True
    assert workbook["Summary"]["A1"].font.bold
    answers = [
        row[1] for row in workbook["Poll 2 Q1"].iter_rows(values_only=True) if row[1] in EXPERIENCES
    ]
    assert sorted(answers) == sorted(EXPERIENCES)  # each under its theme
    assert workbook["Takeaways"].max_row == 1 + 7
    assert workbook["Takeaways"]["A1"].value == "Speaker"
    assert workbook["Questions"]["B2"].value == 9


def test_the_csv_files_are_utf8_with_a_bom(reference: Report) -> None:
    files = to_csv(reference)

    assert set(files) == {
        "summary.csv",
        "poll-1-q1.csv",
        "poll-2-q1.csv",
        "takeaways.csv",
        "questions.csv",
    }
    assert all(content.startswith(b"\xef\xbb\xbf") for content in files.values())
    rows = list(csv.reader(io.StringIO(files["poll-2-q1.csv"].decode("utf-8-sig"))))
    assert sorted(r[1] for r in rows if len(r) > 1 and r[1] in EXPERIENCES) == sorted(EXPERIENCES)


def test_the_markdown_has_every_section(reference: Report) -> None:
    text = to_markdown(reference)

    for heading in [
        "## Introduction",
        "## Methodology",
        "## Participation",
        "## Lessons shared",
        "## Impact",
        "## Poll results",
        "## Q&A",
        "## Appendix",
    ]:
        assert f"\n{heading}\n" in text
    assert "simulated for the demo" in text
    assert "| Registered | 128 |" in text
    assert "### 1. Hamburg, DE" in text
    assert "Average points" in text
    assert all(f"- {md(answer)}" in text for answer in EXPERIENCES)


# -- injection -------------------------------------------------------------------------------


def test_json_keeps_hostile_text_verbatim(reference: Report) -> None:
    data = json.loads(to_json(_hostile(reference)))

    assert Draft202012Validator(SCHEMA).is_valid(data)
    texts = json.dumps(data, ensure_ascii=False)
    for text in HOSTILE:
        assert json.dumps(text, ensure_ascii=False) in texts
    assert [r["name"] for r in data["registrations"][-5:]] == HOSTILE


def test_markdown_escapes_hostile_text(reference: Report) -> None:
    text = to_markdown(_hostile(reference))

    assert not re.search(r"(?<!\\)<", text), "an unescaped < in the Markdown"
    assert "\\<script\\>alert(1)\\</script\\>" in text
    assert "[x](" not in to_markdown(_hostile_link(reference))


def _hostile_link(report: Report) -> Report:
    return dataclasses.replace(
        report, audience_questions=[AudienceQuestionEntry("[x](javascript:alert(1)) | a", 1, False)]
    )


def test_markdown_table_cells_cannot_break_the_table() -> None:
    assert md("a | b\n| c") == "a \\| b \\| c"
    assert md("# title") == "\\# title"
    assert md("1. item") == "1\\. item"
    assert md("- item") == "\\- item"


def test_xlsx_cells_with_hostile_text_are_quoted_strings(reference: Report) -> None:
    workbook = load_workbook(io.BytesIO(to_xlsx(_hostile(reference))))
    cells = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and any(f in cell.value for f in FORMULAS)
    ]
    sheets = {cell.parent.title for cell in cells}

    assert {"Poll 2 Q1", "Registrations", "Takeaways", "Questions"} <= sheets
    assert cells
    for cell in cells:
        assert cell.data_type == "s"
        assert cell.value.startswith("'"), cell.value
    assert not [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def test_csv_cells_with_hostile_text_are_quoted(reference: Report) -> None:
    found = []
    for content in to_csv(_hostile(reference)).values():
        for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
            found += [c for c in row if any(f in c for f in FORMULAS)]

    assert found
    assert all(c.startswith("'") for c in found), found


def test_neutralise_quotes_every_formula_start() -> None:
    for start in ["=", "+", "-", "@", "\t", "\r"]:
        assert neutralise(f"{start}1") == f"'{start}1"
    assert neutralise("plain = text") == "plain = text"
    assert neutralise("a\x00b") == "ab"


def test_neutralise_quotes_a_formula_after_any_separator() -> None:
    for text in ["x;=cmd|' /C calc'!A0", "a,+1", "a\t@SUM(A1)", "a| -2+3", "x; =1"]:
        assert neutralise(text) == "'" + text
    assert neutralise("Krapina-Zagorje; health") == "Krapina-Zagorje; health"
    assert neutralise("e-mail, phone") == "e-mail, phone"


# -- downloads -------------------------------------------------------------------------------


@pytest.fixture
def report_app(app: FastAPI) -> FastAPI:
    """The app with the reports router, wired here until agora.app includes it."""
    from agora.reports.routes import router

    paths = {getattr(route, "path", "") for route in app.routes}
    if "/e/{code}/report.{fmt}" not in paths:
        app.include_router(router)
    return app


@pytest.fixture
def moderator_key(db: Database) -> str:
    """Create the reference session and return its moderator key."""
    with db.session() as session:
        return create_reference_session(session).moderator_key


@pytest.mark.parametrize(
    ("fmt", "media"),
    [
        ("json", "application/json"),
        ("md", "text/markdown; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("csv", "application/zip"),
    ],
)
def test_moderators_download_the_report(
    report_app: FastAPI, moderator_key: str, fmt: str, media: str
) -> None:
    with TestClient(report_app) as client:
        response = client.get(
            f"/e/eureg23/report.{fmt}", headers={"x-moderator-key": moderator_key}
        )

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media
    extension = "zip" if fmt == "csv" else fmt
    assert response.headers["content-disposition"] == (
        f'attachment; filename="eureg23-report.{extension}"'
    )
    if fmt == "csv":
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
        assert "eureg23-report/takeaways.csv" in names
        assert "eureg23-report/registrations.csv" not in names  # no annex chosen


def test_others_cannot_download_the_report(report_app: FastAPI, moderator_key: str) -> None:
    with TestClient(report_app) as client:
        page = client.get("/e/EUREG23/report.xlsx")
        api = client.get("/api/v1/events/EUREG23/report", headers={"x-moderator-key": "wrong"})
        unknown = client.get("/e/EUREG23/report.exe", headers={"x-moderator-key": moderator_key})
        missing = client.get("/e/NOPE99/report.json", headers={"x-moderator-key": moderator_key})

    assert (page.status_code, api.status_code) == (403, 403)
    assert (unknown.status_code, missing.status_code) == (404, 404)


def test_the_api_returns_the_report_json(report_app: FastAPI, moderator_key: str) -> None:
    with TestClient(report_app) as client:
        response = client.get(
            "/api/v1/events/EUREG23/report?format=json",
            headers={"x-moderator-key": moderator_key},
        )

    assert response.status_code == 200, response.text
    assert Draft202012Validator(SCHEMA).is_valid(response.json())
    assert response.json()["code"] == "EUREG23"


def test_the_web_page_opens_in_the_browser_with_its_own_download_link(
    report_app: FastAPI, moderator_key: str
) -> None:
    with TestClient(report_app) as client:
        headers = {"x-moderator-key": moderator_key}
        page = client.get("/e/EUREG23/report.html", headers=headers)
        saved = client.get("/e/EUREG23/report.html?download=1", headers=headers)

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "content-disposition" not in page.headers  # read in the browser, not saved
    assert page.headers["x-robots-tag"] == "noindex"
    assert 'href="/e/EUREG23/report.html?download=1" download' in page.text
    assert 'href="/e/EUREG23/report.pdf" download' in page.text
    assert saved.headers["content-disposition"] == 'attachment; filename="eureg23-report.html"'
    assert "report.pdf" not in saved.text  # the saved file links to nothing
