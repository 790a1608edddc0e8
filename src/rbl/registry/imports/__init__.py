"""Imports of the BRP and DUO files into the registry (formats.md).

`run_import(kind, path, ...)` is the single entry point, used by the
`rbl import` command, the import page and the demo. Kinds register
themselves in `KINDS`; other apps add theirs from their AppConfig.ready().
"""

from rbl.registry.imports.base import KINDS, ImportKind, ImportResult, register, run_import

__all__ = ["KINDS", "ImportKind", "ImportResult", "register", "run_import"]
