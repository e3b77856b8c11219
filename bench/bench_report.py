"""Time the report of a large session: the model and every format, against a json.dumps baseline.

Run ``.venv/bin/python bench/bench_report.py``. It builds, in a temporary SQLite file, a
session of 1,000 registered participants who all join, 10 polls across the question kinds
and 500 open-text answers, then prints how long each step takes. No assertion on times.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agora.core.db import Database
from agora.core.migrate import upgrade
from agora.events.models import Event
from agora.events.services import create_event, join_event
from agora.polls.kinds import QuestionKind
from agora.polls.responses import Submission, record_responses
from agora.polls.schemas import PollIn, QuestionIn
from agora.polls.services import close_poll, create_poll, open_poll, spec_of
from agora.registrations.details import Details
from agora.registrations.models import OrganisationType
from agora.registrations.services import register
from agora.reports.exports import FormatUnavailable, renderer, report_json
from agora.reports.model import Report, build_report

PARTICIPANTS = 1_000
OPEN_TEXT_ANSWERS = 500
OPTIONS = ["Asia", "Oceania", "Latin America", "North America", "Africa"]
KINDS = [
    QuestionKind.single_choice,
    QuestionKind.multiple_choice,
    QuestionKind.ranking,
    QuestionKind.rating,
    QuestionKind.points,
    QuestionKind.word_cloud,
    QuestionKind.open_text,
    QuestionKind.single_choice,
    QuestionKind.ranking,
    QuestionKind.rating,
]
WORDS = ["trust", "networks", "funding", "exchange", "mobility", "energy", "health", "=cmd"]


def _answer(kind: QuestionKind, options: list[str], rng: random.Random, n: int) -> dict[str, Any]:
    """Return a random answer of ``kind``."""
    if kind is QuestionKind.single_choice:
        return {"option": rng.choice(options)}
    if kind is QuestionKind.multiple_choice:
        return {"options": rng.sample(options, rng.randint(1, 3))}
    if kind is QuestionKind.ranking:
        return {"ranking": rng.sample(options, len(options))}
    if kind is QuestionKind.rating:
        return {"value": rng.randint(1, 5)}
    if kind is QuestionKind.points:
        first = rng.randint(0, 100)
        return {"points": {options[0]: first, options[1]: 100 - first}}
    if kind is QuestionKind.word_cloud:
        return {"words": rng.sample(WORDS, 2)}
    return {"texts": [f"Answer {n}: cooperation with partner {rng.choice(OPTIONS)} <b>works</b>"]}


def build_session(database: Database) -> int:
    """Create the large session and return its event id."""
    rng = random.Random(7)
    with database.session() as session:
        event = create_event(
            session,
            code="BENCHX",
            title="Benchmark session",
            starts_on=dt.date(2024, 1, 1),
            venue="Nowhere",
            capacity=PARTICIPANTS,
        )
        types = list(OrganisationType)
        for n in range(PARTICIPANTS):
            register(
                session,
                event,
                Details(
                    name=f"Person {n}",
                    email=f"p{n}@example.org",
                    organisation=f"Org {n % 50}",
                    organisation_type=types[n % len(types)],
                    country=["BE", "DE", "FR", "IT", "ES"][n % 5],
                ),
            )
        participants = [join_event(session, event).id for _n in range(PARTICIPANTS)]
        for number, kind in enumerate(KINDS, start=1):
            with_options = kind not in {
                QuestionKind.rating,
                QuestionKind.word_cloud,
                QuestionKind.open_text,
            }
            question = QuestionIn(
                kind=kind,
                prompt=f"Question {number} ({kind.value})",
                options=list(OPTIONS) if with_options else [],
            )
            poll = create_poll(session, event, PollIn(title=f"Poll {number}", questions=[question]))
            open_poll(session, poll)
            stored = poll.questions[0]
            option_ids = spec_of(stored).option_ids() if with_options else []
            voters = (
                participants[:OPEN_TEXT_ANSWERS] if kind is QuestionKind.open_text else participants
            )
            record_responses(
                session,
                [
                    Submission(stored.id, pid, event.id, _answer(kind, list(option_ids), rng, i))
                    for i, pid in enumerate(voters)
                ],
            )
            close_poll(session, poll)
        return event.id


def timed(function: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    """Return the best time of ``repeat`` runs in seconds, and the last result."""
    best, result = float("inf"), None
    for _n in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    """Build the session, time each step and print a table."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        database = Database(url)
        start = time.perf_counter()
        event_id = build_session(database)
        print(
            f"session built in {time.perf_counter() - start:.1f} s "
            f"({PARTICIPANTS} participants, {len(KINDS)} polls, "
            f"{OPEN_TEXT_ANSWERS} open-text answers)"
        )

        def model() -> Report:
            with database.session() as session:
                event = session.get(Event, event_id)
                assert event is not None
                return build_report(session, event)

        rows: list[tuple[str, float, int]] = []
        seconds, built = timed(model)
        assert isinstance(built, Report)
        rows.append(("model (build_report)", seconds, 0))
        data = report_json(built)
        seconds, dumped = timed(lambda: json.dumps(data).encode())
        rows.append(
            ("baseline: json.dumps", seconds, len(dumped) if isinstance(dumped, bytes) else 0)
        )
        for fmt in ["json", "md", "xlsx", "csv", "html", "pdf", "docx"]:
            try:
                write = renderer(fmt)
                seconds, content = timed(
                    lambda write=write: write(built),  # type: ignore[misc]
                    repeat=1 if fmt == "pdf" else 3,
                )
            except FormatUnavailable as exc:
                print(f"{fmt}: skipped ({exc})")
                continue
            except Exception as exc:
                print(f"{fmt}: failed ({type(exc).__name__}: {exc})")
                continue
            rows.append((fmt, seconds, len(content) if isinstance(content, bytes) else 0))
        database.dispose()
    baseline = rows[1][1]
    print(f"\n{'step':<24}{'seconds':>10}{'x baseline':>12}{'bytes':>12}")
    for name, seconds, size in rows:
        print(f"{name:<24}{seconds:>10.3f}{seconds / baseline:>12.1f}{size:>12,}")


if __name__ == "__main__":
    main()
