"""Errors of the OBS connection: one type per thing the operator must do differently.

No message here ever contains the password.
"""

from __future__ import annotations

from console.models.errors import OperatorError


class ObsError(OperatorError):
    """Base class of every OBS connection error: the operator is told, in plain words."""


class ObsUnreachable(ObsError):
    """Nothing answers at the address (OBS not running, wrong port, websocket server off)."""


class ObsAuthFailed(ObsError):
    """OBS refused the password (close code 4009, or no password given when one is required)."""


class ObsKicked(ObsError):
    """OBS invalidated this session (close code 4011): someone kicked this client."""


class ObsConnectionLost(ObsError):
    """The connection dropped while a request was in flight."""


class ObsNotConnected(ObsError):
    """A request was made while there is no live connection."""


class ObsRequestTimeout(ObsError):
    """OBS did not answer in time (frozen, overloaded, or gone without closing the socket)."""


class ObsUnsupported(ObsError):
    """The connected obs-websocket does not offer this request (older version)."""


class ObsRequestFailed(ObsError):
    """OBS answered a request with a failure status (for example 600: resource not found)."""

    def __init__(self, request_type: str, code: int, comment: str | None) -> None:
        self.request_type = request_type
        self.code = code
        self.comment = comment
        detail = f": {comment}" if comment else ""
        super().__init__(f"OBS refused {request_type} (code {code}){detail}")


class ObsBadAnswer(ObsError):
    """OBS answered a request with data its protocol does not allow (or it is not OBS)."""

    def __init__(self, request_type: str, problem: str) -> None:
        self.request_type = request_type
        super().__init__(f"OBS answered {request_type} oddly: {problem}")


class ServerClosed(ObsError):
    """OBS closed the websocket with a close frame."""

    AUTHENTICATION_FAILED = 4009
    SESSION_INVALIDATED = 4011
    GOING_AWAY = 1001

    def __init__(self, code: int | None, reason: str) -> None:
        self.code = code
        self.reason = reason
        detail = f", {reason}" if reason else ""
        super().__init__(f"OBS closed the connection (code {code}{detail})")
