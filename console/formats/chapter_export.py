"""Chapters written out: a YouTube chapter list, a CSV for spreadsheets, a CMX 3600 EDL.

YouTube reads chapters from a video's description: lines that start with a
timestamp, the first at 0:00, in ascending order, at least three, each at least
10 seconds long; M:SS under an hour, H:MM:SS from there. A chapter too short for
YouTube is merged into the one after it (which then starts where it started; the
last one into the one before) and a warning says which; fewer than three chapters
are written with a warning, since YouTube then shows none. Descriptions may not
hold ``<`` or ``>``, so titles get look-alikes instead.

The CSV and the EDL keep every chapter, however short, for the editor to judge.
The EDL is CMX 3600, non-drop-frame: one event per chapter from a single source
(reel ``AX``), cut to cut, with the source and record timecodes equal (a timeline
that starts at 00:00:00:00), and the chapter's title and segment in comment lines.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import replace

from console.formats.csv_formulas import neutralise
from console.models.chapters import Chapter, one_line

YOUTUBE_SHORTEST_S = 10
YOUTUBE_FEWEST = 3
CSV_COLUMNS = ("start", "end", "duration", "segment_id", "title", "speakers")
EDL_REEL = "AX"
EDL_TITLE_MAX = 70  # what CMX 3600 readers take of the TITLE line


def label(chapter: Chapter) -> str:
    """``Title — Speaker, Speaker``, or the title alone."""
    if not chapter.speakers:
        return chapter.title
    return f"{chapter.title} — {', '.join(chapter.speakers)}"


# -- YouTube ------------------------------------------------------------------------------


def youtube_clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def youtube_chapters(chapters: list[Chapter]) -> tuple[str, list[str]]:
    """The description's lines, and warnings about what was merged or will not show."""
    warnings: list[str] = []
    # Whole seconds, rounded down: a viewer who jumps lands just before the change.
    kept = [replace(c, start_s=math.floor(c.start_s),
                    end_s=None if c.end_s is None else math.floor(c.end_s)) for c in chapters]
    index = 0
    while index < len(kept) - 1:
        short, following = kept[index], kept[index + 1]
        if following.start_s - short.start_s < YOUTUBE_SHORTEST_S:
            warnings.append(f"{_said(short)} ran {following.start_s - short.start_s:g} s, under "
                            f"YouTube's {YOUTUBE_SHORTEST_S} s: merged into "
                            f"{following.title!r}, which starts there instead")
            kept[index:index + 2] = [replace(following, start_s=short.start_s)]
        else:
            index += 1
    last = kept[-1]
    if len(kept) > 1 and last.end_s is not None \
            and last.end_s - last.start_s < YOUTUBE_SHORTEST_S:
        warnings.append(f"{_said(last)} ran {last.end_s - last.start_s:g} s, under YouTube's "
                        f"{YOUTUBE_SHORTEST_S} s, at the end: merged into {kept[-2].title!r}")
        kept[-2:] = [replace(kept[-2], end_s=last.end_s)]
    if len(kept) < YOUTUBE_FEWEST:
        warnings.append(f"{len(kept)} chapter(s): YouTube shows chapters only when there are "
                        f"at least {YOUTUBE_FEWEST}")
    lines = [f"{youtube_clock(int(c.start_s))} {_no_angle_brackets(label(c))}" for c in kept]
    return "".join(f"{line}\n" for line in lines), warnings


def _said(chapter: Chapter) -> str:
    return f"{chapter.title!r} at {youtube_clock(int(chapter.start_s))}"


def _no_angle_brackets(text: str) -> str:
    return text.replace("<", "‹").replace(">", "›")


# -- CSV ----------------------------------------------------------------------------------


def csv_timecode(seconds: float | None) -> str:
    """``HH:MM:SS.mmm``; empty when not known."""
    if seconds is None:
        return ""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def chapters_csv(chapters: list[Chapter]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for chapter in chapters:
        writer.writerow([
            csv_timecode(chapter.start_s), csv_timecode(chapter.end_s),
            csv_timecode(chapter.duration_s),
            *(neutralise(cell) for cell in (chapter.segment_id or "", chapter.title,
                                            "; ".join(chapter.speakers))),
        ])
    return out.getvalue()


# -- EDL ----------------------------------------------------------------------------------


def edl_timecode(frames: int, fps: int) -> str:
    """``HH:MM:SS:FF`` of a frame count, non-drop-frame."""
    seconds, frame = divmod(frames, fps)
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}:{frame:02d}"


def _frame(seconds: float, fps: int) -> int:
    # A microsecond's slack: 3725.04 s at 25 fps is frame 93126, not 93125.99999.
    return math.floor(seconds * fps + 1e-6)


def chapters_edl(chapters: list[Chapter], title: str, fps: int,
                 open_end_s: float | None = None) -> str:
    """One cut per chapter; a chapter's out is the next one's in. A chapter whose end is
    not known ends at ``open_end_s`` (the last thing known to have happened), and lasts
    one frame at least."""
    lines = [f"TITLE: {one_line(title)[:EDL_TITLE_MAX]}", "FCM: NON-DROP FRAME", ""]
    for number, chapter in enumerate(chapters, 1):
        start = _frame(chapter.start_s, fps)
        end_s = chapter.end_s if chapter.end_s is not None else open_end_s
        end = start + 1 if end_s is None else _frame(end_s, fps)
        end = max(end, start + 1)  # a cut of no frames is no event
        times = " ".join(edl_timecode(frame, fps) for frame in (start, end, start, end))
        lines.append(f"{number:03d}  {EDL_REEL:<8} V     C        {times}")
        lines.append(f"* FROM CLIP NAME: {label(chapter)}")
        if chapter.segment_id is not None:
            lines.append(f"* COMMENT: segment {one_line(chapter.segment_id)}")
        lines.append("")
    return "\n".join(lines)
