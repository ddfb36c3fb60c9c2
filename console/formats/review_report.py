"""The producer's report as HTML: title, the figures in words, the per-session table, the
pictures, the outages and the segments that ran most late.

Pure text: the pictures arrive drawn (``ui/report.py`` draws them with the review's
painters) and are referred to by whatever ``source`` the caller gives (a data: URI for
a file that stands alone, a resource name for Qt's PDF). Every text from the show or the
log is escaped, and control characters are replaced, so a title cannot break the page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath
from zoneinfo import ZoneInfo

from console.models.review import (
    Outage,
    SegmentRun,
    SessionSummary,
    ShowReview,
    review_days,
)
from console.models.timer_text import duration_text, signed_duration_text

SUFFIXES = {".pdf": "pdf", ".html": "html", ".htm": "html"}
MOST_LATE = 10  # segments listed as having run most late
# Percent of the width: day, session, planned start and end (each), actual start and end
# (each), overrun, peak, average; the languages share the rest.
SESSION_SHARES = (8, 18, 5, 7, 7, 7, 7)
NO_VALUE = "–"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

STYLE = """
body { font-family: "Noto Sans", "DejaVu Sans", sans-serif; font-size: 10pt; color: #111; }
h1 { font-size: 18pt; margin-bottom: 2pt; }
h2 { font-size: 13pt; margin-top: 14pt; }
p.lead { color: #333; }
table { border-collapse: collapse; }
th { background-color: #e6e8eb; text-align: left; }
th, td { border: 1px solid #9aa3ae; padding: 3px 6px; }
td.num { text-align: right; }
img { max-width: 100%; }
""".strip()


@dataclass(frozen=True)
class Picture:
    """A picture of the report: its name (for its source), the heading it goes under (a
    show day: each starts a page), what it shows, its size in the page's pixels."""

    name: str
    heading: str
    caption: str
    width: int
    height: int


def report_format(path: PurePath) -> str:
    """"pdf" or "html", from the file's suffix; ValueError otherwise."""
    found = SUFFIXES.get(path.suffix.lower())
    if found is None:
        raise ValueError(f"{path}: the report is written as .pdf, .html or .htm")
    return found


def text(value: object) -> str:
    """Any value as HTML text: control characters replaced, markup escaped."""
    return html.escape(_CONTROL.sub("\ufffd", str(value)), quote=True)


def count_text(value: float | None) -> str:
    return NO_VALUE if value is None else f"{round(value):,}"


# --- the pieces -----------------------------------------------------------------------------


def title_line(review: ShowReview) -> str:
    return review.show_name or "As-run log (no show)"


def dates_line(review: ShowReview, zone: ZoneInfo) -> str:
    days = review_days(review, zone)
    if not days:
        return f"Nothing recorded · times in {review.timezone}"
    first, last = days[0].day, days[-1].day
    when = _long_date(first) if first == last else f"{_long_date(first)} to {_long_date(last)}"
    offset = days[0].start.astimezone(zone).strftime("%z")
    return f"{when} · times in {review.timezone} (UTC{offset[:3]}:{offset[3:]})"


def _long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _time(instant: datetime | None, zone: ZoneInfo, *, seconds: bool = False) -> str:
    if instant is None:
        return NO_VALUE
    return instant.astimezone(zone).strftime("%H:%M:%S" if seconds else "%H:%M")


def _span(start: datetime | None, end: datetime | None, zone: ZoneInfo, *,
          seconds: bool = False) -> str:
    if start is None or end is None:
        return NO_VALUE
    return f"{_time(start, zone, seconds=seconds)}–{_time(end, zone, seconds=seconds)}"


def summary_lines(review: ShowReview, zone: ZoneInfo) -> list[str]:
    """The figures a producer asks first, in words."""
    taken = [run for run in review.segments if run.actual_start is not None]
    skipped = [run for run in review.segments if run.skipped]
    lines = [f"{len(taken)} of {len(review.segments)} segments went on air, "
             f"{len(skipped)} skipped."]
    late = [run for run in taken if (run.deviation_s or 0) > 0]
    if late:
        worst = max(late, key=lambda run: run.deviation_s or 0)
        lines.append(f"{len(late)} started late; the latest, {worst.title}, by "
                     f"{signed_duration_text(worst.deviation_s)}.")
    peak, average = review.viewer_stats()
    if peak is not None:
        peak_at = next(p.at for p in review.viewers if p.viewers == peak)
        lines.append(f"Audience peak {count_text(peak)} at {_time(peak_at, zone)}, "
                     f"average {count_text(average)} (all destinations).")
    lost = outage_totals(review.outages)
    if lost:
        lines.append("No sound on air: " + ", ".join(
            f"{language} {duration_text(seconds)}" for language, seconds in lost.items()) + ".")
    return lines


def outage_totals(outages: Sequence[Outage]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for outage in outages:
        totals[outage.language] = totals.get(outage.language, 0.0) + outage.seconds
    return totals


def most_late(review: ShowReview, limit: int = MOST_LATE) -> list[SegmentRun]:
    late = [run for run in review.segments if (run.deviation_s or 0) > 0]
    return sorted(late, key=lambda run: -(run.deviation_s or 0))[:limit]


# --- tables ------------------------------------------------------------------------------------


def _table(head: str, rows: Sequence[str]) -> str:
    body = "".join(rows) or '<tr><td colspan="99">None.</td></tr>'
    return (f'<table border="1" cellspacing="0" cellpadding="4" width="100%">'
            f"<thead>{head}</thead><tbody>{body}</tbody></table>")


def _cells(values: Sequence[str], numeric: range) -> str:
    """Table cells, those in ``numeric`` right-aligned (figures), the rest in the
    direction of their own text (an Arabic title reads right to left)."""
    return "".join(f'<td class="num" align="right">{value}</td>' if index in numeric
                   else f'<td dir="auto">{value}</td>' for index, value in enumerate(values))


def session_table(review: ShowReview, zone: ZoneInfo) -> str:
    """One row per session; the columns' shares of the width are set, since a figure
    that wraps ("09:0" over "0") cannot be read."""
    languages = review.languages
    day_share, session_share, planned_share, actual_share, *rest = SESSION_SHARES
    taken = day_share + session_share + 2 * planned_share + 2 * actual_share + sum(rest)
    language_share = (100 - taken) / max(len(languages), 1)
    day, session, planned, actual, overrun, peak, average = (
        f'width="{share}%"' for share in SESSION_SHARES)
    head = (f'<tr><th rowspan="2" {day}>Day</th><th rowspan="2" {session}>Session</th>'
            '<th colspan="2">Planned</th><th colspan="2">Actual</th>'
            f'<th rowspan="2" {overrun}>Overrun</th><th rowspan="2" {peak}>Peak viewers</th>'
            f'<th rowspan="2" {average}>Average viewers</th>'
            + (f'<th colspan="{len(languages)}">No sound on air</th>' if languages else "")
            + f"</tr><tr><th {planned}>Start</th><th {planned}>End</th>"
            f"<th {actual}>Start</th><th {actual}>End</th>"
            + "".join(f'<th width="{language_share:.1f}%">{text(language)}</th>'
                      for language in languages) + "</tr>")
    rows = [_session_row(session, languages, zone) for session in review.sessions]
    return _table(head, rows)


def _session_row(session: SessionSummary, languages: Sequence[str], zone: ZoneInfo) -> str:
    day = session.planned_start.astimezone(zone)
    values = [text(f"{day:%a} {day.day} {day:%b}"), text(session.title),
              _time(session.planned_start, zone), _time(session.planned_end, zone),
              _time(session.actual_start, zone, seconds=True),
              _time(session.actual_end, zone, seconds=True),
              text(signed_duration_text(session.overrun_s)),
              count_text(session.peak_viewers), count_text(session.average_viewers)]
    values += [text(duration_text(session.outage_s.get(language)))
               for language in languages]
    return f"<tr>{_cells(values, range(2, len(values)))}</tr>"


def outage_table(review: ShowReview, zone: ZoneInfo) -> str:
    head = ("<tr><th>Language</th><th>From</th><th>To</th><th>Length</th>"
            "<th>During</th></tr>")
    rows = []
    for outage in review.outages:
        during = ", ".join(session.title for session in review.sessions
                           if _overlaps(outage, session)) or NO_VALUE
        note = " (no end in the log)" if outage.open_at_end else ""
        values = [text(outage.language), _time(outage.start, zone, seconds=True),
                  _time(outage.end, zone, seconds=True) + text(note),
                  text(duration_text(outage.seconds)), text(during)]
        rows.append(f"<tr>{_cells(values, range(1, 4))}</tr>")
    return _table(head, rows)


def _overlaps(outage: Outage, session: SessionSummary) -> bool:
    if session.actual_start is None or session.actual_end is None:
        return False
    return outage.start < session.actual_end and session.actual_start < outage.end


def late_table(review: ShowReview, zone: ZoneInfo) -> str:
    head = ("<tr><th>Segment</th><th>Speakers</th><th>Session</th><th>Planned start</th>"
            "<th>Actual start</th><th>Late by</th><th>Overrun</th></tr>")
    rows = []
    for run in most_late(review):
        values = [text(run.title), text(", ".join(run.speakers)), text(run.session_title),
                  _time(run.planned_start, zone, seconds=True),
                  _time(run.actual_start, zone, seconds=True),
                  text(signed_duration_text(run.deviation_s)),
                  text(signed_duration_text(run.overrun_s))]
        rows.append(f"<tr>{_cells(values, range(3, 7))}</tr>")
    return _table(head, rows)


# --- the page ---------------------------------------------------------------------------------


def report_html(review: ShowReview, pictures: Sequence[Picture],
                source: Callable[[Picture], str]) -> str:
    """The whole report; each picture's ``src`` is ``source(picture)``."""
    zone = ZoneInfo(review.timezone)
    figures = ""
    for index, picture in enumerate(pictures):
        if index == 0 or picture.heading != pictures[index - 1].heading:
            figures += (f'<h2 style="page-break-before: always">'
                        f"{text(picture.heading)}</h2>")
        figures += (f'<p><img src="{text(source(picture))}" width="{picture.width}" '
                    f'height="{picture.height}" alt="{text(picture.caption)}"><br>'
                    f'<i>{text(picture.caption)}</i></p>')
    lines = "".join(f"<li>{text(line)}</li>" for line in summary_lines(review, zone))
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{text(title_line(review))}: producer's report</title>"
        f"<style>{STYLE}</style></head><body>"
        f'<h1 dir="auto">{text(title_line(review))}</h1>'
        f'<p class="lead">{text(dates_line(review, zone))}</p>'
        f"<ul>{lines}</ul>"
        f"<h2>Sessions</h2>{session_table(review, zone)}"
        f"<h2>No sound on air</h2>{outage_table(review, zone)}"
        f"<h2>Segments that ran most late</h2>{late_table(review, zone)}"
        f"{figures}</body></html>\n")
