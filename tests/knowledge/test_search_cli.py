"""``agora search``: a table or JSON of results, and ``--reindex`` with progress."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from agora.cli import app as cli
from agora.core.settings import get_settings
from agora.knowledge import search_index
from tests.knowledge.search_fixtures import SearchCooperationFactory


@pytest.fixture(autouse=True)
def _cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AGORA_DATABASE_URL", database_url)
    get_settings.cache_clear()
    search_index.forget_memory()
    yield
    get_settings.cache_clear()
    search_index.forget_memory()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": "300"})
    return result.exit_code, result.output


def test_search_prints_json_and_a_table(
    search_make_cooperation: SearchCooperationFactory,
) -> None:
    cooperation = search_make_cooperation(
        "Integrated ticketing with [bold]Melbourne[/bold]",
        lessons=("Public transport ridership grew once fares were integrated.",),
    )
    code, output = run("search", "fares", "--format", "json", "--mode", "words")
    assert code == 0, output
    body = json.loads(output)
    assert body["hits"][0]["url"] == f"/knowledge/cooperations/{cooperation}"
    assert body["facets"]["country"] == {"AU": 1, "HR": 1}
    code, output = run("search", "fares", "--mode", "words", "--limit", "5")
    assert code == 0
    assert "[bold]Melbourne[/bold]" in output
    assert "1 result(s)" in output


def test_search_refuses_a_bad_filter_with_its_message() -> None:
    code, output = run("search", "bus", "--country", "Croatia")
    assert code == 1
    assert "two-letter ISO code" in output
    code, output = run("search")
    assert code == 2
    assert "--reindex" in output


def test_reindex_indexes_every_record_and_embeds_them(
    search_make_cooperation: SearchCooperationFactory,
) -> None:
    search_make_cooperation("Festivals beyond the summer", lessons=("Cultural festivals.",))
    code, output = run("search", "--reindex")
    assert code == 0, output
    assert "dropped" in output
    with_model = search_index.model_available()
    assert "embedded for meaning search" in output
    assert with_model or "not installed" in output
    code, output = run("search", "--reindex")
    assert code == 0
    assert "0 document(s) indexed, 0 dropped, 0 embedded" in output
