"""The fields of a takeaway: their names, their labels, and the checks of their values.

Every value is checked here, for the API and the HTML forms alike; a refusal is an
``InvalidInput`` whose ``field`` is a path into the takeaway (``partners[1].world_area``).
Checking is pure: plain data in, plain data out, no database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from agora.core.errors import InvalidInput
from agora.core.i18n import _
from agora.takeaways.models import OutcomeKind
from agora.text.clean import plain

NAME_LENGTH = 200
ORGANISATION_LENGTH = 300
PLACE_LENGTH = 200
MAX_PARTNERS = 20
MAX_TOPICS = 10
TOPIC_LENGTH = 80
MAX_OUTCOMES = 20
DESCRIPTION_LENGTH = 300
LESSON_LENGTH = 5000

#: The fields that say who learned the lesson.
WHO_FIELDS = ("speaker_name", "organisation", "place")
#: The fields of the lesson itself.
DETAIL_FIELDS = ("country", "partners", "topics", "outcomes", "lesson")
PARTNER_FIELDS = ("organisation", "place", "country", "world_area")
OUTCOME_FIELDS = ("kind", "description", "date")

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def world_areas() -> dict[str, str]:
    """Return the world areas a partner can be in, by id, named in the current language."""
    return {
        "europe": _("Europe"),
        "asia": _("Asia"),
        "oceania": _("Oceania"),
        "latin_america": _("Latin America and the Caribbean"),
        "north_america": _("North America"),
        "africa": _("Africa"),
        "middle_east": _("Middle East"),
    }


def outcome_kinds() -> dict[str, str]:
    """Return the kinds of outcome, by id, named in the current language."""
    return {
        OutcomeKind.memorandum.value: _("Memorandum of understanding"),
        OutcomeKind.delegation_visit.value: _("Delegation visit"),
        OutcomeKind.expert_exchange.value: _("Expert exchange"),
        OutcomeKind.guideline.value: _("Guideline"),
        OutcomeKind.policy_adapted.value: _("Policy adapted"),
        OutcomeKind.joint_project.value: _("Joint project"),
        OutcomeKind.facility_designed.value: _("Facility or service designed"),
        OutcomeKind.other.value: _("Other"),
    }


def _text(value: object, field: str, limit: int, label: str, *, multiline: bool = False) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(_("{label} must be text.").format(label=label), field=field)
    # control characters (NUL above all: PostgreSQL refuses it) become spaces
    text = plain(value, multiline=multiline)
    if len(text) > limit:
        raise InvalidInput(
            _("{label} is {length} characters long; the limit is {limit}.").format(
                label=label, length=len(text), limit=limit
            ),
            field=field,
        )
    return text


def _country(value: object, field: str, label: str) -> str:
    code = _text(value, field, 2_000, label).upper()
    # Full place lookup (ISO 3166-2, GeoNames) comes with the knowledge base; here only the
    # shape of an ISO 3166-1 alpha-2 code is checked.
    if code and not _COUNTRY.match(code):
        raise InvalidInput(
            _("{label}: give the two-letter ISO code of the country, like DE or CN.").format(
                label=label
            ),
            field=field,
        )
    return code


def _list(value: object, field: str, most: int, label: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidInput(_("{label} must be a list.").format(label=label), field=field)
    if len(value) > most:
        raise InvalidInput(
            _("{label}: at most {most}, you sent {count}.").format(
                label=label, most=most, count=len(value)
            ),
            field=field,
        )
    return value


def _entry(value: object, field: str, names: tuple[str, ...], label: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidInput(_("{label} must be an object.").format(label=label), field=field)
    unknown = sorted(str(k) for k in value if k not in names)
    if unknown:
        raise InvalidInput(
            _("{label}: unknown field '{name}'.").format(label=label, name=unknown[0]),
            field=f"{field}.{unknown[0]}",
        )
    return dict(value)


def _is_blank(entry: Mapping[str, Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in entry.values())


def clean_partners(value: object) -> list[dict[str, str]]:
    """Return the partners checked and normalized; blank rows are left out."""
    areas = world_areas()
    by_label = {label.casefold(): key for key, label in areas.items()}
    partners: list[dict[str, str]] = []
    for index, raw in enumerate(_list(value, "partners", MAX_PARTNERS, _("Partners"))):
        field = f"partners[{index}]"
        label = _("Partner {n}").format(n=index + 1)
        entry = _entry(raw, field, PARTNER_FIELDS, label)
        if _is_blank(entry):
            continue
        organisation = _text(
            entry.get("organisation"),
            f"{field}.organisation",
            ORGANISATION_LENGTH,
            _("{label}: the organisation").format(label=label),
        )
        place = _text(
            entry.get("place"),
            f"{field}.place",
            PLACE_LENGTH,
            _("{label}: the city or region").format(label=label),
        )
        if not organisation and not place:
            raise InvalidInput(
                _("{label}: give an organisation or a city or region.").format(label=label),
                field=f"{field}.organisation",
            )
        area = _text(entry.get("world_area"), f"{field}.world_area", 100, label)
        area_key = area if area in areas else by_label.get(area.casefold(), "")
        if area and not area_key:
            raise InvalidInput(
                _("{label}: '{area}' is not a world area; choose one of: {all}.").format(
                    label=label, area=area[:40], all=", ".join(areas.values())
                ),
                field=f"{field}.world_area",
            )
        partners.append(
            {
                "organisation": organisation,
                "place": place,
                "country": _country(entry.get("country"), f"{field}.country", label),
                "world_area": area_key,
            }
        )
    return partners


def clean_topics(value: object) -> list[str]:
    """Return the topics stripped, without blanks or repeats."""
    topics: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(_list(value, "topics", MAX_TOPICS, _("Topics"))):
        topic = _text(raw, f"topics[{index}]", TOPIC_LENGTH, _("Topic {n}").format(n=index + 1))
        if topic and topic.casefold() not in seen:
            seen.add(topic.casefold())
            topics.append(topic)
    return topics


def clean_outcomes(value: object) -> list[dict[str, str]]:
    """Return the outcomes checked and normalized; blank rows are left out."""
    kinds = outcome_kinds()
    outcomes: list[dict[str, str]] = []
    for index, raw in enumerate(_list(value, "outcomes", MAX_OUTCOMES, _("Outcomes"))):
        field = f"outcomes[{index}]"
        label = _("Outcome {n}").format(n=index + 1)
        entry = _entry(raw, field, OUTCOME_FIELDS, label)
        if _is_blank(entry):
            continue
        kind = _text(entry.get("kind"), f"{field}.kind", 100, label)
        if kind not in kinds:
            raise InvalidInput(
                _("{label}: choose what kind of outcome it is ({all}).").format(
                    label=label, all=", ".join(kinds.values())
                ),
                field=f"{field}.kind",
            )
        description = _text(
            entry.get("description"),
            f"{field}.description",
            DESCRIPTION_LENGTH,
            _("{label}: the description").format(label=label),
        )
        if kind == OutcomeKind.other.value and not description:
            raise InvalidInput(
                _("{label}: describe the outcome.").format(label=label),
                field=f"{field}.description",
            )
        date = _text(entry.get("date"), f"{field}.date", 100, label)
        if date:
            try:
                if not _DATE.match(date):
                    raise ValueError(date)
                date = dt.date.fromisoformat(date).isoformat()
            except ValueError:
                raise InvalidInput(
                    _("{label}: give the date as year-month-day, like 2023-10-10.").format(
                        label=label
                    ),
                    field=f"{field}.date",
                ) from None
        outcomes.append({"kind": kind, "description": description, "date": date})
    return outcomes


def clean_details(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the lesson, its country, partners, topics and outcomes, checked."""
    lesson = _text(data.get("lesson"), "lesson", LESSON_LENGTH, _("The lesson"), multiline=True)
    details = {
        "country": _country(data.get("country"), "country", _("The country")),
        "partners": clean_partners(data.get("partners")),
        "topics": clean_topics(data.get("topics")),
        "outcomes": clean_outcomes(data.get("outcomes")),
        "lesson": lesson,
    }
    if not lesson:
        raise InvalidInput(_("Write the lesson in your own words."), field="lesson")
    return details


def clean_who(data: Mapping[str, Any]) -> dict[str, str]:
    """Return who learned the lesson: a name, an organisation, a city or region."""
    who = {
        "speaker_name": _text(data.get("speaker_name"), "speaker_name", NAME_LENGTH, _("The name")),
        "organisation": _text(
            data.get("organisation"), "organisation", ORGANISATION_LENGTH, _("The organisation")
        ),
        "place": _text(data.get("place"), "place", PLACE_LENGTH, _("The city or region")),
    }
    if not any(who.values()):
        raise InvalidInput(
            _("Say who learned this: a name, an organisation, or a city or region."),
            field="organisation",
        )
    return who


def clean_takeaway(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return every field of a takeaway checked, or raise InvalidInput for the first bad one."""
    refuse_unknown(data, WHO_FIELDS + DETAIL_FIELDS)
    return {**clean_who(data), **clean_details(data)}


def refuse_unknown(data: Mapping[str, Any], names: tuple[str, ...]) -> None:
    """Refuse a field that a takeaway does not have."""
    unknown = sorted(str(k) for k in data if k not in names)
    if unknown:
        raise InvalidInput(_("Unknown field '{name}'.").format(name=unknown[0]), field=unknown[0])
