"""A logging filter that keeps BSNs (and other 9-digit numbers) out of log lines.

RBL's own log calls carry ids only; this filter is the safety net for text we
do not write ourselves, such as a database error's detail in a traceback
("Key (bsn)=(…) already exists") logged by Django for a failed request.
"""

from __future__ import annotations

import logging
import re

_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")
MASK = "*********"


def redact(text: str) -> str:
    return _NINE_DIGITS.sub(MASK, text)


class RedactBsnFilter(logging.Filter):
    """Rewrites the record's message and traceback text with 9-digit numbers masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        if record.exc_info:
            formatter = logging.Formatter()
            record.exc_text = redact(formatter.formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
