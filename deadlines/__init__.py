"""Election calendar and deadline reminder service."""

__version__ = "0.1.0"
