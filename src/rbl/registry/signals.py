"""Signals other apps listen to, so the registry does not depend on them."""

from django.dispatch import Signal

# Sent inside the import's transaction after a kind merged its rows:
# sender = the kind's name (e.g. "brp"), result = the ImportResult so far.
import_applied = Signal()
