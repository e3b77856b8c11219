"""State changes of registrations: register, cancel, restore, check in, walk-ins.

Capacity rule: ``Event.capacity`` seats go to registrations in the order they arrive; later
ones join the waiting list. Cancelling a seat gives it to the first person waiting (first
in, first out). Walk-ins are registered at the door regardless of capacity and count as
present. Occupancy is the people present divided by the seats.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agora.core.db import utcnow
from agora.core.errors import Conflict, InvalidInput, NotFound
from agora.core.i18n import _, ngettext
from agora.events.models import Event
from agora.events.times import local_time
from agora.registrations.attendance import attendance
from agora.registrations.countries import fold
from agora.registrations.details import Details, FieldProblem, InvalidDetails
from agora.registrations.models import Registration, RegistrationStatus

# -- lookups -------------------------------------------------------------------------------


def new_token() -> str:
    """Return a fresh secret for a confirmation's QR code (128 random bits)."""
    return secrets.token_urlsafe(16)


def get_registration(session: Session, registration_id: int) -> Registration:
    """Return the registration with ``registration_id`` or raise NotFound."""
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise NotFound(_("There is no registration {id}.").format(id=registration_id))
    return registration


def registration_by_token(session: Session, event: Event, token: str) -> Registration:
    """Return the registration of ``event`` whose QR code carries ``token``, or raise NotFound."""
    registration = session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.token == token)
    )
    if registration is None:
        raise NotFound(_("No registration for this event has this check-in code."))
    return registration


def event_registrations(session: Session, event_id: int) -> list[Registration]:
    """Return an event's registrations in the order they arrived."""
    return list(
        session.scalars(
            select(Registration)
            .where(Registration.event_id == event_id)
            .order_by(Registration.created_at, Registration.id)
        )
    )


def search(session: Session, event: Event, query: str) -> list[Registration]:
    """Return the registrations whose name, organisation or e-mail contain every query word.

    Case and accents do not matter ("jose" finds "José"), which is what the door needs.
    """
    words = fold(query).split()
    found = []
    for registration in event_registrations(session, event.id):
        haystack = fold(
            f"{registration.name} {registration.organisation} {registration.email or ''}"
        )
        if all(word in haystack for word in words):
            found.append(registration)
    return sorted(found, key=lambda r: (fold(r.name), r.id))


def waitlist_position(session: Session, registration: Registration) -> int | None:
    """Return the 1-based place of a waitlisted registration in its queue, else None."""
    if registration.status is not RegistrationStatus.waitlisted:
        return None
    ahead = session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.event_id == registration.event_id,
            Registration.status == RegistrationStatus.waitlisted,
            (Registration.created_at < registration.created_at)
            | (
                (Registration.created_at == registration.created_at)
                & (Registration.id < registration.id)
            ),
        )
    )
    return int(ahead or 0) + 1


def clock(moment: dt.datetime | None, event: Event) -> str:
    """Return ``moment`` in the event's time zone, naming it: "14:30 (Europe/Brussels)"."""
    return local_time(moment, event)


# -- seats ---------------------------------------------------------------------------------


def lock_event(session: Session, event_id: int) -> None:
    """Serialise seat-giving changes of one event until the transaction ends.

    A no-op UPDATE takes the event's row lock on PostgreSQL and the write lock on SQLite,
    so two people registering at once cannot both take the last seat.
    """
    session.execute(update(Event).where(Event.id == event_id).values(capacity=Event.capacity))


def seats_taken(session: Session, event_id: int) -> int:
    """Return how many registrations (not walk-ins) hold a seat."""
    taken = session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.event_id == event_id,
            Registration.status == RegistrationStatus.registered,
            Registration.walk_in.is_(False),
        )
    )
    return int(taken or 0)


def _has_free_seat(session: Session, event: Event) -> bool:
    return event.capacity is None or seats_taken(session, event.id) < event.capacity


def promote_waitlisted(session: Session, event: Event) -> list[Registration]:
    """Give free seats to the people waiting longest; return those promoted."""
    free = None if event.capacity is None else event.capacity - seats_taken(session, event.id)
    if free is not None and free <= 0:
        return []
    query = (
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.waitlisted,
        )
        .order_by(Registration.created_at, Registration.id)
    )
    if free is not None:
        query = query.limit(free)
    promoted = list(session.scalars(query))
    for registration in promoted:
        registration.status = RegistrationStatus.registered
    session.flush()
    return promoted


def _event_of(session: Session, registration: Registration) -> Event:
    event = session.get(Event, registration.event_id)
    assert event is not None  # the foreign key cascades: a registration has its event
    return event


def _flush_unique(session: Session, email: str | None) -> None:
    # the check before the insert catches duplicates; this catches one sent at the same time
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            _("{email} is already registered for this event.").format(email=email),
            field="email",
        ) from None


def _existing(session: Session, event_id: int, email: str | None) -> Registration | None:
    if email is None:
        return None
    return session.scalar(
        select(Registration).where(Registration.event_id == event_id, Registration.email == email)
    )


def _duplicate(existing: Registration) -> Conflict:
    if existing.status is RegistrationStatus.cancelled:
        message = _(
            "{email} was registered for this event and cancelled; restore that registration."
        )
    else:
        message = _("{email} is already registered for this event.")
    return Conflict(message.format(email=existing.email), field="email")


# -- state changes -------------------------------------------------------------------------


def register(session: Session, event: Event, details: Details) -> Registration:
    """Register someone from the public form: a seat while there is one, else the waiting list.

    Someone whose earlier registration was cancelled registers again with the same e-mail
    address: the cancelled registration is renewed, with a new link (whoever holds the
    old one sees nothing of the new registration), and joins the end of the queue.
    """
    if not event.registration_open:
        raise Conflict(_("Registration for this event is closed."))
    if details.email is None:
        raise InvalidDetails([FieldProblem("email", _("Please give the e-mail address."))])
    lock_event(session, event.id)
    existing = _existing(session, event.id, details.email)
    if existing is not None and existing.status is not RegistrationStatus.cancelled:
        raise _duplicate(existing)
    promote_waitlisted(session, event)  # people already waiting come first
    status = (
        RegistrationStatus.registered
        if _has_free_seat(session, event)
        else RegistrationStatus.waitlisted
    )
    registration = existing or Registration(event_id=event.id, token=new_token())
    if existing is None:
        session.add(registration)
    else:  # a renewed registration gets a new link: the cancelled one's stops working
        registration.token = new_token()
    for field, value in asdict(details).items():
        setattr(registration, field, value)
    registration.status = status
    registration.walk_in = False
    registration.source = "form"
    registration.checked_in_at = None
    registration.created_at = utcnow()
    _flush_unique(session, details.email)
    return registration


def register_or_find(session: Session, event: Event, details: Details) -> tuple[Registration, bool]:
    """Register someone from the public form, or find their registration: (it, whether new).

    The public form and API answer both alike (the link goes by e-mail), so that
    registering tells no one whether an address was registered already. An address whose
    registration is active gets its registration back unchanged; a cancelled or erased
    one registers anew, with a new link.
    """
    if not event.registration_open:
        raise Conflict(_("Registration for this event is closed."))
    existing = _existing(session, event.id, details.email)
    if existing is not None and existing.status is not RegistrationStatus.cancelled:
        return existing, False
    return register(session, event, details), True


def erase(session: Session, registration: Registration) -> list[Registration]:
    """Delete a registration and everything it holds; a seat it held goes to the waiting list.

    Its e-mail address is free again, and its link finds nothing any more. Returns the
    people promoted from the waiting list.
    """
    event = _event_of(session, registration)
    lock_event(session, event.id)
    session.delete(registration)
    session.flush()
    return promote_waitlisted(session, event)


def register_walk_in(session: Session, event: Event, details: Details) -> Registration:
    """Register someone at the door and check them in, whatever the capacity."""
    existing = _existing(session, event.id, details.email)
    if existing is not None:
        if existing.status is RegistrationStatus.cancelled:
            raise _duplicate(existing)
        raise Conflict(
            _("{email} is already registered ({name}); check them in instead.").format(
                email=existing.email, name=existing.name
            ),
            field="email",
        )
    registration = Registration(
        event_id=event.id,
        token=new_token(),
        status=RegistrationStatus.registered,
        walk_in=True,
        source="walk-in",
        checked_in_at=utcnow(),
        **asdict(details),
    )
    session.add(registration)
    _flush_unique(session, details.email)
    return registration


@dataclass(frozen=True)
class Outcome:
    """What an action did to a registration, with the sentence to show at the door."""

    registration: Registration
    message: str
    changed: bool
    promoted: tuple[Registration, ...] = ()


def check_in(session: Session, registration: Registration) -> Outcome:
    """Mark someone as present; a second check-in says when the first was and changes nothing.

    People on the waiting list may come in while the room has free seats.
    """
    name = registration.name
    if registration.checked_in_at is not None:
        return Outcome(
            registration,
            _("{name} was already checked in at {time}.").format(
                name=name, time=clock(registration.checked_in_at, _event_of(session, registration))
            ),
            changed=False,
        )
    if registration.status is RegistrationStatus.cancelled:
        raise Conflict(
            _(
                "The registration of {name} was cancelled; restore it or register "
                "them as a walk-in."
            ).format(name=name)
        )
    if registration.status is RegistrationStatus.waitlisted:
        event = _event_of(session, registration)
        lock_event(session, event.id)
        figures = attendance(session, event)
        if figures.free_seats == 0:
            seats = figures.seats or 0
            raise Conflict(
                ngettext(
                    "{name} is on the waiting list and the only seat is taken; "
                    "let them in as a walk-in if the room allows.",
                    "{name} is on the waiting list and all {seats} seats are taken; "
                    "let them in as a walk-in if the room allows.",
                    seats,
                ).format(name=name, seats=seats)
            )
    registration.checked_in_at = utcnow()
    session.flush()
    return Outcome(registration, _("{name} is checked in.").format(name=name), changed=True)


def undo_check_in(session: Session, registration: Registration) -> Outcome:
    """Take back a check-in (a wrong click at the door); the registration stays as it was."""
    if registration.checked_in_at is None:
        return Outcome(
            registration,
            _("{name} was not checked in.").format(name=registration.name),
            changed=False,
        )
    registration.checked_in_at = None
    session.flush()
    return Outcome(
        registration,
        _("The check-in of {name} is undone.").format(name=registration.name),
        changed=True,
    )


def cancel(session: Session, registration: Registration) -> Outcome:
    """Cancel a registration; a freed seat goes to the first person on the waiting list."""
    name = registration.name
    if registration.status is RegistrationStatus.cancelled:
        return Outcome(
            registration,
            _("The registration of {name} is already cancelled.").format(name=name),
            changed=False,
        )
    if registration.checked_in_at is not None:
        raise Conflict(_("{name} is checked in; undo the check-in first.").format(name=name))
    event = _event_of(session, registration)
    lock_event(session, event.id)
    registration.status = RegistrationStatus.cancelled
    session.flush()
    promoted = tuple(promote_waitlisted(session, event))
    message = _("The registration of {name} is cancelled.").format(name=name)
    if promoted:
        message += " " + ngettext(
            "{names} gets the seat from the waiting list.",
            "{names} get the seats from the waiting list.",
            len(promoted),
        ).format(names=", ".join(p.name for p in promoted))
    return Outcome(registration, message, changed=True, promoted=promoted)


def restore(session: Session, registration: Registration) -> Outcome:
    """Undo a cancellation: a seat if one is free, else the waiting list at the original place."""
    name = registration.name
    if registration.status is not RegistrationStatus.cancelled:
        return Outcome(
            registration,
            _("The registration of {name} is not cancelled.").format(name=name),
            changed=False,
        )
    if registration.walk_in:  # walk-ins never needed a seat from the registrations
        registration.status = RegistrationStatus.registered
        session.flush()
    else:
        event = _event_of(session, registration)
        lock_event(session, event.id)
        # back in the queue at the original time: people waiting longer come first
        registration.status = RegistrationStatus.waitlisted
        session.flush()
        promote_waitlisted(session, event)
    if registration.status is RegistrationStatus.registered:
        message = _("The registration of {name} is restored.").format(name=name)
    else:
        message = _(
            "The registration of {name} is restored on the waiting list: all seats are taken."
        ).format(name=name)
    return Outcome(registration, message, changed=True)


#: The moderator's actions on one registration, by the name URLs use.
ACTIONS: dict[str, Callable[[Session, Registration], Outcome]] = {
    "check-in": check_in,
    "undo-check-in": undo_check_in,
    "cancel": cancel,
    "restore": restore,
}


def run_action(session: Session, registration: Registration, action: str) -> Outcome:
    """Run one of ACTIONS on a registration."""
    if action not in ACTIONS:
        raise InvalidInput(
            _("'{action}' is not a registration action; use one of: {all}.").format(
                action=action, all=", ".join(ACTIONS)
            ),
            field="action",
        )
    return ACTIONS[action](session, registration)


def set_registration_open(session: Session, event: Event, is_open: bool) -> Event:
    """Open or close the public registration form of an event."""
    event.registration_open = is_open
    session.flush()
    return event
