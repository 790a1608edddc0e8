"""What the API's error answers are checked for: Dutch text, no English."""

from __future__ import annotations

import re
from typing import Any

ENGLISH = re.compile(
    r"\b(the|not|no|found|matches|method|allowed|authentication|credentials|were|provided|"
    r"parse|error|invalid|request|permission|perform|throttled|expected|available|field|"
    r"required|valid|value|ensure|this|may|must|blank|format|date|number|string|"
    r"characters|choice|page|got|list|dictionary)\b",
    re.IGNORECASE,
)


def texts(value: Any) -> list[str]:
    """Every text in a JSON body."""
    if isinstance(value, dict):
        return [t for v in value.values() for t in texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in texts(v)]
    return [str(value)]


def english_in(body: Any) -> str | None:
    """The first English word in the texts of `body`, None when there is none."""
    found = ENGLISH.search(" ".join(texts(body)))
    return found.group(0) if found else None
