"""RBL — open system for a Dutch regional bureau leerplicht."""

__version__ = "0.1.0"
