"""The organiser's forms (an event's settings, an agenda item): read, check, say what is wrong.

Each reader takes the posted form and returns the values as typed (to show them again)
and either what to pass to the service or the message of each wrong field, so a refused
form changes nothing and keeps what the person typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from agora.core.errors import InvalidInput
from agora.core.i18n import LANGUAGES, _
from agora.events.models import AgendaKind
from agora.events.times import DEFAULT_TIME_ZONE, check_time_zone

EVENT_FIELDS = (
    "title",
    "starts_on",
    "start_time",
    "time_zone",
    "venue",
    "language",
    "capacity",
    "registration_open",
)
ITEM_FIELDS = (
    "kind",
    "title",
    "speaker_name",
    "speaker_organisation",
    "duration_minutes",
    "poll_id",
)
#: The largest number a capacity or duration field takes (and a poll id).
MAX_CAPACITY = 1_000_000
MAX_MINUTES = 24 * 60


@dataclass
class Filled:
    """A posted form: the values as typed, the checked data, and the message of each wrong field."""

    values: dict[str, str]
    data: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Tell whether every field is right."""
        return not self.errors

    def refuse(self, exc: InvalidInput) -> None:
        """Note a service's refusal next to the field it names (or the whole form)."""
        self.errors[exc.field if exc.field in self.values else "form"] = exc.message


def _text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _whole_number(text: str, largest: int) -> int | None:
    """Return ``text`` as a whole number from 1 to ``largest``, or None if it is not one."""
    if not text.isdigit() or len(text) > 9:
        return None
    number = int(text)
    return number if 1 <= number <= largest else None


def event_defaults(event: Any = None) -> dict[str, str]:
    """Return the values an event form starts with: the event's, or a new event's."""
    if event is None:
        return {
            "title": "",
            "starts_on": "",
            "start_time": "",
            "time_zone": DEFAULT_TIME_ZONE,
            "venue": "",
            "language": "en",
            "capacity": "",
            "registration_open": "on",
        }
    return {
        "title": event.title,
        "starts_on": event.starts_on.isoformat(),
        "start_time": event.start_time.strftime("%H:%M") if event.start_time else "",
        "time_zone": event.time_zone,
        "venue": event.venue,
        "language": event.language,
        "capacity": "" if event.capacity is None else str(event.capacity),
        "registration_open": "on" if event.registration_open else "",
    }


def read_event(form: Mapping[str, Any]) -> Filled:
    """Read and check an event's settings form."""
    filled = Filled({name: _text(form, name) for name in EVENT_FIELDS})
    values, data, errors = filled.values, filled.data, filled.errors
    data["title"] = values["title"]
    if not values["title"]:
        errors["title"] = _("Give the event a title.")
    elif len(values["title"]) > 300:
        errors["title"] = _("The title is longer than 300 characters.")
    try:
        data["starts_on"] = dt.date.fromisoformat(values["starts_on"])
    except ValueError:
        errors["starts_on"] = (
            _("Give the date of the event.")
            if not values["starts_on"]
            else _(
                "'{value}' is not a date; type it as YYYY-MM-DD, for example 2023-10-10."
            ).format(value=values["starts_on"][:40])
        )
    data["start_time"] = None
    if values["start_time"]:
        try:
            data["start_time"] = dt.time.fromisoformat(values["start_time"])
        except ValueError:
            errors["start_time"] = _(
                "'{value}' is not a time; type it as HH:MM, for example 14:30."
            ).format(value=values["start_time"][:40])
    if not values["time_zone"]:
        errors["time_zone"] = _("Choose the time zone of the event, for example Europe/Brussels.")
    else:
        try:
            data["time_zone"] = check_time_zone(values["time_zone"])
        except InvalidInput as exc:
            errors["time_zone"] = exc.message
    data["venue"] = values["venue"]
    if len(values["venue"]) > 300:
        errors["venue"] = _("The venue is longer than 300 characters.")
    data["language"] = values["language"]
    if values["language"] not in LANGUAGES:
        errors["language"] = _("Choose one of the eight languages.")
    data["capacity"] = None
    if values["capacity"]:
        data["capacity"] = _whole_number(values["capacity"], MAX_CAPACITY)
        if data["capacity"] is None:
            errors["capacity"] = _(
                "The capacity is a whole number of seats from 1 to 1,000,000; "
                "leave it empty for no limit."
            )
    data["registration_open"] = values["registration_open"] in {"on", "true", "1", "open"}
    return filled


def item_defaults(item: Any = None) -> dict[str, str]:
    """Return the values an agenda item form starts with: the item's, or a new item's."""
    if item is None:
        return {name: "" for name in ITEM_FIELDS} | {"kind": AgendaKind.speaker.value}
    return {
        "kind": item.kind.value,
        "title": item.title,
        "speaker_name": item.speaker_name,
        "speaker_organisation": item.speaker_organisation,
        "duration_minutes": "" if item.duration_minutes is None else str(item.duration_minutes),
        "poll_id": "" if item.poll_id is None else str(item.poll_id),
    }


def read_item(form: Mapping[str, Any], poll_ids: set[int]) -> Filled:
    """Read and check an agenda item form; ``poll_ids`` are the event's polls."""
    filled = Filled({name: _text(form, name) for name in ITEM_FIELDS})
    values, data, errors = filled.values, filled.data, filled.errors
    kinds = {kind.value for kind in AgendaKind}
    if values["kind"] not in kinds:
        errors["kind"] = _("Choose what kind of item this is.")
    else:
        data["kind"] = AgendaKind(values["kind"])
    for name, longest in (("title", 300), ("speaker_name", 200), ("speaker_organisation", 300)):
        data[name] = values[name]
        if len(values[name]) > longest:
            errors[name] = _("This is longer than {n} characters.").format(n=longest)
    if not values["title"]:
        errors["title"] = _("Give the item a title, for example 'Coffee break'.")
    if (
        data.get("kind") is AgendaKind.speaker
        and not values["speaker_name"]
        and not values["speaker_organisation"]
    ):
        errors["speaker_name"] = _("Give the speaker's name or organisation.")
    data["duration_minutes"] = None
    if values["duration_minutes"]:
        data["duration_minutes"] = _whole_number(values["duration_minutes"], MAX_MINUTES)
        if data["duration_minutes"] is None:
            errors["duration_minutes"] = _(
                "The duration is a whole number of minutes from 1 to 1440; leave it empty "
                "if you do not know it yet."
            )
    data["poll_id"] = None
    if values["poll_id"]:
        poll_id = _whole_number(values["poll_id"], 2_147_483_647)
        if poll_id not in poll_ids:
            errors["poll_id"] = _("Choose one of this event's polls, or none.")
        data["poll_id"] = poll_id
    return filled
