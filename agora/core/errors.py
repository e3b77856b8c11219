"""Domain errors that users can meet, mapped once to HTTP statuses in ``agora.app``.

Hierarchy::

    AgoraError                 400  something the user sent or asked cannot be done
    ├── InvalidInput           422  a value is malformed (says which field and why)
    │   └── InvalidAnswer      422  a poll response that does not fit its question
    ├── NotFound               404  no such event, poll, question or participant
    ├── NotAllowed             403  the caller may not do this
    ├── NotAuthenticated       401  the caller did not say who they are
    └── Conflict               409  the state forbids it (poll not open, already answered)
"""

from __future__ import annotations


class AgoraError(Exception):
    """Base of every error a user can meet; ``message`` is shown to them as is."""

    status_code = 400
    #: The ``error`` the API names it by, when not its class name.
    error_name: str | None = None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def to_dict(self) -> dict[str, str]:
        """Return the JSON body the API sends for this error."""
        body = {"error": self.error_name or type(self).__name__, "message": self.message}
        if self.field is not None:
            body["field"] = self.field
        return body


class InvalidInput(AgoraError):
    """A value sent by the user is malformed."""

    status_code = 422


class InvalidAnswer(InvalidInput):
    """A poll response that does not fit its question (unknown option, too long…)."""


class NotFound(AgoraError):
    """The thing asked for does not exist."""

    status_code = 404


class NotAllowed(AgoraError):
    """The caller is known but may not do this."""

    status_code = 403


class NotAuthenticated(AgoraError):
    """The caller has not identified themselves."""

    status_code = 401


class SignInNeeded(NotAuthenticated):
    """An organiser must sign in: a page visit goes to the sign-in page and comes back."""

    error_name = "NotAuthenticated"


class Conflict(AgoraError):
    """The current state forbids the action (poll closed, question already answered)."""

    status_code = 409
