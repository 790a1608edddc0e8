"""Errors the case services raise; their messages are Dutch and shown to users."""

from __future__ import annotations


class CaseRuleError(Exception):
    """A change that the rules of case work do not allow."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConcurrentEditError(CaseRuleError):
    """Someone else changed the record since the user loaded it (no lost updates)."""

    def __init__(self, current_version: int, expected_version: int) -> None:
        super().__init__(
            "Deze zaak is intussen door iemand anders gewijzigd. "
            "Laad de zaak opnieuw en voer uw wijziging daarna nog eens in."
        )
        self.current_version = current_version
        self.expected_version = expected_version
