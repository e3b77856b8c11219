"""Voting rules: who may answer a poll, so that a vote can count once per person.

A poll's ``voting_rule`` (``models.VotingRule``) is ``anyone`` by default: whoever joined
answers, and a person who joins twice (two devices, a cleared cookie) answers twice. The
other rules admit only participants linked to a person, and a person has one linked
participant per event (``events.services.join_event``):

* ``registered``: joined from the registrant's page ("Join the live session") of a
  registration that is not cancelled (waiting list included);
* ``checked_in``: the same, and the registration is checked in at the door (walk-ins are,
  from the start);
* ``signed_in``: joined while signed in with an organiser account of the event's team,
  for a team's internal polls.

The responses' hot path reads the rule with the poll it already loads and, only for a
poll with a rule, the participants' links in one indexed query per batch
(``linked_people``). Registrations are a domain beside polls, read by table name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import column, select, table
from sqlalchemy.orm import Session

from agora.core.db import UTCDateTime
from agora.core.i18n import N_, _
from agora.events.models import Participant
from agora.polls.models import VotingRule

REGISTRATIONS = table(
    "registrations",
    column("id"),
    column("status"),
    column("checked_in_at", UTCDateTime()),
)


@dataclass(frozen=True)
class Link:
    """Who a participant is linked to: an organiser account, a registration and its state."""

    organiser_id: int | None = None
    registration_status: str | None = None
    checked_in: bool = False


#: A participant linked to nothing (or unknown).
UNLINKED = Link()


#: Each rule's name, in English (the data exports); ``rule_labels`` translates them.
RULE_NAMES: dict[VotingRule, str] = {
    VotingRule.anyone: N_("Anyone who joins (one vote per phone)"),
    VotingRule.registered: N_("One vote per registered participant"),
    VotingRule.checked_in: N_("One vote per participant checked in at the door"),
    VotingRule.signed_in: N_("One vote per team member signed in (internal polls)"),
}


def rule_labels() -> dict[VotingRule, str]:
    """Return each rule as the poll editor and the report name it, in the page's language."""
    return {rule: _(name) for rule, name in RULE_NAMES.items()}


def refusal(rule: VotingRule) -> str:
    """Return what a participant the rule does not admit is told, with what to do."""
    messages = {
        VotingRule.registered: _(
            "This poll counts one vote per registered participant: open the link in your "
            "registration e-mail and choose “Join the live session” to vote."
        ),
        VotingRule.checked_in: _(
            "This poll counts one vote per participant checked in at the door: check in "
            "with your registration's code, then open the link in your registration e-mail "
            "and choose “Join the live session” to vote."
        ),
        VotingRule.signed_in: _(
            "This poll is for the event's team: sign in with your organiser account, then "
            "open this page again to vote."
        ),
    }
    return messages.get(rule, "")


def admits(rule: VotingRule, link: Link) -> bool:
    """Tell whether a participant with ``link`` may answer a poll with ``rule``."""
    if rule is VotingRule.anyone:
        return True
    if rule is VotingRule.signed_in:
        return link.organiser_id is not None
    if link.registration_status is None or link.registration_status == "cancelled":
        return False
    return rule is VotingRule.registered or link.checked_in


def linked_people(session: Session, participant_ids: Iterable[int]) -> dict[int, Link]:
    """Return the links of participants, by id, in one query (primary keys only)."""
    ids = set(participant_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(
            Participant.id,
            Participant.organiser_id,
            REGISTRATIONS.c.status,
            REGISTRATIONS.c.checked_in_at,
        )
        .outerjoin(REGISTRATIONS, REGISTRATIONS.c.id == Participant.registration_id)
        .where(Participant.id.in_(ids))
    )
    return {
        pid: Link(organiser_id, status, isinstance(checked_in_at, dt.datetime))
        for pid, organiser_id, status, checked_in_at in rows
    }


def refusals(
    session: Session, participant_id: int | None, rules: Iterable[VotingRule]
) -> dict[VotingRule, str]:
    """Return, for the rules given, the message of each one that refuses the participant."""
    ruled = {rule for rule in rules if rule is not VotingRule.anyone}
    if not ruled:
        return {}
    link = UNLINKED
    if participant_id is not None:
        link = linked_people(session, [participant_id]).get(participant_id, UNLINKED)
    return {rule: refusal(rule) for rule in ruled if not admits(rule, link)}
