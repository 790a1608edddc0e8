"""The registry's own file kinds; importing this module registers them."""

from rbl.registry.imports.kinds import brp, brp_mutaties, duo, scholen

__all__ = ["brp", "brp_mutaties", "duo", "scholen"]
