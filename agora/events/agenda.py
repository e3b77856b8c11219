"""State changes of an event's agenda: items in order, and "now" moving through them."""

from __future__ import annotations

from sqlalchemy import column, select, table
from sqlalchemy.orm import Session

from agora.core.db import utcnow
from agora.core.errors import Conflict, InvalidInput, NotFound
from agora.core.i18n import _
from agora.events.models import AgendaItem, AgendaKind, Event
from agora.events.schemas import AgendaItemIn
from agora.text.clean import plain

#: Which screen pane an agenda item of each kind shows.
SCREEN_PANES = {AgendaKind.qa: "qa", AgendaKind.audience: "floor"}

#: The columns of the polls table that an agenda item's poll is checked against and named by.
POLLS = table(
    "polls", column("id"), column("event_id"), column("title"), column("position"), column("state")
)
QUESTIONS = table("questions", column("poll_id"), column("prompt"), column("position"))


def agenda(session: Session, event_id: int) -> list[AgendaItem]:
    """Return an event's agenda in order."""
    return list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.event_id == event_id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def get_item(session: Session, event: Event, item_id: int) -> AgendaItem:
    """Return an item of the event's agenda or raise NotFound."""
    item = session.get(AgendaItem, item_id)
    if item is None or item.event_id != event.id:
        raise NotFound(_("This event has no agenda item {id}.").format(id=item_id))
    return item


def _check_poll(session: Session, event: Event, poll_id: int | None) -> None:
    if poll_id is None:
        return
    # polls sit above events (a poll belongs to an event), so events reads the table, not
    # the polls package
    owner = session.scalar(select(POLLS.c.event_id).where(POLLS.c.id == poll_id))
    if owner != event.id:
        raise InvalidInput(_("This event has no poll {id}.").format(id=poll_id), field="poll_id")


def poll_choices(session: Session, event_id: int) -> list[tuple[int, str]]:
    """Return the event's polls an agenda item may show: (id, title or first question)."""
    # polls sit above events, so the table is read here, not the polls package
    polls = session.execute(
        select(POLLS.c.id, POLLS.c.title)
        .where(POLLS.c.event_id == event_id, POLLS.c.state != "archived")
        .order_by(POLLS.c.position, POLLS.c.id)
    ).all()
    prompts: dict[int, str] = {}
    for poll_id, prompt in session.execute(
        select(QUESTIONS.c.poll_id, QUESTIONS.c.prompt)
        .where(QUESTIONS.c.poll_id.in_([p.id for p in polls]))
        .order_by(QUESTIONS.c.position.desc())
    ):
        prompts[poll_id] = prompt  # the first question wins: it comes last
    return [(p.id, p.title or prompts.get(p.id, "") or f"#{p.id}") for p in polls]


def _check_speaker(data: AgendaItemIn) -> None:
    if data.kind is AgendaKind.speaker and not (
        plain(data.speaker_name) or plain(data.speaker_organisation)
    ):
        raise InvalidInput(_("Give the speaker's name or organisation."), field="speaker_name")


def add_item(session: Session, event: Event, data: AgendaItemIn) -> AgendaItem:
    """Add an item at the end of the event's agenda."""
    _check_poll(session, event, data.poll_id)
    _check_speaker(data)
    items = agenda(session, event.id)
    item = AgendaItem(
        event_id=event.id,
        position=len(items),
        kind=data.kind,
        title=plain(data.title),
        speaker_name=plain(data.speaker_name),
        speaker_organisation=plain(data.speaker_organisation),
        starts_at=data.starts_at,
        duration_minutes=data.duration_minutes,
        poll_id=data.poll_id,
    )
    if not item.title:
        raise InvalidInput(_("The agenda item needs a title."), field="title")
    session.add(item)
    session.flush()
    return item


def update_item(session: Session, event: Event, item: AgendaItem, data: AgendaItemIn) -> AgendaItem:
    """Change an agenda item's kind, title, speaker, time or poll."""
    _check_poll(session, event, data.poll_id)
    _check_speaker(data)
    title = plain(data.title)
    if not title:
        raise InvalidInput(_("The agenda item needs a title."), field="title")
    item.kind, item.title = data.kind, title
    item.speaker_name = plain(data.speaker_name)
    item.speaker_organisation = plain(data.speaker_organisation)
    item.starts_at, item.duration_minutes, item.poll_id = (
        data.starts_at,
        data.duration_minutes,
        data.poll_id,
    )
    session.flush()
    return item


def move_item(session: Session, event: Event, item: AgendaItem, position: int) -> None:
    """Move an item to ``position``, shifting the others."""
    items = agenda(session, event.id)
    items.remove(item)
    items.insert(max(0, min(position, len(items))), item)
    for index, each in enumerate(items):
        each.position = index
    session.flush()


def remove_item(session: Session, event: Event, item: AgendaItem) -> None:
    """Delete an item that is not happening now."""
    if event.current_item_id == item.id:
        raise Conflict(_("The item happening now cannot be deleted; move 'now' first."))
    session.delete(item)
    session.flush()
    for index, each in enumerate(agenda(session, event.id)):
        each.position = index
    session.flush()


def set_now(session: Session, event: Event, item: AgendaItem | None) -> AgendaItem | None:
    """Make ``item`` the one happening now (None: nothing, e.g. before the start)."""
    event.current_item_id = None if item is None else item.id
    if item is not None:
        item.started_at = utcnow()
    session.flush()
    return item


def step_now(session: Session, event: Event, step: int) -> AgendaItem | None:
    """Move "now" to the next (+1) or previous (-1) item of the agenda."""
    items = agenda(session, event.id)
    if not items:
        raise Conflict(_("The agenda is empty."))
    ids = [item.id for item in items]
    if event.current_item_id in ids:
        index = ids.index(event.current_item_id) + step
    else:
        index = 0 if step > 0 else len(items) - 1
    if not 0 <= index < len(items):
        raise Conflict(
            _("This is the last agenda item.") if step > 0 else _("This is the first agenda item.")
        )
    return set_now(session, event, items[index])


def current_item(session: Session, event: Event) -> AgendaItem | None:
    """Return the item happening now, if any."""
    if event.current_item_id is None:
        return None
    item = session.get(AgendaItem, event.current_item_id)
    return item if item is not None and item.event_id == event.id else None


def screen_pane(item: AgendaItem | None) -> str:
    """Return which pane the screen shows during ``item``: poll, qa or floor."""
    return "poll" if item is None else SCREEN_PANES.get(item.kind, "poll")
