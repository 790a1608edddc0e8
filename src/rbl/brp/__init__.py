"""BRP on demand: look a youth up in the Haal Centraal "BRP bevragen" API (R-10)."""
