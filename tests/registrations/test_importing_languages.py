"""Registration exports in Agora's eight languages: their headers, their words, CSV and XLSX."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest

from agora.core.db import Database
from agora.core.errors import InvalidInput
from agora.registrations import importing
from agora.registrations.models import OrganisationType
from tests.conftest import EventFactory
from tests.registrations.conftest import count_registrations, stored_event, stored_registrations

DATA = Path(__file__).resolve().parent / "data"


def run_import(
    db: Database, make_event: EventFactory, name: str
) -> tuple[importing.ImportResult, list[tuple[Any, ...]]]:
    """Import the test file ``name`` into a fresh event; return the result and what is stored."""
    event = make_event()
    with db.session() as session:
        result = importing.import_registrations(
            session, stored_event(session, event), (DATA / name).read_bytes()
        )
    rows: list[tuple[Any, ...]] = [
        (r.name, r.email, r.organisation, r.organisation_type, r.country, r.place)
        for r in stored_registrations(db, event)
    ]
    return result, rows


def test_german_export_with_vorname_nachname_and_e_mail(
    db: Database, make_event: EventFactory
) -> None:
    result, rows = run_import(db, make_event, "german.csv")

    assert result.ignored_columns == []
    assert rows == [
        (
            "Jürgen Weiß",
            "juergen.weiss@example.de",
            "Stadt Leipzig",
            OrganisationType.city,
            "DE",
            "Leipzig",
        ),
        (
            "Anna Schmidt",
            "anna.schmidt@example.de",
            "Region Hannover",
            OrganisationType.region,
            "DE",
            "Hannover",
        ),
    ]


def test_french_export_with_prenom_nom_and_courriel(db: Database, make_event: EventFactory) -> None:
    _result, rows = run_import(db, make_event, "french.csv")

    assert rows == [
        (
            "Élodie Martin",
            "elodie.martin@example.fr",
            "Région Occitanie",
            OrganisationType.region,
            "FR",
            "Occitanie",
        ),
        (
            "Luc Dubois",
            "luc.dubois@example.fr",
            "Université de Lille",
            OrganisationType.university,
            "FR",
            "Hauts-de-France",
        ),
    ]


def test_spanish_export_with_one_column_for_the_whole_name(
    db: Database, make_event: EventFactory
) -> None:
    _result, rows = run_import(db, make_event, "spanish.csv")

    assert rows == [
        (
            "María García López",
            "maria@example.es",
            "Ayuntamiento de Valencia",
            OrganisationType.city,
            "ES",
            "Valencia",
        ),
    ]


def test_croatian_and_romanian_exports(db: Database, make_event: EventFactory) -> None:
    _result, croatian = run_import(db, make_event, "croatian.csv")
    _result, romanian = run_import(db, make_event, "romanian.csv")

    assert croatian == [
        (
            "Ivana Horvat",
            "ivana@example.hr",
            "Krapinsko-zagorska županija",
            OrganisationType.region,
            "HR",
            "Krapinsko-zagorska",
        ),
    ]
    assert romanian == [
        (
            "Ioana Popescu",
            "ioana@example.ro",
            "Primăria Cluj-Napoca",
            OrganisationType.city,
            "RO",
            "Cluj",
        ),
    ]


def test_headers_are_recognised_whatever_their_case_accents_and_spacing(
    db: Database, make_event: EventFactory
) -> None:
    # "  PRÉNOM ", "nom de  famille", "E-MAIL", "TIPO   DI ORGANIZZAZIONE", "città"
    _result, rows = run_import(db, make_event, "mixed_spelling.csv")

    assert rows == [
        (
            "Giulia Bianchi",
            "giulia@example.it",
            "Comune di Torino",
            OrganisationType.city,
            "IT",
            "Torino",
        ),
    ]


def test_xlsx_exports_are_imported_from_their_first_sheet(
    db: Database, make_event: EventFactory
) -> None:
    result, german = run_import(db, make_event, "german.xlsx")
    _result, portuguese = run_import(db, make_event, "portuguese.xlsx")

    assert result.delimiter == ","
    assert german == [
        (
            "Jürgen Weiß",
            "juergen.weiss@example.de",
            "Stadt Leipzig",
            OrganisationType.city,
            "DE",
            "Leipzig",
        ),
        (
            "Petra Klein",
            "petra.klein@example.at",
            "Land Steiermark",
            OrganisationType.region,
            "AT",
            "Graz",
        ),
    ]
    assert portuguese == [  # the blank row is skipped; a number is written as typed
        (
            "Joana Silva",
            "joana@example.pt",
            "Câmara Municipal do Porto",
            OrganisationType.city,
            "PT",
            "Porto",
        ),
        (
            "Rui Costa",
            "rui@example.pt",
            "Universidade de Coimbra",
            OrganisationType.university,
            "PT",
            "3000",
        ),
    ]


def test_unknown_headers_are_named_in_a_clear_message(
    db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    with db.session() as session, pytest.raises(InvalidInput) as caught:
        importing.import_registrations(
            session, stored_event(session, event), (DATA / "unknown_headers.csv").read_bytes()
        )

    assert caught.value.field == "file"
    assert caught.value.message == (
        "The file has no e-mail column: name it 'E-mail' ('E-Mail', 'Courriel', "
        "'Correo electrónico' and the like are recognised too). "
        "Columns found: 'Full name', 'Mail address', 'Org', 'Ticket'."
    )
    assert count_registrations(db, event) == 0


def test_a_file_that_looks_like_xlsx_but_is_not_is_refused(
    db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    with db.session() as session, pytest.raises(InvalidInput) as caught:
        importing.import_registrations(session, stored_event(session, event), b"PK\x03\x04 broken")

    assert "XLSX" in caught.value.message


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_read(
    db: Database, make_event: EventFactory
) -> None:
    data = io.BytesIO()
    openpyxl.Workbook().save(data)
    with zipfile.ZipFile(data, "a", zipfile.ZIP_DEFLATED) as archive:  # a "bomb" member
        archive.writestr("xl/padding.xml", b"\0" * (importing.MAX_UNPACKED_BYTES + 1))
    assert len(data.getvalue()) < importing.MAX_BYTES  # small on disk
    event = make_event()
    with db.session() as session, pytest.raises(InvalidInput) as caught:
        importing.import_registrations(session, stored_event(session, event), data.getvalue())

    assert caught.value.message.startswith(
        "The workbook unpacks to 40 MB; workbooks of at most 40 MB"
    )
    assert caught.value.field == "file"
    assert count_registrations(db, event) == 0


def test_an_empty_workbook_is_refused(db: Database, make_event: EventFactory) -> None:
    data = io.BytesIO()
    openpyxl.Workbook().save(data)
    event = make_event()
    with db.session() as session, pytest.raises(InvalidInput) as caught:
        importing.import_registrations(session, stored_event(session, event), data.getvalue())

    assert caught.value.message == "The file is empty."


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Vorname", "first_name"),
        ("Nachname", "last_name"),
        ("E-Mail", "email"),
        ("Prénom", "first_name"),
        ("Nom", "last_name"),
        ("Courriel", "email"),
        ("Adresse électronique", "email"),
        ("Apellidos", "last_name"),
        ("Correo electrónico", "email"),
        ("Cognome", "last_name"),
        ("Indirizzo e-mail", "email"),
        ("Apelido", "last_name"),
        ("Endereço de correio eletrónico", "email"),
        ("Prezime", "last_name"),
        ("E-pošta", "email"),
        ("Prenume", "first_name"),
        ("Adresă de e-mail", "email"),
        ("Organisation", "organisation"),
        ("Organización", "organisation"),
        ("Organizație", "organisation"),
        ("Art der Organisation", "organisation_type"),
        ("Type d'organisation", "organisation_type"),
        ("Vrsta organizacije", "organisation_type"),
        ("Land", "country"),
        ("Pays", "country"),
        ("Țară", "country"),
        ("Država", "country"),
    ],
)
def test_usual_headers_of_the_eight_languages(header: str, field: str) -> None:
    assert importing.COLUMN_ALIASES[field].count(importing._header_key(header)) == 1
