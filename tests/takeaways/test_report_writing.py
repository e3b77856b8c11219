"""The report's narrative sections (saved with history) and its publishing settings."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agora.core.errors import Conflict, InvalidInput, NotFound
from agora.events.models import Event
from agora.takeaways import report_writing as writing
from agora.takeaways.models import ReportRevision
from tests.conftest import EventFactory

ORGANISER = writing.Author(7)
MODERATOR = writing.Author()


@pytest.fixture
def event(make_event: EventFactory, session: Session) -> Event:
    found = session.get(Event, make_event().id)
    assert found is not None
    return found


def revision_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ReportRevision)) or 0)


def test_every_save_adds_a_revision_and_the_latest_is_current(
    session: Session, event: Event
) -> None:
    writing.save_section(session, event, "introduction", "First words.", ORGANISER)
    writing.save_section(session, event, "introduction", "Better words.\r\n", MODERATOR)
    history = writing.revisions(session, event.id, "introduction")
    assert [(r.text, r.author) for r in history] == [
        ("Better words.", "moderator"),
        ("First words.", "7"),
    ]
    assert writing.narrative(session, event.id) == {"introduction": "Better words."}


def test_saving_the_same_text_adds_no_revision(session: Session, event: Event) -> None:
    writing.save_section(session, event, "impact", "Same.", ORGANISER)
    assert writing.save_section(session, event, "impact", "Same.  \n", ORGANISER) is None
    assert revision_count(session) == 1


def test_restoring_adds_a_revision_with_the_old_text(session: Session, event: Event) -> None:
    old = writing.save_section(session, event, "conclusions", "Old.", ORGANISER)
    writing.save_section(session, event, "conclusions", "New.", ORGANISER)
    assert old is not None
    restored = writing.restore_revision(session, event, old.id, MODERATOR)
    texts = [r.text for r in writing.revisions(session, event.id, "conclusions")]
    assert texts == ["Old.", "New.", "Old."]
    assert restored.author == "moderator"
    with pytest.raises(Conflict):
        writing.restore_revision(session, event, restored.id, ORGANISER)


def test_emptied_sections_are_left_out_of_the_narrative(session: Session, event: Event) -> None:
    writing.save_section(session, event, "methodology", "How.", ORGANISER)
    writing.save_section(session, event, "methodology", "", ORGANISER)
    writing.save_section(session, event, "conclusions", "Done.", ORGANISER)
    assert writing.narrative(session, event.id) == {"conclusions": "Done."}


@pytest.mark.parametrize(
    ("section", "text", "field"),
    [
        ("summary", "text", "section"),
        ("introduction", "x" * (writing.MAX_SECTION_LENGTH + 1), "text"),
        ("introduction", "nul \x00 byte", "text"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    session: Session, event: Event, section: str, text: str, field: str
) -> None:
    writing.save_section(session, event, "introduction", "Kept.", ORGANISER)
    with pytest.raises(InvalidInput) as refused:
        writing.save_section(session, event, section, text, ORGANISER)
    assert refused.value.field == field
    assert refused.value.message
    assert writing.narrative(session, event.id) == {"introduction": "Kept."}
    assert revision_count(session) == 1


def test_a_section_takes_its_full_length(session: Session, event: Event) -> None:
    text = "y" * writing.MAX_SECTION_LENGTH
    assert writing.save_section(session, event, "impact", text, ORGANISER) is not None


def test_another_events_revision_cannot_be_restored(
    session: Session, event: Event, make_event: EventFactory
) -> None:
    other = session.get(Event, make_event(title="Another session").id)
    assert other is not None
    theirs = writing.save_section(session, other, "impact", "Theirs.", ORGANISER)
    assert theirs is not None
    with pytest.raises(NotFound):
        writing.restore_revision(session, event, theirs.id, ORGANISER)
    assert writing.narrative(session, event.id) == {}


def test_the_participant_annex_is_off_until_switched_on(session: Session, event: Event) -> None:
    assert writing.report_settings(session, event.id).participant_annex is False
    writing.set_participant_annex(session, event, True)
    assert writing.report_settings(session, event.id).participant_annex is True
    writing.set_participant_annex(session, event, False)
    assert writing.report_settings(session, event.id).participant_annex is False


def test_the_public_link_gets_a_fresh_token_and_off_forgets_it(
    session: Session, event: Event
) -> None:
    first = writing.set_public_link(session, event, True).share_token
    assert first
    assert len(first) >= 40
    assert writing.shared_event_id(session, first) == event.id
    assert writing.set_public_link(session, event, True).share_token == first  # stays on
    writing.set_public_link(session, event, False)
    with pytest.raises(NotFound):
        writing.shared_event_id(session, first)
    second = writing.set_public_link(session, event, True).share_token
    assert second
    assert second != first
    with pytest.raises(NotFound):
        writing.shared_event_id(session, "")


def test_dropped_drafts_are_kept_until_shown_again(session: Session, event: Event) -> None:
    writing.drop_draft(session, event, "attendance")
    writing.drop_draft(session, event, "attendance")
    assert writing.report_settings(session, event.id).dropped_drafts == ["attendance"]
    with pytest.raises(InvalidInput):
        writing.drop_draft(session, event, "<script>")
    writing.show_dropped_drafts(session, event)
    assert writing.report_settings(session, event.id).dropped_drafts == []


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        ("", "New."),
        ("One.", "One. New."),
        ("One.\n\n- a\n- b", "One.\n\n- a\n- b\n\nNew."),
    ],
)
def test_an_accepted_sentence_ends_the_last_paragraph(current: str, expected: str) -> None:
    assert writing.appended(current, "New.") == expected


def test_accepting_a_sentence_saves_a_revision(session: Session, event: Event) -> None:
    writing.save_section(session, event, "impact", "Start.", ORGANISER)
    writing.append_to_section(session, event, "impact", "Added.", ORGANISER)
    assert writing.narrative(session, event.id) == {"impact": "Start. Added."}


def test_a_section_is_kept_as_plain_text(session: Session, event: Event) -> None:
    """Control and bidi-override characters never reach the report (found by the injection
    suite: a section kept a bell and a right-to-left override)."""
    typed = "\u202eFirst\x07 words.\n\n\tcafe\u0301 \u2066isolated\u2069"
    writing.save_section(session, event, "introduction", typed, ORGANISER)
    assert writing.narrative(session, event.id) == {
        "introduction": "First  words.\n\n\tcafé isolated"
    }
