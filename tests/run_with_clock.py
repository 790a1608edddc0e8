"""Run an `rbl` command on the test suite's clock, for processes that tests start:

    python -m tests.run_with_clock db_worker --no-reload ...

The clock starts at tests.clock.NOW (which follows RBL_TEST_NOW) and ticks on,
as in the tests themselves (tests/conftest.py), so a worker process dates what
it writes as the test process does."""

from __future__ import annotations

import sys

import time_machine

from tests.clock import NOW


def main(argv: list[str]) -> None:
    with time_machine.travel(NOW, tick=True):
        from rbl.cli import main as rbl

        rbl(["rbl", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
