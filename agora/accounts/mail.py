"""Agora's e-mails (password and invitation links): sent by SMTP, or written to the log.

With ``AGORA_SMTP_HOST`` set, a message goes through that server with the standard
library's ``smtplib``; without it, the message, link included, is written to the server's
log at WARNING level, where the operator finds it and can pass it on.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from agora.accounts.models import LinkPurpose
from agora.accounts.services import LINK_LIFETIME, IssuedLink
from agora.core.i18n import _, ngettext
from agora.core.settings import Settings

log = logging.getLogger(__name__)
#: Seconds to wait for the mail server before giving up.
SMTP_TIMEOUT = 15


@dataclass(frozen=True)
class Mail:
    """One plain-text e-mail to one address."""

    to: str
    subject: str
    body: str


class MailNotSent(Exception):
    """The mail server could not be reached or refused the message."""


def mail_configured(settings: Settings) -> bool:
    """Tell whether Agora e-mails its links (else they go to the log)."""
    return bool(settings.smtp_host)


def one_line(text: str) -> str:
    """Return ``text`` on one line, fit for a header (a title may hold line breaks)."""
    return " ".join(text.split())


def message(settings: Settings, mail: Mail) -> EmailMessage:
    """Return ``mail`` as a MIME message from the configured sender."""
    out = EmailMessage()
    out["From"] = settings.smtp_sender
    out["To"] = mail.to
    out["Subject"] = one_line(mail.subject)
    out["Date"] = formatdate(localtime=False)
    out["Message-ID"] = make_msgid(
        domain=parseaddr(settings.smtp_sender)[1].partition("@")[2] or None
    )
    out["Auto-Submitted"] = "auto-generated"
    out.set_content(mail.body)
    return out


def send_mail(settings: Settings, mail: Mail) -> bool:
    """E-mail ``mail`` if a server is configured (True), else write it to the log (False).

    Raises:
        MailNotSent: the server could not be reached, refused the sign-in or the message.
    """
    if not mail_configured(settings):
        log.warning(
            "No mail server is configured (AGORA_SMTP_HOST); this e-mail to %s was not sent:\n"
            "Subject: %s\n\n%s",
            mail.to,
            one_line(mail.subject),
            mail.body,
        )
        return False
    try:
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if settings.smtp_tls == "ssl":
            smtp = smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT, context=context
            )
        else:
            smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT)
        with smtp:
            if settings.smtp_tls == "starttls":
                smtp.starttls(context=context)
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(message(settings, mail))
    except (smtplib.SMTPException, OSError) as exc:
        raise MailNotSent(str(exc) or type(exc).__name__) from exc
    log.info("e-mailed %r to %s", one_line(mail.subject), mail.to)
    return True


def deliver(settings: Settings, mail: Mail) -> None:
    """Send ``mail`` after the response has gone (a background task): failures are logged.

    Used where the page must not depend on the outcome, so that it reveals nothing.
    """
    try:
        send_mail(settings, mail)
    except MailNotSent:
        log.exception("could not e-mail %r to %s", one_line(mail.subject), mail.to)


# -- what Agora writes ---------------------------------------------------------------------


def _hours(purpose: LinkPurpose) -> str:
    hours = int(LINK_LIFETIME[purpose].total_seconds() // 3600)
    return ngettext(
        "The link works once, for {n} hour.", "The link works once, for {n} hours.", hours
    ).format(n=hours)


def password_mail(link: IssuedLink, url: str, sign_in_url: str) -> Mail:
    """Return the e-mail that carries a link to choose a password, in the current language."""
    greeting = _("Hello {name},").format(name=link.name) if link.name else _("Hello,")
    if link.purpose is LinkPurpose.signup:
        subject = _("Choose your Agora password")
        text = _(
            "To finish creating your organiser account on Agora for {email}, "
            "choose your password here:"
        ).format(email=link.email)
        ignore = _("If you did not ask for an account, ignore this e-mail.")
    elif link.for_signup:
        subject = _("You have an Agora account already")
        text = _(
            "Someone, probably you, asked for an Agora account for {email}. This address has "
            "an account already: sign in at {sign_in}, or choose a new password here:"
        ).format(email=link.email, sign_in=sign_in_url)
        ignore = _("If you did not ask for it, ignore this e-mail: your password stays as it is.")
    else:
        subject = _("Choose a new Agora password")
        text = _(
            "Someone, probably you, asked to choose a new password for the Agora account "
            "of {email}. Choose it here:"
        ).format(email=link.email)
        ignore = _("If you did not ask for it, ignore this e-mail: your password stays as it is.")
    body = f"{greeting}\n\n{text}\n\n{url}\n\n{_hours(link.purpose)} {ignore}\n\n-- \nAgora\n"
    return Mail(link.email, subject, body)


def invitation_mail(to: str, *, inviter: str, event_title: str, url: str, days: int) -> Mail:
    """Return the e-mail that invites someone to co-moderate an event."""
    subject = _("Invitation to moderate {event}").format(event=one_line(event_title))
    text = _(
        "{inviter} invites you to moderate \u201c{event}\u201d on Agora with them. "
        "Open this link, then sign in or create an organiser account to accept:"
    ).format(inviter=inviter, event=one_line(event_title))
    validity = ngettext(
        "The invitation works once, for {n} day.",
        "The invitation works once, for {n} days.",
        days,
    ).format(n=days)
    body = f"{_('Hello,')}\n\n{text}\n\n{url}\n\n{validity}\n\n-- \nAgora\n"
    return Mail(to, subject, body)
