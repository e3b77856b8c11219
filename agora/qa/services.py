"""State changes of audience questions: ask, upvote, withdraw an upvote, moderate, list."""

from __future__ import annotations

import enum
import unicodedata

from sqlalchemy import Select, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from agora.core.db import utcnow
from agora.core.errors import Conflict, InvalidInput, NotFound
from agora.core.i18n import _, pgettext
from agora.events.agenda import current_item
from agora.events.models import Event, Participant
from agora.qa.models import AudienceQuestion, QuestionState, QuestionVote
from agora.qa.profanity import languages_for, offensive_words
from agora.text.clean import BIDI_CONTROLS

MIN_LENGTH = 3
MAX_LENGTH = 300
MAX_AUTHOR = 200

#: What participants (and the screen) see; pending, rejected and archived stay hidden.
PUBLIC_STATES = frozenset({QuestionState.approved, QuestionState.answered})


class QuestionAction(enum.StrEnum):
    """A moderator's action on an audience question."""

    approve = "approve"
    reject = "reject"
    answer = "answer"
    archive = "archive"
    restore = "restore"
    highlight = "highlight"
    unhighlight = "unhighlight"


class QuestionOrder(enum.StrEnum):
    """How a list of questions is sorted: most upvoted first, or newest first."""

    votes = "votes"
    time = "time"


_S = QuestionState
#: Which state each action leads to, and from which states it may be taken. "restore"
#: brings back a rejected, archived or answered question, so no click loses anything.
TRANSITIONS: dict[QuestionAction, tuple[frozenset[QuestionState], QuestionState]] = {
    QuestionAction.approve: (frozenset({_S.pending}), _S.approved),
    QuestionAction.reject: (frozenset({_S.pending, _S.approved}), _S.rejected),
    QuestionAction.answer: (frozenset({_S.approved}), _S.answered),
    QuestionAction.archive: (frozenset({_S.approved, _S.answered}), _S.archived),
    QuestionAction.restore: (frozenset({_S.rejected, _S.archived, _S.answered}), _S.approved),
}
#: Only a question on the public list can be shown on the screen.
HIGHLIGHTABLE = frozenset({_S.approved})


def state_label(state: QuestionState) -> str:
    """Return a question state's name in the current language."""
    labels = {
        _S.pending: pgettext("audience question state", "waiting for approval"),
        _S.approved: pgettext("audience question state", "approved"),
        _S.rejected: pgettext("audience question state", "rejected"),
        _S.answered: pgettext("audience question state", "answered"),
        _S.archived: pgettext("audience question state", "archived"),
    }
    return labels[state]


def update_settings(
    session: Session,
    event: Event,
    *,
    moderated: bool | None = None,
    anonymous: bool | None = None,
    profanity_filter: bool | None = None,
) -> Event:
    """Change an event's Q&A rules; questions already asked keep their state."""
    if moderated is not None:
        event.qa_moderated = moderated
    if anonymous is not None:
        event.qa_anonymous = anonymous
    if profanity_filter is not None:
        event.qa_profanity_filter = profanity_filter
    session.flush()
    return event


# -- asking ---------------------------------------------------------------------------------


def _clean(text: str, field: str) -> str:
    """Return ``text`` in NFC with unified line ends, refusing control characters.

    Bidirectional overrides are removed (``agora.text.clean``): they would reverse how the
    question reads on the screen.
    """
    text = BIDI_CONTROLS.sub("", unicodedata.normalize("NFC", text))
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    # NUL and other control characters cannot be stored by PostgreSQL or shown sensibly
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text):
        raise InvalidInput(_("The text contains characters that cannot be shown."), field=field)
    return text


def check_question_text(text: str) -> str:
    """Return the question text to store, or raise InvalidInput saying what is wrong."""
    text = _clean(text, "text")
    if len(text) < MIN_LENGTH:
        raise InvalidInput(
            _("A question needs at least {n} characters.").format(n=MIN_LENGTH), field="text"
        )
    if len(text) > MAX_LENGTH:
        raise InvalidInput(
            _("A question has at most {n} characters.").format(n=MAX_LENGTH), field="text"
        )
    return text


def author_of(
    event: Event, participant: Participant, author_name: str | None, *, anonymous: bool
) -> str:
    """Return the name a question is shown with ("" when anonymous), or raise InvalidInput.

    Without ``anonymous``, the name given with the question wins over the participant's
    name; an event that does not allow anonymous questions refuses an empty result.
    """
    if anonymous:
        if not event.qa_anonymous:
            raise InvalidInput(
                _("This event does not allow anonymous questions; please give your name."),
                field="author_name",
            )
        return ""
    name = _clean(author_name or "", "author_name") or participant.name.strip()
    if len(name) > MAX_AUTHOR:
        raise InvalidInput(
            _("The name is longer than {n} characters.").format(n=MAX_AUTHOR), field="author_name"
        )
    if not name and not event.qa_anonymous:
        raise InvalidInput(
            _("This event does not allow anonymous questions; please give your name."),
            field="author_name",
        )
    return name


def _check_open(event: Event) -> None:
    if event.closed_at is not None:
        raise Conflict(_("This event is closed; questions can no longer be asked or upvoted."))


def event_participant(session: Session, event: Event, participant_id: int) -> Participant:
    """Return the participant if they joined ``event``, else raise NotFound."""
    participant = session.get(Participant, participant_id)
    if participant is None or participant.event_id != event.id:
        raise NotFound(_("You have not joined the event {code}.").format(code=event.code))
    return participant


def ask_question(
    session: Session,
    event: Event,
    participant: Participant,
    text: str,
    *,
    author_name: str | None = None,
    anonymous: bool = False,
) -> AudienceQuestion:
    """Store a participant's question: pending if the event is moderated, else approved."""
    _check_open(event)
    text = check_question_text(text)
    author = author_of(event, participant, author_name, anonymous=anonymous)
    if event.qa_profanity_filter and offensive_words(
        f"{text}\n{author}", languages_for(event.language)
    ):
        raise InvalidInput(
            _("Please rephrase your question: it contains a word this event does not accept."),
            field="text",
        )
    now = current_item(session, event)  # the question belongs to the item it was asked in
    question = AudienceQuestion(
        event_id=event.id,
        participant_id=participant.id,
        text=text,
        author_name=author,
        state=QuestionState.pending if event.qa_moderated else QuestionState.approved,
        highlighted=False,
        votes=0,
        agenda_item_id=None if now is None else now.id,
    )
    session.add(question)
    session.flush()
    return question


# -- upvotes --------------------------------------------------------------------------------


def get_question(session: Session, question_id: int) -> AudienceQuestion:
    """Return the audience question with ``question_id`` or raise NotFound."""
    question = session.get(AudienceQuestion, question_id)
    if question is None:
        raise NotFound(_("There is no audience question {id}.").format(id=question_id))
    return question


def event_question(session: Session, question_id: int, event_id: int) -> AudienceQuestion:
    """Return the question if it belongs to event ``event_id``; others do not exist for it."""
    question = session.get(AudienceQuestion, question_id)
    if question is None or question.event_id != event_id:
        raise NotFound(_("There is no audience question {id}.").format(id=question_id))
    return question


def _votable(session: Session, question: AudienceQuestion, participant_id: int) -> None:
    event = session.get(Event, question.event_id)
    assert event is not None  # the foreign key guarantees it
    _check_open(event)
    event_participant(session, event, participant_id)
    if question.state is not QuestionState.approved:
        if question.state in PUBLIC_STATES:
            raise Conflict(_("This question has been answered; it takes no more votes."))
        raise NotFound(_("There is no audience question {id}.").format(id=question.id))


def _insert_vote(session: Session, question_id: int, participant_id: int) -> bool:
    """Insert a vote unless the pair exists; return whether a row was inserted."""
    # ON CONFLICT DO NOTHING instead of catching IntegrityError: no savepoint is needed
    # (SQLite's driver handles them badly) and a concurrent duplicate waits, then skips.
    # RETURNING tells whether a row went in (rowcount is not reliable with psycopg here).
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(QuestionVote)
        .values(question_id=question_id, participant_id=participant_id, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["question_id", "participant_id"])
    )
    return session.execute(statement.returning(QuestionVote.id)).first() is not None


def _add_votes(session: Session, question: AudienceQuestion, delta: int) -> None:
    # votes = votes + delta in SQL, so concurrent transactions never lose an update
    session.execute(
        update(AudienceQuestion)
        .where(AudienceQuestion.id == question.id)
        .values(votes=AudienceQuestion.votes + delta)
        .execution_options(synchronize_session=False)
    )


def upvote(session: Session, question: AudienceQuestion, participant_id: int) -> bool:
    """Upvote a question once; a repeat is harmless. Return whether this call counted.

    The vote row and the ``votes`` counter change in the same transaction, so ``votes``
    always equals the number of vote rows.
    """
    _votable(session, question, participant_id)
    counted = _insert_vote(session, question.id, participant_id)
    if counted:
        _add_votes(session, question, 1)
    session.refresh(question)
    return counted


def withdraw_upvote(session: Session, question: AudienceQuestion, participant_id: int) -> bool:
    """Take back a participant's upvote; harmless if there was none. Return whether it did."""
    _votable(session, question, participant_id)
    statement = (
        delete(QuestionVote)
        .where(
            QuestionVote.question_id == question.id,
            QuestionVote.participant_id == participant_id,
        )
        .returning(QuestionVote.id)
        .execution_options(synchronize_session=False)
    )
    withdrawn = session.execute(statement).first() is not None
    if withdrawn:
        _add_votes(session, question, -1)
    session.refresh(question)
    return withdrawn


def upvoted_by(session: Session, participant_id: int, event_id: int) -> set[int]:
    """Return the ids of the event's questions that a participant upvoted."""
    query = (
        select(QuestionVote.question_id)
        .join(AudienceQuestion, AudienceQuestion.id == QuestionVote.question_id)
        .where(QuestionVote.participant_id == participant_id, AudienceQuestion.event_id == event_id)
    )
    return set(session.scalars(query))


# -- moderation -----------------------------------------------------------------------------


def moderate(
    session: Session, question: AudienceQuestion, action: QuestionAction | str
) -> AudienceQuestion:
    """Apply a moderator's action if the question's state allows it."""
    try:
        action = QuestionAction(action)
    except ValueError:
        raise InvalidInput(
            _("'{a}' is not a question action; use one of: {all}.").format(
                a=action, all=", ".join(QuestionAction)
            ),
            field="action",
        ) from None
    if action is QuestionAction.highlight:
        return highlight(session, question)
    if action is QuestionAction.unhighlight:
        question.highlighted = False
        session.flush()
        return question
    sources, target = TRANSITIONS[action]
    if question.state not in sources:
        raise Conflict(
            _("A question that is {state} cannot be changed by '{action}'.").format(
                state=state_label(question.state), action=action.value
            )
        )
    question.state = target
    if target is not QuestionState.approved:
        question.highlighted = False  # the screen only shows questions still open
    if target is QuestionState.answered:
        question.answered_at = utcnow()
    elif target is QuestionState.approved:
        question.answered_at = None
    session.flush()
    return question


def highlight(session: Session, question: AudienceQuestion) -> AudienceQuestion:
    """Show one question on the screen; the event's previously highlighted one steps back."""
    if question.state not in HIGHLIGHTABLE:
        raise Conflict(_("Only an approved question can be shown on the screen."))
    session.flush()
    # one statement sets this question and clears the others, so two moderators
    # clicking at once still leave a single highlighted question
    session.execute(
        update(AudienceQuestion)
        .where(
            AudienceQuestion.event_id == question.event_id,
            or_(AudienceQuestion.highlighted.is_(True), AudienceQuestion.id == question.id),
        )
        .values(highlighted=AudienceQuestion.id == question.id)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    session.refresh(question)
    return question


# -- lists ----------------------------------------------------------------------------------


def _ordered(query: Select[AudienceQuestion], order: QuestionOrder) -> Select[AudienceQuestion]:
    if order is QuestionOrder.time:
        return query.order_by(AudienceQuestion.created_at.desc(), AudienceQuestion.id.desc())
    # ties: the question asked first comes first, it has been waiting longer
    return query.order_by(
        AudienceQuestion.votes.desc(), AudienceQuestion.created_at, AudienceQuestion.id
    )


def public_questions(
    session: Session, event_id: int, order: QuestionOrder | str = QuestionOrder.votes
) -> list[AudienceQuestion]:
    """Return what participants see: approved and answered questions, in ``order``."""
    query = select(AudienceQuestion).where(
        AudienceQuestion.event_id == event_id, AudienceQuestion.state.in_(PUBLIC_STATES)
    )
    return list(session.scalars(_ordered(query, QuestionOrder(order))))


def all_questions(
    session: Session, event_id: int, order: QuestionOrder | str = QuestionOrder.votes
) -> list[AudienceQuestion]:
    """Return every question of an event in every state, for its moderators."""
    query = select(AudienceQuestion).where(AudienceQuestion.event_id == event_id)
    return list(session.scalars(_ordered(query, QuestionOrder(order))))


def own_pending(session: Session, event_id: int, participant_id: int) -> list[AudienceQuestion]:
    """Return a participant's questions that still wait for approval, oldest first."""
    query = select(AudienceQuestion).where(
        AudienceQuestion.event_id == event_id,
        AudienceQuestion.participant_id == participant_id,
        AudienceQuestion.state == QuestionState.pending,
    )
    return list(session.scalars(query.order_by(AudienceQuestion.created_at, AudienceQuestion.id)))
