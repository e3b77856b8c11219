"""Import and export of actors and cooperations: JSON, CSV, and Wikidata's sister cities.

An import is all or nothing: every record is checked first (its values, the keys and
topics it names), every problem is reported with its line and path
(``line 12: cooperations[3].actors[1].country: …``), and nothing is written while any
record is refused. Exports are deterministic (actors keyed ``A1``, ``A2``… in name order),
so exporting, importing into an empty knowledge base and exporting again gives the same
file. ``docs/knowledge-base.md`` documents the columns and fields.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from agora.core.errors import InvalidInput
from agora.core.i18n import _, ngettext
from agora.events.models import Event
from agora.knowledge import services
from agora.knowledge.models import Actor, ActorKind, ActorMembership, Cooperation, Topic
from agora.knowledge.schemas import (
    ActivityIn,
    ActorFields,
    ActorIn,
    ActorRecord,
    CooperationFields,
    CooperationRecord,
    KnowledgeDocument,
    LessonIn,
    OutcomeIn,
    Participation,
    RecordMembership,
    RecordParticipation,
    RecordProvenance,
    problems,
)
from agora.knowledge.topics import ensure_topics

Format = Literal["json", "csv", "wikidata"]
#: The most problems an import reports (the count says how many there were).
MAX_REPORTED = 200
#: The largest file an import reads.
MAX_BYTES = 20_000_000

ACTOR_COLUMNS = (
    "key", "kind", "name", "names", "country", "subdivision", "place_code", "geonames_id",
    "nuts", "wikidata", "latitude", "longitude", "population", "timezone", "world_area",
    "website", "description", "provenance", "memberships",
)  # fmt: skip
COOPERATION_COLUMNS = (
    "title", "programme", "started_on", "ended_on", "summary", "lead", "partners", "topics",
    "activities", "outcomes", "lessons", "source", "event", "speaker_name", "import_source",
)  # fmt: skip
#: Cells holding lists of plain values separate them with this.
SEPARATOR = ";"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an import: its line (None when the file has none), path, message."""

    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.path}: {self.message}" if self.path else f"{where}{self.message}"

    def as_dict(self) -> dict[str, Any]:
        """Return the problem as JSON-ready data."""
        return {"line": self.line, "path": self.path, "message": self.message}


class ImportRefused(InvalidInput):
    """A file with problems: ``problems`` says what is wrong where; nothing was imported."""

    def __init__(self, found: list[Problem]) -> None:
        super().__init__(
            ngettext(
                "{n} problem in the file; nothing was imported.",
                "{n} problems in the file; nothing was imported.",
                len(found),
            ).format(n=len(found)),
            field="file",
        )
        self.problems = found[:MAX_REPORTED]
        self.total_problems = len(found)

    def to_dict(self) -> dict[str, Any]:
        """Return the API error body with each problem under ``problems``."""
        return {
            **super().to_dict(),
            "total_problems": self.total_problems,
            "problems": [p.as_dict() for p in self.problems],
        }


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do)."""

    actors_created: int = 0
    actors_found: int = 0
    cooperations_created: int = 0
    cooperations_skipped: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data."""
        return dict(self.__dict__)


@dataclass
class Parsed:
    """The records of a file with the line each starts on."""

    actors: list[tuple[int | None, dict[str, Any]]] = field(default_factory=list)
    cooperations: list[tuple[int | None, dict[str, Any]]] = field(default_factory=list)


# -- reading files -------------------------------------------------------------------------------


def element_lines(text: str) -> dict[str, list[int]]:
    """Return, for each top-level list of a JSON object, the line each element starts on."""
    lines: dict[str, list[int]] = {}
    depth, line, index, in_string, escape = 0, 1, 0, False, False
    key, last_string, current = "", "", ""
    start = 0
    while index < len(text):
        char = text[index]
        if in_string:
            if escape:
                escape = False
            elif char == "\\":
                escape = True
            elif char == '"':
                in_string = False
                last_string = text[start:index]
        elif char == '"':
            in_string, start = True, index + 1
        elif char == ":" and depth == 1:
            key = last_string
        elif char in "[{":
            if depth == 1 and char == "[":
                current = key
                lines.setdefault(current, [])
            elif depth == 2 and current:
                lines[current].append(line)
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 1:
                current = ""
        elif char == "\n":
            line += 1
        index += 1
    return lines


def _parse_json(raw: bytes) -> Parsed:
    try:
        text = raw.decode("utf-8-sig")
        data = json.loads(text)
    except UnicodeDecodeError:
        raise ImportRefused([Problem(None, "", _("The file is not UTF-8 text."))]) from None
    except json.JSONDecodeError as exc:
        message = _("The file is not valid JSON: {error}.").format(error=exc.msg)
        raise ImportRefused([Problem(exc.lineno, "", message)]) from None
    if not isinstance(data, dict):
        message = _("The file must hold one JSON object with 'actors' and 'cooperations'.")
        raise ImportRefused([Problem(1, "", message)])
    extra = sorted(set(data) - {"format", "version", "actors", "cooperations"})
    if extra or data.get("format", "agora-knowledge") != "agora-knowledge":
        message = _("The file must hold one JSON object with 'actors' and 'cooperations'.")
        raise ImportRefused([Problem(1, extra[0] if extra else "format", message)])
    lines = element_lines(text)
    parsed = Parsed()
    for name in ("actors", "cooperations"):
        items = data.get(name, [])
        if not isinstance(items, list):
            raise ImportRefused([Problem(1, name, _("Give a list."))])
        starts = lines.get(name, [])
        target = parsed.actors if name == "actors" else parsed.cooperations
        for index, item in enumerate(items):
            line = starts[index] if index < len(starts) else None
            target.append((line, item if isinstance(item, dict) else {"": item}))
    return parsed


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(SEPARATOR) if part.strip()]


def _json_cell(cell: str, line: int, path: str, found: list[Problem]) -> Any:
    if not cell.strip():
        return []
    try:
        return json.loads(cell)
    except json.JSONDecodeError:
        found.append(Problem(line, path, _("Give a JSON list, like the export writes.")))
        return []


def _unquote(cell: str) -> str:
    # an export puts a quote before text a spreadsheet would take for a formula
    if cell.startswith("'") and cell[1:2] in {"=", "+", "-", "@"}:
        return cell[1:]
    return cell


def _csv_rows(text: str) -> Iterable[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    line = reader.line_num + 1
    for row in reader:
        if header is None:
            header = [cell.strip().lower() for cell in row]
        elif any(cell.strip() for cell in row):
            yield line, {name: _unquote(cell) for name, cell in zip(header, row, strict=False)}
        line = reader.line_num + 1


def _actor_row(row: dict[str, str], line: int, found: list[Problem]) -> dict[str, Any]:
    data: dict[str, Any] = {k: v for k, v in row.items() if k in ACTOR_COLUMNS and v.strip()}
    data["names"] = _split(row.get("names", ""))
    memberships = []
    for item in _split(row.get("memberships", "")):
        network, _at, since = item.partition("@")
        memberships.append({"network": network.strip(), "since": since.strip() or None})
    data["memberships"] = memberships
    unknown = sorted(set(row) - set(ACTOR_COLUMNS))
    if unknown:
        found.append(Problem(line, unknown[0], _("This column is not part of the format.")))
    return data


def _cooperation_row(row: dict[str, str], line: int, found: list[Problem]) -> dict[str, Any]:
    own = ("title", "programme", "started_on", "ended_on", "summary")
    data: dict[str, Any] = {k: row[k] for k in own if row.get(k, "").strip()}
    data["actors"] = [{"actor": key, "role": "lead"} for key in _split(row.get("lead", ""))] + [
        {"actor": key, "role": "partner"} for key in _split(row.get("partners", ""))
    ]
    data["topics"] = _split(row.get("topics", ""))
    for name in ("activities", "outcomes", "lessons"):
        data[name] = _json_cell(row.get(name, ""), line, name, found)
    provenance = {
        name: row[name]
        for name in ("source", "event", "speaker_name", "import_source")
        if row.get(name, "").strip()
    }
    data["provenance"] = provenance
    unknown = sorted(set(row) - set(COOPERATION_COLUMNS))
    if unknown:
        found.append(Problem(line, unknown[0], _("This column is not part of the format.")))
    return data


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused([Problem(None, "", _("The file is not UTF-8 text."))]) from None


def _parse_csv_table(text: str, parsed: Parsed, found: list[Problem]) -> None:
    first = next(csv.reader(io.StringIO(text)), [])
    header = {cell.strip().lower() for cell in first}
    if "title" in header:
        for line, row in _csv_rows(text):
            parsed.cooperations.append((line, _cooperation_row(row, line, found)))
    elif "key" in header and "name" in header:
        for line, row in _csv_rows(text):
            parsed.actors.append((line, _actor_row(row, line, found)))
    else:
        message = _(
            "The first line must name the columns: an actors file has 'key' and 'name', a "
            "cooperations file 'title'."
        )
        found.append(Problem(1, "", message))


def _parse_csv(raw: bytes) -> tuple[Parsed, list[Problem]]:
    parsed, found = Parsed(), list[Problem]()
    if raw[:4] == b"PK\x03\x04":  # the export's zip: actors.csv and cooperations.csv
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                names = {n.rsplit("/", 1)[-1]: n for n in archive.namelist()}
                for name in ("actors.csv", "cooperations.csv"):
                    if name in names:
                        table = Parsed()
                        _parse_csv_table(_decode(archive.read(names[name])), table, found)
                        parsed.actors += table.actors
                        parsed.cooperations += table.cooperations
        except zipfile.BadZipFile:
            found.append(Problem(None, "", _("The file is not a readable zip archive.")))
    else:
        _parse_csv_table(_decode(raw), parsed, found)
    return parsed, found


# -- checking and writing ------------------------------------------------------------------------


@dataclass
class Checked:
    """The records of a file once checked, with what each reference points at."""

    actors: list[ActorRecord]
    cooperations: list[CooperationRecord]
    #: For each cooperation, the existing actor ids its non-file references name.
    existing: dict[str, int]
    events: dict[str, int]


def _validate(
    model: type[BaseModel], rows: list[tuple[int | None, dict[str, Any]]], name: str
) -> tuple[list[Any], list[Problem]]:
    valid, found = [], []
    for index, (line, data) in enumerate(rows):
        try:
            valid.append(model.model_validate(data))
        except ValidationError as error:
            found += [Problem(line, p, m) for p, m in problems(error, f"{name}[{index}]")]
    return valid, found


def check(session: Session, parsed: Parsed) -> Checked:
    """Check every record and reference; raise ImportRefused listing every problem."""
    actors, found = _validate(ActorRecord, parsed.actors, "actors")
    cooperations, more = _validate(CooperationRecord, parsed.cooperations, "cooperations")
    found += more
    if found:
        raise ImportRefused(found)
    lines_a = [line for line, _row in parsed.actors]
    lines_c = [line for line, _row in parsed.cooperations]
    keys: dict[str, ActorRecord] = {}
    for index, actor in enumerate(actors):
        if actor.key in keys:
            found.append(
                Problem(lines_a[index], f"actors[{index}].key", _("This key is used twice."))
            )
        keys[actor.key] = actor
    existing: dict[str, int] = {}

    def resolve(reference: str, line: int | None, path: str, network: bool = False) -> None:
        if reference in keys:
            if network and keys[reference].kind is not ActorKind.network:
                found.append(Problem(line, path, _("Only networks have members.")))
            return
        matches = list(session.scalars(select(Actor).where(Actor.name == reference).limit(2)).all())
        if len(matches) == 1 and (not network or matches[0].kind is ActorKind.network):
            existing[reference] = matches[0].id
            return
        message = (
            _("'{ref}' is neither a key of this file's actors nor the name of one actor.")
            if not matches or len(matches) > 1
            else _("Only networks have members.")
        )
        found.append(Problem(line, path, message.format(ref=reference[:100])))

    for index, actor in enumerate(actors):
        for m, membership in enumerate(actor.memberships):
            resolve(
                membership.network,
                lines_a[index],
                f"actors[{index}].memberships[{m}].network",
                network=True,
            )
    ensure_topics(session)
    slugs = set(session.scalars(select(Topic.slug)))
    codes = {code for c in cooperations if (code := c.provenance.event)}
    query = select(Event.code, Event.id).where(Event.code.in_(codes))
    events = {str(code): int(event_id) for code, event_id in session.execute(query).all()}
    for index, cooperation in enumerate(cooperations):
        line = lines_c[index]
        for a, participation in enumerate(cooperation.actors):
            resolve(participation.actor, line, f"cooperations[{index}].actors[{a}].actor")
        refs = [p.actor for p in cooperation.actors]
        if len(set(refs)) != len(refs):
            found.append(
                Problem(line, f"cooperations[{index}].actors", _("An actor is listed twice."))
            )
        for t, slug in enumerate(cooperation.topics):
            if slug not in slugs:
                message = _("There is no topic '{slug}'.").format(slug=slug)
                found.append(Problem(line, f"cooperations[{index}].topics[{t}]", message))
    if found:
        raise ImportRefused(found)
    return Checked(actors, cooperations, existing, events)


def _same_cooperation(session: Session, title: str, actor_ids: set[int]) -> bool:
    for cooperation in session.scalars(select(Cooperation).where(Cooperation.title == title)):
        ids = {actor.id for _p, actor in services.participants(session, cooperation.id)}
        if ids == actor_ids:
            return True
    return False


def write(session: Session, checked: Checked, filename: str, *, dry_run: bool) -> ImportResult:
    """Store checked records: known actors are found again, cooperations already there skipped.

    With ``dry_run`` nothing is written and the counts say what would be.
    """
    result = ImportResult(dry_run=dry_run)
    ids: dict[str, int] = dict(checked.existing)
    provenance = f"import:{filename}"[:200]
    for record in checked.actors:
        fields = ActorIn.model_validate(record.model_dump(exclude={"key", "memberships"}))
        found = services.find_actor(
            session,
            name=fields.name,
            country=fields.country,
            place_code=fields.place_code,
            wikidata=fields.wikidata,
        )
        if found is not None:
            result.actors_found += 1
            ids[record.key] = found.id
            continue
        result.actors_created += 1
        if dry_run:
            ids[record.key] = -len(ids) - 1
            continue
        actor = services.create_actor(session, fields, provenance=provenance)
        ids[record.key] = actor.id
    if not dry_run:
        for record in checked.actors:
            member = session.get_one(Actor, ids[record.key])
            for membership in record.memberships:
                network = session.get_one(Actor, ids[membership.network])
                services.add_membership(session, member, network, membership.since)
    for cooperation in checked.cooperations:
        actors = [
            Participation(actor_id=ids[p.actor], role=p.role)
            for p in cooperation.actors
            if ids[p.actor] > 0
        ]
        wanted = {p.actor_id for p in actors}
        if len(actors) == len(cooperation.actors) and _same_cooperation(
            session, cooperation.title, wanted
        ):
            result.cooperations_skipped += 1
            continue
        result.cooperations_created += 1
        if dry_run:
            continue
        origin = cooperation.provenance
        services.create_cooperation(
            session,
            CooperationFields.model_validate(
                cooperation.model_dump(exclude={"actors", "provenance"})
            ),
            actors,
            source=origin.source,
            event_id=checked.events.get(origin.event),
            speaker_name=origin.speaker_name,
            import_source=(origin.import_source or filename)[:200]
            if origin.source.value == "import"
            else origin.import_source,
        )
    return result


def read_file(raw: bytes, format: Format) -> Parsed:
    """Parse a file of ``format`` into records with their lines; raise ImportRefused if
    it cannot be read."""
    if len(raw) > MAX_BYTES:
        message = _("The file is larger than {n} MB.").format(n=MAX_BYTES // 1_000_000)
        raise ImportRefused([Problem(None, "", message)])
    if format == "json":
        return _parse_json(raw)
    if format == "wikidata":
        from agora.knowledge.twins import parse_twins

        return parse_twins(_decode(raw))
    parsed, found = _parse_csv(raw)
    if found:
        raise ImportRefused(found)
    return parsed


def import_file(
    session: Session, raw: bytes, format: Format, filename: str, *, dry_run: bool = False
) -> ImportResult:
    """Import actors and cooperations from a file, all or nothing."""
    checked = check(session, read_file(raw, format))
    return write(session, checked, filename or format, dry_run=dry_run)


def guess_format(filename: str) -> Format:
    """Return the format a file's name suggests (``.json``, else CSV)."""
    return "json" if filename.lower().endswith(".json") else "csv"


# -- exporting -----------------------------------------------------------------------------------


def export_document(session: Session) -> KnowledgeDocument:
    """Return every actor and cooperation as one document, in a stable order."""
    actors = sorted(
        session.scalars(select(Actor)),
        key=lambda a: (a.name.casefold(), a.country, a.kind.value, a.place_code, a.id),
    )
    keys = {actor.id: f"A{number}" for number, actor in enumerate(actors, start=1)}
    networks: dict[int, list[RecordMembership]] = {}
    for membership in session.scalars(select(ActorMembership)):
        networks.setdefault(membership.member_id, []).append(
            RecordMembership(network=keys[membership.network_id], since=membership.since)
        )
    records = [
        ActorRecord.model_validate(
            {
                **{name: getattr(actor, name) for name in ActorFields.model_fields},
                "key": keys[actor.id],
                "provenance": actor.provenance,
                "memberships": sorted(networks.get(actor.id, []), key=lambda m: m.network),
            }
        )
        for actor in actors
    ]
    event_codes = {int(i): str(c) for i, c in session.execute(select(Event.id, Event.code)).all()}
    cooperations = []
    for cooperation in session.scalars(select(Cooperation)):
        cid = cooperation.id
        cooperations.append(
            CooperationRecord(
                title=cooperation.title,
                programme=cooperation.programme,
                started_on=cooperation.started_on,
                ended_on=cooperation.ended_on,
                summary=cooperation.summary,
                topics=[t.slug for t in services.cooperation_topics(session, cid)],
                activities=[
                    ActivityIn.model_validate(a) for a in services.activities(session, cid)
                ],
                outcomes=[OutcomeIn.model_validate(o) for o in services.outcomes(session, cid)],
                lessons=[LessonIn.model_validate(x) for x in services.lessons(session, cid)],
                actors=[
                    RecordParticipation(actor=keys[actor.id], role=_role(link.role))
                    for link, actor in services.participants(session, cid)
                ],
                provenance=RecordProvenance(
                    source=cooperation.source,
                    event=event_codes.get(cooperation.event_id or 0, ""),
                    speaker_name=cooperation.speaker_name,
                    import_source=cooperation.import_source,
                ),
            )
        )
    cooperations.sort(
        key=lambda c: (c.title.casefold(), str(c.started_on), [p.actor for p in c.actors])
    )
    return KnowledgeDocument(actors=records, cooperations=cooperations)


def _role(role: str) -> Literal["lead", "partner"]:
    return "lead" if role == "lead" else "partner"


def export_json(session: Session) -> bytes:
    """Return the whole knowledge base as the JSON import format."""
    document = export_document(session).model_dump(mode="json")
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _cell(value: Any) -> str:
    # a spreadsheet must show text as text: a formula start gets a quote (the import drops it)
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@"} else text


def _csv_table(columns: tuple[str, ...], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[_cell(value) for value in row] for row in rows])
    return out.getvalue().encode("utf-8")


def export_csv(session: Session) -> bytes:
    """Return the knowledge base as a zip of ``actors.csv`` and ``cooperations.csv``."""
    document = export_document(session).model_dump(mode="json")
    actor_rows = []
    for actor in document["actors"]:
        row = dict(actor)
        row["names"] = SEPARATOR.join(actor["names"])
        row["memberships"] = SEPARATOR.join(
            m["network"] + (f"@{m['since']}" if m["since"] else "") for m in actor["memberships"]
        )
        actor_rows.append([row[name] for name in ACTOR_COLUMNS])
    cooperation_rows = []
    for cooperation in document["cooperations"]:
        row = dict(cooperation) | dict(cooperation["provenance"])
        row["lead"] = SEPARATOR.join(
            a["actor"] for a in cooperation["actors"] if a["role"] == "lead"
        )
        row["partners"] = SEPARATOR.join(
            a["actor"] for a in cooperation["actors"] if a["role"] != "lead"
        )
        row["topics"] = SEPARATOR.join(cooperation["topics"])
        for name in ("activities", "outcomes", "lessons"):
            items = cooperation[name]
            row[name] = json.dumps(items, ensure_ascii=False) if items else ""
        cooperation_rows.append([row[name] for name in COOPERATION_COLUMNS])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("actors.csv", _csv_table(ACTOR_COLUMNS, actor_rows))
        archive.writestr("cooperations.csv", _csv_table(COOPERATION_COLUMNS, cooperation_rows))
    return buffer.getvalue()
