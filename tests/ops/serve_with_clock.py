"""Run gunicorn with its documented command line on the test suite's clock:

    python -m tests.ops.serve_with_clock rbl.wsgi:application --workers 2 ...

The clock starts at tests.clock.NOW and ticks on, as in the tests (so the
second-factor code the test computes is the one the server expects); gunicorn's
workers are forked from this process and keep the clock."""

from __future__ import annotations

import sys

import time_machine

from tests.clock import NOW


def main(argv: list[str]) -> None:
    with time_machine.travel(NOW, tick=True):
        from gunicorn.app.wsgiapp import run

        sys.argv = ["gunicorn", *argv]
        run()


if __name__ == "__main__":
    main(sys.argv[1:])
