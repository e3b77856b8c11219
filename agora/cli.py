"""The ``agora`` command: ``serve`` (default), demo, db, accounts, reports, search, purge."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from agora.core.settings import get_settings

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
console = Console(soft_wrap=True)  # links must stay whole to be clicked or copied

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
    from agora.demo.reference import create_reference_session

    settings = get_settings()
    _upgrade()
    database = Database(settings.database_url)
    with database.session() as session:
        event = create_reference_session(session, simulate_ballots=SIMULATED_BALLOTS)
        code, moderator_key, screen_key = event.code, event.moderator_key, event.screen_key
    database.dispose()
    base = (
        settings.public_url.rstrip("/") or f"http://{host or settings.host}:{port or settings.port}"
    )
    console.print(f"[bold]Agora demo[/bold]: {event.title}")
    console.print(f"  participants: {base}/e/{code}   (or type {code} on {base}/)")
    console.print(f"  screen:       {base}/e/{code}/screen?key={screen_key}")
    console.print(f"  moderator:    {base}/e/{code}/moderate?key={moderator_key}")
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
    from sqlalchemy.exc import SQLAlchemyError

    from agora.core.db import Database
    from agora.core.errors import AgoraError
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
    database = Database(get_settings().database_url)
    try:
        with database.session() as session:
            event = get_event(session, code)
            annex = report_settings(session, event.id).participant_annex
            built = build_report(session, event, annex=annex)
    except AgoraError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    except SQLAlchemyError as exc:
        console.print(f"[red]Cannot read the database: {type(exc).__name__}[/red]")
        raise typer.Exit(1) from None
    finally:
        database.dispose()
    with console.status(f"Writing the {fmt} report…"):
        content = write(built)
    try:
        path.write_bytes(content)
    except OSError as exc:
        console.print(f"[red]Cannot write {path}: {exc.strerror or exc}[/red]")
        raise typer.Exit(1) from None
    console.print(f"{fmt} report of {built.code} written to {path} ({len(content):,} bytes)")


class SearchFormat(StrEnum):
    """The formats ``agora search`` prints."""

    table = "table"
    json = "json"


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
        SearchFormat, typer.Option("--format", "-f", help="table or json.")
    ] = SearchFormat.table,
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
    from sqlalchemy.exc import SQLAlchemyError

    from agora.core.db import Database
    from agora.core.errors import AgoraError
    from agora.knowledge.search import check_filters, search
    from agora.knowledge.search_routes import parse_mode

    if not query and not reindex:
        console.print("[red]Give something to search for, or --reindex.[/red]")
        raise typer.Exit(2)
    database = Database(get_settings().database_url)
    try:
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
    except AgoraError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    except SQLAlchemyError as exc:
        console.print(f"[red]Cannot read the database: {type(exc).__name__}[/red]")
        raise typer.Exit(1) from None
    finally:
        database.dispose()
    if format is SearchFormat.json:
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
    from sqlalchemy.exc import SQLAlchemyError

    from agora.core.db import Database
    from agora.privacy.retention import purge_due

    settings = get_settings()
    database = Database(settings.database_url)
    try:
        done = purge_due(database, settings.retention_days)
    except SQLAlchemyError as exc:
        console.print(f"[red]Cannot read the database: {type(exc).__name__}[/red]")
        raise typer.Exit(1) from None
    finally:
        database.dispose()
    for purged in done:
        console.print(f"{purged.code}: {purged.summary()} anonymised")
    console.print(f"{len(done)} event(s) purged")


def main() -> None:
    """Run the command line."""
    app()
