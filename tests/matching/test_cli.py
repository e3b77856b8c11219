"""The ``agora match`` command: a table or JSON of explained candidates; errors exit with 1."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from agora.cli import app as cli
from agora.core.settings import get_settings


@pytest.fixture
def demo_url(
    database_url: str, match_demo: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """Point the command at a test database holding the matching demo."""
    monkeypatch.setenv("AGORA_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_match_prints_a_table_with_every_component_explained(demo_url: str) -> None:
    code, out = run("match", "Hamburg", "--topics", "digital_transition,mobility", "-n", "3")
    assert code == 0, out
    assert "Partners for Hamburg" in out
    assert "1. " in out
    assert "Network proximity" in out
    assert "Practicalities" in out


def test_match_prints_json_by_id(demo_url: str, match_demo: dict[str, int]) -> None:
    code, out = run(
        "match", str(match_demo["Hamburg"]), "--topics", "mobility", "-w", "europe", "-f", "json"
    )
    assert code == 0, out
    body = json.loads(out)
    # the kinds come from Hamburg's profile
    assert body["goal"] == {
        "topics": ["mobility"],
        "world_areas": ["europe"],
        "kinds": ["city", "region"],
    }
    assert body["matches"]
    assert {m["world_area"] for m in body["matches"]} == {"europe"}


def test_match_refuses_unknown_actors_and_topics(demo_url: str) -> None:
    assert run("match", "Atlantis")[0] == 1
    code, out = run("match", "Hamburg", "--topics", "quantum_farming")
    assert code == 1
    assert "quantum_farming" in out


def test_match_takes_weights(demo_url: str) -> None:
    code, out = run("match", "Hamburg", "-t", "mobility", "-W", "network=0", "-f", "json")
    assert code == 0, out
    assert json.loads(out)["weights"]["network"] == 0
    assert run("match", "Hamburg", "-W", "network=lots")[0] == 2
    code, out = run("match", "Hamburg", "-W", "charm=1")
    assert code == 1
    assert "charm" in out
