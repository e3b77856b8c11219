"""CSV or XLSX import of registrations from another tool: every row checked, all or nothing.

A file with any bad row is refused with a report of each problem (line number, column,
message) and nothing is stored. A good file is imported in one transaction, in file order:
seats while there are some, then the waiting list.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from agora.core.db import utcnow
from agora.core.errors import InvalidInput
from agora.core.i18n import _, ngettext
from agora.events.models import Event
from agora.registrations import services
from agora.registrations.countries import country_code_in_any_language, fold
from agora.registrations.details import Details, InvalidDetails, clean_details
from agora.registrations.models import Registration, RegistrationStatus

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000
#: Problems listed in a report; a file with more says how many were left out.
MAX_REPORTED = 1000
DELIMITERS = ",;\t"

#: Header names each field is recognised by, after folding case, accents and punctuation:
#: the headers of registration exports in Agora's eight languages (en, de, fr, es, it, pt,
#: hr, ro). A lone first-name or last-name column stands for the whole name ("Nombre" in a
#: Spanish file, "Nom" in a French one, "Nome" in a Portuguese one): see ``Columns.value``.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "full name",
        "participant",
        "participant name",
        "attendee",
        "attendee name",
        # de
        "vollstandiger name",
        "vor und nachname",
        "teilnehmer",
        "teilnehmerin",
        "teilnehmende",
        # fr
        "nom complet",
        "nom et prenom",
        "prenom et nom",
        "nom prenom",
        "prenom nom",
        # es
        "nombre completo",
        "nombre y apellidos",
        "nombre y apellido",
        "participante",
        # it
        "nome e cognome",
        "cognome e nome",
        "nome completo",
        "partecipante",
        # pt
        "nome completo",
        "nome e apelido",
        # hr
        "ime i prezime",
        "prezime i ime",
        "puno ime",
        "sudionik",
        "sudionica",
        # ro
        "nume si prenume",
        "prenume si nume",
        "nume complet",
    ),
    "first_name": (
        "first name",
        "firstname",
        "given name",
        "forename",
        "vorname",
        "prenom",
        "nombre",
        "nome",
        "primeiro nome",
        "nome proprio",
        "ime",
        "prenume",
    ),
    "last_name": (
        "last name",
        "lastname",
        "surname",
        "family name",
        "nachname",
        "familienname",
        "nom",
        "nom de famille",
        "apellido",
        "apellidos",
        "cognome",
        "apelido",
        "apelidos",
        "sobrenome",
        "ultimo nome",
        "prezime",
        "nume",
        "nume de familie",
    ),
    "email": (
        "email",
        "e mail",
        "email address",
        "e mail address",
        "mail",
        "e mail adresse",
        "email adresse",
        "mailadresse",
        "courriel",
        "adresse electronique",
        "adresse courriel",
        "adresse e mail",
        "adresse mail",
        "mel",
        "correo",
        "correo electronico",
        "direccion de correo",
        "direccion de correo electronico",
        "direccion de email",
        "indirizzo e mail",
        "indirizzo email",
        "posta elettronica",
        "correio eletronico",
        "correio electronico",
        "endereco de e mail",
        "endereco de email",
        "endereco de correio eletronico",
        "e posta",
        "adresa e poste",
        "adresa e mail",
        "adresa de e mail",
        "adresa de email",
    ),
    "organisation": (
        "organisation",
        "organization",
        "organisation name",
        "organization name",
        "institution",
        "affiliation",
        "company",
        "einrichtung",
        "behorde",
        "firma",
        "unternehmen",
        "organisme",
        "structure",
        "entreprise",
        "societe",
        "organizacion",
        "organismo",
        "entidad",
        "institucion",
        "empresa",
        "organizzazione",
        "ente",
        "istituzione",
        "azienda",
        "organizacao",
        "entidade",
        "instituicao",
        "organizacija",
        "institucija",
        "ustanova",
        "tvrtka",
        "organizatie",
        "institutie",
        "companie",
    ),
    "organisation_type": (
        "organisation type",
        "organization type",
        "type of organisation",
        "type of organization",
        "kind of organisation",
        "kind of organization",
        "org type",
        "type",
        "category",
        "organisationstyp",
        "organisationsart",
        "art der organisation",
        "typ der organisation",
        "art der einrichtung",
        "typ",
        "kategorie",
        "type d organisation",
        "type d organisme",
        "type de structure",
        "categorie",
        "tipo de organizacion",
        "tipo de entidad",
        "tipo di organizzazione",
        "tipo di ente",
        "categoria",
        "tipo de organizacao",
        "tipo de entidade",
        "tipo",
        "vrsta organizacije",
        "tip organizacije",
        "vrsta ustanove",
        "kategorija",
        "tip de organizatie",
        "tipul organizatiei",
        "tip",
    ),
    "country": (
        "country",
        "country code",
        "country iso code",
        "land",
        "staat",
        "pays",
        "pais",
        "paese",
        "nazione",
        "stato",
        "drzava",
        "zemlja",
        "tara",
    ),
    "place": (
        "region",
        "city",
        "place",
        "region or city",
        "city or region",
        "region city",
        "city region",
        "town",
        "municipality",
        "location",
        "stadt",
        "ort",
        "gemeinde",
        "bundesland",
        "ville",
        "commune",
        "localite",
        "ciudad",
        "municipio",
        "localidad",
        "regione",
        "citta",
        "comune",
        "localita",
        "cidade",
        "localidade",
        "regiao",
        "regija",
        "grad",
        "opcina",
        "zupanija",
        "mjesto",
        "regiune",
        "oras",
        "localitate",
        "judet",
        "municipiu",
    ),
}
_FIELD_OF_HEADER = {alias: name for name, aliases in COLUMN_ALIASES.items() for alias in aliases}
#: Fields that several columns may fill together (a "City" and a "Region" column).
_MULTI = frozenset({"place"})


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with a file: the line it starts on, the column, and what is wrong."""

    line: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        """Return the problem as JSON-ready data."""
        return {"line": self.line, "column": self.column, "message": self.message}


class ImportRejected(InvalidInput):
    """A file with bad rows: ``problems`` says what is wrong where; nothing was imported."""

    def __init__(self, problems: list[RowProblem], bad_rows: int) -> None:
        super().__init__(
            ngettext(
                "{n} row has problems; nothing was imported.",
                "{n} rows have problems; nothing was imported.",
                bad_rows,
            ).format(n=bad_rows),
            field="file",
        )
        self.problems = problems[:MAX_REPORTED]
        self.total_problems = len(problems)
        self.bad_rows = bad_rows

    def to_dict(self) -> dict[str, Any]:
        """Return the API error body with the report of each problem under ``problems``."""
        return {
            **super().to_dict(),
            "bad_rows": self.bad_rows,
            "total_problems": self.total_problems,
            "problems": [p.as_dict() for p in self.problems],
        }


@dataclass(frozen=True)
class Columns:
    """Which column of the file holds which field, and which columns were not used."""

    by_field: dict[str, list[int]]
    headers: list[str]
    ignored: list[str] = field(default_factory=list)

    def label(self, name: str) -> str:
        """Return the file's own header text for a field, to name it in the report."""
        if name == "name" and "name" not in self.by_field:
            name_columns = self.by_field.get("first_name", []) + self.by_field.get("last_name", [])
            return " + ".join(self.headers[i] for i in name_columns)
        return " + ".join(self.headers[i] for i in self.by_field.get(name, [])) or name

    def value(self, row: list[str], name: str) -> str:
        """Return the field's text in ``row`` (several place columns joined by commas)."""
        parts = [row[i].strip() for i in self.by_field.get(name, []) if i < len(row)]
        return ", ".join(dict.fromkeys(p for p in parts if p))


@dataclass(frozen=True)
class ImportResult:
    """What a successful import stored."""

    imported: int
    registered: int
    waitlisted: int
    delimiter: str
    ignored_columns: list[str]


def _header_key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())


#: How an XLSX file (a ZIP archive) begins.
_ZIP_MAGIC = b"PK\x03\x04"
#: The most an XLSX workbook may unpack to (10,000 rows of 12 columns: 1.6 MB, 7 MB
#: unpacked; a ZIP "bomb" of a few KB could unpack to gigabytes in memory).
MAX_UNPACKED_BYTES = 40 * 1024 * 1024


def _cell_text(value: object) -> str:
    """Return a spreadsheet cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def _xlsx_text(data: bytes) -> str:
    """Return the first sheet of an XLSX workbook as CSV text (values, not formulas)."""
    import openpyxl  # type: ignore[import-untyped]  # only when a workbook is imported

    unreadable = InvalidInput(
        _("The file cannot be read as an XLSX workbook; save it as XLSX or CSV UTF-8."),
        field="file",
    )
    try:
        # Reading a member stops at its declared size: the sum bounds what is unpacked.
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (OSError, ValueError, zipfile.BadZipFile):
        raise unreadable from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise InvalidInput(
            _(
                "The workbook unpacks to {size:.0f} MB; workbooks of at most {limit} MB "
                "unpacked can be imported. Save it as CSV UTF-8, or import it in parts."
            ).format(size=unpacked / 1024 / 1024, limit=MAX_UNPACKED_BYTES // 1024 // 1024),
            field="file",
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        raise unreadable from None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    try:
        sheet = workbook.worksheets[0]
        for count, row in enumerate(sheet.iter_rows(values_only=True)):
            if count > MAX_ROWS + 1:
                break  # parse() says the file has too many rows
            writer.writerow([_cell_text(value) for value in row])
    finally:
        workbook.close()
    return out.getvalue()


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            _("The file is {size:.1f} MB; files of at most 2 MB can be imported.").format(
                size=len(data) / 1024 / 1024
            ),
            field="file",
        )
    if data.startswith(_ZIP_MAGIC):
        text = _xlsx_text(data)
        if not text.strip():
            raise InvalidInput(_("The file is empty."), field="file")
        return text
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInput(
            _(
                "The file is not UTF-8 text (line {line}); save it from the spreadsheet "
                "as 'CSV UTF-8'."
            ).format(line=line),
            field="file",
        ) from None
    if not text.strip():
        raise InvalidInput(_("The file is empty."), field="file")
    return text


def _field_words() -> dict[str, str]:
    return {
        "name": _("the name"),
        "first_name": _("the first name"),
        "last_name": _("the last name"),
        "email": _("the e-mail address"),
        "organisation": _("the organisation"),
        "organisation_type": _("the organisation type"),
        "country": _("the country"),
    }


def _columns(headers: list[str], line: int) -> Columns:
    by_field: dict[str, list[int]] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        name = _FIELD_OF_HEADER.get(_header_key(header))
        if name is None:
            if header.strip():
                ignored.append(header.strip())
            continue
        if name in by_field and name not in _MULTI:
            first = headers[by_field[name][0]]
            raise InvalidInput(
                _("Line {line}: the columns '{a}' and '{b}' both mean {field}; keep one.").format(
                    line=line, a=first.strip(), b=header.strip(), field=_field_words()[name]
                ),
                field="file",
            )
        by_field.setdefault(name, []).append(index)
    return Columns(by_field, [h.strip() for h in headers], ignored)


def _check_required(columns: Columns) -> None:
    found = ", ".join(f"'{h}'" for h in columns.headers if h) or _("none")
    has_name = any(name in columns.by_field for name in ("name", "first_name", "last_name"))
    if not has_name:
        raise InvalidInput(
            _(
                "The file has no name column: name it 'Name' (or give 'First name' and "
                "'Last name'). Headers in Agora's eight languages are recognised, such as "
                "'Vorname' and 'Nachname' or 'Prénom' and 'Nom'. Columns found: {found}."
            ).format(found=found),
            field="file",
        )
    if "email" not in columns.by_field:
        raise InvalidInput(
            _(
                "The file has no e-mail column: name it 'E-mail' ('E-Mail', 'Courriel', "
                "'Correo electrónico' and the like are recognised too). Columns found: {found}."
            ).format(found=found),
            field="file",
        )


def _sep_line(text: str) -> str | None:
    """Return the delimiter named by Excel's ``sep=;`` first line, if the file has one."""
    first = text.split("\n", 1)[0].strip()
    if len(first) == 5 and first.lower().startswith("sep=") and first[4] in DELIMITERS:
        return first[4]
    return None


def _delimiter(text: str) -> str:
    """Guess the delimiter: a ``sep=`` line, else the sniffer, checked against the header."""
    named = _sep_line(text)
    if named is not None:
        return named
    lines = [line for line in text.splitlines() if line.strip()]
    first_line = lines[0].strip()
    sample = "\n".join(lines[:20])
    candidates: list[str] = []
    # the sniffer gives up on one column or too little text: each delimiter is tried below
    with contextlib.suppress(csv.Error):
        candidates.append(csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter)
    candidates.extend(DELIMITERS)
    for delimiter in candidates:
        header = next(csv.reader([first_line], delimiter=delimiter), [])
        if any(_header_key(h) in _FIELD_OF_HEADER for h in header) and len(header) > 1:
            return delimiter
    return candidates[0]


@dataclass
class _Row:
    """A data row: the line it starts on and its details, None when the row has problems."""

    line: int
    details: Details | None


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (line the record starts on, fields) for every non-blank record."""
    stream = io.StringIO(text, newline="")
    if _sep_line(text) is not None:
        stream.readline()
        skipped = 1
    else:
        skipped = 0
    reader = csv.reader(stream, delimiter=delimiter, strict=True)
    previous_end = skipped
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InvalidInput(
                _("Line {line}: the file cannot be read as CSV ({reason}).").format(
                    line=reader.line_num + skipped, reason=exc
                ),
                field="file",
            ) from None
        start = previous_end + 1
        previous_end = reader.line_num + skipped
        if any(value.strip() for value in record):
            yield start, record


def _country(value: str) -> str:
    """Return a country's code when any of Agora's languages names it, else the text as is."""
    if not value.strip():
        return value
    return country_code_in_any_language(value) or value


def parse(text: str) -> tuple[Columns, str, list[_Row], list[RowProblem]]:
    """Read and check every row of a CSV text, without touching the database."""
    delimiter = _delimiter(text)
    records = _records(text, delimiter)
    first = next(records, None)
    if first is None:
        raise InvalidInput(_("The file is empty."), field="file")
    columns = _columns(first[1], first[0])
    _check_required(columns)
    rows: list[_Row] = []
    problems: list[RowProblem] = []
    for line, record in records:
        if len(rows) == MAX_ROWS:
            raise InvalidInput(
                _("The file has more than {n} rows; split it into several files.").format(
                    n=f"{MAX_ROWS:,}"
                ),
                field="file",
            )
        extra = [v for v in record[len(columns.headers) :] if v.strip()]
        if extra:
            problems.append(
                RowProblem(
                    line,
                    "",
                    _("This row has {n} values but the header has {m} columns.").format(
                        n=len(record), m=len(columns.headers)
                    ),
                )
            )
            rows.append(_Row(line, None))
            continue
        name = columns.value(record, "name") or " ".join(
            v
            for v in (columns.value(record, "first_name"), columns.value(record, "last_name"))
            if v
        )
        try:
            details = clean_details(
                name=name,
                email=columns.value(record, "email"),
                organisation=columns.value(record, "organisation"),
                organisation_type=columns.value(record, "organisation_type"),
                country=_country(columns.value(record, "country")),
                place=columns.value(record, "place"),
            )
        except InvalidDetails as exc:
            problems.extend(
                RowProblem(line, columns.label(p.field), p.message) for p in exc.problems
            )
            rows.append(_Row(line, None))
            continue
        rows.append(_Row(line, details))
    if not rows:
        raise InvalidInput(_("The file has a header but no registrations."), field="file")
    return columns, delimiter, rows, problems


def _duplicates(
    session: Session, event: Event, rows: list[_Row], columns: Columns
) -> list[RowProblem]:
    existing = {
        email: status
        for email, status in session.execute(
            select(Registration.email, Registration.status).where(
                Registration.event_id == event.id, Registration.email.is_not(None)
            )
        )
    }
    label = columns.label("email")
    first_line: dict[str, int] = {}
    problems: list[RowProblem] = []
    for row in rows:
        if row.details is None or row.details.email is None:
            continue
        email = row.details.email
        if email in first_line:
            message = _("{email} is also on line {line}.").format(
                email=email, line=first_line[email]
            )
            problems.append(RowProblem(row.line, label, message))
        elif email in existing:
            if existing[email] is RegistrationStatus.cancelled:
                message = _("{email} was registered for this event and cancelled.")
            else:
                message = _("{email} is already registered for this event.")
            problems.append(RowProblem(row.line, label, message.format(email=email)))
        first_line.setdefault(email, row.line)
    return problems


def import_registrations(session: Session, event: Event, data: bytes) -> ImportResult:
    """Import a CSV or XLSX file of registrations into ``event``, or raise with every bad row."""
    columns, delimiter, rows, problems = parse(_decode(data))
    services.lock_event(session, event.id)
    problems.extend(_duplicates(session, event, rows, columns))
    if problems:
        problems.sort(key=lambda p: p.line)
        raise ImportRejected(problems, bad_rows=len({p.line for p in problems}))
    services.promote_waitlisted(session, event)  # people already waiting keep their place
    free = (
        None
        if event.capacity is None
        else max(0, event.capacity - services.seats_taken(session, event.id))
    )
    values = []
    registered = 0
    for row in rows:
        assert row.details is not None  # rows with problems stopped the import above
        has_seat = free is None or registered < free
        registered += has_seat
        values.append(
            {
                "event_id": event.id,
                "name": row.details.name,
                "email": row.details.email,
                "organisation": row.details.organisation,
                "organisation_type": row.details.organisation_type,
                "country": row.details.country,
                "place": row.details.place,
                "status": RegistrationStatus.registered
                if has_seat
                else RegistrationStatus.waitlisted,
                "walk_in": False,
                "source": "import",
                "token": services.new_token(),
                "created_at": utcnow(),
            }
        )
    session.execute(insert(Registration), values)
    return ImportResult(
        imported=len(values),
        registered=registered,
        waitlisted=len(values) - registered,
        delimiter=delimiter,
        ignored_columns=columns.ignored,
    )
