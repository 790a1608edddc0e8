"""Progress on a terminal (rich), silent elsewhere."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn


@contextmanager
def byte_progress(label: str, enabled: bool) -> Iterator[Callable[[int, int, str], None] | None]:
    """Yields a callback(done, total, phase) that drives a progress bar, or None
    when disabled. After reading ("lezen") the bar says it is processing
    ("verwerken"): merging a big file can take longer than reading it."""
    if not enabled or not sys.stdout.isatty():
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int, phase: str = "lezen") -> None:
            description = label if phase == "lezen" else f"{label}: verwerken…"
            bar.update(task, completed=done, total=total, description=description)

        yield update
