"""The facts of the reference session, from shared/seed/reference-session-takeaways.txt.

Places, partners, topics, outcomes and figures are carried over from the seed; the
lessons are retold in Agora's own words. Where the seed gives no data (the people in the
room), the demo simulates it and marks it so (registrations have ``source="simulated"``).
"""

from __future__ import annotations

from typing import Any

#: The agenda as the seed's methodology describes it: (kind, title, speaker organisation).
AGENDA: list[tuple[str, str, str]] = [
    ("introduction", "Introduction and expectation setting", ""),
    ("poll", "Your interest in the world areas", ""),
    ("speaker", "Being an active member: grasping what a network offers", "EURADA"),
    ("speaker", "How networks tailor activities to members' needs and world affairs", "EUROCITIES"),
    ("qa", "Questions to the network speakers", ""),
    ("audience", "The audience takes the microphone", ""),
    ("poll", "Concrete experiences of international cooperation", ""),
]

REGISTERED = 128
CHECKED_IN = 116
WALK_INS = 28
SEATS = 144


def _partner(organisation: str, place: str, country: str, area: str) -> dict[str, str]:
    return {"organisation": organisation, "place": place, "country": country, "world_area": area}


def _outcome(kind: str, description: str) -> dict[str, str]:
    return {"kind": kind, "description": description, "date": ""}


#: The seven regions that took the microphone, in the order of the seed's section 3.
REGIONS: list[dict[str, Any]] = [
    {
        "place": "Hamburg",
        "country": "DE",
        "topic": "Choosing partners alike enough to learn from",
        "partners": [
            _partner("City of Melbourne", "Melbourne", "AU", "oceania"),
            _partner("City of Canberra", "Canberra", "AU", "oceania"),
        ],
        "topics": ["digital public services", "urban mobility", "academia and local government"],
        "outcomes": [
            _outcome("expert_exchange", "Expert exchanges planned with Melbourne and Canberra"),
            _outcome("other", "Regular contact and mutual invitations"),
        ],
        "lesson": (
            "Partners that resemble us in technology, governance, law, culture and economic "
            "weight teach the most: side by side we saw what we share and where we lag, "
            "for instance in digital public services and mobility concepts. Bringing "
            "universities together with the city administration made the knowledge flow. "
            "Before the next partnership we will first weigh what it can bring both sides, "
            "a potential-benefit analysis, so the cooperation has a clear direction."
        ),
    },
    {
        "place": "Krapina-Zagorje County",
        "country": "HR",
        "topic": "A health innovation hub shaped by partners abroad",
        "partners": [
            _partner("EIDH AI for Health", "", "", "europe"),
            _partner("Human Technology Styria (HTS) cluster", "Graz", "AT", "europe"),
            _partner("Partners in China", "", "CN", "asia"),
        ],
        "topics": ["health innovation", "digital innovation hub", "start-ups"],
        "outcomes": [
            _outcome("facility_designed", "Digital Innovation Hub for healthcare"),
            _outcome("facility_designed", "Health IT Academy"),
            _outcome("other", "INVEST in ZAGORJE conference informed by the exchange with China"),
        ],
        "lesson": (
            "What we saw in China pushed us to build for health innovation at home: a "
            "digital innovation hub for healthcare and an academy for health IT, which now "
            "help start-ups use what we learned about global markets. Working with Graz and "
            "the Styrian health technology cluster lets us move faster towards smarter and "
            "more accessible care for the county."
        ),
    },
    {
        "place": "North East Romania",
        "country": "RO",
        "topic": "Pairings that changed how we plan regional development",
        "partners": [],
        "topics": [
            "participatory budgeting",
            "technology transfer",
            "business incubators",
            "RIS3 governance",
            "green energy",
            "circular economy",
        ],
        "outcomes": [
            _outcome("guideline", "Methodological guidance for RIS3 governance"),
            _outcome("policy_adapted", "Urban mobility plans"),
            _outcome("memorandum", "Cooperation agreements between clusters and centres"),
        ],
        "lesson": (
            "Being paired with regions from another culture and administrative tradition "
            "changed how we see regional planning. We compared participatory budgeting, "
            "business models for technology transfer and incubators, and came home with "
            "guidance for governing our smart specialisation strategy, ideas on green "
            "energy and the circular economy, and agreements between our clusters."
        ),
    },
    {
        "place": "Murcia",
        "country": "ES",
        "topic": "Heritage and sustainability with a partner city in China",
        "partners": [_partner("Partner city in China", "", "CN", "asia")],
        "topics": ["culture", "heritage preservation", "urban sustainability"],
        "outcomes": [_outcome("policy_adapted", "Local policies adapted from the exchange")],
        "lesson": (
            "Exchanging solutions with our partner city on culture, heritage and sustainable "
            "urban life led us to adapt local policies for our residents. The dialogue built "
            "trust; next we want universities, businesses and trade to join the partnership."
        ),
    },
    {
        "place": "Genova",
        "country": "IT",
        "topic": "From a summer destination to a year-round city",
        "partners": [
            _partner("Municipality of Mar del Plata", "Mar del Plata", "AR", "latin_america")
        ],
        "topics": ["tourism beyond the peak season", "digital public services"],
        "outcomes": [_outcome("guideline", "Guidelines for future work drawn from the exchange")],
        "lesson": (
            "Mar del Plata showed how a beach resort busy only in summer became a city "
            "visited all year, because every municipal department and private partners "
            "worked towards it together. Its 'Citizen Folder' platform showed what digital "
            "public services can change in people's dealings with the municipality."
        ),
    },
    {
        "place": "Sisak-Moslavina County",
        "country": "HR",
        "topic": "E-sport: what we found in Chongqing",
        "partners": [_partner("Zhong county", "Chongqing", "CN", "asia")],
        "topics": ["e-sport", "gaming", "virtual reality"],
        "outcomes": [
            _outcome("delegation_visit", "Visit to the e-sport infrastructure of Zhong county"),
            _outcome("memorandum", "Memorandum of understanding being negotiated"),
        ],
        "lesson": (
            "Visiting the world's largest e-sport arena in Zhong county, we learned how "
            "players prepare and how the whole gaming ecosystem is built, and found our own "
            "plans closer to theirs than expected. A memorandum of understanding is being "
            "negotiated, with joint projects on young e-sport talent and virtual reality, "
            "and we have invited our Chinese partners to Croatia."
        ),
    },
    {
        "place": "Extremadura",
        "country": "ES",
        "topic": "Co-designing a science and innovation ecosystem with Piura",
        "partners": [
            _partner("Regional Government of Piura", "Piura", "PE", "latin_america"),
            _partner("CCMI", "", "", "europe"),
            _partner("CEPSEA", "", "", "latin_america"),
        ],
        "topics": ["science, technology and innovation ecosystem", "technology park", "medicine"],
        "outcomes": [
            _outcome("delegation_visit", "Delegation of technical experts"),
            _outcome("delegation_visit", "Delegation of the regional government"),
            _outcome("facility_designed", "Design of a regional technology park or network"),
            _outcome("facility_designed", "Catalogue of R&D&I services for Piura"),
            _outcome("expert_exchange", "Two medical research centres sharing surgical know-how"),
        ],
        "lesson": (
            "Sharing how we built a sustainable science, technology and innovation ecosystem "
            "helped Piura plan its own: an intermediary body for innovation, the design of "
            "a technology park and a catalogue of research and innovation services. Two "
            "delegations, one technical and one from the regional government, followed, and "
            "two medical research centres now exchange knowledge on minimally invasive "
            "surgery."
        ),
    },
]

#: Questions the room might have asked the network speakers (the seed records none).
AUDIENCE_QUESTIONS: list[tuple[str, int]] = [
    ("How can a small region find partners outside Europe through a network?", 9),
    ("Which activities of a network are worth the membership fee for a city?", 6),
    ("Do networks help with funding for delegation visits?", 4),
]
