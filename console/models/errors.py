"""The one family of errors an operator is told about in plain words.

An :class:`OperatorError` is a refusal or a failure the person at the console can
act on: "nothing left to take", "no segment is live", "OBS is reconnecting", "a
take is already in flight". The window shows its message as it is (status bar, and
for a take on the take buttons), the log records it at INFO, and the control API
answers 409. Any other exception is a bug: the log keeps its traceback, the window
says "internal error" and the control API answers 500.

Errors that name a field (a value from outside that is out of range) are
:class:`InvalidValue`: the control API answers 400 and names the field, the
command line exits 2.
"""

from __future__ import annotations


class OperatorError(Exception):
    """An action refused or failed for a reason the operator can act on.

    ``details`` are facts a script may act on (the control API adds them to its
    answer), e.g. the channels that are not ready.
    """

    @property
    def details(self) -> dict[str, object]:
        return {}


class InvalidValue(OperatorError, ValueError):
    """A value from outside (a file, the API, the window, the database) that does not fit.

    ``field`` names it (a JSON path, a column, a form field); the message says what
    is wrong and what would be accepted.
    """

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")
