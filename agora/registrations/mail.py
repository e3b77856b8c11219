"""The e-mail that carries a registration's link: the only way the public form gives it.

The form and the API answer every registration alike, new or not, and the link goes to
the address given: so registering tells nobody whether an address is registered already,
and only the address's owner gets the link.
"""

from __future__ import annotations

from agora.accounts.mail import Mail, one_line
from agora.core.i18n import _
from agora.events.models import Event
from agora.registrations.models import Registration, RegistrationStatus


def registration_mail(event: Event, registration: Registration, url: str, *, new: bool) -> Mail:
    """Return the e-mail with the link to ``registration`` (``new``: it was just made)."""
    assert registration.email is not None  # the public form requires one
    title = one_line(event.title)
    subject = _("Your registration for {event}").format(event=title)
    if not new:
        text = _(
            "Someone, probably you, registered {email} for \u201c{event}\u201d again. This "
            "address is registered already; here is the link to your registration:"
        )
    elif registration.status is RegistrationStatus.waitlisted:
        text = _(
            "You are on the waiting list of \u201c{event}\u201d with {email}. Your "
            "registration, your place on the list and, once you have a seat, your check-in "
            "code are here:"
        )
    else:
        text = _(
            "You are registered for \u201c{event}\u201d with {email}. Your registration and "
            "the check-in code to show at the door are here:"
        )
    keep = _("Keep this e-mail: the link is the only way to your registration.")
    body = (
        f"{_('Hello {name},').format(name=registration.name)}\n\n"
        f"{text.format(email=registration.email, event=title)}\n\n{url}\n\n{keep}\n\n-- \nAgora\n"
    )
    return Mail(registration.email, subject, body)
