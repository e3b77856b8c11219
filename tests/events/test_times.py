"""An event's time zone: names checked, UTC shown in the event's zone, planned start times."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from agora.core.errors import InvalidInput
from agora.events.times import (
    check_time_zone,
    clock,
    duration,
    event_start,
    local_time,
    offered_time_zones,
    planned_starts,
)


@dataclass
class Place:
    time_zone: str = "Europe/Brussels"
    starts_on: dt.date = dt.date(2023, 10, 10)
    start_time: dt.time | None = dt.time(14, 30)


def test_known_names_pass_and_case_is_forgiven() -> None:
    assert check_time_zone("America/Argentina/Buenos_Aires") == "America/Argentina/Buenos_Aires"
    assert check_time_zone(" europe/brussels ") == "Europe/Brussels"
    assert check_time_zone("america/new york") == "America/New_York"
    assert "Europe/Brussels" in offered_time_zones()
    assert offered_time_zones()[0] == "UTC"
    assert not any(z.startswith(("Etc/", "US/")) for z in offered_time_zones())


@pytest.mark.parametrize("name", ["", "Mars/Olympus", "Brussels", "../../etc/passwd", "x" * 100])
def test_unknown_names_are_refused_with_an_example(name: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_time_zone(name)
    assert refused.value.field == "time_zone"
    assert "Europe/Brussels" in refused.value.message


def test_utc_moments_are_shown_in_the_events_zone_naming_it() -> None:
    moment = dt.datetime(2023, 10, 10, 12, 30, tzinfo=dt.UTC)
    assert local_time(moment, Place()) == "14:30 (Europe/Brussels)"  # summer time: UTC+2
    buenos_aires = Place(time_zone="America/Argentina/Buenos_Aires")
    assert local_time(moment, buenos_aires) == "09:30 (America/Argentina/Buenos_Aires)"
    assert clock(moment.replace(tzinfo=None), Place()) == "14:30"  # naive means UTC
    next_day = dt.datetime(2023, 10, 11, 12, 30, tzinfo=dt.UTC)
    assert local_time(next_day, Place()) == "2023-10-11 14:30 (Europe/Brussels)"
    assert local_time(None, Place()) == ""


def test_planned_starts_add_up_durations_until_one_is_unknown() -> None:
    starts = planned_starts(Place(), [10, 15, None, 5])
    assert [clock(s, Place()) for s in starts] == ["14:30", "14:40", "14:55", ""]
    assert planned_starts(Place(start_time=None), [10, 10]) == [None, None]
    start = event_start(Place(time_zone="America/Argentina/Buenos_Aires"))
    assert start is not None
    assert start.astimezone(dt.UTC).hour == 17  # 14:30 in Buenos Aires is 17:30 UTC


def test_durations_read_as_hours_and_minutes() -> None:
    assert [duration(m) for m in (None, 45, 60, 95)] == [
        "0 min",
        "45 min",
        "1 h 0 min",
        "1 h 35 min",
    ]
