"""Every state-changing route a moderator uses writes the audit log, or says why it need not.

``RECORDED`` walks each moderation and access route once, as the event's organiser signed
in, and checks that the newest entry of the log names the action, the thing by kind and
number, and the organiser. ``EXEMPT`` lists every other state-changing route with the
reason it writes no entry. A new route in neither list fails
``test_every_state_changing_route_is_recorded_or_exempt``: decide which it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from agora.accounts import team
from agora.accounts.models import Organiser
from agora.core.db import Database
from agora.events.audit import action_labels
from agora.events.models import AuditEntry, Event
from agora.registrations.models import Registration
from tests.accounts.conftest import Browser, sign_in
from tests.conftest import EventFactory, OrganiserFactory, PollFactory, join, question
from tests.routes import flat_routes
from tests.takeaways.conftest import hamburg

#: Routes that change state and write no audit entry, and why.
PARTICIPANT = "a participant's own contribution, not moderation"
AUTHORING = "a moderator writing or arranging content (drafts, agenda, report text)"
ACCOUNT = "an account's own sign-in or password: no event is concerned"
MATCHING = (
    "an organiser writing a partner profile or a benefit analysis: no event is concerned, "
    "and each analysis revision keeps its author and time"
)
OWNER = "the organiser's own event record (settings, archive, copy); deleting takes the log too"
KNOWLEDGE = (
    "the knowledge base's records belong to no event, so no event's log applies; each keeps "
    "its provenance and updated_at"
)
EXEMPT: dict[tuple[str, str], str] = {
    ("PUT", "/api/v1/matching/actors/{actor_id}/profile"): MATCHING,
    ("POST", "/knowledge/actors/{actor_id}/match/profile"): MATCHING,
    (
        "PUT",
        "/api/v1/matching/actors/{actor_id}/benefit/{candidate_id}/sections/{section}",
    ): MATCHING,
    (
        "POST",
        "/knowledge/actors/{actor_id}/match/{candidate_id}/benefit/sections/{section}",
    ): MATCHING,
    (
        "POST",
        "/knowledge/actors/{actor_id}/match/{candidate_id}/benefit/revisions/{revision_id}/restore",
    ): MATCHING,
    ("POST", "/api/v1/questions/{question_id}/responses"): PARTICIPANT,
    ("POST", "/e/{code}/questions/{question_id}/answer"): PARTICIPANT,
    ("POST", "/api/v1/events/{code}/questions"): PARTICIPANT,
    ("POST", "/api/v1/audience-questions/{question_id}/upvote"): PARTICIPANT,
    ("DELETE", "/api/v1/audience-questions/{question_id}/upvote"): PARTICIPANT,
    ("POST", "/e/{code}/qa/ask"): PARTICIPANT,
    ("POST", "/e/{code}/qa/{question_id}/upvote"): PARTICIPANT,
    ("POST", "/e/{code}/qa/{question_id}/withdraw"): PARTICIPANT,
    ("POST", "/e/{code}/floor"): PARTICIPANT,
    ("POST", "/e/{code}/floor/{request_id}/withdraw"): PARTICIPANT,
    ("POST", "/api/v1/events/{code}/takeaways"): PARTICIPANT + " (or a moderator's own)",
    ("PATCH", "/api/v1/takeaways/{takeaway_id}"): PARTICIPANT + " (its author or a moderator)",
    ("PUT", "/api/v1/floor/{request_id}/takeaway"): PARTICIPANT + " (the speaker's takeaway)",
    ("POST", "/e/{code}/takeaways"): PARTICIPANT,
    ("POST", "/e/{code}/takeaways/{takeaway_id}"): PARTICIPANT,
    ("POST", "/e/{code}/floor/{request_id}/takeaway"): PARTICIPANT,
    ("POST", "/e/{code}/moderate/takeaways/record"): PARTICIPANT + " (the speaker's takeaway)",
    ("POST", "/e/{code}/register"): PARTICIPANT,
    ("POST", "/api/v1/events/{code}/registrations"): PARTICIPANT,
    ("POST", "/e/{code}/registration/{token}/join"): PARTICIPANT,
    ("POST", "/api/v1/events/{code}/join"): PARTICIPANT,
    ("POST", "/e/{code}/join"): PARTICIPANT,
    ("POST", "/api/v1/knowledge/actors"): KNOWLEDGE,
    ("PUT", "/api/v1/knowledge/actors/{actor_id}"): KNOWLEDGE,
    ("DELETE", "/api/v1/knowledge/actors/{actor_id}"): KNOWLEDGE,
    ("POST", "/api/v1/knowledge/actors/{actor_id}/memberships"): KNOWLEDGE,
    ("DELETE", "/api/v1/knowledge/actors/{actor_id}/memberships/{network_id}"): KNOWLEDGE,
    ("POST", "/api/v1/knowledge/cooperations"): KNOWLEDGE,
    ("PUT", "/api/v1/knowledge/cooperations/{cooperation_id}"): KNOWLEDGE,
    ("DELETE", "/api/v1/knowledge/cooperations/{cooperation_id}"): KNOWLEDGE,
    ("POST", "/api/v1/knowledge/topics"): KNOWLEDGE,
    ("PUT", "/api/v1/knowledge/topics/{slug}"): KNOWLEDGE,
    ("DELETE", "/api/v1/knowledge/topics/{slug}"): KNOWLEDGE,
    ("POST", "/api/v1/knowledge/import"): KNOWLEDGE + " (an import is all or nothing)",
    ("POST", "/knowledge/import"): KNOWLEDGE + " (an import is all or nothing)",
    ("POST", "/knowledge/topics"): KNOWLEDGE,
    ("POST", "/knowledge/topics/{slug}/delete"): KNOWLEDGE,
    ("POST", "/login"): ACCOUNT,
    ("POST", "/logout"): ACCOUNT,
    ("POST", "/signup"): ACCOUNT,
    ("POST", "/password/forgot"): ACCOUNT,
    ("POST", "/password/link/{token}"): ACCOUNT,
    ("POST", "/api/v1/events"): OWNER,
    ("POST", "/events"): OWNER,
    ("POST", "/e/{code}/settings"): OWNER,
    ("PUT", "/api/v1/events/{code}"): OWNER,
    ("POST", "/e/{code}/archive"): OWNER,
    ("POST", "/e/{code}/restore"): OWNER,
    ("POST", "/e/{code}/delete"): OWNER,
    ("DELETE", "/api/v1/events/{code}"): OWNER,
    ("POST", "/e/{code}/duplicate"): OWNER,
    ("POST", "/api/v1/events/{code}/polls"): AUTHORING,
    ("POST", "/e/{code}/moderate/polls"): AUTHORING,
    ("POST", "/e/{code}/moderate/polls/paste"): AUTHORING,
    ("POST", "/e/{code}/moderate/polls/{poll_id}/edit/duplicate"): AUTHORING,
    ("POST", "/e/{code}/moderate/polls/{poll_id}/edit/questions"): AUTHORING,
    ("POST", "/e/{code}/moderate/polls/{poll_id}/edit/paste"): AUTHORING,
    ("POST", "/e/{code}/moderate/polls/{poll_id}/edit/questions/{question_id}"): AUTHORING,
    ("POST", "/e/{code}/moderate/polls/{poll_id}/edit/questions/{question_id}/preview"): (
        "a preview: nothing is stored"
    ),
    ("POST", "/e/{code}/moderate/polls/{poll_id}/edit/questions/{question_id}/move"): AUTHORING,
    ("POST", "/e/{code}/moderate/polls/{poll_id}/edit/questions/{question_id}/remove"): (AUTHORING),
    ("POST", "/api/v1/events/{code}/agenda"): AUTHORING,
    ("PUT", "/api/v1/events/{code}/agenda/{item_id}"): AUTHORING,
    ("DELETE", "/api/v1/events/{code}/agenda/{item_id}"): AUTHORING,
    ("POST", "/api/v1/events/{code}/agenda/now"): AUTHORING + ": which item runs now",
    ("POST", "/e/{code}/moderate/agenda/{action}"): AUTHORING + ": which item runs now",
    ("POST", "/e/{code}/agenda/items"): AUTHORING,
    ("POST", "/e/{code}/agenda/{item_id}/edit"): AUTHORING,
    ("POST", "/e/{code}/agenda/{item_id}/move"): AUTHORING,
    ("POST", "/e/{code}/agenda/{item_id}/remove"): AUTHORING,
    ("POST", "/api/v1/events/{code}/agenda/{item_id}/move"): AUTHORING,
    ("POST", "/e/{code}/report/sections/{section}"): AUTHORING + "; revisions keep who wrote",
    ("POST", "/e/{code}/report/revisions/{revision_id}/restore"): AUTHORING,
    ("POST", "/e/{code}/report/drafts/{key}/accept"): AUTHORING,
    ("POST", "/e/{code}/report/drafts/{key}/drop"): AUTHORING,
    ("POST", "/e/{code}/report/drafts/show"): AUTHORING,
}


def state_changing() -> set[tuple[str, str]]:
    """Return (method, path) of every route that is not a read."""
    return {
        (method, route.path)
        for route in flat_routes()
        for method in (route.methods or set()) - {"GET", "HEAD", "OPTIONS"}
    }


@dataclass
class World:
    """An event with its organiser signed in (``owner``), and ways to make things in it."""

    client: TestClient
    owner: Browser
    owner_email: str
    event: Event
    db: Database
    make_poll: PollFactory
    make_organiser: OrganiserFactory
    participant: dict[str, str]

    @property
    def code(self) -> str:
        return self.event.code

    def ok(self, response: httpx.Response) -> httpx.Response:
        assert response.status_code < 400, response.text
        return response

    def api(self, method: str, url: str, **kwargs: Any) -> Any:
        """Call the API as the organiser and return the JSON body."""
        return self.ok(self.owner.request(method, url, **kwargs)).json()

    def audience_question(self, approved: bool = False) -> int:
        sent = self.client.post(
            f"/api/v1/events/{self.code}/questions",
            json={"text": "How do partners share data?"},
            headers=self.participant,
        )
        question_id = int(self.ok(sent).json()["id"])
        if approved:
            self.api("POST", f"/api/v1/audience-questions/{question_id}/approve")
        return question_id

    def poll(self, *questions: Any, state: str = "open") -> tuple[int, list[int]]:
        made = self.make_poll(self.event, *questions, state=state)
        return made.id, [q.id for q in made.questions]

    def floor_request(self) -> int:
        sent = self.client.post(
            f"/api/v1/events/{self.code}/floor", json={"name": "Ana"}, headers=self.participant
        )
        return int(self.ok(sent).json()["id"])

    def takeaway(self) -> int:
        sent = self.client.post(
            f"/api/v1/events/{self.code}/takeaways", json=hamburg(), headers=self.participant
        )
        return int(self.ok(sent).json()["id"])

    def registration(self, checked_in: bool = False) -> tuple[int, str]:
        self.api("POST", f"/api/v1/events/{self.code}/registrations/open")
        number = self.registrations = getattr(self, "registrations", 0) + 1
        sent = self.client.post(
            f"/api/v1/events/{self.code}/registrations",
            json={"name": f"Person {number}", "email": f"person{number}@city.example"},
        )
        assert sent.status_code == 202, sent.text  # the link goes by e-mail only
        with self.db.session() as session:
            stored = session.scalars(
                select(Registration).where(Registration.email == f"person{number}@city.example")
            ).one()
            rid, token = stored.id, stored.token
        if checked_in:
            self.api("POST", f"/api/v1/registrations/{rid}/check-in")
        return rid, token

    def invitation(self) -> tuple[int, str]:
        with self.db.session() as session:
            stored = team.team_event(session, self.code)
            owner = session.scalars(
                select(Organiser).where(Organiser.email == self.owner_email)
            ).one()
            issued = team.invite(session, stored, owner)
            return issued.id, issued.token

    def co_moderator(self) -> int:
        number = self.members = getattr(self, "members", 0) + 1
        co = self.make_organiser(email=f"co{number}@region.example")
        _id, token = self.invitation()
        with self.db.session() as session:
            joining = session.get(Organiser, co.id)
            assert joining is not None
            team.accept_invitation(session, token, joining)
        return co.id


#: A case: (the world) → (method, URL, request arguments, action, subject's start).
Call = tuple[str, str, dict[str, Any], str, str]
Case = Callable[[World], Call]


def then(_made: object, value: str) -> str:
    """Return ``value``: a case makes its thing first, then names the method."""
    return value


CSV = b"name,email\nBeatriz Silva,beatriz@porto.example\n"


def _theme_reset(w: World) -> Call:
    _poll, (qid,) = w.poll(question("open_text"))
    return (
        "POST",
        f"/e/{w.code}/moderate/themes/{qid}/reset",
        {},
        "theme.reset",
        f"question {qid}",
    )


def _floor_next_api(w: World) -> Call:
    rid = w.floor_request()
    return ("POST", f"/api/v1/events/{w.code}/floor/next", {}, "floor.next", f"floor request {rid}")


def _floor_next_form(w: World) -> Call:
    rid = w.floor_request()
    return ("POST", f"/e/{w.code}/moderate/floor/next", {}, "floor.next", f"floor request {rid}")


def _reopen_api(w: World) -> Call:
    w.api("POST", f"/api/v1/events/{w.code}/close")
    return ("POST", f"/api/v1/events/{w.code}/reopen", {}, "event.reopen", "")


def _invite_accept(w: World) -> Call:
    invitation_id, token = w.invitation()
    joining = w.make_organiser(email="joining@region.example")
    other = Browser(w.client)
    sign_in(other, joining.email, joining.password)
    w.owner = other  # this case is the invitee's
    return ("POST", f"/invitations/{token}", {}, "team.accept", f"invitation {invitation_id}")


def _approved_takeaway(w: World) -> int:
    tid = w.takeaway()
    w.api("POST", f"/api/v1/takeaways/{tid}/approve")
    return tid


RECORDED: dict[tuple[str, str], Case] = {
    # the knowledge base: promoting a takeaway ("Hamburg" is the city or the city-state)
    ("POST", "/api/v1/events/{code}/takeaways/{takeaway_id}/promote"): lambda w: (
        then(tid := _approved_takeaway(w), "POST"),
        f"/api/v1/events/{w.code}/takeaways/{tid}/promote",
        {"json": {"choices": {"lead": "place:DE-HH"}}},
        "knowledge.promote",
        f"takeaway {tid}",
    ),
    ("POST", "/e/{code}/takeaways/{takeaway_id}/promote"): lambda w: (
        then(tid := _approved_takeaway(w), "POST"),
        f"/e/{w.code}/takeaways/{tid}/promote",
        {"data": {"choice:lead": "place:DE-HH"}},
        "knowledge.promote",
        f"takeaway {tid}",
    ),
    # polls: the console, the API, the editor's settings, themes
    ("POST", "/e/{code}/moderate/polls/{poll_id}/{action}"): lambda w: (
        then(pid := w.poll()[0], "POST"),
        f"/e/{w.code}/moderate/polls/{pid}/close",
        {},
        "poll.close",
        f"poll {pid}",
    ),
    ("POST", "/api/v1/polls/{poll_id}/{action}"): lambda w: (
        then(pid := w.poll()[0], "POST"),
        f"/api/v1/polls/{pid}/reveal",
        {},
        "poll.reveal",
        f"poll {pid}",
    ),
    ("PATCH", "/api/v1/polls/{poll_id}"): lambda w: (
        then(pid := w.poll()[0], "PATCH"),
        f"/api/v1/polls/{pid}",
        {"json": {"voting_rule": "checked_in"}},
        "poll.change",
        f"poll {pid}",
    ),
    ("PATCH", "/api/v1/questions/{question_id}"): lambda w: (
        then(qid := w.poll(question("ranking"))[1][0], "PATCH"),
        f"/api/v1/questions/{qid}",
        {"json": {"ranking_method": "borda"}},
        "poll.method",
        f"question {qid}",
    ),
    ("POST", "/e/{code}/moderate/polls/{poll_id}/edit/settings"): lambda w: (
        then(pid := w.poll(state="draft")[0], "POST"),
        f"/e/{w.code}/moderate/polls/{pid}/edit/settings",
        {"data": {"title": "Priorities", "voting_rule": "registered"}},
        "poll.settings",
        f"poll {pid}",
    ),
    ("POST", "/e/{code}/moderate/themes/{question_id}/{action}"): _theme_reset,
    # Q&A
    ("PATCH", "/api/v1/events/{code}/qa-settings"): lambda w: (
        "PATCH",
        f"/api/v1/events/{w.code}/qa-settings",
        {"json": {"moderated": True}},
        "qa.settings",
        "",
    ),
    ("POST", "/e/{code}/moderate/qa/settings"): lambda w: (
        "POST",
        f"/e/{w.code}/moderate/qa/settings",
        {"data": {"moderated": "1"}},
        "qa.settings",
        "",
    ),
    ("POST", "/api/v1/audience-questions/{question_id}/{action}"): lambda w: (
        then(qid := w.audience_question(), "POST"),
        f"/api/v1/audience-questions/{qid}/reject",
        {},
        "qa.reject",
        f"question {qid}",
    ),
    ("POST", "/e/{code}/moderate/qa/{question_id}/{action}"): lambda w: (
        then(qid := w.audience_question(approved=True), "POST"),
        f"/e/{w.code}/moderate/qa/{qid}/highlight",
        {},
        "qa.highlight",
        f"question {qid}",
    ),
    # the floor
    ("POST", "/api/v1/events/{code}/floor"): lambda w: (
        "POST",
        f"/api/v1/events/{w.code}/floor",
        {"json": {"name": "Guest without a phone"}},
        "floor.add",
        "floor request ",
    ),
    ("POST", "/api/v1/events/{code}/floor/next"): _floor_next_api,
    ("DELETE", "/api/v1/floor/{request_id}"): lambda w: (
        then(rid := w.floor_request(), "DELETE"),
        f"/api/v1/floor/{rid}",
        {},
        "floor.withdraw",
        f"floor request {rid}",
    ),
    ("POST", "/api/v1/floor/{request_id}/{action}"): lambda w: (
        then(rid := w.floor_request(), "POST"),
        f"/api/v1/floor/{rid}/give",
        {},
        "floor.give",
        f"floor request {rid}",
    ),
    ("POST", "/e/{code}/moderate/floor"): lambda w: (
        "POST",
        f"/e/{w.code}/moderate/floor",
        {"data": {"name": "Guest at the back"}},
        "floor.add",
        "floor request ",
    ),
    ("POST", "/e/{code}/moderate/floor/next"): _floor_next_form,
    ("POST", "/e/{code}/moderate/floor/{request_id}/{action}"): lambda w: (
        then(rid := w.floor_request(), "POST"),
        f"/e/{w.code}/moderate/floor/{rid}/withdraw",
        {},
        "floor.withdraw",
        f"floor request {rid}",
    ),
    # takeaways and closing the event
    ("POST", "/api/v1/takeaways/{takeaway_id}/{action}"): lambda w: (
        then(tid := w.takeaway(), "POST"),
        f"/api/v1/takeaways/{tid}/approve",
        {},
        "takeaway.approve",
        f"takeaway {tid}",
    ),
    ("POST", "/e/{code}/moderate/takeaways/{takeaway_id}/{action}"): lambda w: (
        then(tid := w.takeaway(), "POST"),
        f"/e/{w.code}/moderate/takeaways/{tid}/reject",
        {},
        "takeaway.reject",
        f"takeaway {tid}",
    ),
    ("POST", "/e/{code}/moderate/takeaways/{action}"): lambda w: (
        "POST",
        f"/e/{w.code}/moderate/takeaways/close",
        {},
        "event.close",
        "",
    ),
    ("POST", "/api/v1/events/{code}/close"): lambda w: (
        "POST",
        f"/api/v1/events/{w.code}/close",
        {},
        "event.close",
        "",
    ),
    ("POST", "/api/v1/events/{code}/reopen"): _reopen_api,
    # the report's publishing
    ("POST", "/e/{code}/report/annex"): lambda w: (
        "POST",
        f"/e/{w.code}/report/annex",
        {"data": {"on": "1"}},
        "report.annex_on",
        "",
    ),
    ("POST", "/e/{code}/report/link"): lambda w: (
        "POST",
        f"/e/{w.code}/report/link",
        {"data": {"on": "1"}},
        "report.link_on",
        "",
    ),
    # registrations: staff actions at the list and the door
    ("POST", "/e/{code}/registrations/{registration_id}/{action}"): lambda w: (
        then(rid := w.registration()[0], "POST"),
        f"/e/{w.code}/registrations/{rid}/cancel",
        {},
        "registration.cancel",
        f"registration {rid}",
    ),
    ("POST", "/api/v1/registrations/{registration_id}/{action}"): lambda w: (
        then(rid := w.registration(checked_in=True)[0], "POST"),
        f"/api/v1/registrations/{rid}/undo-check-in",
        {},
        "registration.undo-check-in",
        f"registration {rid}",
    ),
    ("POST", "/e/{code}/checkin/{token}"): lambda w: (
        then(found := w.registration(), "POST"),
        f"/e/{w.code}/checkin/{found[1]}",
        {},
        "registration.check-in",
        f"registration {found[0]}",
    ),
    ("POST", "/e/{code}/walk-ins"): lambda w: (
        "POST",
        f"/e/{w.code}/walk-ins",
        {"data": {"name": "Walk-in Person"}},
        "registration.walk-in",
        "registration ",
    ),
    ("POST", "/api/v1/events/{code}/walk-ins"): lambda w: (
        "POST",
        f"/api/v1/events/{w.code}/walk-ins",
        {"json": {"name": "Another Walk-in"}},
        "registration.walk-in",
        "registration ",
    ),
    ("POST", "/e/{code}/registrations/import"): lambda w: (
        "POST",
        f"/e/{w.code}/registrations/import",
        {"files": {"file": ("people.csv", CSV, "text/csv")}},
        "registrations.import",
        "1 registrations",
    ),
    ("POST", "/api/v1/events/{code}/registrations/import"): lambda w: (
        "POST",
        f"/api/v1/events/{w.code}/registrations/import",
        {"files": {"file": ("people.csv", CSV.replace(b"beatriz", b"bia"), "text/csv")}},
        "registrations.import",
        "1 registrations",
    ),
    ("POST", "/e/{code}/registrations/open"): lambda w: (
        "POST",
        f"/e/{w.code}/registrations/open",
        {},
        "registrations.open",
        "",
    ),
    ("POST", "/e/{code}/registrations/close"): lambda w: (
        "POST",
        f"/e/{w.code}/registrations/close",
        {},
        "registrations.close",
        "",
    ),
    ("POST", "/api/v1/events/{code}/registrations/open"): lambda w: (
        "POST",
        f"/api/v1/events/{w.code}/registrations/open",
        {},
        "registrations.open",
        "",
    ),
    ("POST", "/api/v1/events/{code}/registrations/close"): lambda w: (
        "POST",
        f"/api/v1/events/{w.code}/registrations/close",
        {},
        "registrations.close",
        "",
    ),
    # the team and the links
    ("POST", "/e/{code}/team/invite"): lambda w: (
        "POST",
        f"/e/{w.code}/team/invite",
        {"data": {"email": "guest@region.example"}},
        "team.invite",
        "invitation ",
    ),
    ("POST", "/e/{code}/team/invite-link"): lambda w: (
        "POST",
        f"/e/{w.code}/team/invite-link",
        {},
        "team.invite",
        "invitation ",
    ),
    ("POST", "/e/{code}/team/invitations/{invitation_id}/withdraw"): lambda w: (
        then(iid := w.invitation()[0], "POST"),
        f"/e/{w.code}/team/invitations/{iid}/withdraw",
        {},
        "team.withdraw",
        f"invitation {iid}",
    ),
    ("POST", "/e/{code}/team/members/{organiser_id}/remove"): lambda w: (
        then(oid := w.co_moderator(), "POST"),
        f"/e/{w.code}/team/members/{oid}/remove",
        {},
        "team.remove",
        f"organiser {oid}",
    ),
    ("POST", "/e/{code}/team/rotate"): lambda w: (
        "POST",
        f"/e/{w.code}/team/rotate",
        {"data": {"link": "moderator"}},
        "link.moderator",
        "moderator link",
    ),
    ("POST", "/invitations/{token}"): _invite_accept,
}


#: Routes that record an entry checked by their own domain's tests (acting as a participant
#: or a registrant, or needing a person to find), and where.
RECORDED_ELSEWHERE: dict[tuple[str, str], str] = {
    ("POST", "/e/{code}/me/erase"): "tests/privacy/test_self_service.py",
    ("POST", "/e/{code}/registration/{token}/erase"): "tests/privacy/test_self_service.py",
    ("POST", "/e/{code}/people/{kind}/{person_id}/erase"): "tests/privacy/test_organiser.py",
    ("POST", "/e/{code}/people/{kind}/{person_id}/export"): "tests/privacy/test_organiser.py",
    ("POST", "/e/{code}/privacy/settings"): "tests/privacy/test_notice.py",
}


def test_every_state_changing_route_is_recorded_or_exempt() -> None:
    routes = state_changing()
    assert len(routes) > 80
    unlisted = sorted(routes - set(RECORDED) - set(EXEMPT) - set(RECORDED_ELSEWHERE))
    assert not unlisted, f"record these in the audit log, or list them in EXEMPT: {unlisted}"
    assert not set(RECORDED) & set(EXEMPT)
    assert not (set(RECORDED) | set(EXEMPT)) - routes, "a listed route no longer exists"


@pytest.fixture
def world(
    client: TestClient,
    db: Database,
    make_event: EventFactory,
    make_poll: PollFactory,
    make_organiser: OrganiserFactory,
) -> World:
    owner = make_organiser(email="olga@region.example", name="Olga Owner")
    event = make_event(title="Partners day", organiser_id=owner.id)
    with db.session() as session:
        stored = session.get_one(Event, event.id)
        stored.qa_moderated = True  # questions wait for approval
    browser = Browser(client)
    sign_in(browser, owner.email, owner.password)
    return World(
        client, browser, owner.email, event, db, make_poll, make_organiser, join(client, event.code)
    )


def newest(db: Database, event_id: int) -> AuditEntry | None:
    with db.session() as session:
        return session.scalars(
            select(AuditEntry)
            .where(AuditEntry.event_id == event_id)
            .order_by(AuditEntry.id.desc())
            .limit(1)
        ).first()


@pytest.mark.parametrize("route", sorted(RECORDED), ids=lambda r: f"{r[0]} {r[1]}")
def test_a_moderation_route_writes_an_entry_naming_who_what_and_which(
    world: World, db: Database, route: tuple[str, str]
) -> None:
    method, url, arguments, action, subject = RECORDED[route](world)
    before = newest(db, world.event.id)
    response = world.owner.request(method, url, follow_redirects=False, **arguments)
    assert response.status_code < 400, response.text
    entry = newest(db, world.event.id)
    assert entry is not None
    assert before is None or entry.id != before.id, "no entry was written"
    assert entry.action == action
    assert entry.subject.startswith(subject)
    if subject.endswith(" "):  # a thing made by the call: its number follows
        assert entry.subject[len(subject) :].isdigit()
    else:
        assert entry.subject == subject
    assert entry.action in action_labels(), "give the action a label in events.audit"
    if action != "team.accept":
        assert entry.actor == "Olga Owner <olga@region.example>"
        assert entry.organiser_id is not None


def test_a_refused_action_writes_nothing(world: World, db: Database) -> None:
    pid, _questions = world.poll(state="draft")
    before = newest(db, world.event.id)
    refused = world.owner.post(f"/api/v1/polls/{pid}/close")  # a draft cannot be closed
    assert refused.status_code == 409
    after = newest(db, world.event.id)
    assert (before and before.id) == (after and after.id)


def test_the_moderator_link_is_named_as_such(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    key = {"X-Moderator-Key": event.moderator_key}
    sent = client.post(
        f"/api/v1/events/{event.code}/questions",
        json={"text": "Who funds the exchanges?"},
        headers=join(client, event.code),
    )
    qid = sent.json()["id"]
    assert client.post(f"/api/v1/audience-questions/{qid}/answer", headers=key).status_code == 200
    entry = newest(db, event.id)
    assert entry is not None
    assert (entry.actor, entry.action, entry.subject, entry.organiser_id) == (
        "moderator link (key)",
        "qa.answer",
        f"question {qid}",
        None,
    )


def test_a_repeated_check_in_writes_one_entry(world: World, db: Database) -> None:
    rid, token = world.registration()
    for _n in range(2):
        world.ok(world.owner.post(f"/e/{world.code}/checkin/{token}", follow_redirects=False))
    with db.session() as session:
        found = session.scalars(
            select(AuditEntry.action).where(AuditEntry.subject == f"registration {rid}")
        ).all()
        assert list(found) == ["registration.check-in"]
        assert session.get_one(Registration, rid).checked_in_at is not None
