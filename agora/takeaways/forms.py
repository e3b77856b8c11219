"""The takeaway form of the pages: its fields to a takeaway's data, error paths, page contexts.

Rows of partners and outcomes are named ``partners-0-organisation``, ``outcomes-2-date``…;
topics are one line separated by commas. Blank rows are kept here (services leave them
out), so an error's path ``partners[1].world_area`` is the second row of the form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from agora.core.i18n import _
from agora.events.models import Event
from agora.floor.models import FloorRequest
from agora.takeaways.fields import OUTCOME_FIELDS, PARTNER_FIELDS
from agora.takeaways.models import Takeaway

_ROW = re.compile(r"^(partners|outcomes)-(\d{1,2})-([a-z_]+)$")
_PATH = re.compile(r"^(partners|outcomes)\[(\d+)\]\.([a-z_]+)$")
_TOPIC_SEPARATORS = re.compile(r"[,;\n]")


def _rows(items: Iterable[tuple[str, Any]], kind: str, names: tuple[str, ...]) -> list[Any]:
    rows: dict[int, dict[str, str]] = {}
    for key, value in items:
        match = _ROW.match(key)
        if match and match.group(1) == kind and match.group(3) in names:
            rows.setdefault(int(match.group(2)), {})[match.group(3)] = str(value)
    return [{name: rows[i].get(name, "") for name in names} for i in sorted(rows)]


def takeaway_from_form(form: Any, *, who: bool = True) -> dict[str, Any]:
    """Return the takeaway a form describes, in the shape the services check."""
    items = [(str(k), v) for k, v in form.multi_items()]
    data: dict[str, Any] = {
        "country": str(form.get("country") or ""),
        "partners": _rows(items, "partners", PARTNER_FIELDS),
        "topics": [t.strip() for t in _TOPIC_SEPARATORS.split(str(form.get("topics") or ""))],
        "outcomes": _rows(items, "outcomes", OUTCOME_FIELDS),
        "lesson": str(form.get("lesson") or ""),
    }
    data["topics"] = [t for t in data["topics"] if t]
    if who:
        for name in ("speaker_name", "organisation", "place"):
            data[name] = str(form.get(name) or "")
    return data


def form_field(path: str | None) -> str:
    """Return the name of the form field an error's path points at."""
    if not path:
        return ""
    match = _PATH.match(path)
    if match:
        return f"{match.group(1)}-{match.group(2)}-{match.group(3)}"
    return path.split("[", 1)[0].split(".", 1)[0]


def form_page(
    event: Event,
    title: str,
    action: str,
    values: dict[str, Any],
    back: str,
    *,
    who: dict[str, str] | None,
) -> dict[str, Any]:
    """Return the context of takeaways/page.html: one form, and the way back.

    ``who`` is a turn's speaker, shown and not editable; None when the form asks for it.
    """
    page = "/moderate" if back == "moderator" else ""
    return {
        "title": title,
        "action": action,
        "values": values,
        "back": back,
        "back_url": f"/e/{event.code}{page}#takeaways",
        "turn_who": who,
    }


def turn_who(floor_request: FloorRequest) -> dict[str, str]:
    """Return who speaks in a turn, as a takeaway names them."""
    return {
        "speaker_name": floor_request.name,
        "organisation": floor_request.organisation,
        "place": floor_request.place,
    }


def edit_page(
    event: Event, takeaway: Takeaway, values: dict[str, Any], back: str
) -> dict[str, Any]:
    """Return the context of a takeaway's edit page, showing ``values`` in the form."""
    who = None
    if takeaway.floor_request_id is not None:
        who = {
            "speaker_name": takeaway.speaker_name,
            "organisation": takeaway.organisation,
            "place": takeaway.place,
        }
    return form_page(
        event,
        _("Edit the takeaway"),
        f"/e/{event.code}/takeaways/{takeaway.id}",
        values,
        back,
        who=who,
    )
