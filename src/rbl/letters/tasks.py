"""Background work of the letters app, on the task queue (django-tasks with
its database backend, worked by `rbl db_worker`)."""

from __future__ import annotations

from django_tasks import task

from rbl.letters.models import BatchState, LetterBatch
from rbl.letters.services.batch import run_batch


@task()
def make_letter_batch(batch_id: int) -> int:
    """Run a waiting batch started from the screen; progress goes to its row."""
    batch = LetterBatch.objects.filter(pk=batch_id, state=BatchState.WAITING).first()
    if batch is None:  # already run (a task delivered twice does no harm)
        return 0
    return run_batch(batch).letters
