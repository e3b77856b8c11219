"""The ``agora report`` command: every data format to a file; errors exit with 1 or 2."""

from __future__ import annotations

import importlib.util
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from typer.testing import CliRunner

from agora.cli import app as cli
from agora.core.db import Database
from agora.core.settings import get_settings
from agora.demo.reference import EXPERIENCES, create_reference_session


@pytest.fixture
def reference_url(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the command at a test database holding the reference session."""
    database = Database(database_url)
    with database.session() as session:
        create_reference_session(session)
    database.dispose()
    monkeypatch.setenv("AGORA_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_report_writes_json_markdown_xlsx_and_csv(reference_url: str, tmp_path: Path) -> None:
    for fmt, name in [("json", "r.json"), ("md", "r.md"), ("xlsx", "r.xlsx"), ("csv", "r.zip")]:
        code, output = run("report", "eureg23", "--format", fmt, "--output", str(tmp_path / name))
        assert code == 0, output
        assert "written to" in output

    data = json.loads((tmp_path / "r.json").read_text())
    assert data["participation"]["registered"] == 128
    assert "## Poll results" in (tmp_path / "r.md").read_text()
    workbook = load_workbook(tmp_path / "r.xlsx")
    assert workbook.sheetnames[0] == "Summary"
    archive = zipfile.ZipFile(io.BytesIO((tmp_path / "r.zip").read_bytes()))
    poll = archive.read("eureg23-report/poll-2-q1.csv").decode("utf-8-sig")
    assert all(answer in poll for answer in EXPERIENCES)


def test_an_unknown_code_exits_with_1(reference_url: str, tmp_path: Path) -> None:
    code, output = run("report", "NOPE99", "--format", "json", "--output", str(tmp_path / "r"))

    assert code == 1
    assert "NOPE99" in output
    assert not (tmp_path / "r").exists()


def test_an_unwritable_path_exits_with_1(reference_url: str, tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "r.json"

    code, output = run("report", "EUREG23", "--format", "json", "--output", str(target))

    assert code == 1
    assert "Cannot write" in output


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_a_document_format_is_written_or_said_unavailable(
    reference_url: str, tmp_path: Path, fmt: str
) -> None:
    code, output = run("report", "EUREG23", "--format", fmt, "--output", str(tmp_path / "r"))

    if importlib.util.find_spec(f"agora.reports.{fmt}") is None:
        assert code == 2
        assert f"format {fmt} is not available in this build" in output
    else:
        assert code in {0, 2}, output  # 2 when a library of the renderer is missing
        assert code == 2 or (tmp_path / "r").stat().st_size > 0
