"""The reference session (EU Regions Week 2023, Brussels), set up for ``make demo``.

Facts come from ``shared/seed/reference-session-takeaways.txt``: the date, the venue, the
144 seats, the two polls and the six open-text answers the room gave, used as written.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from agora.events.models import Event
from agora.events.services import create_event, join_event
from agora.polls.kinds import QuestionKind
from agora.polls.models import Poll
from agora.polls.responses import Submission, record_responses
from agora.polls.schemas import OptionIn, PollIn, QuestionIn
from agora.polls.services import close_poll, create_poll, open_poll

CODE = "EUREG23"

WORLD_AREAS = [
    OptionIn(id="asia", label="Asia"),
    OptionIn(id="oceania", label="Australia and Oceania"),
    OptionIn(id="latam", label="Latin America and the Caribbean"),
    OptionIn(id="north-america", label="North America"),
    OptionIn(id="africa", label="Africa"),
]

#: The answers the room typed into the open-text poll, kept exactly as written.
EXPERIENCES = [
    "Diferrence beetwen international region or country laws and strategic development was "
    "the biggest challenge",
    "Connection of very locally specific projects in an interreg project and receiving great "
    "tagible outputs with the help of exchange and embedding into something bigger.",
    "Learning exchanges between cities and regions on sustainable energy and climate actions "
    "under Horizon 2020 programme",
    "City Science Initiative",
    "inspired new insight for research and for cities on how to do research on cities",
    "Urban mobility plan for large companies.",
]


def create_reference_session(session: Session) -> Event:
    """Create the reference event with its two polls, unless it exists; return it."""
    existing = session.scalar(select(Event).where(Event.code == CODE))
    if existing is not None:
        return existing
    event = create_event(
        session,
        code=CODE,
        title="Curious minds for a stronger Europe through international urban and regional "
        "cooperation",
        starts_on=dt.date(2023, 10, 10),
        venue="Brussels, Belgium (21st EU Regions Week)",
        capacity=144,
        language="en",
        description="Cities and regions of the International Urban and Regional Cooperation "
        "programme, two European networks (EURADA and EUROCITIES) and the audience share "
        "what cooperation with partners in China, Australia and Latin America taught them.",
    )
    ranking = create_poll(
        session,
        event,
        PollIn(
            title="World areas",
            questions=[
                QuestionIn(
                    kind=QuestionKind.ranking,
                    prompt="Please rank your interest in the following world areas",
                    options=list(WORLD_AREAS),
                )
            ],
        ),
    )
    experiences = create_poll(
        session,
        event,
        PollIn(
            title="Experiences",
            questions=[
                QuestionIn(
                    kind=QuestionKind.open_text,
                    prompt="In a few words, can you tell us about a concrete experience on "
                    "international cooperation?",
                    max_length=280,
                )
            ],
        ),
    )
    # The six answers the room gave, each from its own participant.
    open_poll(session, experiences)
    question_id = experiences.questions[0].id
    submissions = [
        Submission(question_id, join_event(session, event).id, event.id, {"texts": [text]})
        for text in EXPERIENCES
    ]
    record_responses(session, submissions)
    close_poll(session, experiences)
    open_poll(session, ranking)
    session.flush()
    return event


def reference_polls(session: Session, event: Event) -> list[Poll]:
    """Return the reference event's polls in order."""
    return list(
        session.scalars(select(Poll).where(Poll.event_id == event.id).order_by(Poll.position))
    )
