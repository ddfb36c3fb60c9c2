"""Arguments shared by several subcommands."""

from __future__ import annotations

import argparse
from pathlib import Path

from console import paths


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    """``--db PATH``: the console database; defaults to the user data folder."""
    parser.add_argument(
        "--db", type=Path, default=paths.default_database(), metavar="PATH",
        help="the console database (default: %(default)s)",
    )
