"""The producer's review, read from a show's database (see ``models/review.py``).

The audience total is the one the live graph draws (``models/viewer_totals.py``), over
every destination ever counted, removed ones too (their samples are part of the
day): a destination's last count holds until its next sample, until it goes offline
or fails (a gap, not zero), or until it is older than its platform's stale limit
(two and a half poll intervals; a typed count 15 minutes). The total is the sum of the
counts holding at an instant; with none holding, it is a gap. After the last sample the
total ends (a gap) once the longest of those limits has passed.
"""

from __future__ import annotations

import math
import sqlite3
from datetime import UTC, datetime, timedelta

import sqlite_utils

from console.models.asrun import AsRunKind
from console.models.review import ShowReview, ViewerPoint, build_review
from console.models.viewer_totals import TOTAL, ViewerTotals
from console.store.asrun import read_asrun
from console.store.database import StoreError, database_file
from console.store.shows import load_show
from console.store.viewers import destination_names, read_samples

REVIEW_KINDS = (AsRunKind.TAKE, AsRunKind.BACK, AsRunKind.SKIP, AsRunKind.UNSKIP,
                AsRunKind.RESET, AsRunKind.REHEARSAL, AsRunKind.STREAM,
                AsRunKind.INTERPRETER)


def load_review(db: sqlite_utils.Database) -> ShowReview:
    """The review of the show in ``db`` (a log without a show gives one too). Reads in
    one transaction, so a console writing meanwhile never gives a half-read picture.
    Raises StoreError naming the file when the database cannot be read."""
    try:
        with db.atomic():
            show = load_show(db)
            entries = read_asrun(db, kinds=REVIEW_KINDS)
            span = _log_span(db)
            points = viewer_points(db)
    except (sqlite3.Error, ValueError, KeyError) as error:
        raise StoreError(f"{database_file(db)}: could not read the review: {error}") \
            from error
    return build_review(show, entries, points, log_span=span)


def viewer_points(db: sqlite_utils.Database) -> list[ViewerPoint]:
    """The audience total over time, one point per change (see the module's docstring)."""
    totals = ViewerTotals(list(destination_names(db).values()))
    points: list[ViewerPoint] = []
    for key, at, value, replaces_last in totals.add_all(read_samples(db)):
        if key != TOTAL:
            continue
        point = ViewerPoint(datetime.fromtimestamp(at, UTC),
                            None if math.isnan(value) else round(value))
        if replaces_last and points:
            points[-1] = point
        else:
            points.append(point)
    if points and points[-1].viewers is not None:
        # With no later sample to expire it, the last count would hold for ever.
        points.append(ViewerPoint(
            points[-1].at + timedelta(seconds=totals.carried_for_s(TOTAL)), None))
    return points


def _log_span(db: sqlite_utils.Database) -> tuple[datetime, datetime] | None:
    first, last = db.execute("SELECT min(at_utc), max(at_utc) FROM asrun").fetchone()
    if first is None or last is None:
        return None
    return datetime.fromisoformat(first), datetime.fromisoformat(last)
