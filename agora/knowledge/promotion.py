"""From a session to the knowledge base: promote an approved takeaway to a cooperation.

``prefill`` reads the takeaway and proposes the record: its place becomes the lead actor
and each partner an actor (an actor already in the knowledge base at that place, else the
place the gazetteer finds), its topics are matched to the taxonomy, its outcomes copied,
its lesson kept with the language detected. Where a place could be several (``Murcia``:
the city or the region), the slot has no choice and the moderator picks one of the
candidates on the review page. ``promote`` saves the record only then, linked to the
takeaway, its event and its speaker; a takeaway is promoted once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from agora.core.errors import Conflict, InvalidInput
from agora.core.i18n import _
from agora.events.models import Event
from agora.knowledge import gazetteer, services
from agora.knowledge.models import (
    ActivityKind,
    Actor,
    ActorKind,
    Cooperation,
    CooperationSource,
    OutcomeKind,
)
from agora.knowledge.schemas import (
    ActivityIn,
    ActorFields,
    CooperationFields,
    LessonIn,
    OutcomeIn,
    Participation,
    checked,
)
from agora.knowledge.topics import match_topic
from agora.takeaways import live as takeaways_live
from agora.takeaways.models import Takeaway, TakeawayState

#: The choice that creates an actor with the typed name and no place.
NEW = "new"
#: The most candidates a slot offers.
MAX_CANDIDATES = 6


@dataclass(frozen=True)
class Candidate:
    """One answer to "which actor is this?": an actor, a gazetteer place, or a new actor."""

    key: str
    label: str
    detail: str = ""


@dataclass
class Slot:
    """An actor of the draft: what the takeaway says, the candidates, and the one chosen."""

    field: str
    role: str
    name: str
    place: str
    country: str
    world_area: str
    candidates: list[Candidate] = dataclasses.field(default_factory=list)
    chosen: str | None = None

    @property
    def ambiguous(self) -> bool:
        """Whether a person must choose among the candidates."""
        return self.chosen is None


@dataclass
class Draft:
    """A cooperation record proposed from a takeaway, before the moderator confirms it."""

    takeaway_id: int
    event_id: int
    title: str
    programme: str
    summary: str
    slots: list[Slot]
    topics: list[str]
    unmatched_topics: list[str]
    outcomes: list[OutcomeIn]
    lessons: list[LessonIn]
    activities: list[ActivityIn]
    speaker_name: str

    @property
    def needs_review(self) -> bool:
        """Whether some actor is ambiguous."""
        return any(slot.ambiguous for slot in self.slots)


#: Words in an organisation's name that say what kind of body it is, whatever its place
#: ("Human Technology Styria (HTS) cluster" is a cluster in Graz, not the city).
_KIND_WORDS: tuple[tuple[ActorKind, tuple[str, ...]], ...] = (
    (ActorKind.cluster, ("cluster", "clúster", "klaster", "pôle de compétitivité")),
    (
        ActorKind.university,
        (
            "university",
            "universidad",
            "université",
            "universität",
            "università",
            "universidade",
            "sveučilište",
            "universitatea",
        ),
    ),
    (ActorKind.network, ("network", "red de", "réseau", "netzwerk", "rete ", "mreža")),
    (ActorKind.ngo, ("foundation", "fundación", "fondation", "stiftung", "association")),
    (ActorKind.company, (" gmbh", " s.a.", " s.l.", " ltd", " inc", " s.p.a", " d.o.o.")),
)


def _kind_named(name: str) -> ActorKind | None:
    """Return the kind of body an organisation's name says it is, if it says one."""
    folded = f" {name.casefold()} "
    for kind, words in _KIND_WORDS:
        if any(word in folded for word in words):
            return kind
    return None


def _kind_of(place: gazetteer.Place) -> ActorKind:
    if place.kind == "city":
        return ActorKind.city
    if place.kind == "country":
        return ActorKind.national_body
    if place.subdivision_type.casefold() in {"province", "county", "department", "prefecture"}:
        return ActorKind.province
    return ActorKind.region


def _describe(place: gazetteer.Place) -> str:
    kind = {
        "city": _("city"),
        "country": _("country"),
        "subdivision": place.subdivision_type or _("region"),
        "region": _("region"),
    }[place.kind]
    parts = [kind, place.parent or place.country]
    if place.population:
        parts.append(_("population {n:,}").format(n=place.population))
    return ", ".join(p for p in parts if p)


def _existing_at(session: Session, code: str) -> Actor | None:
    return session.scalars(
        select(Actor).where(Actor.place_code == code).order_by(Actor.id).limit(1)
    ).first()


def _slot(
    session: Session,
    index: str,
    role: str,
    organisation: str,
    place: str,
    country: str,
    area: str,
) -> Slot:
    name = (organisation or place).strip()
    slot = Slot(index, role, name, place.strip(), country.strip().upper(), area)
    named = services.find_actor(session, name=name, country=slot.country) if name else None
    if not slot.place:
        if named is not None:
            slot.candidates = [Candidate(f"actor:{named.id}", named.name, named.country)]
            slot.chosen = slot.candidates[0].key
        else:
            slot.candidates = [Candidate(NEW, name, slot.country)]
            slot.chosen = NEW
        return slot
    resolution = gazetteer.resolve(slot.place, country=slot.country or None)
    if resolution.place is not None:
        places = [resolution.place]
    elif resolution.plausible:
        places = [m.place for m in resolution.plausible]
    else:
        places = [m.place for m in resolution.candidates]
    keys: dict[str, str] = {}  # place code → candidate key
    for found in places[:MAX_CANDIDATES]:
        existing = _existing_at(session, found.code)
        if existing is not None:
            candidate = Candidate(f"actor:{existing.id}", existing.name, _describe(found))
        else:
            candidate = Candidate(f"place:{found.code}", found.name, _describe(found))
        keys[found.code] = candidate.key
        slot.candidates.append(candidate)
    if named is not None and f"actor:{named.id}" not in keys.values():
        slot.candidates.insert(0, Candidate(f"actor:{named.id}", named.name, named.country))
    if named is not None and named.place_code in keys:
        slot.chosen = f"actor:{named.id}"  # the actor already known at one of the places
    elif resolution.place is not None:
        slot.chosen = keys[resolution.place.code]
    elif not places:
        slot.chosen = NEW
    slot.candidates.append(Candidate(NEW, name, _("a new actor without a place")))
    return slot


def check_promotable(session: Session, takeaway: Takeaway) -> None:
    """Refuse a takeaway that is not approved or already promoted."""
    services.refuse_second_promotion(session, takeaway.id)
    if takeaway.state is not TakeawayState.approved:
        raise Conflict(_("Only an approved takeaway can be added to the knowledge base."))


def prefill(session: Session, takeaway: Takeaway) -> Draft:
    """Return the cooperation record a takeaway proposes (nothing is saved)."""
    check_promotable(session, takeaway)
    event = session.get_one(Event, takeaway.event_id)
    lead = _slot(
        session,
        "lead",
        "lead",
        takeaway.organisation if takeaway.organisation != takeaway.place else "",
        takeaway.place or takeaway.organisation,
        takeaway.country,
        "",
    )
    partners = [
        _slot(
            session,
            f"partners[{number}]",
            "partner",
            str(partner.get("organisation") or ""),
            str(partner.get("place") or ""),
            str(partner.get("country") or ""),
            str(partner.get("world_area") or ""),
        )
        for number, partner in enumerate(takeaway.partners or [])
    ]
    partners = [slot for slot in partners if slot.name]
    topics: list[str] = []
    unmatched: list[str] = []
    for text in takeaway.topics or []:
        topic = match_topic(session, text)
        if topic is None:
            unmatched.append(text)
        elif topic.slug not in topics:
            topics.append(topic.slug)
    outcomes = [
        OutcomeIn(
            kind=OutcomeKind(str(item.get("kind") or "other")),
            description=str(item.get("description") or "")[:500],
            date=item.get("date") or None,
        )
        for item in takeaway.outcomes or []
    ]
    lesson = takeaway.lesson.strip()
    lessons = [LessonIn(text=lesson, language=services.lesson_language(lesson))] if lesson else []
    partner_names = ", ".join(slot.name for slot in partners)
    lead_name = lead.name or _("Unnamed actor")
    title = (
        _("{lead} with {partners}").format(lead=lead_name, partners=partner_names)
        if partner_names
        else lead_name
    )
    shared = ActivityIn(
        kind=ActivityKind.conference,
        date=event.starts_on,
        description=_("Lessons shared at “{event}”").format(event=event.title)[:500],
    )
    return Draft(
        takeaway_id=takeaway.id,
        event_id=event.id,
        title=title[:300],
        programme="",
        summary="",
        slots=[lead, *partners],
        topics=topics,
        unmatched_topics=unmatched,
        outcomes=outcomes,
        lessons=lessons,
        activities=[shared],
        speaker_name=takeaway.speaker_name,
    )


@dataclass(frozen=True)
class Review:
    """What the moderator confirmed: the title and programme, a choice per ambiguous actor
    (by slot field: ``{"lead": "place:ES-MC"}``) and the topics kept."""

    title: str | None = None
    programme: str | None = None
    choices: Mapping[str, str] = dataclasses.field(default_factory=dict)
    topics: list[str] | None = None


def _actor_for(session: Session, slot: Slot, key: str, provenance: str) -> Actor:
    if key.startswith("actor:"):
        return services.get_actor(session, int(key.removeprefix("actor:")))
    if key.startswith("place:"):
        place = gazetteer.by_code(key.removeprefix("place:"))
        if place is None:
            raise InvalidInput(_("Choose one of the places offered."), field=slot.field)
        fields = ActorFields(
            kind=_kind_named(slot.name) or _kind_of(place),
            name=slot.name or place.name,
            names=sorted({n for n in (place.name, place.local_name) if n and n != slot.name}),
            country=place.country,
            subdivision=place.subdivision if "-" in place.subdivision else "",
            place_code=place.code,
            geonames_id=place.geonames_id,
            nuts=place.nuts,
            latitude=place.latitude,
            longitude=place.longitude,
            population=place.population,
            timezone=place.timezone,
            world_area=place.world_area or slot.world_area,
        )
        return services.find_or_create_actor(session, fields, provenance=provenance)[0]
    fields = ActorFields(
        name=slot.name,
        country=slot.country,
        world_area=slot.world_area or (gazetteer.world_area(slot.country) if slot.country else ""),
    )
    return services.find_or_create_actor(session, fields, provenance=provenance)[0]


def _role(role: str) -> Literal["lead", "partner"]:
    return "lead" if role == "lead" else "partner"


def promote(session: Session, takeaway: Takeaway, review: Review) -> Cooperation:
    """Save the cooperation a takeaway proposes, as the moderator reviewed it.

    Every ambiguous actor needs a choice among its candidates; a choice may also replace
    an unambiguous one. Raises InvalidInput naming the slot (``partners[1]``) otherwise.
    """
    draft = prefill(session, takeaway)
    event = session.get_one(Event, takeaway.event_id)
    provenance = f"session:{event.code}"
    participation: list[Participation] = []
    for slot in draft.slots:
        key = review.choices.get(slot.field) or slot.chosen
        if key is None:
            raise InvalidInput(
                _("Choose which actor “{name}” is.").format(name=slot.name), field=slot.field
            )
        if key not in {c.key for c in slot.candidates}:
            raise InvalidInput(_("Choose one of the actors offered."), field=slot.field)
        actor = _actor_for(session, slot, key, provenance)
        if any(p.actor_id == actor.id for p in participation):
            continue  # two partners that are one actor
        participation.append(Participation(actor_id=actor.id, role=_role(slot.role)))
    fields = checked(
        CooperationFields,
        {
            "title": (review.title if review.title is not None else draft.title) or draft.title,
            "programme": review.programme if review.programme is not None else draft.programme,
            "summary": draft.summary,
            "topics": review.topics if review.topics is not None else draft.topics,
            "activities": draft.activities,
            "outcomes": draft.outcomes,
            "lessons": draft.lessons,
        },
    )
    return services.create_cooperation(
        session,
        fields,
        participation,
        source=CooperationSource.session,
        event_id=event.id,
        takeaway_id=takeaway.id,
        speaker_name=takeaway.speaker_name,
    )


def record_links(session: Session, takeaway_ids: Sequence[int]) -> dict[int, str]:
    """Return the address of the cooperation each promoted takeaway became."""
    return {
        takeaway_id: f"/knowledge/cooperations/{cooperation_id}"
        for takeaway_id, cooperation_id in services.promoted_takeaways(
            session, takeaway_ids
        ).items()
    }


# The moderators' takeaways (a domain below this one) show which are in the knowledge base.
takeaways_live.link_knowledge(record_links)
