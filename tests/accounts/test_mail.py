"""E-mail by SMTP where configured: against a fake server on 127.0.0.1, no network."""

from __future__ import annotations

import logging
import re

import pytest
from pydantic import ValidationError

from agora.accounts.mail import Mail, MailNotSent, send_mail
from agora.core.settings import Settings
from tests.accounts.conftest import AppFactory, ClientFactory, logged_links, path_of, sign_in
from tests.accounts.smtp import FakeSMTP
from tests.browser import free_port
from tests.conftest import EventFactory, OrganiserFactory

SENDER = "Agora <agora@region.example>"
LINK = re.compile(r"http://testserver/(?:password/link|invitations)/[A-Za-z0-9_-]+")


def mail_settings(port: int, **changes: str) -> dict[str, object]:
    return {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_tls": "none",
        "smtp_user": "agora",
        "smtp_password": "mail secret",
        "smtp_sender": SENDER,
        **changes,
    }


def test_mail_goes_through_the_server_with_its_sign_in() -> None:
    with FakeSMTP("agora", "mail secret") as smtp:
        settings = Settings(_env_file=None, **mail_settings(smtp.port))  # type: ignore[arg-type]

        sent = send_mail(settings, Mail("ana@region.example", "Héllo\nthere", "Body ✓"))

    assert sent is True
    (received,) = smtp.received
    assert smtp.box.logins == [("agora", "mail secret")]
    assert received.recipients == ["ana@region.example"]
    assert received.message["From"] == SENDER
    assert received.message["Subject"] == "Héllo there"  # one line: no header injection
    assert "Body ✓" in received.message.get_content()


def test_a_refused_sign_in_or_an_unreachable_server_raises_mail_not_sent() -> None:
    with FakeSMTP("agora", "another secret") as smtp:
        wrong = Settings(_env_file=None, **mail_settings(smtp.port))  # type: ignore[arg-type]
        with pytest.raises(MailNotSent):
            send_mail(wrong, Mail("ana@region.example", "Hello", "Body"))
        assert smtp.received == []
    nobody = Settings(_env_file=None, **mail_settings(free_port()))  # type: ignore[arg-type]
    with pytest.raises(MailNotSent):
        send_mail(nobody, Mail("ana@region.example", "Hello", "Body"))


def test_a_mail_server_needs_a_sender() -> None:
    with pytest.raises(ValidationError, match="AGORA_SMTP_SENDER must be set"):
        Settings(_env_file=None, smtp_host="smtp.region.example")


def test_forgotten_password_link_is_e_mailed_and_not_logged(
    make_app: AppFactory,
    client_of: ClientFactory,
    make_organiser: OrganiserFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="agora.accounts.mail")
    make_organiser(email="staff@region.example", password="correct horse battery")
    with FakeSMTP("agora", "mail secret") as smtp:
        client = client_of(make_app(**mail_settings(smtp.port)))

        page = client.post("/password/forgot", data={"email": "staff@region.example"})

    assert "If an account exists for staff@region.example" in page.text
    assert "operator finds the link" not in page.text
    (received,) = smtp.received
    assert received.recipients == ["staff@region.example"]
    assert received.message["Subject"] == "Choose a new Agora password"
    found = LINK.search(received.message.get_content())
    assert found is not None
    assert logged_links(caplog) == []
    new = "purple elephant kettle"
    client.post(path_of(found.group(0)), data={"password": new, "confirmation": new})
    sign_in(client, "staff@region.example", new)


def test_when_the_mail_server_fails_the_page_still_reveals_nothing(
    make_app: AppFactory,
    client_of: ClientFactory,
    make_organiser: OrganiserFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    make_organiser(email="staff@region.example", password="correct horse battery")
    client = client_of(make_app(**mail_settings(free_port())))

    known = client.post("/password/forgot", data={"email": "staff@region.example"})
    unknown = client.post("/password/forgot", data={"email": "nobody@region.example"})

    assert known.status_code == unknown.status_code == 200
    assert known.text.replace("staff@", "nobody@") == unknown.text
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in errors] == [
        "could not e-mail 'Choose a new Agora password' to staff@region.example"
    ]
    assert logged_links(caplog) == []  # the link never reaches a log


def test_an_invitation_is_e_mailed_in_the_inviters_name(
    make_app: AppFactory,
    client_of: ClientFactory,
    make_organiser: OrganiserFactory,
    make_event: EventFactory,
) -> None:
    owner = make_organiser(email="owner@region.example", name="Olga Owner")
    event = make_event(title="Partners\nday", organiser_id=owner.id)
    with FakeSMTP("agora", "mail secret") as smtp:
        client = client_of(make_app(**mail_settings(smtp.port)))
        sign_in(client, owner.email, owner.password)

        page = client.post(f"/e/{event.code}/team/invite", data={"email": "guest@region.example"})

    assert "The invitation is on its way to guest@region.example." in page.text
    assert not LINK.search(page.text)  # sent, so not shown
    (received,) = smtp.received
    assert received.message["Subject"] == "Invitation to moderate Partners day"
    body = received.message.get_content()
    assert "Olga Owner invites you to moderate" in body
    assert LINK.search(body)


def test_an_invitation_the_server_refused_is_shown_to_pass_on(
    make_app: AppFactory,
    client_of: ClientFactory,
    make_organiser: OrganiserFactory,
    make_event: EventFactory,
) -> None:
    owner = make_organiser(email="owner@region.example")
    event = make_event(organiser_id=owner.id)
    client = client_of(make_app(**mail_settings(free_port())))
    sign_in(client, owner.email, owner.password)

    page = client.post(f"/e/{event.code}/team/invite", data={"email": "guest@region.example"})

    assert "The e-mail could not be sent." in page.text
    assert LINK.search(page.text)


def test_the_e_mail_speaks_the_language_of_the_page(
    make_app: AppFactory, client_of: ClientFactory, make_organiser: OrganiserFactory
) -> None:
    make_organiser(email="staff@region.example", password="correct horse battery")
    with FakeSMTP("agora", "mail secret") as smtp:
        client = client_of(make_app(**mail_settings(smtp.port)))
        client.cookies.set("agora_lang", "fr")

        page = client.post("/password/forgot", data={"email": "staff@region.example"})

    assert "Si un compte existe pour staff@region.example" in page.text
    (received,) = smtp.received
    assert received.message["Subject"] == "Choisissez un nouveau mot de passe Agora"
    assert "Le lien ne fonctionne qu'une fois, pendant 1 heure." in received.message.get_content()
