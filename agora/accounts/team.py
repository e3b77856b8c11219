"""An event's team: its organiser, the co-moderators they invite, and the links that grant access.

Events are a higher domain, so this module names the columns of the ``events`` table it
needs with ``sqlalchemy.table()`` instead of importing the model (CONTRIBUTING.md). It
writes two of them, ``moderator_key`` and ``screen_key``: they are the event's access
credentials, and moderator access is this domain's business (DESIGN.md). Each change of
access is written to the event's audit log (``audit_entries``, the model and its reader
are ``agora.events.audit``) in the same unit of work, the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, column, delete, func, select, table, update
from sqlalchemy.orm import Session

from agora.accounts.models import EventModerator, Invitation, Organiser
from agora.accounts.services import normalize_email
from agora.core.db import UTCDateTime, utcnow
from agora.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from agora.core.i18n import _
from agora.core.security import new_key, new_link_token, token_digest

EVENTS = table(
    "events",
    column("id"),
    column("code"),
    column("title"),
    column("organiser_id"),
    column("moderator_key"),
    column("screen_key"),
)
AUDIT_ENTRIES = table(
    "audit_entries",
    column("event_id"),
    column("at", UTCDateTime()),
    column("actor"),
    column("organiser_id"),
    column("action"),
    column("subject"),
)
#: How long an invitation works.
INVITATION_DAYS = 7
#: Invitations an event may have waiting at once (each one is a way in).
MAX_PENDING = 50
#: The links whose key can be replaced, as the team page's form names them.
LINKS = ("moderator", "screen")


@dataclass
class TeamEvent:
    """What the team pages need of an event; also what ``web.links.event_links`` takes."""

    id: int
    code: str
    title: str
    organiser_id: int | None
    moderator_key: str
    screen_key: str


@dataclass(frozen=True)
class Member:
    """Someone who moderates an event: its organiser or a co-moderator."""

    organiser: Organiser
    owner: bool
    since: dt.datetime


@dataclass(frozen=True)
class IssuedInvitation:
    """An invitation just made: its secret exists only here, to be sent or shown once."""

    id: int
    token: str
    email: str
    expires_at: dt.datetime


def actor_name(organiser: Organiser) -> str:
    """Return how the audit log names an organiser: "Name <address>", or the address alone."""
    return f"{organiser.name} <{organiser.email}>" if organiser.name else organiser.email


def _audit(
    session: Session, event: TeamEvent, organiser: Organiser, action: str, subject: str
) -> None:
    """Add an entry to the event's audit log (as ``agora.events.audit.record`` does)."""
    session.execute(
        AUDIT_ENTRIES.insert().values(
            event_id=event.id,
            at=utcnow(),
            actor=actor_name(organiser)[:400],
            organiser_id=organiser.id,
            action=action,
            subject=subject,
        )
    )


def normalize_code(code: str) -> str:
    """Return a join code as events store it (upper case, no spaces or dashes)."""
    return code.strip().upper().replace(" ", "").replace("-", "")


def team_event(session: Session, code: str) -> TeamEvent:
    """Return the event with join ``code``, or raise NotFound."""
    code = normalize_code(code)
    row = session.execute(select(EVENTS).where(EVENTS.c.code == code)).one_or_none()
    if row is None:
        raise NotFound(_("No event has the code {code}.").format(code=code))
    return TeamEvent(**row._mapping)


def _event_by_id(session: Session, event_id: int) -> TeamEvent:
    row = session.execute(select(EVENTS).where(EVENTS.c.id == event_id)).one()
    return TeamEvent(**row._mapping)


def is_co_moderator(session: Session, event_id: int, organiser_id: int) -> bool:
    """Tell whether the organiser was invited to moderate the event and still does."""
    found = session.scalar(
        select(EventModerator.id).where(
            EventModerator.event_id == event_id, EventModerator.organiser_id == organiser_id
        )
    )
    return found is not None


def co_moderated_event_ids(organiser_id: int) -> Select[int]:
    """Return a query of the ids of the events the organiser co-moderates."""
    return select(EventModerator.event_id).where(EventModerator.organiser_id == organiser_id)


def is_member(session: Session, event: TeamEvent, organiser: Organiser) -> bool:
    """Tell whether the organiser moderates the event (owns it or co-moderates it)."""
    return organiser.id == event.organiser_id or is_co_moderator(session, event.id, organiser.id)


def check_owner(event: TeamEvent, organiser: Organiser) -> None:
    """Refuse with 403 unless the organiser owns the event."""
    if organiser.id != event.organiser_id:
        raise NotAllowed(_("Only the event's organiser manages its team."))


def check_member(session: Session, event: TeamEvent, organiser: Organiser) -> None:
    """Refuse with 403 unless the organiser moderates the event."""
    if not is_member(session, event, organiser):
        raise NotAllowed(_("Only the event's moderators may see its team."))


def members(session: Session, event: TeamEvent) -> list[Member]:
    """Return who moderates the event: its organiser first, then co-moderators by arrival."""
    found: list[Member] = []
    if event.organiser_id is not None:
        owner = session.get(Organiser, event.organiser_id)
        if owner is not None:
            found.append(Member(owner, True, owner.created_at))
    rows = session.execute(
        select(Organiser, EventModerator.added_at)
        .join(EventModerator, EventModerator.organiser_id == Organiser.id)
        .where(EventModerator.event_id == event.id)
        .order_by(EventModerator.added_at, EventModerator.id)
    ).all()
    found.extend(Member(organiser, False, added_at) for organiser, added_at in rows)
    return found


def pending_invitations(session: Session, event: TeamEvent) -> list[Invitation]:
    """Return the event's invitations nobody accepted yet (expired ones too), newest first."""
    return list(
        session.scalars(
            select(Invitation)
            .where(Invitation.event_id == event.id, Invitation.accepted_at.is_(None))
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


def invite(
    session: Session, event: TeamEvent, inviter: Organiser, *, email: str = ""
) -> IssuedInvitation:
    """Invite someone to co-moderate the event: by ``email``, or (no address) by a link to pass on.

    Whoever opens the link first and signs in becomes a co-moderator.
    """
    check_owner(event, inviter)
    address = normalize_email(email) if email.strip() else ""
    if address:
        for member in members(session, event):
            if member.organiser.email == address:
                raise Conflict(
                    _("{email} moderates this event already.").format(email=address),
                    field="email",
                )
    now = utcnow()
    waiting = session.scalar(
        select(func.count())
        .select_from(Invitation)
        .where(
            Invitation.event_id == event.id,
            Invitation.accepted_at.is_(None),
            Invitation.expires_at > now,
        )
    )
    if (waiting or 0) >= MAX_PENDING:
        raise Conflict(
            _("This event has {n} invitations waiting; withdraw some first.").format(n=MAX_PENDING)
        )
    token = new_link_token()
    invitation = Invitation(
        event_id=event.id,
        digest=token_digest(token),
        email=address,
        invited_by_id=inviter.id,
        created_at=now,
        expires_at=now + dt.timedelta(days=INVITATION_DAYS),
    )
    session.add(invitation)
    session.flush()
    _audit(session, event, inviter, "team.invite", f"invitation {invitation.id}")
    return IssuedInvitation(invitation.id, token, address, invitation.expires_at)


def withdraw_invitation(
    session: Session, event: TeamEvent, organiser: Organiser, invitation_id: int
) -> Invitation:
    """Delete an invitation nobody accepted yet: its link stops working."""
    check_owner(event, organiser)
    invitation = session.scalar(
        select(Invitation).where(
            Invitation.id == invitation_id,
            Invitation.event_id == event.id,
            Invitation.accepted_at.is_(None),
        )
    )
    if invitation is None:
        raise NotFound(_("This invitation does not exist or was accepted already."))
    session.delete(invitation)
    session.flush()
    _audit(session, event, organiser, "team.withdraw", f"invitation {invitation_id}")
    return invitation


def open_invitation(session: Session, token: str) -> tuple[Invitation, TeamEvent]:
    """Return an invitation that can still be accepted, with its event, or say why not."""
    invitation = session.scalar(select(Invitation).where(Invitation.digest == token_digest(token)))
    if invitation is None:
        raise NotFound(
            _(
                "This invitation link is not valid. Check that you opened the whole link, "
                "or ask the organiser for a new one."
            )
        )
    if invitation.accepted_at is not None:
        raise Conflict(_("This invitation was accepted already: each invitation works once."))
    if invitation.expires_at <= utcnow():
        raise Conflict(_("This invitation has expired. Ask the organiser for a new one."))
    return invitation, _event_by_id(session, invitation.event_id)


def inviter_name(session: Session, invitation: Invitation) -> str:
    """Return how the invitation names who sent it (name, else address, else nothing)."""
    inviter = session.get(Organiser, invitation.invited_by_id) if invitation.invited_by_id else None
    return "" if inviter is None else inviter.name or inviter.email


def accept_invitation(session: Session, token: str, organiser: Organiser) -> TeamEvent:
    """Make ``organiser`` a co-moderator of the invitation's event; the link is used up.

    The organiser and the event's co-moderators keep the invitation for someone else.
    """
    invitation, event = open_invitation(session, token)
    if organiser.id == event.organiser_id:
        raise Conflict(_("You organise this event already; pass the invitation on to a colleague."))
    if is_co_moderator(session, event.id, organiser.id):
        raise Conflict(_("You moderate this event already; pass the invitation on to a colleague."))
    now = utcnow()
    taken = session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=now, accepted_by_id=organiser.id)
    )
    if getattr(taken, "rowcount", 0) != 1:  # someone accepted it a moment ago
        raise Conflict(_("This invitation was accepted already: each invitation works once."))
    session.add(EventModerator(event_id=event.id, organiser_id=organiser.id, added_at=now))
    session.flush()
    _audit(session, event, organiser, "team.accept", f"invitation {invitation.id}")
    return event


def remove_co_moderator(
    session: Session, event: TeamEvent, organiser: Organiser, member_id: int
) -> Organiser:
    """Stop a co-moderator moderating the event (the organiser cannot be removed)."""
    check_owner(event, organiser)
    found = session.scalar(
        select(EventModerator).where(
            EventModerator.event_id == event.id, EventModerator.organiser_id == member_id
        )
    )
    removed = session.get(Organiser, member_id) if found is not None else None
    if found is None or removed is None:
        raise NotFound(_("This person is not a co-moderator of the event."))
    session.execute(delete(EventModerator).where(EventModerator.id == found.id))
    session.flush()
    _audit(session, event, organiser, "team.remove", f"organiser {member_id}")
    return removed


def rotate_link(session: Session, event: TeamEvent, organiser: Organiser, link: str) -> TeamEvent:
    """Give the moderator or the screen link a new key: the old link stops working.

    Browsers that opened the old moderator link lose access too (their cookie is pinned
    to the key's fingerprint); co-moderators keep theirs, which comes with their account.
    """
    check_owner(event, organiser)
    if link not in LINKS:
        raise InvalidInput(
            _("Choose the moderator link or the screen link to replace."), field="link"
        )
    session.execute(
        update(EVENTS).where(EVENTS.c.id == event.id).values({f"{link}_key": new_key()})
    )
    _audit(session, event, organiser, f"link.{link}", f"{link} link")
    return _event_by_id(session, event.id)
