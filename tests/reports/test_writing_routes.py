"""The report page (writing, proposed sentences, publishing) and the public read-only link."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from agora.core.db import Database
from agora.events.models import Event
from agora.registrations.details import Details
from agora.registrations.models import OrganisationType
from agora.registrations.services import register
from agora.takeaways import report_writing as writing
from agora.takeaways.models import ReportRevision
from tests.conftest import EventFactory, OrganiserFactory, join

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'
REGISTRANT = "Zofia Registered-Person"


@pytest.fixture
def event(
    make_event: EventFactory, make_organiser: OrganiserFactory, client: TestClient, db: Database
) -> Event:
    """An event of the organiser the client is signed in as, with one registration."""
    owner = make_organiser(email="staff@region.example")
    signed = client.post("/login", data={"email": owner.email, "password": owner.password})
    assert signed.status_code == 200
    made = make_event(organiser_id=owner.id, registration_open=True)
    with db.session() as session:
        found = session.get(Event, made.id)
        assert found is not None
        register(
            session,
            found,
            Details(REGISTRANT, "zofia@example.org", "Gmina", OrganisationType.city, "PL"),
        )
        session.commit()
    return made


def page(event: Event, tail: str = "") -> str:
    return f"/e/{event.code}/report{tail}"


def revisions(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(ReportRevision)) or 0)


def share_token(db: Database, event: Event) -> str | None:
    with db.session() as session:
        return writing.report_settings(session, event.id).share_token


POSTS = [
    ("/sections/introduction", {"text": "Taken over."}),
    ("/revisions/1/restore", {}),
    ("/drafts/attendance/accept", {}),
    ("/drafts/attendance/drop", {}),
    ("/drafts/show", {}),
    ("/annex", {"on": "1"}),
    ("/link", {"on": "1"}),
]


def test_only_the_events_moderators_reach_the_report_page(
    client: TestClient, event: Event, db: Database, make_organiser: OrganiserFactory
) -> None:
    client.post(page(event, "/sections/introduction"), data={"text": "Ours."})
    assert revisions(db) == 1
    participant = join(client, event.code)
    stranger = make_organiser(email="other@city.example")
    callers: list[tuple[str, dict[str, str]]] = [("anonymous", {}), ("participant", participant)]
    client.cookies.clear()
    for _who, headers in callers:
        assert client.get(page(event), headers=headers).status_code in {401, 403}
        for tail, data in POSTS:
            refused = client.post(page(event, tail), data=data, headers=headers)
            assert refused.status_code in {401, 403}, (tail, refused.status_code)
    client.post("/login", data={"email": stranger.email, "password": stranger.password})
    assert client.get(page(event)).status_code == 403
    for tail, data in POSTS:
        assert client.post(page(event, tail), data=data).status_code == 403, tail
    assert revisions(db) == 1
    assert share_token(db, event) is None


def test_the_organiser_writes_a_section_and_restores_an_earlier_text(
    client: TestClient, event: Event, db: Database
) -> None:
    saved = client.post(
        page(event, "/sections/introduction"),
        data={"text": f"Why it **mattered**. {SCRIPT}"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert saved.headers["location"].endswith("/report#section-introduction")
    client.post(page(event, "/sections/introduction"), data={"text": "Second thoughts."})
    shown = client.get(page(event))
    assert shown.status_code == 200
    assert SCRIPT not in shown.text
    assert "&lt;script&gt;" in shown.text
    assert "History: 2 revisions" in shown.text
    with db.session() as session:
        first = writing.revisions(session, event.id, "introduction")[-1].id
    client.post(page(event, f"/revisions/{first}/restore"))
    with db.session() as session:
        assert writing.narrative(session, event.id)["introduction"].startswith("Why it")


def test_a_refused_section_keeps_what_was_typed(
    client: TestClient, event: Event, db: Database
) -> None:
    typed = "z" * (writing.MAX_SECTION_LENGTH + 5)
    refused = client.post(page(event, "/sections/impact"), data={"text": typed})
    assert refused.status_code == 422
    assert typed in refused.text
    assert "at most 20000 characters" in refused.text
    unknown = client.post(page(event, "/sections/summary"), data={"text": "x"})
    assert unknown.status_code == 422
    assert "The report has no section" in unknown.text
    assert revisions(db) == 0


def test_the_moderator_link_writes_as_a_moderator(
    client: TestClient, event: Event, db: Database
) -> None:
    client.cookies.clear()
    assert client.get(f"/e/{event.code}/moderate?key={event.moderator_key}").status_code == 200
    client.post(page(event, "/sections/methodology"), data={"text": "How we worked."})
    with db.session() as session:
        (revision,) = writing.revisions(session, event.id, "methodology")
    assert revision.author == "moderator"


def test_proposed_sentences_are_accepted_edited_or_dropped(
    client: TestClient, event: Event, db: Database
) -> None:
    shown = client.get(page(event))
    assert "Registered 1" in shown.text  # the attendance sentence cites its figures
    client.post(page(event, "/drafts/attendance/accept"))
    with db.session() as session:
        accepted = writing.narrative(session, event.id)["introduction"]
    assert "registration" in accepted
    edit = client.get(page(event, "?edit=occupancy"))
    assert "The room was" in edit.text.split('id="text-introduction"')[1].split("</textarea>")[0]
    client.post(page(event, "/drafts/occupancy/drop"))
    assert 'id="draft-occupancy"' not in client.get(page(event)).text
    client.post(page(event, "/drafts/show"))
    assert 'id="draft-occupancy"' in client.get(page(event)).text
    gone = client.post(page(event, "/drafts/no-such-sentence/accept"))
    assert gone.status_code == 404


def test_the_public_link_shows_the_report_only_while_on(
    client: TestClient, event: Event, db: Database
) -> None:
    client.post(page(event, "/sections/conclusions"), data={"text": f"Next steps. {IMG}"})
    client.post(page(event, "/annex"), data={"on": "1"})
    client.post(page(event, "/link"), data={"on": "1"})
    token = share_token(db, event)
    assert token
    shown = client.get(page(event))
    assert f"/r/{token}" in shown.text
    client.cookies.clear()
    public = client.get(f"/r/{token}")
    assert public.status_code == 200
    assert public.headers["x-robots-tag"].startswith("noindex")
    assert public.headers["cache-control"] == "no-store"
    assert "Next steps." in public.text
    assert IMG not in public.text
    assert "&lt;img" in public.text
    assert REGISTRANT not in public.text  # never the annex, whatever the setting
    assert client.get("/r/not-a-token").status_code == 404


def test_switching_the_link_off_makes_the_old_link_404(
    client: TestClient, event: Event, db: Database
) -> None:
    client.post(page(event, "/link"), data={"on": "1"})
    old = share_token(db, event)
    client.post(page(event, "/link"), data={"on": "0"})
    assert share_token(db, event) is None
    assert client.get(f"/r/{old}").status_code == 404
    client.post(page(event, "/link"), data={"on": "1"})
    assert share_token(db, event) != old
    assert client.get(f"/r/{old}").status_code == 404


def test_downloads_list_registrations_only_with_the_annex_on(
    client: TestClient, event: Event
) -> None:
    def names() -> list[str]:
        data = client.get(f"/e/{event.code}/report.json").json()
        return [r["name"] for r in data["registrations"]]

    assert names() == []
    client.post(page(event, "/annex"), data={"on": "1"})
    assert names() == [REGISTRANT]


def test_the_sections_reach_every_format_escaped(client: TestClient, event: Event) -> None:
    for section in writing.SECTIONS:
        client.post(
            page(event, f"/sections/{section}"),
            data={"text": f"In **{section}**: {SCRIPT}\n\n- {IMG}"},
        )
    html = client.get(f"/e/{event.code}/report.html").text
    assert SCRIPT not in html
    assert IMG not in html
    assert "<strong>introduction</strong>" in html
    assert 'id="conclusions"' in html
    markdown = client.get(f"/e/{event.code}/report.md").text
    assert not re.search(r"(?<!\\)<(script|img)", markdown)  # only escaped: \<img
    assert "- \\<img src=x" in markdown
    assert "In **conclusions**: \\<script\\>" in markdown
    assert "## Conclusions" in markdown
    data = client.get(f"/e/{event.code}/report.json").json()
    assert data["narrative"]["impact"] == f"In **impact**: {SCRIPT}\n\n- {IMG}"
    docx = client.get(f"/e/{event.code}/report.docx").content
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        body = archive.read("word/document.xml").decode()
    assert "&lt;script&gt;" in body
    assert "<script>" not in body
    assert json.dumps("Conclusions")[1:-1] in body
