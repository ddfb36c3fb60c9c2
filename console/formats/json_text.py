"""Parsing JSON from a file without letting its shape crash the parser.

The standard parser recurses once per nesting level (100,000 ``[`` end in a
RecursionError) and refuses integers longer than 4,300 digits with a ValueError
that names no place. A scan over the brackets and numbers outside strings finds
both first and names the line and column; a schedule is never nested deeper
than a dozen levels.
"""

from __future__ import annotations

import json
import re
from typing import Any

from console.formats.located import ShowFormatError

MAX_DEPTH = 64
MAX_DIGITS = 1000  # far below the parser's own limit, far above any real number
# A string (so brackets and digits inside it do not count), a bracket, or a long number.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[{]|[\]}]|\d{' + str(MAX_DIGITS + 1) + ",}",
                    re.DOTALL)


def _place(text: str, index: int) -> str:
    line_start = text.rfind("\n", 0, index) + 1
    return f"line {text.count(chr(10), 0, index) + 1}, column {index - line_start + 1}"


def _check_shape(text: str, source: str) -> None:
    depth = 0
    for token in _TOKEN.finditer(text):
        first = token[0][0]
        if first in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ShowFormatError(source, _place(text, token.start()),
                                      f"nested deeper than {MAX_DEPTH} levels; a schedule "
                                      "never is")
        elif first in "]}":
            depth -= 1
        elif first != '"':
            raise ShowFormatError(source, _place(text, token.start()),
                                  f"a number longer than {MAX_DIGITS} digits")


def load_json(text: str, source: str) -> Any:
    """The JSON value in ``text``; a refusal naming the line and column if it is not one."""
    _check_shape(text, source)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ShowFormatError(source, f"line {error.lineno}, column {error.colno}",
                              f"not valid JSON ({error.msg})") from error
