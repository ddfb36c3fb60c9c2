"""``conference-console report`` as a user runs it: a PDF and an HTML file from a show's
database, and the refusals (exit 2) for a wrong --out, a missing or unreadable database."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from console.store.database import open_database
from tests.helpers.cli import console_environment, run_console
from tests.helpers.review_sample import fill_summit


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return console_environment(tmp_path)


@pytest.fixture
def show_db(tmp_path: Path) -> Path:
    path = tmp_path / "show.sqlite"
    db = open_database(path)
    try:
        fill_summit(db, path)
    finally:
        db.close()
    return path


def with_checkpoint(path: Path) -> None:
    """Every committed row in the main file, so its bytes are the whole database."""
    db = open_database(path)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()


@pytest.mark.parametrize("name", ["report.pdf", "Report.HTML"])
def test_a_report_is_written_in_the_format_of_its_suffix(
        tmp_path: Path, env: dict[str, str], show_db: Path, name: str) -> None:
    out = tmp_path / name
    with_checkpoint(show_db)
    before = show_db.read_bytes()
    result = run_console(["report", "--out", str(out), "--db", str(show_db)], env)
    assert result.returncode == 0, result.stderr
    assert show_db.read_bytes() == before  # the report only reads
    assert result.stdout.strip() == f"{out}: report written"
    if name.endswith(".pdf"):
        assert out.read_bytes().startswith(b"%PDF-")
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                              check=True, timeout=60).stdout
    else:
        text = out.read_text(encoding="utf-8")
        assert text.startswith("<!DOCTYPE html>")
    for expected in ("Summit 2026", "Morning talks", "+3:00", "1,234", "0:42"):
        assert expected in text, expected


def test_a_suffix_that_is_neither_is_refused_naming_out(
        tmp_path: Path, env: dict[str, str], show_db: Path) -> None:
    result = run_console(["report", "--out", str(tmp_path / "report.docx"),
                          "--db", str(show_db)], env)
    assert result.returncode == 2
    assert "--out" in result.stderr
    assert ".pdf, .html or .htm" in result.stderr
    assert not (tmp_path / "report.docx").exists()


def test_a_folder_that_does_not_exist_is_refused_naming_out(
        tmp_path: Path, env: dict[str, str], show_db: Path) -> None:
    result = run_console(["report", "--out", str(tmp_path / "nowhere" / "r.pdf"),
                          "--db", str(show_db)], env)
    assert result.returncode == 2
    assert "--out" in result.stderr
    assert "does not exist" in result.stderr


def test_a_missing_or_unreadable_database_is_refused(tmp_path: Path,
                                                     env: dict[str, str]) -> None:
    out = tmp_path / "report.pdf"
    missing = run_console(["report", "--out", str(out), "--db", str(tmp_path / "none.db")],
                          env)
    assert missing.returncode == 2
    assert "no such database" in missing.stderr
    assert not (tmp_path / "none.db").exists()  # not created by asking
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 100)
    unreadable = run_console(["report", "--out", str(out), "--db", str(garbage)], env)
    assert unreadable.returncode == 2
    assert str(garbage) in unreadable.stderr
    assert "Traceback" not in unreadable.stderr
    assert not out.exists()


def test_out_is_required(env: dict[str, str]) -> None:
    result = run_console(["report"], env)
    assert result.returncode == 2
    assert "--out" in result.stderr
