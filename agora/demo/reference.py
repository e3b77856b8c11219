"""The reference session (EU Regions Week 2023, Brussels), set up for ``make demo``.

Facts come from ``shared/seed/reference-session-takeaways.txt``: the date, the venue, the
144 seats, the agenda, the two polls, the six open-text answers the room gave (used as
written) and the seven regions' takeaways (see ``reference_data``). The 128 registrations,
of whom 116 come, and the 28 walk-ins are simulated people (``source="simulated"``): the
seed gives only their numbers.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from agora.demo import reference_data as data
from agora.events.agenda import add_item, set_now
from agora.events.models import AgendaItem, AgendaKind, Event, Participant
from agora.events.schemas import AgendaItemIn
from agora.events.services import create_event, join_event
from agora.floor.services import end_turn, give_floor, request_floor
from agora.polls.kinds import QuestionKind
from agora.polls.models import Poll
from agora.polls.responses import Submission, record_responses
from agora.polls.schemas import OptionIn, PollIn, QuestionIn
from agora.polls.services import close_poll, create_poll, open_poll
from agora.qa.services import ask_question, upvote
from agora.registrations.details import Details
from agora.registrations.models import OrganisationType
from agora.registrations.services import check_in, register, register_walk_in
from agora.takeaways.report_writing import Author, save_section
from agora.takeaways.services import Actor, record_turn_takeaway

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


#: The demo's own retention period: a hundred years, so its session stays as shown.
DEMO_RETENTION_DAYS = 36_500


def create_reference_session(session: Session, *, simulate_ballots: int = 0) -> Event:
    """Create the reference event with its two polls, unless it exists; return it.

    ``simulate_ballots`` simulated participants rank the world areas (the seed's export
    lost the individual ballots); they are marked ``simulated`` and reports say so.
    """
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
    # a reference kept for showing: the retention purge leaves its (made-up) people alone
    event.retention_days = DEMO_RETENTION_DAYS
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
    if simulate_ballots:
        _simulated_ballots(session, event, ranking, simulate_ballots)
    items = _agenda(session, event, ranking.id, experiences.id)
    _registrations(session, event)
    _floor_and_takeaways(session, event)
    _audience_questions(session, event)
    _narrative(session, event)
    set_now(session, event, items[1])  # the world-areas poll is on, as the demo starts
    return event


#: How strongly the simulated room prefers each world area (the partners the seed's
#: regions talked about are in Asia, Oceania and Latin America).
AREA_WEIGHTS = {"latam": 5.0, "asia": 4.5, "oceania": 3.0, "north-america": 2.5, "africa": 2.0}


def _simulated_ballots(session: Session, event: Event, ranking: Poll, count: int) -> None:
    draw = random.Random(20231010)  # noqa: S311 - a simulation: the same ballots every demo
    question_id = ranking.questions[0].id
    submissions = []
    for _n in range(count):
        participant = _simulated_participant(session, event)
        areas = list(AREA_WEIGHTS)
        order = []
        while areas:  # draw without replacement, weighted: a Plackett-Luce ballot
            area = draw.choices(areas, weights=[AREA_WEIGHTS[a] for a in areas])[0]
            order.append(area)
            areas.remove(area)
        submissions.append(Submission(question_id, participant.id, event.id, {"ranking": order}))
    session.flush()
    record_responses(session, submissions)


def _agenda(
    session: Session, event: Event, ranking_id: int, experiences_id: int
) -> list[AgendaItem]:
    polls = iter((ranking_id, experiences_id))
    return [
        add_item(
            session,
            event,
            AgendaItemIn(
                kind=AgendaKind(kind),
                title=title,
                speaker_organisation=organisation,
                poll_id=next(polls) if kind == "poll" else None,
            ),
        )
        for kind, title, organisation in data.AGENDA
    ]


#: Organisation types of the simulated room, in the proportions of a typical IURC session.
ROOM = [
    (OrganisationType.city, 40),
    (OrganisationType.region, 38),
    (OrganisationType.network, 12),
    (OrganisationType.ngo, 14),
    (OrganisationType.university, 12),
    (OrganisationType.company, 6),
    (OrganisationType.other, 34),
]
COUNTRIES = ["BE", "DE", "ES", "IT", "HR", "RO", "FR", "PT", "PL", "NL", "AT", "GR"]


def _simulated_people() -> list[Details]:
    kinds = [kind for kind, count in ROOM for _n in range(count)]
    people = []
    for number, kind in enumerate(kinds, start=1):
        people.append(
            Details(
                name=f"Simulated participant {number:03d}",
                email=f"participant{number:03d}@example.org",
                organisation=f"Simulated {kind.value}",
                organisation_type=kind,
                country=COUNTRIES[number % len(COUNTRIES)],
            )
        )
    return people


def _registrations(session: Session, event: Event) -> None:
    people = _simulated_people()
    registered = people[: data.REGISTERED]
    for number, details in enumerate(registered):
        registration = register(session, event, details)
        registration.source = "simulated"
        if number < data.CHECKED_IN:
            check_in(session, registration)
    for details in people[data.REGISTERED : data.REGISTERED + data.WALK_INS]:
        walk_in = register_walk_in(session, event, details)
        walk_in.source = "simulated"
    session.flush()


def _floor_and_takeaways(session: Session, event: Event) -> None:
    moderator = Actor(moderator=True)
    for region in data.REGIONS:
        request = request_floor(
            session,
            event,
            None,
            name=f"IURC representative of {region['place']}",
            organisation=region["place"],
            place=region["place"],
            topic=region["topic"],
        )
        give_floor(session, request)
        end_turn(session, request)
        record_turn_takeaway(
            session,
            request,
            {
                "country": region["country"],
                "partners": region["partners"],
                "topics": region["topics"],
                "outcomes": region["outcomes"],
                "lesson": region["lesson"],
            },
            moderator,
        )


#: The name the demo's invented audience questions are shown with wherever they appear.
SIMULATED_AUTHOR = "Simulated participant (demo)"


def _simulated_participant(session: Session, event: Event) -> Participant:
    participant = join_event(session, event)
    participant.simulated = True
    return participant


def _audience_questions(session: Session, event: Event) -> None:
    """Ask the demo's audience questions: invented, so asked by simulated participants."""
    voters = [_simulated_participant(session, event) for _n in range(10)]
    for text, votes in data.AUDIENCE_QUESTIONS:
        asker = _simulated_participant(session, event)
        # named so on the live pages too: the phones, the screen and the moderator's list
        question = ask_question(session, event, asker, text, author_name=SIMULATED_AUTHOR)
        for voter in voters[:votes]:
            upvote(session, question, voter.id)


#: The report's narrative as the demo's organiser wrote it, from the facts of the seed.
NARRATIVE = {
    "introduction": (
        "Cities and regions rarely learn international cooperation from manuals: they learn it "
        "from each other. This session of the **21st EU Regions Week** gave the floor to the "
        "places that cooperate with partners in China, Australia and Latin America, so that "
        "what worked, and what did not, reached the colleagues about to start.\n\n"
        "Two European networks, EURADA and EUROCITIES, opened it by showing what a network "
        "gives to members who take part actively."
    ),
    "methodology": (
        "The session was built around the audience rather than a panel:\n\n"
        "- a short opening that set out what the room could expect;\n"
        "- two talks, by **EURADA** and **EUROCITIES**, on making the most of a network;\n"
        "- the microphone handed to participants, seven of whom told the room what their "
        "partnerships taught them;\n"
        "- live polls throughout: a ranking of world areas and an open question on concrete "
        "experiences.\n\n"
        "Registration, check-in, the polls and the floor queue ran in Agora; the figures in "
        "this report come from them. *The people in the room and their ballots are simulated "
        "from the session's published totals.*"
    ),
    "impact": (
        "The lessons show cooperation that produced things a region can point to: a digital "
        "innovation hub for health, a technology park designed with Piura, delegation visits "
        "and expert exchanges, and memoranda in preparation.\n\n"
        "Those who listened gained as much as those who spoke: knowledge built on regional "
        "innovation and smart specialisation strategies, ready to be reused in their own "
        "projects, and contacts for partnerships that can last."
    ),
    "conclusions": (
        "Three points stand out.\n\n"
        "- **Choose partners who resemble you** in governance, technology and culture, and "
        "weigh the expected benefit before committing.\n"
        "- **Networks pay off for active members**: they adapt their work to what members "
        "ask for.\n"
        "- **Interest is turning to Latin America and Asia**, as the room's ranking shows.\n\n"
        "The next step is to match the places that want a partner with those that have "
        "already done the work."
    ),
}


def _narrative(session: Session, event: Event) -> None:
    author = Author(event.organiser_id)
    for section, text in NARRATIVE.items():
        save_section(session, event, section, text, author)


def reference_polls(session: Session, event: Event) -> list[Poll]:
    """Return the reference event's polls in order."""
    return list(
        session.scalars(select(Poll).where(Poll.event_id == event.id).order_by(Poll.position))
    )
