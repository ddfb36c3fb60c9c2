"""Writing the stored show as CSV or iCalendar (the console's own JSON is in console_json).

Both re-import to the same instants: CSV writes each start with its UTC offset
and the show day in ``date``; iCalendar writes UTC times plus ``X-WR-TIMEZONE``.
Both carry the session of each segment (CSV ``session``, iCalendar
``X-CONFERENCE-CONSOLE-SESSION``) and its show day (``X-CONFERENCE-CONSOLE-DAY``).
CSV cells a spreadsheet would run as formulas are written as text (see
:mod:`console.formats.csv_formulas`).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from console.formats.csv_formulas import neutralise
from console.formats.csv_lists import join_entries
from console.formats.ical import DAY_PROPERTY, SESSION_PROPERTY
from console.models.show import Show

CSV_COLUMNS = ("id", "title", "kind", "room", "date", "start", "duration", "speakers",
               "affiliations", "languages", "language", "session", "scene", "notes",
               "timezone", "show")


def _clock(duration: timedelta) -> str:
    seconds = int(duration.total_seconds())
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def show_to_csv(show: Show) -> str:
    zone = ZoneInfo(show.timezone)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for stage in show.stages:
        for day in stage.days:
            for session in day.sessions:
                for segment in session.segments:
                    language = segment.speakers[0].language if segment.speakers else \
                        show.floor_language
                    writer.writerow(neutralise(cell) for cell in (
                        segment.source_id or segment.id, segment.title, segment.kind.value,
                        stage.name, day.date.isoformat(),
                        segment.planned_start.astimezone(zone).isoformat(),
                        _clock(segment.planned_duration),
                        join_entries(s.name for s in segment.speakers),
                        join_entries(s.affiliation for s in segment.speakers),
                        join_entries(s.language for s in segment.speakers), language,
                        session.title, segment.scene or "", segment.notes, show.timezone,
                        show.name,
                    ))
    return out.getvalue()


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> list[str]:
    """RFC 5545 folding: at most 75 octets per line, continuation lines start with a space."""
    parts: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not parts else 74
        if len((current + char).encode("utf-8")) > limit:
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current)
    return [parts[0], *(" " + p for p in parts[1:])]


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def show_to_ical(show: Show, now: datetime | None = None) -> str:
    stamp = _utc(now or datetime.now(UTC))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//conference-console//show//EN",
             "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{_escape(show.name)}",
             f"X-WR-TIMEZONE:{show.timezone}"]
    for stage in show.stages:
        for day in stage.days:
            for session in day.sessions:
                for segment in session.segments:
                    description = "\n".join(f"Speaker: {s.name}" for s in segment.speakers)
                    if segment.notes:
                        description = f"{description}\n\n{segment.notes}".strip()
                    lines += [
                        "BEGIN:VEVENT",
                        f"UID:{segment.source_id or segment.id}",
                        f"DTSTAMP:{stamp}",
                        f"DTSTART:{_utc(segment.planned_start)}",
                        f"DTEND:{_utc(segment.planned_end)}",
                        f"SUMMARY:{_escape(segment.title)}",
                        f"LOCATION:{_escape(stage.name)}",
                        f"CATEGORIES:{segment.kind.value}",
                        f"{SESSION_PROPERTY}:{_escape(session.title)}",
                        f"{DAY_PROPERTY}:{day.date.isoformat()}",
                    ]
                    if description:
                        lines.append(f"DESCRIPTION:{_escape(description)}")
                    lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in _fold(line))
