"""The ``agora`` command: ``serve`` (default), demo, db, accounts, reports, match, search, purge."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from agora.core.settings import get_settings

if TYPE_CHECKING:
    from agora.core.db import Database

app = typer.Typer(
    help="Agora: live sessions, takeaways and partner matching for cities and regions.",
    no_args_is_help=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database commands.")
token_app = typer.Typer(help="API tokens of organisers.")
organiser_app = typer.Typer(help="Organiser accounts.")
app.add_typer(db_app, name="db")
app.add_typer(token_app, name="token")
app.add_typer(organiser_app, name="organiser")
knowledge_app = typer.Typer(help="The cooperation knowledge base: import, export, promote.")
app.add_typer(knowledge_app, name="knowledge")
console = Console(soft_wrap=True)  # links must stay whole to be clicked or copied


@contextmanager
def configured_database() -> Iterator[Database]:
    """The configured database for one command, disposed of at the end; a refusal or an
    unreadable database ends the command with its message and exit status 1."""
    from sqlalchemy.exc import SQLAlchemyError

    from agora.core.db import Database
    from agora.core.errors import AgoraError

    database = Database(get_settings().database_url)
    try:
        yield database
    except AgoraError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    except SQLAlchemyError as exc:
        console.print(f"[red]Cannot read the database: {type(exc).__name__}[/red]")
        raise typer.Exit(1) from None
    finally:
        database.dispose()


#: Simulated participants who rank the world areas in the demo (the seed lost the ballots).
SIMULATED_BALLOTS = 120

HostOption = Annotated[str | None, typer.Option(help="Address to listen on (AGORA_HOST).")]
PortOption = Annotated[int | None, typer.Option(help="Port to listen on (AGORA_PORT).")]


def _serve(host: str | None, port: int | None, workers: int | None = None) -> None:
    import uvicorn

    from agora.core.logs import log_config

    settings = get_settings()
    workers = workers or settings.workers
    if workers > 1 and settings.broker != "redis":
        console.print(
            "[red]Several workers need AGORA_BROKER=redis[/red] (and AGORA_REDIS_URL), so that "
            "a vote taken by one process reaches the live pages served by the others."
        )
        raise typer.Exit(2)
    uvicorn.run(
        "agora.app:create_app",  # each worker builds its app from the same settings
        factory=True,
        workers=workers,
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
        log_config=log_config(),
        proxy_headers=True,
        timeout_graceful_shutdown=5,  # live streams never end by themselves
    )


def _upgrade() -> None:
    from agora.core.migrate import upgrade

    upgrade(get_settings().database_url)


@app.callback(invoke_without_command=True)
def main_callback(ctx: typer.Context) -> None:
    """Serve Agora when no command is given."""
    if ctx.invoked_subcommand is None:
        _upgrade()
        _serve(None, None)


@app.command()
def serve(
    host: HostOption = None,
    port: PortOption = None,
    migrate: Annotated[bool, typer.Option(help="Upgrade the database first.")] = True,
    workers: Annotated[
        int | None,
        typer.Option(min=1, max=64, help="Processes serving on one port (AGORA_WORKERS)."),
    ] = None,
) -> None:
    """Serve Agora (the default command)."""
    if migrate:
        _upgrade()
    _serve(host, port, workers)


@app.command()
def demo(
    host: HostOption = None,
    port: PortOption = None,
    serve: Annotated[
        bool, typer.Option(help="Serve it; --no-serve only sets it up (e.g. to write its report).")
    ] = True,
) -> None:
    """Set up the reference session (code EUREG23), print its links and serve it."""
    from agora.core.db import Database
    from agora.demo.knowledge import promote_reference_takeaways
    from agora.demo.matching import seed_matching
    from agora.demo.reference import create_reference_session
    from agora.events.models import Event
    from agora.knowledge import search_index

    settings = get_settings()
    _upgrade()
    database = Database(settings.database_url)
    with database.session() as session:
        event = create_reference_session(session, simulate_ballots=SIMULATED_BALLOTS)
        code, moderator_key, screen_key = event.code, event.moderator_key, event.screen_key
    with database.session() as session, console.status("Adding its lessons to the knowledge base…"):
        promoted = promote_reference_takeaways(session, session.get_one(Event, event.id))
    with database.session() as session:  # partners to match against, with their profiles
        hamburg = seed_matching(session)["Hamburg"].id
    with console.status("Indexing the knowledge base for search by words and meaning…"):
        with database.session() as session:
            refreshed = search_index.refresh_index(session, background=False)
        if refreshed.pending and search_index.model_available():
            search_index.embed_pending(database.engine)
    database.dispose()
    base = (
        settings.public_url.rstrip("/") or f"http://{host or settings.host}:{port or settings.port}"
    )
    console.print(f"[bold]Agora demo[/bold]: {event.title}")
    console.print(f"  participants: {base}/e/{code}   (or type {code} on {base}/)")
    console.print(f"  screen:       {base}/e/{code}/screen?key={screen_key}")
    console.print(f"  moderator:    {base}/e/{code}/moderate?key={moderator_key}")
    if promoted:
        console.print(f"  knowledge:    {len(promoted)} cooperations added, {base}/knowledge")
    console.print(
        f"  matching:     {base}/knowledge/actors/{hamburg}/match"
        "?topics=digital_transition&topics=mobility"
    )
    if serve:
        _serve(host, port)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the database schema (AGORA_DATABASE_URL)."""
    _upgrade()
    console.print("database is up to date")


@organiser_app.command("create")
def organiser_create(
    email: Annotated[str, typer.Option(help="The organiser's e-mail address.")],
    name: Annotated[str, typer.Option(help="The organiser's name.")] = "",
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """Create an organiser account."""
    from agora.accounts.services import create_organiser
    from agora.core.db import Database
    from agora.core.errors import AgoraError

    database = Database(get_settings().database_url)
    try:
        with database.session() as session:
            create_organiser(session, email=email, password=password, name=name)
    except AgoraError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    console.print(f"organiser {email} created")


@token_app.command("create")
def token_create(
    email: Annotated[str, typer.Option(help="E-mail address of the organiser.")],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "",
) -> None:
    """Issue an API token for an organiser and print it (it is not shown again)."""
    from agora.accounts.services import create_api_token
    from agora.core.db import Database
    from agora.core.errors import AgoraError

    database = Database(get_settings().database_url)
    try:
        with database.session() as session:
            token = create_api_token(session, email=email, label=label)
    except AgoraError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    print(token)


class ReportFormat(StrEnum):
    """The formats ``agora report`` writes."""

    html = "html"
    pdf = "pdf"
    docx = "docx"
    md = "md"
    xlsx = "xlsx"
    json = "json"
    csv = "csv"


@app.command()
def report(
    code: Annotated[str, typer.Argument(help="The event's code, e.g. EUREG23.")],
    format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="The format to write.")
    ] = ReportFormat.html,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="File to write (default: CODE-report.EXT; csv writes a .zip)."
        ),
    ] = None,
) -> None:
    """Write the report of an event as HTML, PDF, DOCX, Markdown, XLSX, JSON or CSV (zip)."""

    from agora.events.services import get_event
    from agora.reports.exports import FormatUnavailable, extension, renderer
    from agora.reports.model import build_report
    from agora.takeaways.report_writing import report_settings

    fmt = format.value
    try:
        write = renderer(fmt)
    except FormatUnavailable as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    path = output or Path(f"{code.upper()}-report.{extension(fmt)}")
    with configured_database() as database, database.session() as session:
        event = get_event(session, code)
        annex = report_settings(session, event.id).participant_annex
        built = build_report(session, event, annex=annex)
    with console.status(f"Writing the {fmt} report…"):
        content = write(built)
    try:
        path.write_bytes(content)
    except OSError as exc:
        console.print(f"[red]Cannot write {path}: {exc.strerror or exc}[/red]")
        raise typer.Exit(1) from None
    console.print(f"{fmt} report of {built.code} written to {path} ({len(content):,} bytes)")


class PrintFormat(StrEnum):
    """How ``agora match`` and ``agora search`` print: a table to read, or JSON."""

    table = "table"
    json = "json"


@app.command()
def match(
    actor: Annotated[str, typer.Argument(help="The actor: its id or its name.")],
    topics: Annotated[
        str, typer.Option("--topics", "-t", help="Topic slugs sought, comma-separated.")
    ] = "",
    world_area: Annotated[
        list[str] | None,
        typer.Option("--world-area", "-w", help="A world area to look in (repeatable)."),
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", "-k", help="A kind of partner (repeatable).")
    ] = None,
    weight: Annotated[
        list[str] | None,
        typer.Option(
            "--weight", "-W", help="A component's relative weight, e.g. network=0 (repeatable)."
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many candidates.")] = 10,
    format: Annotated[
        PrintFormat, typer.Option("--format", "-f", help="table or json.")
    ] = PrintFormat.table,
) -> None:
    """Rank candidate partners for an actor and a goal, every score explained."""
    from rich.table import Table

    from agora.domains import import_models
    from agora.matching import services
    from agora.matching.schemas import MatchesOut

    weights: dict[str, float | None] = {}
    for given in weight or []:
        name, _sep, value = given.partition("=")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            console.print(f"[red]--weight takes component=number, not {given!r}.[/red]")
            raise typer.Exit(2) from None
    import_models()
    with configured_database() as database, database.session() as session:
        found = services.find_actor(session, actor)
        goal = services.check_goal(
            session,
            [t for t in topics.split(",") if t.strip()],
            world_area or [],
            kind or [],
        )
        result = services.match(session, found.id, goal, weights, limit=limit)
    if format is PrintFormat.json:
        typer.echo(MatchesOut.of(result).model_dump_json(indent=2))
        return
    console.print(
        f"Partners for [bold]{result.seeker.actor.name}[/bold] "
        f"(topics: {', '.join(result.goal.topics) or 'none'}; "
        f"{result.considered} candidates considered)"
    )
    table = Table("#", "Candidate", "Country", "Score", "Components")
    for m in result.matches:
        table.add_row(
            str(m.rank),
            m.name,
            m.country,
            f"{m.total * 100:.0f}%",
            " ".join(f"{c.name}={c.score * 100:.0f}" for c in m.components),
        )
    console.print(table)
    for m in result.matches:
        console.print(f"\n[bold]{m.rank}. {m.name}[/bold] — {m.total * 100:.0f}%")
        for c in m.components:
            console.print(
                f"  {c.label} ({c.score * 100:.0f}%, weight {c.weight * 100:.0f}%): {c.explanation}"
            )


def _reindex(database: object, full: bool) -> None:
    from rich.progress import Progress

    from agora.core.db import Database
    from agora.knowledge import search_index

    assert isinstance(database, Database)
    with Progress(console=console, transient=True) as progress:
        indexing = progress.add_task("Indexing records", total=None)
        with database.session() as session:
            refreshed = search_index.refresh_index(
                session,
                full=full,
                background=False,
                progress=lambda done, total: progress.update(indexing, completed=done, total=total),
            )
        progress.remove_task(indexing)
        embedded = 0
        if refreshed.pending and search_index.model_available():
            reading = progress.add_task("Reading records for meaning search", total=None)
            embedded = search_index.embed_pending(
                database.engine,
                progress=lambda done, total: progress.update(reading, completed=done, total=total),
            )
    console.print(
        f"{refreshed.indexed} document(s) indexed, {refreshed.dropped} dropped, "
        f"{embedded} embedded for meaning search"
        + ("" if search_index.model_available() else " (the multilingual model is not installed)")
    )


@app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help="What to search for, in any language.")] = "",
    format: Annotated[
        PrintFormat, typer.Option("--format", "-f", help="table or json.")
    ] = PrintFormat.table,
    limit: Annotated[int, typer.Option(min=1, max=100, help="How many results.")] = 10,
    mode: Annotated[str, typer.Option(help="words, meaning or both.")] = "both",
    topic: Annotated[str | None, typer.Option(help="A topic's slug (mobility…).")] = None,
    country: Annotated[str | None, typer.Option(help="ISO 3166-1 alpha-2 code.")] = None,
    world_area: Annotated[str | None, typer.Option(help="europe, asia…")] = None,
    year: Annotated[int | None, typer.Option(help="A year the cooperation ran.")] = None,
    reindex: Annotated[
        bool, typer.Option(help="Index every changed record and embed it first, with progress.")
    ] = False,
    full: Annotated[bool, typer.Option(help="With --reindex: index every record again.")] = False,
) -> None:
    """Search the knowledge base by words and meaning (or only bring its index up to date)."""
    import json

    from rich.table import Table
    from rich.text import Text

    from agora.knowledge.search import check_filters, search
    from agora.knowledge.search_routes import parse_mode

    if not query and not reindex:
        console.print("[red]Give something to search for, or --reindex.[/red]")
        raise typer.Exit(2)
    with configured_database() as database:
        if reindex:
            _reindex(database, full)
        if not query:
            return
        with database.session() as session:
            result = search(
                session,
                query,
                filters=check_filters(
                    topic=topic, country=country, world_area=world_area, year=year
                ),
                mode=parse_mode(mode),
                limit=limit,
            )
    if format is PrintFormat.json:
        print(
            json.dumps(
                {
                    "query": result.query,
                    "total": result.total,
                    "notes": result.notes,
                    "hits": [
                        {
                            "kind": h.kind,
                            "id": h.record_id,
                            "title": h.title,
                            "url": h.url,
                            "snippet": "".join(s.text for s in h.snippet),
                            "score": h.score,
                            "word_rank": h.word_rank,
                            "meaning_rank": h.meaning_rank,
                        }
                        for h in result.hits
                    ],
                    "facets": {
                        name: {f.value: f.count for f in counts}
                        for name, counts in result.facets.items()
                    },
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for note in result.notes:
        console.print(f"[yellow]{note}[/yellow]")
    table = Table(title=f"{result.total} result(s) for “{result.query}”")
    for column in ("#", "kind", "title", "found by", "snippet", "link"):
        table.add_column(column, overflow="fold")
    for rank, hit in enumerate(result.hits, start=1):
        found = " + ".join(
            name for name, r in (("words", hit.word_rank), ("meaning", hit.meaning_rank)) if r
        )
        cells = (str(rank), hit.kind, hit.title, found, "".join(s.text for s in hit.snippet))
        table.add_row(*(Text(cell) for cell in (*cells, hit.url)))  # records are not markup
    console.print(table)


@app.command()
def purge() -> None:
    """Anonymise the personal data of every event whose retention period is over."""

    from agora.privacy.retention import purge_due

    with configured_database() as database:
        done = purge_due(database, get_settings().retention_days)
    for purged in done:
        console.print(f"{purged.code}: {purged.summary()} anonymised")
    console.print(f"{len(done)} event(s) purged")


class ImportFormat(StrEnum):
    """The formats ``agora knowledge import`` reads."""

    json = "json"
    csv = "csv"
    wikidata = "wikidata"


class ExportFormat(StrEnum):
    """The formats ``agora knowledge export`` writes."""

    json = "json"
    csv = "csv"


@knowledge_app.command("import")
def knowledge_import(
    file: Annotated[
        Path, typer.Argument(help="The file: JSON, CSV, the export's zip, or Wikidata CSV.")
    ],
    format: Annotated[
        ImportFormat | None,
        typer.Option("--format", "-f", help="Its format (default: from the name, .json or CSV)."),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Check every row and say what would change; store nothing."),
    ] = False,
) -> None:
    """Import actors and cooperations, all or nothing; print each problem with its line."""
    from agora.core.db import Database
    from agora.knowledge.exchange import ImportRefused, guess_format, import_file

    try:
        raw = file.read_bytes()
    except OSError as exc:
        console.print(f"[red]Cannot read {file}: {exc.strerror or exc}[/red]")
        raise typer.Exit(1) from None
    fmt = format.value if format else guess_format(file.name)
    database = Database(get_settings().database_url)
    try:
        with database.session() as session:
            result = import_file(session, raw, fmt, file.name, dry_run=dry_run)
    except ImportRefused as refused:
        console.print(f"[red]{refused.message}[/red]", highlight=False)
        for problem in refused.problems:
            console.print(f"  {problem}", highlight=False, markup=False)
        raise typer.Exit(1) from None
    finally:
        database.dispose()
    verb = "would add" if dry_run else "added"
    console.print(
        f"{file.name}: {verb} {result.actors_created} actors ({result.actors_found} already known) "
        f"and {result.cooperations_created} cooperations ({result.cooperations_skipped} already "
        "known, skipped)" + (" — dry run, nothing stored" if dry_run else ""),
        highlight=False,
    )


@knowledge_app.command("export")
def knowledge_export(
    format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="json, or csv (a zip of two files).")
    ] = ExportFormat.json,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: the standard output)."),
    ] = None,
) -> None:
    """Export every actor and cooperation in the import format."""
    import sys

    from agora.core.db import Database
    from agora.knowledge.exchange import export_csv, export_json

    database = Database(get_settings().database_url)
    try:
        with database.session() as session:
            content = export_json(session) if format is ExportFormat.json else export_csv(session)
    finally:
        database.dispose()
    if output is None:
        if format is ExportFormat.csv and sys.stdout.isatty():
            console.print("[red]The CSV export is a zip: give --output FILE.[/red]")
            raise typer.Exit(2)
        sys.stdout.buffer.write(content)
        return
    try:
        output.write_bytes(content)
    except OSError as exc:
        console.print(f"[red]Cannot write {output}: {exc.strerror or exc}[/red]")
        raise typer.Exit(1) from None
    console.print(f"knowledge base written to {output} ({len(content):,} bytes)")


@knowledge_app.command("promote")
def knowledge_promote(
    code: Annotated[str, typer.Argument(help="The event's code, e.g. EUREG23.")],
    all_approved: Annotated[
        bool,
        typer.Option(
            "--all-approved",
            help="Promote every approved takeaway whose actors are unambiguous.",
        ),
    ] = False,
) -> None:
    """List an event's approved takeaways and whether each is in the knowledge base.

    With --all-approved, promote those whose places are unambiguous; the others need a
    moderator's choice on their review page.
    """
    from agora.core.db import Database
    from agora.core.errors import AgoraError
    from agora.events.services import get_event
    from agora.knowledge import promotion, services
    from agora.takeaways.models import TakeawayState
    from agora.takeaways.services import event_takeaways

    database = Database(get_settings().database_url)
    try:
        with database.session() as session:
            event = get_event(session, code)
            approved = event_takeaways(
                session, event.id, states=frozenset({TakeawayState.approved})
            )
            for takeaway in approved:
                label = f"takeaway {takeaway.id} ({takeaway.place or takeaway.organisation})"
                existing = services.promoted_from(session, takeaway.id)
                if existing is not None:
                    console.print(
                        f"{label}: in the knowledge base, /knowledge/cooperations/{existing.id}"
                    )
                    continue
                draft = promotion.prefill(session, takeaway)
                review_url = f"/e/{event.code}/takeaways/{takeaway.id}/promote"
                if draft.needs_review:
                    names = ", ".join(s.name for s in draft.slots if s.ambiguous)
                    console.print(f"{label}: choose which place is meant ({names}) at {review_url}")
                elif all_approved:
                    made = promotion.promote(session, takeaway, promotion.Review())
                    console.print(f"{label}: added, /knowledge/cooperations/{made.id}")
                else:
                    console.print(f"{label}: ready (--all-approved adds it, or {review_url})")
    except AgoraError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    finally:
        database.dispose()


def main() -> None:
    """Run the command line."""
    app()
