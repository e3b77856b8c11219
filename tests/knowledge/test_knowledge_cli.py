"""``agora knowledge import|export|promote`` and the demo's seven cooperations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from agora.cli import app as cli
from agora.core.db import Database
from agora.core.migrate import upgrade
from agora.core.settings import get_settings
from agora.demo.knowledge import promote_reference_takeaways
from agora.demo.reference import create_reference_session
from agora.knowledge import services
from agora.knowledge.models import Cooperation
from agora.takeaways.models import Takeaway

FILES = Path(__file__).parent / "files"


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the command at a fresh, migrated SQLite file through AGORA_DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'agora.db'}"
    upgrade(url)
    monkeypatch.setenv("AGORA_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_import_refuses_a_bad_file_line_by_line_then_imports_a_good_one(
    cli_database: str, tmp_path: Path
) -> None:
    code, output = run("knowledge", "import", str(FILES / "bad.json"))
    assert code == 1
    assert "line 4: actors[1].country" in output
    assert "nothing was imported" in output
    code, output = run("knowledge", "import", str(FILES / "good.json"), "--dry-run")
    assert code == 0
    assert "would add 3 actors" in output
    assert "dry run" in output
    code, output = run("knowledge", "import", str(FILES / "good.json"))
    assert code == 0
    assert "added 3 actors" in output
    assert "1 cooperations" in output
    code, output = run("knowledge", "import", str(FILES / "twins.csv"), "--format", "wikidata")
    assert code == 0
    assert "3 cooperations" in output
    target = tmp_path / "out.json"
    code, output = run("knowledge", "export", "--output", str(target))
    assert code == 0, output
    document = json.loads(target.read_text())
    assert len(document["cooperations"]) == 4
    zipped = tmp_path / "out.zip"
    code, output = run("knowledge", "export", "--format", "csv", "--output", str(zipped))
    assert code == 0
    assert zipped.read_bytes()[:2] == b"PK"


def test_promote_lists_then_adds_the_unambiguous_and_names_the_ones_to_review(
    cli_database: str,
) -> None:
    database = Database(cli_database)
    with database.session() as session:
        create_reference_session(session)
    code, output = run("knowledge", "promote", "EUREG23")
    assert code == 0, output
    assert "Murcia" in output
    assert "choose which place is meant" in output
    assert "ready (--all-approved adds it" in output
    code, output = run("knowledge", "promote", "EUREG23", "--all-approved")
    assert code == 0, output
    with database.session() as session:
        promoted = session.scalars(select(Cooperation)).all()
        places = {session.get_one(Takeaway, c.takeaway_id).place for c in promoted}
    assert "Krapina-Zagorje County" in places
    assert "Murcia" not in places
    database.dispose()
    code, output = run("knowledge", "promote", "NOPE")
    assert code == 1


def test_the_demo_promotes_the_seven_regional_experiences(cli_database: str) -> None:
    database = Database(cli_database)
    with database.session() as session:
        event = create_reference_session(session)
        made = promote_reference_takeaways(session, event)
        assert len(made) == 7
        assert promote_reference_takeaways(session, event) == []  # each only once
    with database.session() as session:
        cooperations = session.scalars(select(Cooperation).order_by(Cooperation.id)).all()
        assert len(cooperations) == 7
        leads = {}
        for cooperation in cooperations:
            takeaway = session.get_one(Takeaway, cooperation.takeaway_id)
            assert cooperation.event_id == takeaway.event_id
            assert cooperation.programme.startswith("International Urban and Regional")
            assert services.lessons(session, cooperation.id)[0].text == takeaway.lesson
            actors = services.participants(session, cooperation.id)
            leads[takeaway.place] = actors[0][1]
            names = {a.name for _l, a in actors}
            assert takeaway.place in names
        assert leads["Murcia"].place_code == "geonames:2513416"  # the city, as INTENDED says
        assert leads["Krapina-Zagorje County"].subdivision == "HR-02"
        assert leads["Genova"].place_code == "geonames:3176219"
        piura = next(c for c in cooperations if "Piura" in c.title)
        partner_codes = {a.place_code for _l, a in services.participants(session, piura.id)}
        assert "PE-PIU" in partner_codes
    database.dispose()


def test_agora_demo_adds_the_seven_cooperations_once(cli_database: str) -> None:
    code, output = run("demo", "--no-serve")
    assert code == 0, output
    assert "knowledge:    7 cooperations added" in output
    database = Database(cli_database)
    with database.session() as session:
        total = len(session.scalars(select(Cooperation)).all())
    database.dispose()
    code, output = run("demo", "--no-serve")
    assert code == 0, output
    assert "cooperations added" not in output
    database = Database(cli_database)
    with database.session() as session:
        # the seven from the session, each linked to its takeaway; the matching demo's
        # illustrative partnerships come on top, once as well
        promoted = session.scalars(select(Cooperation).where(Cooperation.takeaway_id.is_not(None)))
        assert len(promoted.all()) == 7
        assert len(session.scalars(select(Cooperation)).all()) == total
    database.dispose()
