"""Command-line date parsing with Dutch messages."""

from __future__ import annotations

import argparse
import datetime as dt


def cli_date(value: str) -> dt.date:
    """argparse type for YYYY-MM-DD dates (wrong usage -> exit 2 with a Dutch reason)."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"ongeldige datum '{value}': gebruik JJJJ-MM-DD met een bestaande datum"
        ) from None
