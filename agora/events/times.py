"""An event's time zone: its start as a moment, and every stored UTC time shown in its zone.

The database keeps UTC (``UTCDateTime``); an event has a date, a local start time and an
IANA time zone name. Pages and reports convert where they show a time, with
``local_time(moment, event)`` ("14:30 (Europe/Brussels)"), a template global.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, Protocol

from babel.dates import format_date

from agora.core.errors import InvalidInput
from agora.core.i18n import _, babel_locale, current_language

#: The reference session was in Brussels; an event created without a zone is there too.
DEFAULT_TIME_ZONE = "Europe/Brussels"

#: The zones offered in the events form: the regions of the world, not the legacy aliases.
AREAS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)


class Zoned(Protocol):
    """What the helpers need of an event: its zone, its first day and its start time."""

    @property
    def time_zone(self) -> str: ...

    @property
    def starts_on(self) -> dt.date: ...

    @property
    def start_time(self) -> dt.time | None: ...


@lru_cache(maxsize=1)
def known_time_zones() -> frozenset[str]:
    """Return every IANA zone name the standard library knows."""
    return frozenset(zoneinfo.available_timezones())


@lru_cache(maxsize=1)
def offered_time_zones() -> tuple[str, ...]:
    """Return the zone names the events form offers, sorted (UTC first)."""
    return ("UTC", *sorted(z for z in known_time_zones() if z.startswith(AREAS)))


def check_time_zone(name: str, *, field: str = "time_zone") -> str:
    """Return ``name`` as a known IANA zone name, or raise InvalidInput saying what to type."""
    name = name.strip()
    if name in known_time_zones():
        return name
    folded = {zone.casefold(): zone for zone in known_time_zones()}
    found = folded.get(name.casefold().replace(" ", "_"))
    if found is not None:
        return found
    raise InvalidInput(
        _(
            "'{zone}' is not a time zone name; choose one from the list, "
            "such as Europe/Brussels or America/Argentina/Buenos_Aires."
        ).format(zone=name[:60]),
        field=field,
    )


def zone(event: Zoned) -> zoneinfo.ZoneInfo:
    """Return the event's time zone (UTC if its stored name is unknown here)."""
    try:
        return zoneinfo.ZoneInfo(event.time_zone or DEFAULT_TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def in_zone(moment: dt.datetime, event: Zoned) -> dt.datetime:
    """Return ``moment`` (naive: UTC) as a time in the event's zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone(event))


def event_start(event: Zoned) -> dt.datetime | None:
    """Return the moment the event starts (aware, in its zone), or None without a start time."""
    if event.start_time is None:
        return None
    return dt.datetime.combine(event.starts_on, event.start_time, tzinfo=zone(event))


def clock(moment: dt.datetime | None, event: Zoned) -> str:
    """Return ``moment`` as HH:MM in the event's zone ("" for None)."""
    return "" if moment is None else in_zone(moment, event).strftime("%H:%M")


def local_time(moment: dt.datetime | None, event: Zoned, *, date: bool = False) -> str:
    """Return ``moment`` in the event's zone, naming it: "14:30 (Europe/Brussels)".

    With ``date`` (or when the moment is not on the event's first day), the date comes
    first: "2023-10-10 14:30 (Europe/Brussels)".
    """
    if moment is None:
        return ""
    local = in_zone(moment, event)
    text = local.strftime("%H:%M")
    if date or local.date() != event.starts_on:
        text = f"{local.date().isoformat()} {text}"
    return f"{text} ({event.time_zone or DEFAULT_TIME_ZONE})"


def planned_starts(event: Zoned, durations: Sequence[int | None]) -> list[dt.datetime | None]:
    """Return when each agenda item starts if the event starts on time and items keep time.

    Items after one without a duration have no planned start (None): nobody can say when
    they begin.
    """
    start = event_start(event)
    planned: list[dt.datetime | None] = []
    for minutes in durations:
        planned.append(start)
        start = None if start is None or minutes is None else start + dt.timedelta(minutes=minutes)
    return planned


def duration(minutes: int | None) -> str:
    """Return a number of minutes as people read it: "45 min", "1 h 35 min"."""
    if not minutes:
        return _("{m} min").format(m=0)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("{m} min").format(m=rest)
    return _("{h} h {m} min").format(h=hours, m=rest)


def minutes_of_day(moment: dt.datetime | None) -> int | None:
    """Return the minutes since midnight of a local moment (the builder's script counts on)."""
    return None if moment is None else moment.hour * 60 + moment.minute


def event_when(event: Zoned) -> str:
    """Return when the event starts, in the page's language and the event's zone.

    "10 October 2023, 14:30 (Europe/Brussels)", or the date and zone without a start time.
    """
    day = format_date(event.starts_on, "long", locale=babel_locale(current_language()))
    zone_name = event.time_zone or DEFAULT_TIME_ZONE
    if event.start_time is None:
        return f"{day} ({zone_name})"
    return f"{day}, {event.start_time.strftime('%H:%M')} ({zone_name})"


#: What every template may call to show times in the event's zone.
TEMPLATE_GLOBALS: dict[str, Callable[..., Any]] = {
    "local_time": local_time,
    "event_clock": clock,
    "event_when": event_when,
    "duration": duration,
}
