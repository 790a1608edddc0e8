"""Business rules of case work as plain typed functions (R-05, R-14 … R-27, R-64).

Every function that changes a case runs in one transaction, locks the case row
(`select_for_update`; SQLite serialises writers itself), checks the version the
user saw, bumps it, and appends a CaseEvent.
"""
