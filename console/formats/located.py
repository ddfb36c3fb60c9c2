"""Refusals that name the place in a file: the file, the line (or JSON path) and the field.

Every reader raises :class:`ShowFormatError`. Value checks from
:mod:`console.models.limits` raise :class:`InvalidValue`, which knows the field but
not the file or the line; :func:`refused_at` adds them, so no reader repeats
that wrapping.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from console.models.errors import InvalidValue


class ShowFormatError(ValueError):
    """A show file that cannot be read; the message is ``file: place: problem``."""

    def __init__(self, source: str, path: str, problem: str) -> None:
        self.source = source
        self.path = path
        self.problem = problem
        super().__init__(f"{source}: {path}: {problem}" if path else f"{source}: {problem}")


@contextmanager
def refused_at(source: str, place: str = "") -> Iterator[None]:
    """Report an :class:`InvalidValue` raised inside as a refusal of ``source``.

    ``place`` is where the value is (``"line 12"``); the check's own field follows
    it (``"line 12, SUMMARY"``). Formats addressed by JSON path give the whole
    path as the field and no place.
    """
    try:
        yield
    except InvalidValue as error:
        where = f"{place}, {error.field}" if place else error.field
        raise ShowFormatError(source, where, error.problem) from error
