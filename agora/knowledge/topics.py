"""The taxonomy of topics: shipped as data, stored on first use, edited by organisers.

``data/topics.json`` holds the programme's seven themes with their names in Agora's eight
languages, their SDGs, smart-specialisation domains and keywords. The first time anything
reads the topics of a database whose topic table is empty, they are stored
(``ensure_topics``); from then on the table is the taxonomy and organisers change it
(``create_topic``, ``update_topic``, ``delete_topic``). Matching a takeaway's free-text
topics to the taxonomy (``match_topic``) looks at slugs, names in every language, the
shipped keywords and, failing those, a fuzzy comparison of the words.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from agora.core.errors import Conflict, NotFound
from agora.core.i18n import _, current_language
from agora.knowledge.models import Cooperation, CooperationTopic, Topic
from agora.knowledge.schemas import TopicIn

#: The languages a topic is named in (Agora's own).
LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "hr", "ro")
#: The least rapidfuzz score (0–100) at which a topic's words match a takeaway's topic.
FUZZY_THRESHOLD = 88


@dataclass(frozen=True)
class ShippedTopic:
    """A topic as ``data/topics.json`` ships it."""

    slug: str
    names: dict[str, str]
    description: str
    sdgs: list[int]
    s3_domains: list[str]
    keywords: tuple[str, ...]


@functools.cache
def shipped() -> tuple[ShippedTopic, ...]:
    """Return the topics Agora ships, in their order."""
    text = resources.files("agora.knowledge").joinpath("data/topics.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return tuple(
        ShippedTopic(
            slug=item["slug"],
            names=dict(item["names"]),
            description=item["description"],
            sdgs=list(item["sdgs"]),
            s3_domains=list(item["s3_domains"]),
            keywords=tuple(item["keywords"]),
        )
        for item in data["topics"]
    )


def ensure_topics(session: Session) -> None:
    """Store the shipped topics if the database has no topic at all (its first use)."""
    if session.scalar(select(func.count()).select_from(Topic)):
        return
    for position, item in enumerate(shipped()):
        session.add(
            Topic(
                slug=item.slug,
                name=item.names["en"],
                names=item.names,
                description=item.description,
                sdgs=item.sdgs,
                s3_domains=item.s3_domains,
                position=position,
            )
        )
    session.flush()


def list_topics(session: Session) -> list[Topic]:
    """Return the taxonomy in its order (storing the shipped topics on first use)."""
    ensure_topics(session)
    return list(session.scalars(select(Topic).order_by(Topic.position, Topic.slug)))


def get_topic(session: Session, slug: str) -> Topic:
    """Return the topic with ``slug`` or raise NotFound."""
    ensure_topics(session)
    topic = session.scalar(select(Topic).where(Topic.slug == slug))
    if topic is None:
        raise NotFound(_("There is no topic '{slug}'.").format(slug=slug[:60]))
    return topic


def topic_name(topic: Topic, language: str | None = None) -> str:
    """Return the topic's name in ``language`` (the page's by default), else in English."""
    names: dict[str, str] = topic.names or {}
    return names.get(language or current_language()) or topic.name


def create_topic(session: Session, data: TopicIn) -> Topic:
    """Add a topic to the taxonomy."""
    ensure_topics(session)
    if session.scalar(select(Topic).where(Topic.slug == data.slug)) is not None:
        raise Conflict(_("There is already a topic '{slug}'.").format(slug=data.slug))
    topic = Topic(**data.model_dump())
    topic.names = {**data.names, "en": data.names.get("en") or data.name}
    session.add(topic)
    session.flush()
    return topic


def update_topic(session: Session, topic: Topic, data: TopicIn) -> Topic:
    """Change a topic; a new slug renames it everywhere (cooperations keep it by id)."""
    if data.slug != topic.slug:
        clash = session.scalar(select(Topic).where(Topic.slug == data.slug))
        if clash is not None:
            raise Conflict(_("There is already a topic '{slug}'.").format(slug=data.slug))
    for name, value in data.model_dump().items():
        setattr(topic, name, value)
    topic.names = {**data.names, "en": data.names.get("en") or data.name}
    _touch_cooperations(session, topic.id)
    session.flush()
    return topic


def delete_topic(session: Session, topic: Topic) -> None:
    """Remove a topic; the cooperations about it lose it."""
    _touch_cooperations(session, topic.id)
    session.execute(delete(CooperationTopic).where(CooperationTopic.topic_id == topic.id))
    session.delete(topic)
    session.flush()


def _touch_cooperations(session: Session, topic_id: int) -> None:
    # the search index reads cooperations changed since it last ran: their topics changed
    from agora.core.db import utcnow

    ids = select(CooperationTopic.cooperation_id).where(CooperationTopic.topic_id == topic_id)
    for cooperation in session.scalars(select(Cooperation).where(Cooperation.id.in_(ids))):
        cooperation.updated_at = utcnow()


# -- matching free text to the taxonomy -------------------------------------------------------


def _words(text: str) -> str:
    return " ".join(re.findall(r"[\w&]+", text.casefold()))


def _keywords(session: Session) -> dict[int, set[str]]:
    """Return every phrase that names each stored topic: slug, names, shipped keywords."""
    by_slug = {item.slug: item for item in shipped()}
    phrases: dict[int, set[str]] = {}
    for topic in list_topics(session):
        found = {_words(topic.slug.replace("_", " ")), _words(topic.name)}
        found |= {_words(name) for name in (topic.names or {}).values()}
        if topic.slug in by_slug:
            found |= {_words(word) for word in by_slug[topic.slug].keywords}
        phrases[topic.id] = {p for p in found if p}
    return phrases


def match_topic(session: Session, text: str) -> Topic | None:
    """Return the topic a takeaway's free-text topic (``"urban mobility"``) is about, if any.

    An exact slug, name or keyword wins; then the topic whose phrase appears whole in the
    text (the longest such phrase); then the best fuzzy match above ``FUZZY_THRESHOLD``.
    """
    wanted = _words(text)
    if not wanted:
        return None
    topics = {topic.id: topic for topic in list_topics(session)}
    phrases = _keywords(session)
    for topic_id, names in phrases.items():
        if wanted in names:
            return topics[topic_id]
    padded = f" {wanted} "
    best: tuple[int, int] | None = None  # (length of the phrase, topic id)
    for topic_id, names in phrases.items():
        for phrase in names:
            if f" {phrase} " in padded and (best is None or len(phrase) > best[0]):
                best = (len(phrase), topic_id)
    if best is not None:
        return topics[best[1]]
    scored = [
        (fuzz.token_set_ratio(wanted, phrase), topic_id)
        for topic_id, names in phrases.items()
        for phrase in names
    ]
    score, topic_id = max(scored, default=(0.0, 0))
    return topics[topic_id] if score >= FUZZY_THRESHOLD else None
