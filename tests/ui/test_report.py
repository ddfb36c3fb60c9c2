"""The producer's report from a hand-made database: the PDF's text (pdftotext) and the HTML
hold the sessions and the figures; hostile titles are escaped; the file appears whole or
not at all; it can be drawn on a worker thread with progress. Set ``CONSOLE_SCREENSHOTS``
to a folder to keep the report's pages as pictures."""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import threading
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlite_utils
from PySide6.QtWidgets import QApplication

from console.formats import review_report
from console.models.review import ShowReview
from console.store.review import load_review
from console.ui.report import render_report
from tests.helpers.review_sample import fill_summit

HOSTILE = "<script>alert('x')</script> & \x07bell\x1b[31m"


def review_of(db: sqlite_utils.Database, db_path: Path, name: str = "Summit 2026",
              ) -> ShowReview:
    fill_summit(db, db_path, name)
    return load_review(db)


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True, timeout=60)
    return done.stdout


def keep_pages(path: Path) -> None:
    folder = os.environ.get("CONSOLE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(path),
                        str(Path(folder) / path.stem)], check=True, timeout=60)


class _Page(HTMLParser):
    """The text and the pictures of an HTML page; fails on what a parser refuses."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.images: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "img":
            self.images.append(dict(attrs).get("src") or "")

    def handle_data(self, data: str) -> None:
        self.texts.append(data)


def parsed(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def review(db: sqlite_utils.Database, db_path: Path) -> ShowReview:
    return review_of(db, db_path)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Where the reports go, apart from the database."""
    made = tmp_path / "reports"
    made.mkdir()
    return made


def test_the_pdf_holds_the_sessions_and_the_figures(qapp: QApplication, folder: Path,
                                                    review: ShowReview) -> None:
    assert shutil.which("pdftotext"), "install poppler-utils (make deps)"
    out = folder / "report.pdf"
    render_report(review, out)
    keep_pages(out)
    found = words(pdf_text(out))
    assert "Summit 2026" in found
    assert "Friday 23 October 2026 · times in Europe/Paris (UTC+02:00)" in found
    assert "Morning talks" in found
    assert "Afternoon panel" in found
    # Planned, actual, overrun, peak, average (time-weighted: 60,190 viewer-minutes over
    # 63 minutes), fr, es.
    assert "Fri 23 Oct Morning talks 09:00 10:00 09:00:00 10:03:00 +3:00 1,234 955 0:42 0:00" \
        in found
    assert "14:02:00 14:59:00 -3:00" in found
    assert "fr 09:40:00 09:40:42 0:42 Morning talks" in found
    assert "No sound on air: fr 0:42." in found
    assert "Panel on booths" in found  # the segment that ran most late
    assert "+2:00" in found
    assert "Planned against actual" in found  # a picture's caption


def test_the_html_parses_and_holds_the_same_with_its_pictures_inside(
        qapp: QApplication, folder: Path, review: ShowReview) -> None:
    out = folder / "report.html"
    render_report(review, out)
    page = parsed(out)
    found = words(" ".join(page.texts))
    for expected in ("Summit 2026", "Morning talks", "Afternoon panel", "+3:00", "1,234",
                     "0:42", "-3:00", "No sound on air: fr 0:42."):
        assert expected in found, expected
    assert page.tags.count("table") == 3
    assert len(page.images) == 2  # one day: its timeline and its audience
    for source in page.images:
        assert source.startswith("data:image/png;base64,")
        assert base64.b64decode(source.split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")
    assert "http" not in out.read_text(encoding="utf-8")  # nothing fetched from anywhere


def test_a_hostile_show_name_is_escaped(qapp: QApplication, folder: Path,
                                        db: sqlite_utils.Database, db_path: Path) -> None:
    review = review_of(db, db_path, HOSTILE)
    html_out, pdf_out = folder / "report.htm", folder / "report.pdf"
    render_report(review, html_out)
    render_report(review, pdf_out)
    written = html_out.read_text(encoding="utf-8")
    assert "<script>" not in written
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp;" in written
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", written)
    assert "script" not in parsed(html_out).tags
    found = pdf_text(pdf_out)
    assert "<script>alert('x')</script> &" in found  # shown as text, whole
    assert "\x07" not in found
    assert "\x1b" not in found


def test_text_escapes_markup_and_replaces_control_characters() -> None:
    assert review_report.text('<b a="1">\x00\x85') == "&lt;b a=&quot;1&quot;&gt;\ufffd\ufffd"
    assert review_report.text("tab\tand\nline") == "tab\tand\nline"


def test_a_failed_report_leaves_the_old_file_and_no_half_file(
        qapp: QApplication, folder: Path, review: ShowReview,
        monkeypatch: pytest.MonkeyPatch) -> None:
    out = folder / "report.html"
    out.write_text("the old report", encoding="utf-8")

    def broken(*_args: object) -> str:
        raise OSError("disk full")

    monkeypatch.setattr("console.ui.report.report_html", broken)
    with pytest.raises(OSError, match="disk full"):
        render_report(review, out)
    assert out.read_text(encoding="utf-8") == "the old report"
    assert sorted(p.name for p in folder.iterdir()) == ["report.html"]


def test_another_suffix_is_refused_before_anything_is_drawn(
        qapp: QApplication, folder: Path, review: ShowReview) -> None:
    progress: list[tuple[int, int]] = []
    with pytest.raises(ValueError, match=r"\.pdf, \.html or \.htm"):
        render_report(review, folder / "report.docx", lambda *step: progress.append(step))
    assert progress == []
    assert list(folder.iterdir()) == []


def test_a_worker_thread_draws_it_with_progress(qapp: QApplication, folder: Path,
                                                review: ShowReview) -> None:
    progress: list[tuple[int, int]] = []
    failures: list[BaseException] = []
    out = folder / "report.pdf"

    def work() -> None:
        try:
            render_report(review, out, lambda done, total: progress.append((done, total)))
        except BaseException as error:  # handed to the test's thread
            failures.append(error)

    worker = threading.Thread(target=work, name="report-test")
    worker.start()
    worker.join(120)
    assert not worker.is_alive()
    assert failures == []
    assert progress == [(1, 3), (2, 3), (3, 3)]
    assert "Morning talks" in pdf_text(out)


def test_a_day_nobody_was_counted_on_has_no_audience_picture(
        qapp: QApplication, folder: Path, review: ShowReview) -> None:
    uncounted = replace(review, viewers=())
    out = folder / "report.html"
    render_report(uncounted, out)
    page = parsed(out)
    assert len(page.images) == 1  # the timeline alone
    assert "Audience peak" not in " ".join(page.texts)
