"""Import and export: all or nothing with each problem's line, round trips, Wikidata twins."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from agora.core.db import Database
from agora.knowledge import exchange, promotion, services
from agora.knowledge.models import Actor, ActorMembership, Cooperation, Lesson
from agora.takeaways.models import Takeaway
from tests.conftest import EventFactory
from tests.knowledge.records_fixtures import ApprovedFactory

FILES = Path(__file__).parent / "files"


def counts(db: Database) -> tuple[int, int, int]:
    with db.session() as session:
        return (
            session.scalar(select(func.count()).select_from(Actor)) or 0,
            session.scalar(select(func.count()).select_from(Cooperation)) or 0,
            session.scalar(select(func.count()).select_from(ActorMembership)) or 0,
        )


def test_a_good_json_file_is_imported_and_a_second_time_finds_it_all(db: Database) -> None:
    raw = (FILES / "good.json").read_bytes()
    with db.session() as session:
        result = exchange.import_file(session, raw, "json", "good.json")
    assert (result.actors_created, result.cooperations_created) == (3, 1)
    assert counts(db) == (3, 1, 1)
    with db.session() as session:
        cooperation = session.scalars(select(Cooperation)).one()
        assert cooperation.import_source == "good.json"
        assert [t.slug for t in services.cooperation_topics(session, cooperation.id)] == [
            "digital_transition",
            "culture_tourism",
        ]
        again = exchange.import_file(session, raw, "json", "good.json")
    assert (again.actors_found, again.cooperations_skipped, again.cooperations_created) == (3, 1, 0)
    assert counts(db) == (3, 1, 1)


def test_a_bad_json_file_changes_nothing_and_names_each_line(db: Database) -> None:
    with db.session() as session, pytest.raises(exchange.ImportRefused) as refused:
        exchange.import_file(session, (FILES / "bad.json").read_bytes(), "json", "bad.json")
    found = {(p.line, p.path) for p in refused.value.problems}
    assert found == {(4, "actors[1].kind"), (4, "actors[1].country")}
    assert counts(db) == (0, 0, 0)
    fixed = json.loads((FILES / "bad.json").read_text())
    fixed["actors"][1].update(kind="city", country="AR")
    with db.session() as session, pytest.raises(exchange.ImportRefused) as refused:
        exchange.import_file(session, json.dumps(fixed, indent=1).encode(), "json", "bad.json")
    messages = {p.path: p.message for p in refused.value.problems}
    assert set(messages) == {"cooperations[1].actors[1].actor", "cooperations[2].topics[0]"}
    assert "'nobody'" in messages["cooperations[1].actors[1].actor"]
    assert counts(db) == (0, 0, 0)


def test_a_file_that_is_not_json_is_refused_with_its_line(db: Database) -> None:
    with db.session() as session, pytest.raises(exchange.ImportRefused) as refused:
        exchange.import_file(session, b'{\n "actors": [\n  {"key": }\n]}', "json", "x.json")
    assert refused.value.problems[0].line == 3


def test_csv_files_import_actors_then_cooperations_and_bad_rows_name_their_lines(
    db: Database,
) -> None:
    with db.session() as session:
        result = exchange.import_file(session, (FILES / "actors.csv").read_bytes(), "csv", "a.csv")
    assert result.actors_created == 3
    assert counts(db) == (3, 0, 1)
    with db.session() as session, pytest.raises(exchange.ImportRefused) as refused:
        exchange.import_file(session, (FILES / "cooperations-bad.csv").read_bytes(), "csv", "c.csv")
    assert [(p.line, p.path) for p in refused.value.problems] == [(2, "cooperations[0].started_on")]
    text = (FILES / "cooperations-bad.csv").read_text().replace("2021-02-30", "2021-02-28")
    with db.session() as session, pytest.raises(exchange.ImportRefused) as refused:
        exchange.import_file(session, text.encode(), "csv", "c.csv")
    assert [(p.line, p.path) for p in refused.value.problems] == [
        (3, "cooperations[1].actors[1].actor")
    ]
    assert counts(db) == (3, 0, 1)
    with db.session() as session:
        done = exchange.import_file(
            session, text.replace("Nobody Known", "").encode(), "csv", "c.csv"
        )
    assert done.cooperations_created == 2


def test_a_dry_run_stores_nothing(db: Database) -> None:
    with db.session() as session:
        result = exchange.import_file(
            session, (FILES / "good.json").read_bytes(), "json", "good.json", dry_run=True
        )
    assert (result.actors_created, result.cooperations_created, result.dry_run) == (3, 1, True)
    assert counts(db) == (0, 0, 0)


def _knowledge_rows_deleted(db: Database) -> None:
    with db.session() as session:
        session.execute(delete(Cooperation))
        session.execute(delete(ActorMembership))
        session.execute(delete(Actor))


@pytest.mark.parametrize("format", ["json", "csv"])
def test_an_export_imported_again_exports_the_same(
    db: Database,
    make_event: EventFactory,
    kb_approved: ApprovedFactory,
    format: exchange.Format,
) -> None:
    event = make_event()
    takeaway = kb_approved(event, place="Graz", country="AT")
    with db.session() as session:
        exchange.import_file(session, (FILES / "good.json").read_bytes(), "json", "good.json")
        promotion.promote(session, session.get_one(Takeaway, takeaway.id), promotion.Review())
        exchange.import_file(session, (FILES / "actors.csv").read_bytes(), "csv", "a.csv")
        export = exchange.export_csv if format == "csv" else exchange.export_json
        first = export(session)
    _knowledge_rows_deleted(db)
    assert counts(db) == (0, 0, 0)
    with db.session() as session:
        result = exchange.import_file(session, first, format, f"export.{format}")
        assert result.cooperations_created == 2
    with db.session() as session:
        second = export(session)
        promoted = session.scalars(select(Cooperation).where(Cooperation.event_id == event.id))
        assert len(promoted.all()) == 1
    if format == "csv":
        first_files = zipfile.ZipFile(io.BytesIO(first))
        second_files = zipfile.ZipFile(io.BytesIO(second))
        for name in ("actors.csv", "cooperations.csv"):
            assert first_files.read(name) == second_files.read(name)
    else:
        assert first == second
        document = json.loads(first)
        assert {c["provenance"]["source"] for c in document["cooperations"]} == {
            "import",
            "session",
        }


def test_a_formula_in_a_name_is_quoted_in_csv_and_comes_back_as_typed(db: Database) -> None:
    raw = b'key,kind,name,country\nx,ngo,=HYPERLINK("http://evil"),FR\n'
    with db.session() as session:
        exchange.import_file(session, raw, "csv", "x.csv")
        exported = exchange.export_csv(session)
    actors = zipfile.ZipFile(io.BytesIO(exported)).read("actors.csv").decode()
    assert "'=HYPERLINK" in actors
    _knowledge_rows_deleted(db)
    with db.session() as session:
        exchange.import_file(session, exported, "csv", "export.zip")
        assert session.scalars(select(Actor.name)).one() == '=HYPERLINK("http://evil")'


def test_wikidata_sister_cities_become_actors_and_one_cooperation_per_pair(db: Database) -> None:
    with db.session() as session:
        result = exchange.import_file(
            session, (FILES / "twins.csv").read_bytes(), "wikidata", "twins.csv"
        )
    assert (result.actors_created, result.cooperations_created) == (5, 3)
    with db.session() as session:
        genoa = session.scalars(select(Actor).where(Actor.wikidata == "Q1449")).one()
        assert (genoa.name, genoa.country, genoa.kind.value) == ("Genoa", "IT", "city")
        assert genoa.place_code == "geonames:3176219"
        assert genoa.latitude is not None
        titles = set(session.scalars(select(Cooperation.title)))
        assert titles == {"Genoa – Mar del Plata", "Genoa – Madrid", "Hamburg – Marseille"}
        again = exchange.import_file(
            session, (FILES / "twins.csv").read_bytes(), "wikidata", "twins.csv"
        )
    assert (again.actors_found, again.cooperations_skipped) == (5, 3)


def test_a_bad_wikidata_file_changes_nothing(db: Database) -> None:
    with db.session() as session, pytest.raises(exchange.ImportRefused) as refused:
        exchange.import_file(
            session, (FILES / "twins-bad.csv").read_bytes(), "wikidata", "twins-bad.csv"
        )
    assert [(p.line, p.path) for p in refused.value.problems] == [(3, "item")]
    assert counts(db) == (0, 0, 0)
    with db.session() as session, pytest.raises(exchange.ImportRefused) as refused:
        exchange.import_file(session, b"city,twin\nA,B\n", "wikidata", "x.csv")
    assert refused.value.problems[0].line == 1
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Lesson)) == 0
