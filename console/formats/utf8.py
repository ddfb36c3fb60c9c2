"""Schedule files are UTF-8; a byte that is not is reported by its line and column.

Python's decoder says "position 48213", which nobody can find in an editor; these
helpers turn that offset into the line and column an editor shows.
"""

from __future__ import annotations

import re

from console.formats.located import ShowFormatError

BOM = b"\xef\xbb\xbf"
_LINE_BREAK = re.compile(rb"\r\n|\n|\r")


def place_of_byte(data: bytes, offset: int) -> str:
    """``line L, column C`` of the byte at ``offset``; the column counts characters."""
    breaks = list(_LINE_BREAK.finditer(data, 0, offset))
    line_start = breaks[-1].end() if breaks else len(BOM) if data.startswith(BOM) else 0
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return f"line {len(breaks) + 1}, column {column}"


def not_utf8(data: bytes, offset: int) -> str:
    """What is wrong with the byte at ``offset``, for an error message."""
    return f"not valid UTF-8 (byte 0x{data[offset]:02X}); save the file as UTF-8"


def decode_utf8(data: bytes, source: str) -> str:
    """The text of ``data`` (a UTF-8 byte order mark dropped), or a refusal naming the bad byte."""
    start = len(BOM) if data.startswith(BOM) else 0
    try:
        return data[start:].decode("utf-8")
    except UnicodeDecodeError as error:
        offset = start + error.start
        raise ShowFormatError(source, place_of_byte(data, offset),
                              not_utf8(data, offset)) from error
