"""The reference session's seven regional experiences, promoted to the knowledge base.

A moderator promotes a takeaway on a review page and chooses where a place is ambiguous.
The demo runs without anyone to ask, so it chooses here the place each takeaway means
(``INTENDED``), by the gazetteer's code, and says why.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from agora.events.models import Event
from agora.knowledge import promotion, services
from agora.knowledge.models import Cooperation
from agora.takeaways.models import TakeawayState
from agora.takeaways.services import event_takeaways

#: The programme the reference session is about.
PROGRAMME = "International Urban and Regional Cooperation (IURC)"

#: What the demo's ambiguous places mean, by the place the takeaway typed.
INTENDED = {
    # Hamburg is both a city and a federal state; it spoke of partnerships with the cities
    # of Melbourne and Canberra, as a city.
    "Hamburg": "geonames:2911298",
    # Murcia is a city, a province and an autonomous community; the seed speaks of "their
    # partner city in China" and the residents of Murcia: the city.
    "Murcia": "geonames:2513416",
    # Genova is a city and a province; its partner is the Municipality of Mar del Plata.
    "Genova": "geonames:3176219",
    # Zhong county lies in Chongqing municipality (CN-CQ), not in the city proper.
    "Chongqing": "CN-CQ",
    # The partner is the Regional Government of Piura: the region (PE-PIU), not the city.
    "Piura": "PE-PIU",
}


def _choices(draft: promotion.Draft) -> dict[str, str]:
    """Return the demo's choice for every ambiguous actor of ``draft``."""
    choices = {}
    for slot in draft.slots:
        if not slot.ambiguous:
            continue
        code = INTENDED.get(slot.place)
        wanted = [c.key for c in slot.candidates if code and c.key == f"place:{code}"]
        if not wanted:  # an actor already at that place (the demo run twice on one database)
            wanted = [c.key for c in slot.candidates if c.key.startswith("actor:")]
        choices[slot.field] = wanted[0] if wanted else promotion.NEW
    return choices


def promote_reference_takeaways(session: Session, event: Event) -> list[Cooperation]:
    """Promote each approved takeaway of the reference session not promoted yet."""
    made = []
    for takeaway in event_takeaways(session, event.id, states=frozenset({TakeawayState.approved})):
        if services.promoted_from(session, takeaway.id) is not None:
            continue
        draft = promotion.prefill(session, takeaway)
        review = promotion.Review(programme=PROGRAMME, choices=_choices(draft))
        made.append(promotion.promote(session, takeaway, review))
    return made
