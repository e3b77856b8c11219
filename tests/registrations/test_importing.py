"""CSV import: good files of every common shape, and bad files refused whole with a row report."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.core.errors import InvalidInput
from agora.events.models import Event
from agora.registrations import importing, services
from agora.registrations.models import OrganisationType, RegistrationStatus
from tests.conftest import EventFactory
from tests.registrations.conftest import (
    PersonFactory,
    count_registrations,
    csv_file,
    stored_event,
    stored_registrations,
)

HEADER = "Name,E-mail,Organisation,Organisation type,Country,Region or city"


def run_import(db: Database, event: Event, data: bytes) -> importing.ImportResult:
    """Import ``data`` into ``event`` in its own transaction, as the routes do."""
    with db.session() as session:
        return importing.import_registrations(session, stored_event(session, event), data)


def rejected(db: Database, event: Event, data: bytes) -> list[tuple[int, str, str]]:
    """Return the (line, column, message) report of a refused file."""
    with pytest.raises(importing.ImportRejected) as caught:
        run_import(db, event, data)
    return [(p.line, p.column, p.message) for p in caught.value.problems]


def refused(db: Database, event: Event, data: bytes) -> str:
    """Return the message of a file refused as a whole."""
    with pytest.raises(InvalidInput) as caught:
        run_import(db, event, data)
    assert not isinstance(caught.value, importing.ImportRejected)
    assert caught.value.field == "file"
    return caught.value.message


# -- good files ----------------------------------------------------------------------------


def test_comma_file_imports_every_field_of_every_row(
    db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    data = csv_file(
        HEADER,
        "Anna Schmidt,Anna.Schmidt@Hamburg.de,Hamburg,city,DE,Hamburg",
        'Ivana Horvat,ivana@kzz.hr,"Krapina-Zagorje County, Croatia",region,HR,Krapina',
    )

    result = run_import(db, event, data)

    assert (result.imported, result.registered, result.waitlisted) == (2, 2, 0)
    assert result.delimiter == ","
    anna, ivana = stored_registrations(db, event)
    assert (anna.name, anna.email, anna.organisation_type, anna.country, anna.place) == (
        "Anna Schmidt",
        "anna.schmidt@hamburg.de",
        OrganisationType.city,
        "DE",
        "Hamburg",
    )
    assert ivana.organisation == "Krapina-Zagorje County, Croatia"
    assert {r.source for r in (anna, ivana)} == {"import"}
    assert anna.token != ivana.token


def test_semicolon_file_from_a_european_spreadsheet_with_bom_and_crlf(
    db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    data = csv_file(
        "Name;E-Mail;Organisation;Country",
        "José Pérez;jose@murcia.es;Región de Murcia, Consejería;ES",
        "Jörg Weiß;joerg@hamburg.de;Behörde für Wirtschaft;DE",
        bom=True,
        newline="\r\n",
    )

    result = run_import(db, event, data)

    assert (result.imported, result.delimiter) == (2, ";")
    assert [r.name for r in stored_registrations(db, event)] == ["José Pérez", "Jörg Weiß"]
    assert stored_registrations(db, event)[0].organisation == "Región de Murcia, Consejería"


def test_tab_separated_file_and_excel_sep_line(db: Database, make_event: EventFactory) -> None:
    event = make_event()
    assert run_import(db, event, csv_file("Name\tEmail", "Ana\tana@example.org")).delimiter == "\t"
    with_sep_line = csv_file("sep=;", "Name;Email", "Ben;ben@example.org")
    assert run_import(db, event, with_sep_line).imported == 1
    assert count_registrations(db, event) == 2


def test_header_aliases_are_recognised_and_unknown_columns_ignored(
    db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    data = csv_file(
        "First Name,Last Name,E-mail address,ORGANIZATION,Type of organization,Country code,"
        "City,Region,Ticket type",
        "Maria,Rossi,maria@genova.it,Comune di Genova,Municipality,it,Genova,Liguria,Standard",
        "Li,Wei,li@example.cn,Guangzhou Institute,Academia,China,,Guangdong,Standard",
    )

    result = run_import(db, event, data)

    assert result.ignored_columns == ["Ticket type"]
    maria, li = stored_registrations(db, event)
    assert (maria.name, maria.organisation, maria.organisation_type) == (
        "Maria Rossi",
        "Comune di Genova",
        OrganisationType.city,
    )
    assert (maria.country, maria.place) == ("IT", "Genova, Liguria")
    assert (li.country, li.place, li.organisation_type) == (
        "CN",
        "Guangdong",
        OrganisationType.university,
    )


def test_quoted_fields_may_hold_delimiters_quotes_and_line_breaks(
    db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    data = csv_file(
        "Name,Email,Organisation",
        '"Horvat, Ivana",ivana@kzz.hr,"Zagorje ""Health""',
        'Hub"',
        "",
        ",,",
        "Ana,ana@example.org,",
    )

    assert run_import(db, event, data).imported == 2  # blank and empty rows are skipped
    ivana = stored_registrations(db, event)[0]
    assert (ivana.name, ivana.organisation) == ("Horvat, Ivana", 'Zagorje "Health" Hub')


def test_rows_beyond_capacity_join_the_waiting_list_in_file_order(
    session: Session, db: Database, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event(capacity=3)
    person(event, "Already Here")
    session.commit()
    data = csv_file("Name,Email", *(f"Person {i},p{i}@example.org" for i in range(5)))

    result = run_import(db, event, data)

    assert (result.imported, result.registered, result.waitlisted) == (5, 2, 3)
    stored = stored_registrations(db, event)
    assert [(r.name, r.status) for r in stored[1:]] == [
        ("Person 0", RegistrationStatus.registered),
        ("Person 1", RegistrationStatus.registered),
        ("Person 2", RegistrationStatus.waitlisted),
        ("Person 3", RegistrationStatus.waitlisted),
        ("Person 4", RegistrationStatus.waitlisted),
    ]
    with db.session() as session:
        first_waiting = services.get_registration(session, stored[3].id)
        assert services.waitlist_position(session, first_waiting) == 1
        services.cancel(session, services.get_registration(session, stored[1].id))
        assert first_waiting.status is RegistrationStatus.registered  # FIFO, in file order


def test_import_works_while_the_public_form_is_closed(
    db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    with db.session() as session:
        services.set_registration_open(session, stored_event(session, event), False)

    assert run_import(db, event, csv_file("Name,Email", "Ana,ana@example.org")).imported == 1


# -- bad rows: reported with line numbers, nothing imported ---------------------------------


def test_each_kind_of_bad_row_is_reported_and_nothing_is_imported(
    db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    data = csv_file(
        HEADER,
        "Good Person,good@example.org,Hamburg,city,DE,Hamburg",
        ",noname@example.org,,,,",
        "No Mail,,,,,",
        "Bad Mail,bad-mail,,,,",
        "Bad Type,type@example.org,,town hall,,",
        "Bad Country,country@example.org,,,Atlantis,",
        f"Long Place,place@example.org,,,,{'x' * 201}",
        "Too Many,many@example.org,,,,,surprise",
    )

    report = rejected(db, event, data)

    assert report == [
        (3, "Name", "Please give the name."),
        (4, "E-mail", "Please give the e-mail address."),
        (5, "E-mail", "'bad-mail' is not an e-mail address."),
        (
            6,
            "Organisation type",
            "'town hall' is not an organisation type; use one of: city, region, network, ngo, "
            "company, university, other.",
        ),
        (
            7,
            "Country",
            "'Atlantis' is not a country; give its two-letter ISO code (such as DE, FR or HR) "
            "or its English name.",
        ),
        (8, "Region or city", "The region or city is longer than 200 characters."),
        (9, "", "This row has 7 values but the header has 6 columns."),
    ]
    assert count_registrations(db) == 0


def test_line_numbers_count_the_header_blank_lines_and_multi_line_fields(
    db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    data = csv_file(
        "Name,Email,Organisation",  # line 1
        'Ana,ana@example.org,"Two',  # line 2
        'lines"',  # line 3
        "",  # line 4
        "Ben,not-an-address,",  # line 5
        'Cem,cem@example.org,"Three',  # line 6
        "long",  # line 7
        'lines"',  # line 8
        ",dan@example.org,",  # line 9
    )

    report = rejected(db, event, data)

    assert [(line, column) for line, column, _message in report] == [(5, "Email"), (9, "Name")]
    assert count_registrations(db) == 0


def test_a_row_with_several_bad_fields_reports_each_one(
    db: Database, make_event: EventFactory
) -> None:
    event = make_event()

    report = rejected(db, event, csv_file("Name,Email,Country", ",x,Narnia"))

    assert [(line, column) for line, column, _message in report] == [
        (2, "Name"),
        (2, "Email"),
        (2, "Country"),
    ]


def test_duplicates_in_the_file_and_of_existing_registrations_are_errors(
    session: Session, db: Database, make_event: EventFactory, person: PersonFactory
) -> None:
    event = make_event()
    person(event, "Ana", "ana@example.org")
    cancelled = person(event, "Ben", "ben@example.org")
    services.cancel(session, cancelled)
    session.commit()
    data = csv_file(
        "Name,Email",
        "Cem,cem@example.org",
        "Ana,ANA@example.org",
        "Cem again,cem@example.org",
        "Ben,ben@example.org",
    )

    report = rejected(db, event, data)

    assert report == [
        (3, "Email", "ana@example.org is already registered for this event."),
        (4, "Email", "cem@example.org is also on line 2."),
        (5, "Email", "ben@example.org was registered for this event and cancelled."),
    ]
    assert count_registrations(db, event) == 2


def test_report_message_counts_the_bad_rows(db: Database, make_event: EventFactory) -> None:
    event = make_event()
    with pytest.raises(importing.ImportRejected) as caught:
        run_import(db, event, csv_file("Name,Email", ",a", ",b", "Ok,ok@example.org"))

    assert caught.value.message == "2 rows have problems; nothing was imported."
    assert caught.value.to_dict()["problems"][0] == {
        "line": 2,
        "column": "Name",
        "message": "Please give the name.",
    }


def test_a_very_bad_file_lists_the_first_thousand_problems(
    db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    with pytest.raises(importing.ImportRejected) as caught:
        run_import(db, event, csv_file("Name,Email", *([",bad"] * 600)))

    assert caught.value.bad_rows == 600
    assert caught.value.total_problems == 1200
    assert len(caught.value.problems) == importing.MAX_REPORTED


# -- bad files: refused as a whole ---------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"  \n\n \r\n"])
def test_empty_file_is_refused(db: Database, make_event: EventFactory, data: bytes) -> None:
    assert refused(db, make_event(), data) == "The file is empty."


def test_header_without_rows_is_refused(db: Database, make_event: EventFactory) -> None:
    assert refused(db, make_event(), csv_file("Name,Email")) == (
        "The file has a header but no registrations."
    )


def test_missing_name_or_email_column_is_refused_naming_the_columns_found(
    db: Database, make_event: EventFactory
) -> None:
    event = make_event()

    assert refused(db, event, csv_file("Email,Organisation", "a@example.org,X")) == (
        "The file has no name column: name it 'Name' (or give 'First name' and 'Last name'). "
        "Headers in Agora's eight languages are recognised, such as 'Vorname' and 'Nachname' "
        "or 'Prénom' and 'Nom'. Columns found: 'Email', 'Organisation'."
    )
    assert refused(db, event, csv_file("Name;Organisation", "Ana;X")) == (
        "The file has no e-mail column: name it 'E-mail' ('E-Mail', 'Courriel', "
        "'Correo electrónico' and the like are recognised too). "
        "Columns found: 'Name', 'Organisation'."
    )
    assert count_registrations(db) == 0


def test_two_columns_for_the_same_field_are_refused(db: Database, make_event: EventFactory) -> None:
    assert refused(
        db, make_event(), csv_file("Name,Email,E-mail", "Ana,a@example.org,b@x.org")
    ) == ("Line 1: the columns 'Email' and 'E-mail' both mean the e-mail address; keep one.")


def test_file_larger_than_2_mb_is_refused(db: Database, make_event: EventFactory) -> None:
    data = csv_file(
        "Name,Email,Organisation", *[f"P{i},p{i}@example.org,{'x' * 250}" for i in range(8000)]
    )
    assert len(data) > importing.MAX_BYTES

    assert refused(db, make_event(), data) == (
        f"The file is {len(data) / 1024 / 1024:.1f} MB; files of at most 2 MB can be imported."
    )


def test_more_than_10000_rows_are_refused(db: Database, make_event: EventFactory) -> None:
    data = csv_file("Name,Email", *(f"P{i},p{i}@example.org" for i in range(10_001)))

    assert refused(db, make_event(), data) == (
        "The file has more than 10,000 rows; split it into several files."
    )
    assert count_registrations(db) == 0


def test_10000_rows_are_imported(db: Database, make_event: EventFactory) -> None:
    data = csv_file("Name,Email", *(f"P{i},p{i}@example.org" for i in range(10_000)))

    assert run_import(db, make_event(capacity=144), data).waitlisted == 10_000 - 144


def test_file_that_is_not_utf8_is_refused_with_the_line(
    db: Database, make_event: EventFactory
) -> None:
    data = "Name;Email\nAna;ana@example.org\nJörg;joerg@example.org\n".encode("latin-1")

    assert refused(db, make_event(), data) == (
        "The file is not UTF-8 text (line 3); save it from the spreadsheet as 'CSV UTF-8'."
    )


def test_unbalanced_quotes_are_refused_with_the_line(
    db: Database, make_event: EventFactory
) -> None:
    data = csv_file("Name,Email", "Ana,ana@example.org", '"Ben" Smith,ben@example.org')

    assert refused(db, make_event(), data).startswith("Line 3: the file cannot be read as CSV")


def test_the_example_in_the_documentation_imports(db: Database, make_event: EventFactory) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "registrations.md").read_text()
    example = docs.split("```csv\n", 1)[1].split("```", 1)[0]

    event = make_event()

    result = run_import(db, event, example.encode())

    assert (result.imported, result.delimiter) == (3, ";")
    assert [(r.country, r.organisation) for r in stored_registrations(db, event)] == [
        ("DE", "Free and Hanseatic City of Hamburg"),
        ("HR", "Krapina-Zagorje County; Health Hub"),
        ("ES", "Región de Murcia"),
    ]
