"""Background work of the reporting app, on the task queue (django-tasks with
its database backend, worked by `rbl db_worker`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tasks import task

from rbl.reporting.weekly import weekly_run


@task()
def weekly_quality_mail(peildatum: str | None = None) -> dict[str, Any]:
    """The weekly data-quality run with its mails (`rbl kwaliteit --verstuur`).
    Safe to deliver twice: nobody gets a second mail in the same week."""
    today = dt.date.fromisoformat(peildatum) if peildatum else None
    return weekly_run(today, send=True).summary()
